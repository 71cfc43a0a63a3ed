"""The four national target groups and the national needs (PRODUCT.md)."""

from django.db import migrations

from lnob.registry.taxonomy import NATIONAL_GROUPS, NATIONAL_NEEDS


def forwards(apps, schema_editor):
    for model_name, rows in (("TargetGroup", NATIONAL_GROUPS), ("Need", NATIONAL_NEEDS)):
        model = apps.get_model("registry", model_name)
        for sort, (code, name_th, name_en) in enumerate(rows, start=1):
            model.objects.update_or_create(
                province_code="", code=code,
                defaults={"name_th": name_th, "name_en": name_en, "sort": sort})


def backwards(apps, schema_editor):
    apps.get_model("registry", "TargetGroup").objects.filter(province_code="").delete()
    apps.get_model("registry", "Need").objects.filter(province_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_people_in_need")]
    operations = [migrations.RunPython(forwards, backwards)]
