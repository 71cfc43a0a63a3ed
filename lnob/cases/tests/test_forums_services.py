from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lnob.cases.forums.services import (
    AgendaCaseChanged,
    ForumData,
    agenda_add,
    agenda_fill,
    forum_create,
    forum_decide,
    forum_update,
)
from lnob.cases.models import AgendaItem, Case, CaseEvent, Forum, ForumAttendance
from lnob.cases.services import case_step
from lnob.cases.tests.test_forums_helpers import (
    BAN_TAI,
    KO_TAO,
    KRABI_TOWN,
    forum,
    network,
    reported_case,
    village,
)
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.registry.models import Person
from lnob.testing import today

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):  # the messages are checked in English
        yield


def data(**overrides: object) -> ForumData:
    values: dict[str, object] = {"subdistrict_code": KO_TAO, "held_on": today(),
                                 "place": "ศาลาวัด", "attendance": {"community": 25}}
    values.update(overrides)
    return ForumData(**values)  # type: ignore[arg-type]


def test_a_forum_is_recorded_with_its_place_attendance_and_an_audit_row(officer: User) -> None:
    organiser = network()
    village(1)
    created = forum_create(actor=officer, data=data(
        organiser_id=organiser.pk, village_code=f"{KO_TAO}01", minutes="เปิดประชุม 9 โมง",
        attendance={"community": 25, "local_government": 3, "business": 0}))
    assert (created.subdistrict_id, created.village_id, created.province_code,
            created.district_code) == (KO_TAO, f"{KO_TAO}01", "84", "8405")
    assert dict(created.attendance.values_list("partner_type", "count")) == {
        "community": 25, "local_government": 3}
    row = AuditEvent.objects.get(object_type="cases.forum", action="create")
    assert (row.object_id, row.area_code) == (str(created.pk), KO_TAO)


def test_a_lead_network_of_the_province_may_organise_where_it_does_not_cover(
        officer: User) -> None:
    lead = network(subdistrict=BAN_TAI, lead=True, name="แม่ข่ายจังหวัด")
    assert forum_create(actor=officer, data=data(organiser_id=lead.pk)).organiser == lead


@pytest.mark.parametrize(("kind", "message"), [
    ("elsewhere", "does not cover"), ("inactive", "no longer active"),
    ("other_province", "another province")])
def test_the_organiser_must_be_an_active_network_of_the_area(officer: User, kind: str,
                                                              message: str) -> None:
    organiser = {"elsewhere": lambda: network(subdistrict=BAN_TAI),
                 "inactive": lambda: network(active=False),
                 "other_province": lambda: network(subdistrict=KRABI_TOWN, province="81",
                                                   lead=True)}[kind]()
    with pytest.raises(ValidationError) as err:
        forum_create(actor=officer, data=data(organiser_id=organiser.pk))
    assert message in err.value.message_dict["organiser_id"][0]
    assert not Forum.objects.exists()


def test_bad_input_is_named_field_by_field_and_nothing_is_written(officer: User) -> None:
    with pytest.raises(ValidationError) as err:
        forum_create(actor=officer, data=data(
            subdistrict_code="849999", organiser_id=None, held_on=None,
            attendance={"community": -3, "aliens": 2}))
    errors = err.value.message_dict
    assert "Unknown subdistrict code 849999" in errors["subdistrict_code"][0]
    assert "date of the forum" in errors["held_on"][0]
    assert "cannot be negative" in errors["attendance.community"][0]
    assert "Unknown partner type" in errors["attendance.aliens"][0]
    assert "organiser_id" in errors
    assert not Forum.objects.exists() and not ForumAttendance.objects.exists()
    assert not AuditEvent.objects.filter(object_type="cases.forum").exists()


def test_a_year_typed_wrong_is_caught(officer: User) -> None:
    with pytest.raises(ValidationError) as err:
        forum_create(actor=officer, data=data(organiser_id=network().pk,
                                              held_on=datetime.date(2569, 1, 1)))
    assert "check the year" in err.value.message_dict["held_on"][0]


def test_nobody_holds_a_forum_outside_their_areas(officer: User, other_officer: User,
                                                  stranger: User) -> None:
    organiser = network()
    with pytest.raises(ValidationError) as err:
        forum_create(actor=other_officer, data=data(organiser_id=organiser.pk))
    assert "outside the areas you work in" in err.value.message_dict["subdistrict_code"][0]
    with pytest.raises(PermissionError):
        forum_create(actor=stranger, data=data(organiser_id=organiser.pk))
    held = forum(officer, organiser)
    with pytest.raises(PermissionError):
        forum_update(actor=other_officer, forum=held, data=data(place="x"))
    with pytest.raises(PermissionError):
        forum_decide(actor=other_officer, forum=held, decisions={})


def test_decisions_move_each_case_in_one_step_in_one_go(officer: User) -> None:
    held = forum(officer, network())
    verified, rejected, waiting = (reported_case(officer, n) for n in ("ก้อย", "ขวัญ", "คำ"))
    agenda_add(actor=officer, forum=held, case_ids=[verified.pk, rejected.pk, waiting.pk])
    forum_decide(actor=officer, forum=held, minutes="มติเอกฉันท์",
                 decisions={verified.pk: "verified", rejected.pk: "not_target",
                            waiting.pk: "more_info"},
                 versions={verified.pk: 1, rejected.pk: 1, waiting.pk: 1})
    statuses = dict(Case.objects.values_list("pk", "status"))
    assert statuses == {verified.pk: "verified", rejected.pk: "rejected",
                        waiting.pk: "reported"}
    assert Person.objects.get(cases=verified).status == "verified"
    for case, action in ((verified, "verify"), (rejected, "reject"),
                         (waiting, "forum_more_info")):
        events = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
        assert events == ["open", action]  # exactly one step each
        note = CaseEvent.objects.get(case=case, action=action).note
        assert f"no. {held.pk}, Ko Tao" in note
    assert CaseEvent.objects.get(case=waiting, action="forum_more_info").detail == {
        "forum": held.pk}
    assert dict(AgendaItem.objects.values_list("case_id", "decision")) == {
        verified.pk: "verified", rejected.pk: "not_target", waiting.pk: "more_info"}
    held.refresh_from_db()
    assert held.minutes == "มติเอกฉันท์"
    row = AuditEvent.objects.filter(object_type="cases.forum",
                                    action="update").order_by("pk").last()
    assert row is not None and row.detail["decisions"] == {
        str(verified.pk): "verified", str(rejected.pk): "not_target",
        str(waiting.pk): "more_info"}


def test_one_bad_decision_and_nothing_changes(officer: User) -> None:
    held = forum(officer, network())
    on_agenda, elsewhere = reported_case(officer, "ก้อย"), reported_case(officer, "ขวัญ")
    agenda_add(actor=officer, forum=held, case_ids=[on_agenda.pk])
    events, audits = CaseEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        forum_decide(actor=officer, forum=held, minutes="ไม่ควรบันทึก",
                     decisions={on_agenda.pk: "verified", elsewhere.pk: "verified"})
    assert f"Case {elsewhere.pk} is not on this forum's agenda" in err.value.messages[0]
    with pytest.raises(ValidationError) as err:
        forum_decide(actor=officer, forum=held, decisions={on_agenda.pk: "maybe"})
    assert "choose verified" in err.value.message_dict["decisions"][0]
    assert Case.objects.get(pk=on_agenda.pk).status == "reported"
    assert AgendaItem.objects.get().decision == ""
    assert (CaseEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)
    held.refresh_from_db()
    assert held.minutes == ""


def test_a_case_changed_meanwhile_says_reload_and_nothing_changes(officer: User) -> None:
    held = forum(officer, network())
    first, second = reported_case(officer, "ก้อย"), reported_case(officer, "ขวัญ")
    agenda_add(actor=officer, forum=held, case_ids=[first.pk, second.pk])
    case_step(actor=officer, case=second, action="verify", expected_version=1)  # elsewhere
    with pytest.raises(AgendaCaseChanged) as err:
        forum_decide(actor=officer, forum=held,
                     decisions={first.pk: "verified", second.pk: "not_target"},
                     versions={first.pk: 1, second.pk: 1})
    assert err.value.case_id == second.pk
    assert Case.objects.get(pk=first.pk).status == "reported"
    assert not AgendaItem.objects.exclude(decision="").exists()


def test_a_case_decided_elsewhere_cannot_be_decided_again(officer: User) -> None:
    held = forum(officer, network())
    case = reported_case(officer, "ก้อย")
    agenda_add(actor=officer, forum=held, case_ids=[case.pk])
    case_step(actor=officer, case=case, action="verify", expected_version=1)
    with pytest.raises(ValidationError) as err:
        forum_decide(actor=officer, forum=held, decisions={case.pk: "not_target"})
    assert "only a reported case can be decided" in err.value.messages[0]


def test_only_reported_cases_of_the_forums_subdistrict_come_to_its_agenda(
        officer: User, other_officer: User) -> None:
    held = forum(officer, network())
    here = reported_case(officer, "ก้อย")
    next_door = reported_case(officer, "ขวัญ", subdistrict=BAN_TAI)
    krabi = reported_case(other_officer, "คำ", subdistrict=KRABI_TOWN)
    verified = reported_case(officer, "ง้วน")
    case_step(actor=officer, case=verified, action="verify", expected_version=1)
    with pytest.raises(ValidationError) as err:
        agenda_add(actor=officer, forum=held,
                   case_ids=[here.pk, next_door.pk, krabi.pk, verified.pk])
    messages = err.value.message_dict["case_ids"]
    assert f"Case {next_door.pk} (นายขวัญ ใจดี) is in Ban Tai, outside" in messages[0]
    assert f"There is no case {krabi.pk} in your areas" in messages[1]
    assert f"Case {verified.pk}" in messages[2] and "only reported cases" in messages[2]
    assert not AgendaItem.objects.exists()
    agenda_add(actor=officer, forum=held, case_ids=[here.pk])
    agenda_add(actor=officer, forum=held, case_ids=[here.pk])  # already there: left as is
    assert list(AgendaItem.objects.values_list("case_id", flat=True)) == [here.pk]


def test_fill_puts_the_reported_cases_of_the_forums_village_on_the_agenda(
        officer: User) -> None:
    village(1)
    village(2, name="บ้านโฉลกบ้านเก่า")
    moo1 = reported_case(officer, "ก้อย", village_number=1)
    reported_case(officer, "ขวัญ", village_number=2)
    whole = forum(officer, network())
    agenda_fill(actor=officer, forum=whole)
    assert whole.agenda.count() == 2
    one_village = forum(officer, network(), village_code=f"{KO_TAO}01")
    agenda_fill(actor=officer, forum=one_village)
    assert list(one_village.agenda.values_list("case_id", flat=True)) == [moo1.pk]
    with pytest.raises(ValidationError) as err:
        agenda_fill(actor=officer, forum=one_village)
    assert "No reported case" in err.value.message_dict["case_ids"][0]


def test_a_case_needing_more_information_comes_back_to_a_later_forum(officer: User) -> None:
    first = forum(officer, network(), held_on=today() - datetime.timedelta(days=30))
    case = reported_case(officer, "ก้อย")
    agenda_add(actor=officer, forum=first, case_ids=[case.pk])
    forum_decide(actor=officer, forum=first, decisions={case.pk: "more_info"})
    with pytest.raises(ValidationError) as err:
        forum_decide(actor=officer, forum=first, decisions={case.pk: "verified"})
    assert "already decided at this forum" in err.value.messages[0]
    later = forum(officer, network())
    agenda_fill(actor=officer, forum=later)
    forum_decide(actor=officer, forum=later, decisions={case.pk: "verified"}, versions={
        case.pk: 2})
    assert Case.objects.get(pk=case.pk).status == "verified"


def test_decisions_wait_for_the_forums_date_and_then_fix_it(officer: User) -> None:
    held = forum(officer, network(), held_on=today() + datetime.timedelta(days=7))
    case = reported_case(officer, "ก้อย")
    agenda_add(actor=officer, forum=held, case_ids=[case.pk])
    with pytest.raises(ValidationError) as err:
        forum_decide(actor=officer, forum=held, decisions={case.pk: "verified"})
    assert "from that day on" in err.value.messages[0]
    forum_update(actor=officer, forum=held, data=data(held_on=today(), minutes="ย้ายวัน"))
    forum_decide(actor=officer, forum=held, decisions={case.pk: "verified"})
    with pytest.raises(ValidationError) as err:
        forum_update(actor=officer, forum=held, data=data(held_on=today() - datetime.timedelta(
            days=1)))
    assert "can no longer change" in err.value.message_dict["held_on"][0]


def test_a_district_coordinator_runs_forums_of_the_district_only(
        officer: User, make_user: Callable[..., User]) -> None:
    coordinator = make_user("coord", Role.NETWORK_COORDINATOR, "8405")
    elsewhere = make_user("coord2", Role.NETWORK_COORDINATOR, "8401")
    held = forum(coordinator, network())
    case = reported_case(officer, "ก้อย")
    agenda_add(actor=coordinator, forum=held, case_ids=[case.pk])
    with pytest.raises(PermissionError):
        agenda_add(actor=elsewhere, forum=held, case_ids=[case.pk])
    forum_decide(actor=coordinator, forum=held, decisions={case.pk: "verified"})
    assert Case.objects.get(pk=case.pk).status == "verified"
