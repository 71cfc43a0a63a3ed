from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "lnob.welfare"
    label = "welfare"
    verbose_name = _("Welfare")

    def ready(self) -> None:
        from lnob.welfare import receivers  # noqa: F401  (connects to persons_changed)
