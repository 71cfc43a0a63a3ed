from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DedupConfig(AppConfig):
    name = "lnob.dedup"
    label = "dedup"
    verbose_name = _("One person, one record")

    def ready(self) -> None:
        from lnob.dedup import receivers  # noqa: F401  (connects the signal receivers)
