"""The built-in indicators from the seed and their national default targets."""

from django.db import migrations

from lnob.coverage.builtin import BUILTIN_INDICATORS, install


def forwards(apps, schema_editor):
    install(apps.get_model("coverage", "Indicator"), apps.get_model("coverage", "MilestoneTarget"))


def backwards(apps, schema_editor):
    apps.get_model("coverage", "Indicator").objects.filter(
        code__in=[i["code"] for i in BUILTIN_INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("coverage", "0001_roll_ups_indicators_roadmap")]
    operations = [migrations.RunPython(forwards, backwards)]
