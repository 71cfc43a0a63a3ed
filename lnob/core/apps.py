from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lnob.core"
    label = "core"
    verbose_name = _("Accounts, roles and audit")

    def ready(self) -> None:
        # Audit of logins and failed logins hangs on Django's auth signals.
        from lnob.core import signals  # noqa: F401
