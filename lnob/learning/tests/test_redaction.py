"""IDs and phone numbers typed into free text, however they are written, never
reach the pages of roles without personal data, the public story pages and
feed, or the official report."""

from __future__ import annotations

import pytest
from django.test import Client

from lnob.core.models import User
from lnob.learning.aar.services import aar_create
from lnob.learning.redact import HIDDEN, redact
from lnob.learning.stories.services import story_create
from lnob.learning.tests.conftest import aar_data, story_data
from lnob.learning.tests.test_stories import publish

pytestmark = pytest.mark.django_db

PERSONAL = [
    "3.8401.25694.77.3", "384012 5694773", "3-8401-25694-77-3", "3840125694773",
    "๓-๘๔๐๑-๒๕๖๙๔-๗๗-๓", "081-234-5678", "081 234 5678", "0812345678", "081.234.5678",
    "02-123-4567", "077 123 456", "+66 81 234 5678", "+66812345678", "0066 2 123 4567",
    "๐๘๑-๒๓๔-๕๖๗๘",
]
NOT_PERSONAL = [
    "ปี 2566", "1,234 คน", "12/03/2566", "บ้านเลขที่ 123/45 หมู่ 6", "1,500,000 บาท",
    "10.30 น.", "ร้อยละ 12.5", "ตำบล 840503", "ปีงบประมาณ 2566-2567", "สายด่วน 1300",
]


@pytest.mark.parametrize("typed", PERSONAL)
def test_every_way_of_writing_an_id_or_a_phone_is_hidden(typed: str) -> None:
    assert redact(f"ติดต่อ {typed} ได้เลย") == f"ติดต่อ {HIDDEN} ได้เลย"


@pytest.mark.parametrize("typed", NOT_PERSONAL)
def test_figures_dates_and_addresses_stay(typed: str) -> None:
    assert redact(f"ข้อมูล {typed} ครับ") == f"ข้อมูล {typed} ครับ"


def test_a_review_read_by_the_committee_hides_them(client: Client, officer: User,
                                                   committee: User, analyst: User) -> None:
    aar = aar_create(actor=officer, data=aar_data(
        happened="โทร 081 234 5678 หรือดูบัตร 3.8401.25694.77.3"))
    for reader in (committee, analyst):
        client.force_login(reader)
        body = client.get(f"/learning/aars/{aar.pk}/").content.decode()
        assert "234 5678" not in body and "25694" not in body and HIDDEN in body


def test_the_public_story_page_list_and_feed_hide_them(client: Client, officer: User) -> None:
    story = publish(officer, story_create(actor=officer, data=story_data(
        summary="ติดต่อคุณยายที่ 081-234-5678",
        body="บัตรประชาชน 384012 5694773 ของยายหายไป")))
    for url in (f"/stories/{story.pk}/", "/stories/", "/stories/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "234-5678" not in body and "5694773" not in body, url
