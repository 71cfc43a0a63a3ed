"""Two built-in indicators: givers per 1,000 residents (issue 17) and the
share of eligible elders receiving the old-age allowance (issue 18), with
their national default targets."""

from django.db import migrations

from lnob.coverage.builtin import install

CODES = ("givers_per_1000", "old_age_receiving_pct")


def forwards(apps, schema_editor):
    install(apps.get_model("coverage", "Indicator"), apps.get_model("coverage", "MilestoneTarget"),
            codes=CODES)


def backwards(apps, schema_editor):
    apps.get_model("coverage", "Indicator").objects.filter(code__in=CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("coverage", "0008_contributed_figures")]
    operations = [migrations.RunPython(forwards, backwards)]
