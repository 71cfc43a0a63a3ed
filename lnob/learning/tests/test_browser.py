"""At a real browser (Debian's Chromium): a provincial officer writes an after
action review with a lesson, writes a good story with a photo, takes it
through review to publication, and anyone then finds it on the public site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password

from lnob.conftest import PASSWORD, sign_in
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.geo.loader import load_geography
from lnob.geo.models import District, Province, Subdistrict
from lnob.learning.tests.conftest import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer_account(transactional_db: None) -> User:
    # A transactional test empties the tables after each test; reload areas.
    load_geography(Province, District, Subdistrict)
    user = User.objects.create(username="officer.surat", first_name="สมศรี",
                               password=make_password(PASSWORD))
    role_grant(actor=None, user=user, role=Role.PROVINCIAL_OFFICER, area_code="84")
    return user


def test_an_officer_writes_a_review_and_publishes_a_story_the_public_then_reads(
        live_server: Any, page: Any, browser: Any, officer_account: User,
        tmp_path: Path) -> None:
    base = live_server.url
    sign_in(page, base, "officer.surat")

    # An after action review of Ko Tao, with a tagged lesson.
    page.locator("details.menu summary").click()  # the header's menu: every page
    page.locator(".menu-panel a[href='/learning/aars/']").click()
    page.locator("a[href='/learning/aars/new/']").first.click()
    page.fill("#id_title", "ทบทวนการค้นหาตำบลเกาะเต่า")
    page.select_option("#id_area", "840503")
    page.fill("#id_held_on", "1/11/2569")
    page.fill("#id_expected", "คาดว่าจะพบผู้สูงอายุอยู่ลำพัง ๒๐ คน")
    page.fill("#id_happened", "พบ ๓๒ คน ชุมชนมีน้ำใจช่วยกันค้นหา")
    page.fill("#id_difference", "อาสาสมัครรู้จักทุกบ้าน")
    page.fill("#id_next_steps", "เดินเคาะประตูต่อไป นัดเวทีให้เร็วขึ้น")
    page.fill("#id_participation_community", "12")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/learning/aars/*/")
    assert page.locator("h1").inner_text() == "ทบทวนการค้นหาตำบลเกาะเต่า"
    page.fill("#lessons #id_text", "อาสาสมัครในพื้นที่คือหัวใจของการค้นหา")
    page.fill("#lessons #id_tags", "ชุมชนต้นแบบ")
    page.locator("#lessons button[type=submit]").click()
    assert "ชุมชนต้นแบบ" in page.locator("#lessons").inner_text()

    # A good story with a photo (its location data is stripped on upload).
    page.goto(base + "/learning/stories/new/")
    page.fill("#id_title", "ครัวชุมชนเกาะเต่า")
    page.fill("#id_summary", "อาหารกลางวันถึงผู้สูงอายุทุกบ้าน")
    page.fill("#id_body", "ชาวบ้านผลัดกันทำอาหาร <script>alert('x')</script>\n\nกำลังใจสำคัญ")
    page.select_option("#id_area", "840503")
    page.fill("#id_tags", "ชุมชนต้นแบบ")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/learning/stories/*/")
    photo = tmp_path / "kitchen.jpg"
    photo.write_bytes(image_bytes())
    page.set_input_files("#id_photo", str(photo))
    page.fill("#id_caption", "ครัวชุมชน")
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("main img").count() == 1
    for step in ("submit", "review", "publish"):
        page.locator(f"button[name=action][value={step}]").click()
        page.wait_for_load_state()
    assert page.locator(".status-published").count() == 1

    # Anyone, not signed in, finds it on the public site and sees its photo.
    visitor = browser.new_context(locale="th-TH")
    public = visitor.new_page()
    public.goto(base + "/")
    public.locator("details.menu summary").click()
    public.locator(".menu-panel a[href='/stories/']").click()
    public.fill("#id_q", "ครัวชุมชน")
    public.locator("main form button[type=submit]").click()
    public.locator("a", has_text="ครัวชุมชนเกาะเต่า").click()
    assert public.locator("h1").inner_text() == "ครัวชุมชนเกาะเต่า"
    assert "<script>alert('x')</script>" in public.locator("article").inner_text()
    # The photo loads lazily: bring it into view and wait for it, as a reader would.
    public.locator("article img").scroll_into_view_if_needed()
    public.wait_for_function(
        "() => { const i = document.querySelector('article img'); return i.complete; }")
    assert public.evaluate("document.querySelector('article img').naturalWidth") == 640
    visitor.close()
