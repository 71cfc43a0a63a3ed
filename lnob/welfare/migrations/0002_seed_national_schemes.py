"""Seeds the main national schemes (lnob/welfare/seed.py; sources in docs/welfare.md)."""

from django.db import migrations

from lnob.welfare.seed import seed, unseed


class Migration(migrations.Migration):
    dependencies = [("welfare", "0001_schemes_benefits_eligibility")]

    operations = [migrations.RunPython(seed, unseed)]
