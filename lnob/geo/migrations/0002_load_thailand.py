"""Loads Thailand's 77 provinces, 928 districts and 7,436 subdistricts from
geothai, so every database — demo, test or production — has them."""

from django.db import migrations

from lnob.geo.loader import load_geography


def forwards(apps, schema_editor):
    load_geography(apps.get_model("geo", "Province"), apps.get_model("geo", "District"),
                   apps.get_model("geo", "Subdistrict"))


def backwards(apps, schema_editor):
    # Villages point at subdistricts; remove them with the areas they sit in.
    for name in ("Village", "Subdistrict", "District", "Province"):
        apps.get_model("geo", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_areas")]
    operations = [migrations.RunPython(forwards, backwards)]
