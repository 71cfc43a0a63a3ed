from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "lnob.matching"
    label = "matching"
    verbose_name = _("Matching givers to receivers")

    def ready(self) -> None:
        # The public needs board (giving, a lower layer) shows why people were
        # left without a carer: it hears it from here, never by importing matching.
        from lnob.giving.selectors import unplaced_provider_register
        from lnob.matching.selectors import unplaced_counts

        unplaced_provider_register(unplaced_counts)
