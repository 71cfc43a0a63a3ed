from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GivingConfig(AppConfig):
    name = "lnob.giving"
    label = "giving"
    verbose_name = _("Volunteer and giving centre")

    def ready(self) -> None:
        # Offers, givers and accepted capacity in the coverage roll-ups
        # (coverage sits below giving: it calls what giving registers).
        from lnob.coverage.contributors import register
        from lnob.giving.counted import CONTRIBUTOR

        register(CONTRIBUTOR)
