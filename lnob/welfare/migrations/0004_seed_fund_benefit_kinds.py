"""The kinds of benefit community welfare funds usually pay (the ones the
community welfare fund network's handbooks list: from birth to death). Data:
an administrator adds another in the admin."""

from typing import Any

from django.db import migrations

KINDS = [
    ("birth", "คลอดบุตร / เด็กแรกเกิด", "Birth"),
    ("sickness", "เจ็บป่วย / นอนโรงพยาบาล", "Sickness"),
    ("death", "เสียชีวิต (ฌาปนกิจ)", "Death"),
    ("old_age", "ผู้สูงอายุ / บำนาญชุมชน", "Old age"),
    ("disability", "คนพิการ", "Disability"),
    ("education", "ทุนการศึกษา", "Education"),
    ("other", "อื่น ๆ", "Other"),
]


def seed(apps: Any, schema_editor: Any) -> None:
    kind = apps.get_model("welfare", "FundBenefitKind")
    for order, (code, th, en) in enumerate(KINDS, start=1):
        kind.objects.update_or_create(code=code, defaults={"name_th": th, "name_en": en,
                                                           "order": order})


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("welfare", "FundBenefitKind").objects.filter(
        code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("welfare", "0003_fund_members_contributions_benefits")]

    operations = [migrations.RunPython(seed, unseed)]
