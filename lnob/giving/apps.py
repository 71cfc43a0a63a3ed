from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GivingConfig(AppConfig):
    name = "lnob.giving"
    label = "giving"
    verbose_name = _("Volunteer and giving centre")

    def ready(self) -> None:
        # Coverage sits below giving, so it calls what giving registers here:
        # offers, givers and accepted capacity in the roll-ups, and the
        # public dashboard's table of offers per area.
        from lnob.coverage.contributors import register
        from lnob.coverage.public_tables import giving_counts_register
        from lnob.giving.counted import CONTRIBUTOR
        from lnob.giving.selectors import counts_by_child_area

        register(CONTRIBUTOR)
        giving_counts_register(counts_by_child_area)
