"""The giving and welfare sections of the official reports (issues 17 and
18): the PDF holds the figures, read back from its text; counts of people
under 5 are printed "<5"; the offers table (with totals) lets no small count
be worked out; other provinces' figures stay out of a provincial report."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lnob.core.models import User
from lnob.exports.pdf import join_sara_am
from lnob.geo.models import Subdistrict
from lnob.giving.models import GoodsItem, Offer, OfferKind, OfferStatus
from lnob.learning.models import Report, ReportStatus
from lnob.learning.reports.services import ReportData, report_generate, report_request
from lnob.learning.tests.conftest import KO_TAO, make_person
from lnob.testing import today
from lnob.testing.suppression import assert_safe
from lnob.welfare.models import Eligibility, Referral, Result, Scheme, SchemeVersion

pytestmark = pytest.mark.django_db
KRABI = "810101"


def _text(report: Report) -> str:
    import io
    import re

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(report.pdf.read()))
    return re.sub(r"\s+", "", join_sara_am("\n".join(p.extract_text() for p in reader.pages)))


def _make(actor: User, kind: str, area: str) -> Report:
    report = report_request(actor=actor, data=ReportData(
        kind=kind, area_code=area, period_start=today() - datetime.timedelta(days=30),
        period_end=today()))
    done = report_generate(report.pk)
    assert done is not None and done.status == ReportStatus.DONE, done and done.problem
    return done


def _offers(code: str, kind: str, status: str, n: int, start: int, **fields: object) -> None:
    sub = Subdistrict.objects.select_related("district").get(code=code)
    for i in range(n):
        Offer.objects.create(kind=kind, status=status, giver_name="ผู้ให้",
                             giver_phone=f"08{start + i:08d}", area_code=code, subdistrict=sub,
                             district_code=code[:4], province_code=code[:2],
                             consent_at=timezone.now(), **fields)


@pytest.fixture
def giving_and_welfare(officer: User) -> Scheme:
    diapers = GoodsItem.objects.get(code="adult_diapers", province_code="")
    _offers(KO_TAO, OfferKind.TIME, OfferStatus.RECEIVED, 7, 0)
    _offers(KO_TAO, OfferKind.GOODS, OfferStatus.ACCEPTED, 6, 100, goods_item=diapers,
            quantity=10)
    _offers(KO_TAO, OfferKind.SERVICE, OfferStatus.DECLINED, 2, 200, capacity=3)
    _offers(KRABI, OfferKind.TIME, OfferStatus.RECEIVED, 9, 300)  # another province
    scheme = Scheme.objects.get(code="old_age_allowance")
    version = SchemeVersion.objects.filter(scheme=scheme).first()
    assert version is not None
    people = [make_person(officer, first=f"คนที่{i}", last="ทดสอบ") for i in range(12)]
    Eligibility.objects.filter(scheme=scheme).delete()
    for i, person in enumerate(people):
        Eligibility.objects.create(person=person, scheme=scheme, version=version,
                                   result=Result.ELIGIBLE, receiving=i < 6,
                                   province_code="84", district_code="8405",
                                   subdistrict_code=KO_TAO, evaluated_on=today())
    for person in people[6:9]:
        Referral.objects.create(person=person, scheme=scheme, province_code="84",
                                district_code="8405", subdistrict_code=KO_TAO,
                                due_on=today() + datetime.timedelta(days=30))
    return scheme


def test_the_province_report_prints_giving_and_welfare_figures(
        officer: User, giving_and_welfare: Scheme) -> None:
    report = _make(officer, "province", "84")
    giving, welfare = report.data["giving"], report.data["welfare"]
    # Surat Thani's 15 offers only (Krabi's 9 are another province's).
    assert giving["offers"] == 15 and giving["givers"] == 15
    assert giving["goods_accepted"] == 60 and giving["volunteers"] == "<5"
    published = [r["cells"] for r in giving["rows"]] + [giving["total"]]
    assert_safe(published)
    flat = _text(report)
    assert "การให้" in flat  # the section's heading, in Thai
    for row in giving["rows"]:
        assert row["kind"].replace(" ", "") + "".join(str(c) for c in row["cells"]) in flat
    assert "60หน่วย" in flat and "15ราย" in flat
    # Welfare per scheme: eligible 12, receiving 6, half of them, referred 3 (<5), approved 0.
    old_age = next(s for s in welfare["schemes"] if s["code"] == "old_age_allowance")
    assert (old_age["eligible"], old_age["receiving"], old_age["share"],
            old_age["referred"], old_age["approved"]) == (12, 6, 50.0, "<5", "<5")
    assert "เบี้ยยังชีพผู้สูงอายุ12650%<5<5" in flat


def test_the_national_summary_and_cabinet_brief_count_the_whole_country(
        analyst: User, giving_and_welfare: Scheme) -> None:
    national = _make(analyst, "national", "")
    assert national.data["giving"]["offers"] == 24
    flat = _text(national)
    assert "24" in flat and "เบี้ยยังชีพผู้สูงอายุ12650%" in flat
    cabinet = _make(analyst, "cabinet", "")
    assert cabinet.pages == 1
    flat = _text(cabinet)
    assert "24ครั้ง" in flat and "เบี้ยยังชีพผู้สูงอายุ(50%)" in flat


def test_small_welfare_counts_and_their_share_are_not_printed(
        officer: User, giving_and_welfare: Scheme) -> None:
    Eligibility.objects.filter(scheme=giving_and_welfare, receiving=False).update(
        receiving=True)  # 12 of 12: none left out
    Eligibility.objects.filter(scheme=giving_and_welfare).first().delete()  # type: ignore[union-attr]
    report = _make(officer, "province", "84")
    old_age = next(s for s in report.data["welfare"]["schemes"]
                   if s["code"] == "old_age_allowance")
    # 11 eligible, all receiving: "100 %" would say that none is left out.
    assert old_age["eligible"] == 11 and old_age["share"] is None
    assert "เบี้ยยังชีพผู้สูงอายุ1111—" in _text(report)


def test_an_english_report_names_schemes_and_offers_in_english(
        officer: User, giving_and_welfare: Scheme) -> None:
    report = report_request(actor=officer, data=ReportData(
        kind="province", area_code="84", period_start=today() - datetime.timedelta(days=30),
        period_end=today(), language="en"))
    done = report_generate(report.pk)
    assert done is not None and done.status == ReportStatus.DONE
    flat = _text(done)
    assert "Giving:offers,giversandwhattheybecame" in flat
    assert "Old-ageallowance12650%<5<5" in flat and "60units" in flat
