"""The national goods catalogue: rice, adult diapers, infant milk,
wheelchairs, beds… (lnob/giving/catalogue.py); provinces add their own."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from lnob.giving import catalogue

    catalogue.load(apps)


def backwards(apps: Any, schema_editor: Any) -> None:
    from lnob.giving import catalogue

    catalogue.unload(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("giving", "0001_offers_goods_stock_allocations"),
        ("registry", "0002_national_taxonomy"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
