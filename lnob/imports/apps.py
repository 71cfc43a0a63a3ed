from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "lnob.imports"
    label = "imports"
    verbose_name = _("Spreadsheet imports")

    def ready(self) -> None:
        from lnob.core.jobs import register_reaper
        from lnob.imports.services import reap_imports

        register_reaper(reap_imports)
