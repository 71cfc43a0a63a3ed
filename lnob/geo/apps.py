from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "lnob.geo"
    label = "geo"
    verbose_name = _("Geography")

    def ready(self) -> None:
        from lnob.core.services import area_lookup_register
        from lnob.geo.selectors import area_by_code

        area_lookup_register(area_by_code)
