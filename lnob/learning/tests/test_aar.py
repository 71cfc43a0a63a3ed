"""After action reviews: recording one for an area or an activity, lessons
with tags, follow-up actions in the owner's inbox, and who may do what."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lnob.cases.inbox import SHOWN, Section
from lnob.cases.models import Forum
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.geo.models import Subdistrict
from lnob.learning.aar.services import (
    ActionData,
    aar_create,
    aar_update,
    action_add,
    action_close,
    lesson_add,
)
from lnob.learning.inbox import followups_section
from lnob.learning.models import ActionStatus, AfterActionReview, FollowUpAction
from lnob.learning.tests.conftest import KO_TAO, aar_data
from lnob.networks.models import Network
from lnob.testing import today

pytestmark = pytest.mark.django_db


def test_an_officer_records_a_review_of_an_area_with_participants(officer: User) -> None:
    aar = aar_create(actor=officer, data=aar_data())
    assert aar.area_code == KO_TAO and aar.province_code == "84"
    assert dict(aar.participation.values_list("partner_type", "count")) == {
        "community": 12, "local_government": 3}
    assert AuditEvent.objects.filter(object_type="learning.afteractionreview",
                                     object_id=str(aar.pk), action="create").exists()


def test_a_review_names_every_missing_answer_and_writes_nothing(officer: User) -> None:
    with pytest.raises(ValidationError) as err:
        aar_create(actor=officer, data=aar_data(title="", expected=" ", happened="",
                                                held_on=None))
    assert {"title", "expected", "happened", "held_on"} <= set(err.value.message_dict)
    assert not AfterActionReview.objects.exists()


def test_a_review_dated_in_the_future_is_refused_as_a_mistyped_year(officer: User) -> None:
    with pytest.raises(ValidationError) as err:
        aar_create(actor=officer, data=aar_data(held_on=today() + datetime.timedelta(days=3)))
    assert "held_on" in err.value.message_dict


def test_a_review_outside_the_writers_areas_is_refused(other_officer: User) -> None:
    with pytest.raises(ValidationError) as err:
        aar_create(actor=other_officer, data=aar_data())
    assert "area_code" in err.value.message_dict


def test_a_forum_review_takes_the_forums_subdistrict(officer: User, network: Network) -> None:
    forum = Forum.objects.create(organiser=network, subdistrict=Subdistrict.objects.get(
        code=KO_TAO), province_code="84", district_code="8405", held_on=today())
    aar = aar_create(actor=officer, data=aar_data(activity="forum", forum_id=forum.pk,
                                                  area_code="84"))
    assert aar.forum == forum and aar.area_code == KO_TAO


def test_a_milestone_review_is_for_a_province_and_a_known_month(officer: User) -> None:
    with pytest.raises(ValidationError) as err:
        aar_create(actor=officer, data=aar_data(activity="milestone", milestone_month=5,
                                                area_code=KO_TAO))
    assert {"milestone_month", "area_code"} <= set(err.value.message_dict)
    aar = aar_create(actor=officer, data=aar_data(activity="milestone", milestone_month=3,
                                                  area_code="84"))
    assert aar.milestone_month == 3


def test_lessons_are_tagged_and_tags_are_shared(officer: User,
                                                aar: AfterActionReview) -> None:
    one = lesson_add(actor=officer, aar=aar, text="เวทีเร็วขึ้น", tags="ชุมชนต้นแบบ, เวที")
    two = lesson_add(actor=officer, aar=aar, text="อาสาสมัครรู้จักบ้าน", tags=["ชุมชนต้นแบบ"])
    assert set(one.tags.values_list("name", flat=True)) == {"ชุมชนต้นแบบ", "เวที"}
    assert one.tags.get(name="ชุมชนต้นแบบ") == two.tags.get()
    with pytest.raises(ValidationError) as err:
        lesson_add(actor=officer, aar=aar, text="", tags="x" * 60)
    assert {"text", "tags"} <= set(err.value.message_dict)


def test_an_action_goes_to_its_owners_inbox_until_done(
        officer: User, coordinator: User, aar: AfterActionReview) -> None:
    lesson = lesson_add(actor=officer, aar=aar, text="นัดเวทีเร็วขึ้น")
    action = action_add(actor=officer, aar=aar, data=ActionData(
        text="นัดเวทีตำบลภายในสองสัปดาห์", owner_id=coordinator.pk, due_on=today(),
        lesson_id=lesson.pk))
    section = followups_section(coordinator, Section, SHOWN)
    assert [row.action for row in section.rows] == [action]
    action_close(actor=coordinator, action=action, status=ActionStatus.DONE)
    assert followups_section(coordinator, Section, SHOWN).count == 0


def test_an_action_needs_an_owner_who_can_read_the_review(
        officer: User, other_officer: User, aar: AfterActionReview) -> None:
    with pytest.raises(ValidationError) as err:
        action_add(actor=officer, aar=aar, data=ActionData(
            text="x", owner_id=other_officer.pk, due_on=aar.held_on - datetime.timedelta(1)))
    assert {"owner_id", "due_on"} <= set(err.value.message_dict)
    assert not FollowUpAction.objects.exists()


def test_only_the_owner_or_a_writer_closes_an_action(
        officer: User, coordinator: User, committee: User, aar: AfterActionReview) -> None:
    action = action_add(actor=officer, aar=aar, data=ActionData(
        text="x", owner_id=coordinator.pk, due_on=today()))
    with pytest.raises(PermissionError):
        action_close(actor=committee, action=action, status="done")


def test_a_changed_review_keeps_its_indicators_of_the_day(officer: User,
                                                          aar: AfterActionReview) -> None:
    aar_update(actor=officer, aar=aar, data=aar_data(title="ทบทวนใหม่"))
    aar.refresh_from_db()
    assert aar.title == "ทบทวนใหม่"


# ---- pages: in-area, out-of-area, stranger

@pytest.mark.parametrize("who", ["officer", "coordinator", "committee", "analyst"])
def test_readers_of_the_area_see_a_review(client: Client, request: pytest.FixtureRequest,
                                          aar: AfterActionReview, who: str) -> None:
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"/learning/aars/{aar.pk}/")
    assert response.status_code == 200
    assert "ชุมชนมีน้ำใจ" in response.content.decode()
    assert aar.title in client.get("/learning/aars/").content.decode()


def test_out_of_area_users_get_404_and_strangers_403(
        client: Client, other_officer: User, stranger: User, make_user: Callable[..., User],
        aar: AfterActionReview) -> None:
    assert client.get(f"/learning/aars/{aar.pk}/").status_code == 302
    client.force_login(other_officer)
    assert client.get(f"/learning/aars/{aar.pk}/").status_code == 404
    assert aar.title not in client.get("/learning/aars/").content.decode()
    client.force_login(make_user("coord8401", Role.NETWORK_COORDINATOR, "8401"))
    assert client.get(f"/learning/aars/{aar.pk}/").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/learning/aars/{aar.pk}/").status_code == 403
    assert client.get("/learning/aars/").status_code == 403


def test_a_committee_member_reads_but_does_not_write(client: Client, committee: User,
                                                     aar: AfterActionReview) -> None:
    client.force_login(committee)
    assert client.get("/learning/aars/new/").status_code == 403
    assert client.post(f"/learning/aars/{aar.pk}/lessons/", {"text": "x"}).status_code == 403


def test_the_review_form_records_a_review_and_shows_errors_by_field(
        client: Client, officer: User) -> None:
    client.force_login(officer)
    assert client.get("/learning/aars/new/").status_code == 200
    bad = client.post("/learning/aars/new/", {"title": "", "activity": "area", "area": KO_TAO,
                                              "held_on": "1/1/2700"})
    assert bad.status_code == 400
    assert not AfterActionReview.objects.exists()
    response = client.post("/learning/aars/new/", {
        "title": "ทบทวนวันดีเดย์", "activity": "area", "area": "8405", "held_on": "3/1/2569",
        "expected": "ก", "happened": "ข", "difference": "ค", "next_steps": "ง",
        "participation_community": "5"})
    aar = AfterActionReview.objects.get()
    assert response.status_code == 302 and aar.held_on == datetime.date(2026, 1, 3)


def test_the_list_searches_and_filters(client: Client, officer: User,
                                       aar: AfterActionReview) -> None:
    lesson_add(actor=officer, aar=aar, text="บทเรียน", tags="ชุมชนต้นแบบ")
    other = aar_create(actor=officer, data=aar_data(title="ทบทวนกองทุน", area_code="8401"))
    client.force_login(officer)
    body = client.get("/learning/aars/?q=เกาะเต่า").content.decode()
    assert aar.title in body and other.title not in body
    body = client.get("/learning/aars/?tag=ชุมชนต้นแบบ").content.decode()
    assert aar.title in body and other.title not in body
    bad = client.get("/learning/aars/?date_from=5/1/2569&date_to=1/1/2569").content.decode()
    assert "before its start" in bad or "ก่อน" in bad


def test_the_province_page_shows_reviews_next_to_milestones(client: Client, officer: User,
                                                            other_officer: User) -> None:
    aar_create(actor=officer, data=aar_data(activity="milestone", milestone_month=3,
                                            area_code="84", title="ทบทวนสามเดือน"))
    client.force_login(officer)
    assert "ทบทวนสามเดือน" in client.get("/learning/provinces/84/").content.decode()
    client.force_login(other_officer)
    assert client.get("/learning/provinces/84/").status_code == 404


def test_the_owner_marks_an_action_done_from_their_list(client: Client, officer: User,
                                                        coordinator: User,
                                                        aar: AfterActionReview) -> None:
    action = action_add(actor=officer, aar=aar, data=ActionData(
        text="โทรหาผู้ใหญ่บ้าน", owner_id=coordinator.pk, due_on=today()))
    client.force_login(coordinator)
    assert "โทรหาผู้ใหญ่บ้าน" in client.get("/learning/actions/").content.decode()
    client.post(f"/learning/actions/{action.pk}/close/", {"status": "done", "next": "mine"})
    action.refresh_from_db()
    assert action.status == "done" and action.closed_by == coordinator


def test_the_demo_writes_reviews_and_published_stories_once(officer: User) -> None:
    from lnob.learning.demo import demo_learning
    from lnob.learning.models import Story

    assert demo_learning("84") == 2
    assert AfterActionReview.objects.filter(province_code="84").count() == 2
    assert Story.objects.filter(status="published").count() == 2
    assert FollowUpAction.objects.filter(owner=officer).count() == 2
    assert demo_learning("84") == 0


def test_the_inbox_api_labels_a_follow_up_with_its_text(client: Client, officer: User,
                                                        aar: AfterActionReview) -> None:
    action = action_add(actor=officer, aar=aar, data=ActionData(
        text="โทรหาผู้ใหญ่บ้าน", owner_id=officer.pk, due_on=today() - datetime.timedelta(1)))
    client.force_login(officer)
    assert client.get("/").status_code == 200
    sections = {s["key"]: s for s in client.get("/api/v1/inbox").json()}
    assert sections["followups"]["rows"] == [
        {"id": action.pk, "urgent": True, "label": "โทรหาผู้ใหญ่บ้าน"}]


def test_names_and_ids_typed_into_a_review_are_hidden_from_roles_without_personal_data(
        client: Client, officer: User, committee: User, analyst: User) -> None:
    from lnob.learning.tests.conftest import SECRET_FIRST, SECRET_ID, SECRET_LAST, make_person

    make_person(officer, first=SECRET_FIRST, last=SECRET_LAST, citizen_id=SECRET_ID)
    aar = aar_create(actor=officer, data=aar_data(
        happened=f"เยี่ยมนาย{SECRET_FIRST} {SECRET_LAST} ({SECRET_ID}) แล้ว"))
    lesson_add(actor=officer, aar=aar, text=f"{SECRET_FIRST} {SECRET_LAST} ต้องการรถเข็น")
    assert len(aar.named_person_ids) == 1
    client.force_login(officer)  # the writer sees it, and is warned
    body = client.get(f"/learning/aars/{aar.pk}/").content.decode()
    assert 'id="privacy-warning"' in body and SECRET_ID in body
    for reader in (committee, analyst):
        client.force_login(reader)
        body = client.get(f"/learning/aars/{aar.pk}/").content.decode()
        assert SECRET_FIRST not in body and SECRET_ID not in body and "•••" in body
        api = str(client.get(f"/api/v1/learning/aars/{aar.pk}").json())
        assert SECRET_FIRST not in api and SECRET_ID not in api
