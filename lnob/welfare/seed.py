"""The national schemes seeded on install (data migration 0002). Every figure
and its source is in docs/welfare.md; amounts are data: a province corrects
them with a new version (``scheme_version_add``), never by editing these."""

from __future__ import annotations

from typing import Any

FISCAL_YEAR = 2569  # BE: 1 October 2025 – 30 September 2026
EFFECTIVE_FROM = "2025-10-01"

ID_CARD = "สำเนาบัตรประจำตัวประชาชน / Copy of the citizen ID card"
HOUSE_REGISTER = "สำเนาทะเบียนบ้าน / Copy of the house registration"
BANK_BOOK = "สำเนาสมุดบัญชีเงินฝากธนาคาร (ถ้าประสงค์รับทางธนาคาร) / Copy of the bank book"

SCHEMES: list[dict[str, Any]] = [
    {
        "code": "old_age_allowance",
        "name_th": "เบี้ยยังชีพผู้สูงอายุ",
        "name_en": "Old-age allowance",
        "provider_kind": "local_government",
        "benefit_kind": "monthly_cash",
        "documents": "\n".join([ID_CARD, HOUSE_REGISTER, BANK_BOOK]),
        "referral_suggested": True,
        "decision_days": 60,
        "rule": {"age": {"from": 60}},
        "amounts": [
            {"when": {"age": {"from": 90}}, "baht": 1000},
            {"when": {"age": {"from": 80}}, "baht": 800},
            {"when": {"age": {"from": 70}}, "baht": 700},
        ],
        "amount_baht": 600,
        "source": "Stepped rates 600/700/800/1,000 baht a month by age band (60–69, 70–79, "
                  "80–89, 90+), Cabinet resolution of 2011, paid by local governments under "
                  "the Interior Ministry regulation on old-age allowances B.E. 2552 (as "
                  "amended). See docs/welfare.md.",
    },
    {
        "code": "disability_allowance",
        "name_th": "เบี้ยความพิการ",
        "name_en": "Disability allowance",
        "provider_kind": "local_government",
        "benefit_kind": "monthly_cash",
        "documents": "\n".join([
            ID_CARD, HOUSE_REGISTER,
            "สำเนาบัตรประจำตัวคนพิการ / Copy of the disability ID card", BANK_BOOK]),
        "referral_suggested": True,
        "decision_days": 60,
        "rule": {"disability_registered": True},
        "amounts": [{"when": {"age": {"below": 18}}, "baht": 1000}],
        "amount_baht": 800,
        "source": "800 baht a month; 1,000 baht under 18 (from fiscal year 2564), Interior "
                  "Ministry regulation on disability allowances B.E. 2553 (as amended). "
                  "See docs/welfare.md.",
    },
    {
        "code": "child_support_grant",
        "name_th": "เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด",
        "name_en": "Child support grant",
        "provider_kind": "ministry",
        "benefit_kind": "monthly_cash",
        "documents": "\n".join([
            "สำเนาบัตรประจำตัวประชาชนของผู้ปกครอง / Copy of the carer's citizen ID card",
            "สำเนาสูติบัตรของเด็ก / Copy of the child's birth certificate",
            "แบบรับรองสถานะของครัวเรือน (ดร.01) / Household status form (DR.01)",
            BANK_BOOK]),
        "referral_suggested": True,
        "decision_days": 60,
        "rule": {"all": [{"age": {"below": 6}}, {"income": {"below": 100000}}]},
        "amounts": [],
        "amount_baht": 600,
        "source": "600 baht a month for children under 6 in households with income below "
                  "100,000 baht a year per head, Cabinet resolution of 26 March 2019 "
                  "(Department of Children and Youth). See docs/welfare.md.",
    },
    {
        "code": "state_welfare_card",
        "name_th": "บัตรสวัสดิการแห่งรัฐ",
        "name_en": "State welfare card",
        "provider_kind": "ministry",
        "benefit_kind": "card",
        "documents": "\n".join([
            ID_CARD,
            "ลงทะเบียนในรอบที่กระทรวงการคลังเปิด / Registration during a round the "
            "Ministry of Finance opens"]),
        "referral_suggested": True,
        "decision_days": 90,
        "rule": {"all": [{"age": {"from": 18}}, {"income": {"below": 100000}}]},
        "amounts": [{"when": {"income": {"below": 30000}}, "baht": 300}],
        "amount_baht": 200,
        "source": "Adults with income of at most 100,000 baht a year; purchase credit 300 "
                  "baht a month (income up to 30,000) or 200 baht (above), Ministry of "
                  "Finance registration rounds of 2017 and 2022. Asset limits are not "
                  "checked. See docs/welfare.md.",
    },
    {
        "code": "emergency_family_relief",
        "name_th": "เงินสงเคราะห์ครอบครัวผู้มีรายได้น้อยและผู้ไร้ที่พึ่ง",
        "name_en": "Emergency relief for low-income families",
        "provider_kind": "provincial_office",
        "benefit_kind": "one_off",
        "documents": "\n".join([
            ID_CARD, HOUSE_REGISTER,
            "หนังสือรับรองความเดือดร้อนจากผู้นำชุมชน / A community leader's letter on the "
            "hardship"]),
        "referral_suggested": False,
        "decision_days": 30,
        "rule": {"income": {"below": 100000}},
        "amounts": [],
        "amount_baht": 3000,
        "source": "Up to 3,000 baht a time (at most three times a year) for a family in "
                  "crisis, provincial social development offices (Department of Social "
                  "Development and Welfare). An officer judges the crisis: counted, not "
                  "pushed as a referral. See docs/welfare.md.",
    },
]


def seed(apps: Any, schema_editor: Any) -> None:
    import datetime

    scheme_model = apps.get_model("welfare", "Scheme")
    version_model = apps.get_model("welfare", "SchemeVersion")
    for data in SCHEMES:
        data = dict(data)
        version = {k: data.pop(k) for k in ("rule", "amounts", "amount_baht", "source")}
        scheme, _created = scheme_model.objects.get_or_create(code=data.pop("code"),
                                                              defaults=data)
        version_model.objects.get_or_create(
            scheme=scheme, effective_from=datetime.date.fromisoformat(EFFECTIVE_FROM),
            defaults={"fiscal_year": FISCAL_YEAR, **version})


def unseed(apps: Any, schema_editor: Any) -> None:
    scheme_model = apps.get_model("welfare", "Scheme")
    version_model = apps.get_model("welfare", "SchemeVersion")
    codes = [s["code"] for s in SCHEMES]
    version_model.objects.filter(scheme__code__in=codes).delete()
    scheme_model.objects.filter(code__in=codes, benefits__isnull=True,
                                referrals__isnull=True).delete()
