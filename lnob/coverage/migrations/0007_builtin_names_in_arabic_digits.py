"""The Thai names of two built-in indicators had Thai digits beside Arabic
ones on the same page ("๕ ก", "๑๐๐ คน" next to "ต่อ 100"): Thai pages use
Arabic digits throughout (a report may ask for Thai digits, which converts
every digit). Only names still as installed are changed."""

from django.db import migrations

RENAMED = {
    "five_k_pct": ("ร้อยละของตำบลที่มีครบ ๕ ก", "ร้อยละของตำบลที่มีครบ 5 ก"),
    "volunteers_per_100": ("อาสาสมัครต่อผู้ได้รับการดูแล ๑๐๐ คน",
                           "อาสาสมัครต่อผู้ได้รับการดูแล 100 คน"),
}


def forwards(apps, schema_editor):
    indicator = apps.get_model("coverage", "Indicator")
    for code, (old, new) in RENAMED.items():
        indicator.objects.filter(code=code, name_th=old).update(name_th=new)


def backwards(apps, schema_editor):
    indicator = apps.get_model("coverage", "Indicator")
    for code, (old, new) in RENAMED.items():
        indicator.objects.filter(code=code, name_th=new).update(name_th=old)


class Migration(migrations.Migration):
    dependencies = [("coverage", "0006_rollup_dirty")]
    operations = [migrations.RunPython(forwards, backwards)]
