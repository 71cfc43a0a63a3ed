"""The four national target groups and the national needs (PRODUCT.md)."""

from django.db import migrations

from lnob.registry.migrations._national_taxonomy import load


def forwards(apps, schema_editor):
    load(apps)


def backwards(apps, schema_editor):
    apps.get_model("registry", "TargetGroup").objects.filter(province_code="").delete()
    apps.get_model("registry", "Need").objects.filter(province_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_people_in_need")]
    operations = [migrations.RunPython(forwards, backwards)]
