from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "lnob.coverage"
    label = "coverage"
    verbose_name = _("Coverage and roadmap")

    def ready(self) -> None:
        # The roll-ups follow every change of persons, cases and capacity.
        import lnob.coverage.receivers  # noqa: F401

        # Residents per subdistrict (geo.Population) beside the figures.
        from lnob.coverage.contributors import register
        from lnob.coverage.population import CONTRIBUTOR

        register(CONTRIBUTOR)
