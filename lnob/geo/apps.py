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

        from django.db.models.signals import post_delete, post_save

        from lnob.geo.cache import areas_changed
        from lnob.geo.models import District, Province, Subdistrict, Village

        for model in (Province, District, Subdistrict, Village):
            post_save.connect(areas_changed, sender=model, dispatch_uid=f"geo-cache-save-{model}")
            post_delete.connect(areas_changed, sender=model,
                                dispatch_uid=f"geo-cache-delete-{model}")
