"""Good stories: draft → reviewed by a provincial officer → published; people
appear only with recorded consent for publication; the public site, its
search and feeds; who may see what."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.learning.models import Story, StoryStatus
from lnob.learning.stories.consent import find_named
from lnob.learning.stories.services import (
    StoryChanged,
    consent_problems,
    story_create,
    story_step,
    story_update,
)
from lnob.learning.tests.conftest import KO_TAO, make_person, story_data
from lnob.registry.models import ConsentStatus, LawfulBasis
from lnob.registry.services import ConsentData, consent_record

pytestmark = pytest.mark.django_db


def publish(officer: User, story: Story) -> Story:
    for action in ("submit", "review", "publish"):
        story = story_step(actor=officer, story=story, action=action)
    return story


def test_find_named_matches_full_names_inside_thai_running_text() -> None:
    people = [(1, "สมหญิง", "ดีงาม"), (2, "สมชาย", "ใจดี"), (3, "มา", "")]
    text = "วันนี้นางสมหญิง ดีงามช่วยทำอาหาร ส่วนสมชาย ใจร้อน ไม่มา"
    assert find_named(text, people) == {1}


def test_a_story_goes_from_draft_through_review_to_published(officer: User,
                                                             coordinator: User) -> None:
    story = story_create(actor=coordinator, data=story_data())
    story = story_step(actor=coordinator, story=story, action="submit")
    with pytest.raises(ValidationError):  # a coordinator does not review
        story_step(actor=coordinator, story=story, action="review")
    story = story_step(actor=officer, story=story, action="review")
    assert story.reviewed_by == officer
    story = story_step(actor=officer, story=story, action="publish")
    assert story.status == StoryStatus.PUBLISHED and story.published_at is not None
    assert AuditEvent.objects.filter(object_type="learning.story", object_id=str(story.pk),
                                     detail__step="publish").exists()


def test_returning_or_unpublishing_needs_a_note(officer: User, story: Story) -> None:
    story = story_step(actor=officer, story=story, action="submit")
    with pytest.raises(ValidationError) as err:
        story_step(actor=officer, story=story, action="return")
    assert "note" in err.value.message_dict
    story = story_step(actor=officer, story=story, action="return", note="เพิ่มรูป")
    assert story.status == StoryStatus.DRAFT and story.review_note == "เพิ่มรูป"


def test_a_linked_person_without_publication_consent_blocks_publishing(officer: User) -> None:
    person = make_person(officer, purposes=("care",))
    story = story_create(actor=officer, data=story_data(person_ids=[person.pk]))
    assert [p.person for p in consent_problems(story)] == [person]
    story = story_step(actor=officer, story=story, action="submit")
    story = story_step(actor=officer, story=story, action="review")
    with pytest.raises(ValidationError) as err:
        story_step(actor=officer, story=story, action="publish")
    assert "persons" in err.value.message_dict
    story.refresh_from_db()
    assert story.status == StoryStatus.REVIEWED
    consent_record(actor=officer, person=person, data=ConsentData(
        status=ConsentStatus.GIVEN, lawful_basis=LawfulBasis.CONSENT,
        purposes=["care", "publication"]))
    assert story_step(actor=officer, story=story, action="publish").status == "published"


def test_the_editor_is_warned_when_the_text_names_a_registry_person(officer: User) -> None:
    person = make_person(officer, first="สมหญิง", last="ดีงาม")
    story = story_create(actor=officer, data=story_data(
        body="นางสมหญิง ดีงาม เป็นแกนนำของหมู่บ้าน"))
    assert story.named_person_ids == [person.pk]
    problems = consent_problems(story)
    assert len(problems) == 1 and not problems[0].linked
    assert "สมหญิง" in problems[0].message


def test_withdrawn_consent_takes_a_published_story_off_the_public_site(
        client: Client, officer: User) -> None:
    person = make_person(officer, purposes=("care", "publication"))
    story = publish(officer, story_create(actor=officer, data=story_data(
        person_ids=[person.pk])))
    assert client.get(f"/stories/{story.pk}/").status_code == 200
    consent_record(actor=officer, person=person, data=ConsentData(
        status=ConsentStatus.REFUSED, lawful_basis=LawfulBasis.PUBLIC_TASK))
    assert client.get(f"/stories/{story.pk}/").status_code == 404
    assert story.title not in client.get("/stories/").content.decode()


def test_only_a_draft_is_changed_and_an_old_version_is_refused(officer: User,
                                                               story: Story) -> None:
    old = story.version
    story_update(actor=officer, story=story, data=story_data(title="ใหม่"),
                 expected_version=old)
    with pytest.raises(StoryChanged):
        story_update(actor=officer, story=story, data=story_data(title="ซ้ำ"),
                     expected_version=old)
    story = story_step(actor=officer, story=story, action="submit")
    with pytest.raises(ValidationError) as err:
        story_update(actor=officer, story=story, data=story_data())
    assert "status" in err.value.message_dict


def test_people_and_networks_must_belong_to_the_story(officer: User, other_officer: User
                                                      ) -> None:
    stranger_person = make_person(other_officer, code="810101")
    with pytest.raises(ValidationError) as err:
        story_create(actor=officer, data=story_data(person_ids=[stranger_person.pk],
                                                    network_ids=[999999]))
    assert {"person_ids", "network_ids"} <= set(err.value.message_dict)
    assert not Story.objects.exists()


# ---- public site

def test_script_in_a_story_is_shown_as_text(client: Client, officer: User) -> None:
    story = publish(officer, story_create(actor=officer, data=story_data(
        title="<b>ชื่อ</b>", body="<script>alert('x')</script>\n\nย่อหน้าสอง")))
    body = client.get(f"/stories/{story.pk}/").content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<b>ชื่อ</b>" not in body
    feed = client.get("/stories/feed/").content.decode()
    assert "<script>" not in feed


def test_the_public_site_lists_searches_and_feeds_only_published_stories(
        client: Client, officer: User) -> None:
    shown = publish(officer, story_create(actor=officer, data=story_data(title="น้ำใจเกาะเต่า")))
    draft = story_create(actor=officer, data=story_data(title="ร่างยังไม่เผยแพร่"))
    body = client.get("/stories/").content.decode()
    assert shown.title in body and draft.title not in body
    assert client.get(f"/stories/{draft.pk}/").status_code == 404
    assert shown.title in client.get("/stories/?q=น้ำใจ").content.decode()
    assert shown.title not in client.get("/stories/?q=ไม่มีคำนี้").content.decode()
    assert shown.title in client.get("/stories/?province=84").content.decode()
    assert shown.title not in client.get("/stories/?province=81").content.decode()
    assert shown.title in client.get("/stories/?tag=ชุมชนต้นแบบ").content.decode()
    rss = client.get("/stories/feed/?province=84")
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert shown.title in rss.content.decode() and draft.title not in rss.content.decode()
    atom = client.get("/stories/feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert shown.title in atom.content.decode()


# ---- pages: in-area, out-of-area, stranger

def test_story_pages_in_area_out_of_area_and_stranger(
        client: Client, officer: User, other_officer: User, stranger: User,
        make_user: Callable[..., User], story: Story) -> None:
    assert client.get(f"/learning/stories/{story.pk}/").status_code == 302
    client.force_login(officer)
    assert client.get(f"/learning/stories/{story.pk}/").status_code == 200
    client.force_login(make_user("coord8401", Role.NETWORK_COORDINATOR, "8401"))
    assert client.get(f"/learning/stories/{story.pk}/").status_code == 404
    client.force_login(other_officer)
    assert client.get(f"/learning/stories/{story.pk}/").status_code == 404
    assert story.title not in client.get("/learning/stories/").content.decode()
    response = client.post(f"/learning/stories/{story.pk}/step/", {"action": "submit"})
    assert response.status_code == 404
    client.force_login(stranger)
    assert client.get(f"/learning/stories/{story.pk}/").status_code == 403


def test_an_officer_publishes_through_the_pages(client: Client, officer: User) -> None:
    client.force_login(officer)
    response = client.post("/learning/stories/new/", {
        "title": "กองทุนข้าวสาร", "summary": "", "body": "ชุมชนแบ่งปันข้าวสาร",
        "area": KO_TAO, "tags": "ชุมชนต้นแบบ", "persons": ""})
    story = Story.objects.get()
    assert response.status_code == 302
    for action in ("submit", "review", "publish"):
        story.refresh_from_db()
        assert client.post(f"/learning/stories/{story.pk}/step/", {
            "action": action, "version": story.version}).status_code == 302
    assert "กองทุนข้าวสาร" in client.get("/stories/").content.decode()


def test_the_editor_page_warns_about_consent(client: Client, officer: User) -> None:
    person = make_person(officer)
    story = story_create(actor=officer, data=story_data(person_ids=[person.pk]))
    client.force_login(officer)
    body = client.get(f"/learning/stories/{story.pk}/").content.decode()
    assert 'id="consent-warning"' in body and person.full_name in body
    assert AuditEvent.objects.filter(object_type="learning.story", action="view").exists()


def test_a_step_on_an_old_version_is_a_conflict(client: Client, officer: User,
                                                story: Story) -> None:
    client.force_login(officer)
    response = client.post(f"/learning/stories/{story.pk}/step/", {
        "action": "submit", "version": story.version - 1 if story.version > 1 else 99})
    assert response.status_code == 409
    story.refresh_from_db()
    assert story.status == StoryStatus.DRAFT
