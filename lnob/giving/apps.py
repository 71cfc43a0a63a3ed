from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GivingConfig(AppConfig):
    name = "lnob.giving"
    label = "giving"
    verbose_name = _("Volunteer and giving centre")

    def ready(self) -> None:
        # The public dashboard (coverage, a lower layer) shows offers, givers
        # and offers accepted per area: it hears them from here.
        from lnob.coverage.public_tables import giving_counts_register
        from lnob.giving.selectors import counts_by_child_area

        giving_counts_register(counts_by_child_area)
