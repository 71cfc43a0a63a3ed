from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from lnob.geo.loader import load_geography
from lnob.geo.models import District, Province, Subdistrict


class Command(BaseCommand):
    help = "Load or refresh provinces, districts and subdistricts from geothai (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            result = load_geography(Province, District, Subdistrict)
        self.stdout.write(
            f"{result.provinces} provinces, {result.districts} districts, "
            f"{result.subdistricts} subdistricts ({result.created} created, "
            f"{result.updated} updated)"
        )
