from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "lnob.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # The worker files the public reports the door kept (a drain of the
        # follow-ups' rounds).
        from lnob.cases.intake import door  # noqa: F401
