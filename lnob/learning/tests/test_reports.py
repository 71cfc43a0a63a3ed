"""Official reports: asked for (checked, audited), made in the background,
kept, downloaded as PDF. The PDF tests open the file with pypdf: the Thai
text must come out whole (no lost vowel or tone mark), the pages must be as
many as the layout says, and a province report must hold no citizen ID and no
name of a person in the registry — even when an AAR's writer typed them."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.coverage.roadmap import roadmap_update
from lnob.coverage.rollup import rollup_full
from lnob.exports.pdf import join_sara_am
from lnob.learning.aar.services import aar_create, lesson_add
from lnob.learning.models import Report, ReportStatus
from lnob.learning.reports.render import thai_digits_in_text
from lnob.learning.reports.services import ReportData, report_generate, report_request
from lnob.learning.stories.services import story_create, story_step
from lnob.learning.tests.conftest import (
    SECRET_FIRST,
    SECRET_ID,
    SECRET_LAST,
    aar_data,
    make_person,
    story_data,
)
from lnob.networks.models import Network
from lnob.testing import today

pytestmark = pytest.mark.django_db


def start() -> datetime.date:
    """Ninety days ago, read when the test runs."""
    return today() - datetime.timedelta(days=90)


# Thai marks that can only follow a consonant: one at the start of a word
# means a vowel or tone mark came apart from its letter.
ORPHAN_MARK = re.compile(r"(?:^|\s)[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def squeezed(text: str) -> str:
    """Text as read back from the PDF, SARA AM joined again, without the
    spaces and line breaks the layout put in."""
    return re.sub(r"\s+", "", join_sara_am(text))


def make(actor: User, **overrides: Any) -> Report:
    values: dict[str, Any] = {"kind": "province", "area_code": "84", "period_start": start(),
                              "period_end": today()}
    values.update(overrides)
    report = report_request(actor=actor, data=ReportData(**values))
    done = report_generate(report.pk)
    assert done is not None and done.status == ReportStatus.DONE, done and done.problem
    return done


@pytest.fixture
def province(officer: User, network: Network) -> None:
    """Surat Thani with people (one with a citizen ID), a review whose writer
    typed that person's name and ID, a published story, the roll-ups and a
    D-Day 60 days ago."""
    make_person(officer, first=SECRET_FIRST, last=SECRET_LAST, citizen_id=SECRET_ID)
    make_person(officer, first="สมหญิง", last="ดีงาม", purposes=("care", "publication"))
    aar = aar_create(actor=officer, data=aar_data(
        title="ทบทวนการทำงานเวทีประชาคมเกาะเต่า",
        happened=f"พบนาย{SECRET_FIRST} {SECRET_LAST} เลขประจำตัว {SECRET_ID} "
                 "ชุมชนมีน้ำใจช่วยกันค้นหา"))
    lesson_add(actor=officer, aar=aar, text="กำลังใจจากเพื่อนบ้านสำคัญที่สุด",
               tags="ชุมชนต้นแบบ")
    story = story_create(actor=officer, data=story_data(
        title="ครัวชุมชนเกาะเต่า", body="นางสมหญิง ดีงาม ทำอาหารส่งผู้สูงอายุทุกวัน"))
    for action in ("submit", "review", "publish"):
        story = story_step(actor=officer, story=story, action=action)
    roadmap_update(actor=officer, province_code="84",
                   d_day=today() - datetime.timedelta(days=60), targets={})
    rollup_full()


def test_a_province_report_is_a_thai_a4_pdf_with_no_personal_data(
        officer: User, province: None) -> None:
    report = make(officer)
    reader, text = pdf_text(report.pdf.read())
    flat = squeezed(text)
    # Thai comes out whole: names of places and indicators, and texts with
    # SARA AM and tone marks (น้ำใจ, กำลังใจ, ประชาคม).
    for expected in ("สุราษฎร์ธานี", "เกาะพะงัน", "ทบทวนการทำงานเวทีประชาคมเกาะเต่า",
                     "ชุมชนมีน้ำใจช่วยกันค้นหา", "กำลังใจจากเพื่อนบ้านสำคัญที่สุด",
                     "ร้อยละของตำบลที่มีครบ5ก", "ครัวชุมชนเกาะเต่า"):
        assert expected in flat, expected
    # Units in Thai beside the figures ("2,035 คน", "10 วัน"), never the unit's
    # code ("2035 people", "10 days", "12.3 per 100").
    assert "คน" in flat
    for english in ("people", "days", "per100", "forums"):
        assert english not in flat, english
    assert not ORPHAN_MARK.search(join_sara_am(text))
    assert "\u25cc" not in text  # no dotted circle: no mark without its letter
    # A4, several pages (a cover, then the figures), numbered.
    assert len(reader.pages) == report.pages >= 3
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)
    assert f"1/{report.pages}" in flat
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages
             for f in p["/Resources"]["/Font"].values()}  # type: ignore[index]
    assert any("Sarabun" in f for f in fonts)
    # No personal data, although the AAR's writer typed a name and an ID.
    digits = re.sub(r"\D", "", text)
    assert SECRET_ID not in digits and SECRET_FIRST not in flat and SECRET_LAST not in flat
    assert "สมหญิง" not in flat  # named in a published story: still not in a report
    assert SECRET_FIRST not in str(report.data) and SECRET_ID not in str(report.data)
    assert report.data["five_k"][-1]["subdistricts"] > 50


def test_thai_digits_are_used_for_figures_dates_and_page_numbers(officer: User,
                                                                 province: None) -> None:
    report = make(officer, thai_digits=True)
    _reader, text = pdf_text(report.pdf.read())
    flat = squeezed(text)
    assert "๑/" in flat and "2569" not in flat and "๒๕๖๙" in flat


def test_the_cabinet_brief_is_one_page_with_the_three_headings(analyst: User,
                                                               province: None) -> None:
    report = make(analyst, kind="cabinet", area_code="")
    reader, text = pdf_text(report.pdf.read())
    assert len(reader.pages) == 1 == report.pages
    flat = squeezed(text)
    for heading in ("เรื่องเดิม", "ข้อเท็จจริง", "ข้อพิจารณา", "คณะรัฐมนตรี"):
        assert heading in flat
    assert not ORPHAN_MARK.search(join_sara_am(text))


def test_the_national_summary_compares_provinces(analyst: User, officer: User,
                                                 other_officer: User, province: None) -> None:
    make_person(other_officer, first="อนันต์", last="ทะเลงาม", code="810101")
    rollup_full()
    report = make(analyst, kind="national", area_code="")
    _reader, text = pdf_text(report.pdf.read())
    flat = squeezed(text)
    assert "สุราษฎร์ธานี" in flat and "กระบี่" in flat and "อนันต์" not in flat
    assert {r["code"] for r in report.data["rows"]} >= {"81", "84"}


def test_a_period_that_ends_before_it_starts_is_refused_naming_the_field(
        officer: User) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as err:
        report_request(actor=officer, data=ReportData(
            kind="province", area_code="84", period_start=today(),
            period_end=today() - datetime.timedelta(days=1)))
    assert "period_end" in err.value.message_dict
    assert "ends before it starts" in err.value.message_dict["period_end"][0]
    assert not Report.objects.exists()


def test_the_page_refuses_a_backwards_period_and_changes_nothing(client: Client,
                                                                 officer: User) -> None:
    client.force_login(officer)
    response = client.post("/learning/reports/", {
        "kind": "province", "province": "84", "period_start": "31/3/2569",
        "period_end": "1/1/2569", "language": "th"})
    assert response.status_code == 400
    assert 'id="id_period_end_error"' in response.content.decode()
    assert not Report.objects.exists()


def test_who_may_ask_for_which_report(officer: User, coordinator: User, analyst: User
                                      ) -> None:
    data = ReportData(kind="province", area_code="81", period_start=start(), period_end=today())
    with pytest.raises(PermissionError):
        report_request(actor=officer, data=data)
    with pytest.raises(PermissionError):
        report_request(actor=coordinator, data=ReportData(
            kind="province", area_code="84", period_start=start(), period_end=today()))
    with pytest.raises(PermissionError):
        report_request(actor=officer, data=ReportData(kind="national", period_start=start(),
                                                      period_end=today()))
    assert report_request(actor=analyst, data=ReportData(
        kind="national", period_start=start(), period_end=today())).status == "queued"


def test_asking_generating_and_downloading_are_audited_and_scoped(
        client: Client, officer: User, committee: User, other_officer: User, stranger: User,
        make_user: Callable[..., User], province: None) -> None:
    client.force_login(officer)
    response = client.post("/learning/reports/", {
        "kind": "province", "province": "84", "period_start": start().strftime("%d/%m/%Y"),
        "period_end": today().strftime("%d/%m/%Y"), "language": "th"})
    report = Report.objects.get()
    assert response.status_code == 302 and report.status == ReportStatus.DONE  # run at once
    events = AuditEvent.objects.filter(object_type="learning.report", object_id=str(report.pk))
    assert {e.action for e in events} == {"create", "update"}
    page = client.get(f"/learning/reports/{report.pk}/").content.decode()
    assert "ทบทวนการทำงานเวทีประชาคมเกาะเต่า" in page and SECRET_FIRST not in page
    client.force_login(committee)
    pdf = client.get(f"/learning/reports/{report.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert events.filter(action="export", actor=committee).exists()
    client.force_login(other_officer)
    assert client.get(f"/learning/reports/{report.pk}/").status_code == 404
    assert client.get(f"/learning/reports/{report.pk}/pdf/").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/learning/reports/{report.pk}/").status_code == 403
    client.force_login(make_user("national", Role.NATIONAL_ANALYST, ""))
    assert client.get(f"/learning/reports/{report.pk}/pdf/").status_code == 200


def test_thai_digits_never_touch_markup_or_entities() -> None:
    html = '<p class="x1">ปี 2569 &#x27;ok&#x27;</p><svg width="10"><text x="5">42</text></svg>'
    assert thai_digits_in_text(html) == (
        '<p class="x1">ปี ๒๕๖๙ &#x27;ok&#x27;</p><svg width="10"><text x="5">๔๒</text></svg>')


def test_a_report_without_roll_ups_still_says_so(officer: User) -> None:
    report = make(officer)
    assert report.data["figures"]["available"] is False
    assert report.pages >= 2
