"""Assignment with capacity, and visits."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lnob.cases.care import carers_for, visit_log
from lnob.cases.models import Visit
from lnob.cases.services import CaseChanged, case_step
from lnob.cases.tests.conftest import assigned_case, verified_case
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.models import Need, Person
from lnob.testing import today

pytestmark = pytest.mark.django_db


def test_the_carers_covering_the_area_come_first_with_their_remaining_capacity(
        officer: User, need: Need, volunteer: Volunteer, network: Network) -> None:
    far = Volunteer.objects.create(first_name="ไกล", province_code="84", capacity=3)
    case = verified_case(officer, need)
    carers = carers_for(case)
    assert [v.pk for v in carers.volunteers] == [volunteer.pk]
    assert carers.other_volunteers == []  # elsewhere: only when searched for
    assert [v.pk for v in carers_for(case, "ไกล").other_volunteers] == [far.pk]
    assert carers.volunteers[0].remaining == 1  # type: ignore[attr-defined]
    assert [n.pk for n in carers.networks] == [network.pk]


def far_volunteers(n: int, capacity: int = 3, name: str = "ไกล") -> list[Volunteer]:
    return Volunteer.objects.bulk_create(
        Volunteer(first_name=f"{name}{i}", last_name="ห่างไกล", province_code="84",
                  capacity=capacity) for i in range(n))


def test_the_case_page_lists_the_covering_volunteers_not_the_whole_province(
        client: Client, officer: User, need: Need, volunteer: Volunteer,
        django_assert_max_num_queries: Callable) -> None:
    """The issue-21 province has 6,667 volunteers: the page listed them all
    (1.1 s). Now only those covering the subdistrict, in the same number of
    queries whatever the size of the province."""
    case = verified_case(officer, need)
    far_volunteers(3)
    client.force_login(officer)
    few = _queries(client, f"/cases/{case.pk}/")
    far_volunteers(60, name="อื่น")
    with django_assert_max_num_queries(few):
        page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'<option value="{volunteer.pk}">' in page
    assert "ไกล0" not in page and "อื่น0" not in page
    assert page.count("<option value=") < 20


def test_a_volunteer_elsewhere_is_found_by_name_only_with_a_place_left(
        client: Client, officer: User, need: Need, volunteer: Volunteer) -> None:
    case = verified_case(officer, need)
    free = far_volunteers(1)[0]
    full = far_volunteers(1, capacity=0, name="เต็ม")[0]
    client.force_login(officer)
    page = client.get(f"/cases/{case.pk}/", {"carer": "ห่างไกล"}).content.decode()
    assert f'<option value="{free.pk}">' in page
    assert f'<option value="{full.pk}">' not in page
    nobody = client.get(f"/cases/{case.pk}/", {"carer": "ไม่มีชื่อนี้"}).content.decode()
    assert "ไม่มีชื่อนี้" in nobody and f'<option value="{free.pk}">' not in nobody


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_assigning_a_volunteer_takes_their_network_and_counts_against_capacity(
        officer: User, need: Need, volunteer: Volunteer, network: Network) -> None:
    case = assigned_case(officer, need, volunteer)
    assert (case.volunteer_id, case.network_id) == (volunteer.pk, network.pk)
    assert carers_for(verified_case(officer, need, "สมหญิง")).volunteers[0].remaining == 0  # type: ignore[attr-defined]


def test_over_capacity_needs_a_stated_reason(officer: User, need: Need,
                                             volunteer: Volunteer) -> None:
    assigned_case(officer, need, volunteer)
    second = verified_case(officer, need, "สมหญิง")
    with pytest.raises(ValidationError) as err:
        case_step(actor=officer, case=second, action="assign",
                  expected_version=second.version, volunteer_id=volunteer.pk)
    assert "note" in err.value.message_dict
    second.refresh_from_db()
    assert second.status == "verified" and second.volunteer_id is None
    second = case_step(actor=officer, case=second, action="assign",
                       expected_version=second.version, volunteer_id=volunteer.pk,
                       note="ไม่มีใครอื่นในเกาะ")
    assert second.volunteer_id == volunteer.pk
    assert second.events.last().detail["over_capacity"] == [str(volunteer), "เครือข่ายเกาะเต่า"]  # type: ignore[union-attr]


def test_a_volunteer_of_another_network_is_refused(officer: User, need: Need,
                                                   volunteer: Volunteer) -> None:
    other = Network.objects.create(name="อื่น", partner_type=PartnerType.COMMUNITY,
                                   province_code="84", capacity=5)
    case = verified_case(officer, need)
    with pytest.raises(ValidationError) as err:
        case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                  volunteer_id=volunteer.pk, network_id=other.pk)
    assert "volunteer" in err.value.message_dict


def test_the_first_visit_starts_care_and_sets_the_next_due_date(
        officer: User, need: Need, volunteer: Volunteer, carer_user: User) -> None:
    case = assigned_case(officer, need, volunteer)
    visit = visit_log(actor=carer_user, case=case, visited_on=today(), done="พาไปหาหมอ",
                      changes={need.pk: "better"},
                      next_visit_on=today() + datetime.timedelta(days=14),
                      expected_version=case.version)
    case.refresh_from_db()
    assert case.status == "in_care" and case.next_visit_due == today() + datetime.timedelta(14)
    assert visit.volunteer == volunteer and visit.needs.get().change == "better"
    assert Person.objects.get(pk=case.person_id).status == "in_care"


# Each case is a function of today, read when the test runs (not when pytest
# collects it: a run may cross midnight in Bangkok).
@pytest.mark.parametrize(("kwargs", "field"), [
    (lambda day: {"visited_on": day + datetime.timedelta(days=1)}, "visited_on"),
    (lambda day: {"visited_on": day.replace(year=day.year + 543)}, "visited_on"),
    (lambda day: {"done": " "}, "done"),
    (lambda day: {"next_visit_on": day}, "next_visit_on"),
    (lambda day: {"changes": {999999: "better"}}, "needs"),
])
def test_bad_visits_name_the_field_and_change_nothing(
        officer: User, need: Need, volunteer: Volunteer, carer_user: User,
        kwargs: Callable[[datetime.date], dict], field: str) -> None:
    case = assigned_case(officer, need, volunteer)
    values = {"visited_on": today(), "done": "เยี่ยม", **kwargs(today())}
    with pytest.raises(ValidationError) as err:
        visit_log(actor=carer_user, case=case, expected_version=case.version, **values)
    assert field in err.value.message_dict
    assert not Visit.objects.exists()
    case.refresh_from_db()
    assert case.status == "assigned"


def test_a_visit_on_a_closed_case_is_refused(officer: User, need: Need,
                                             volunteer: Volunteer) -> None:
    case = assigned_case(officer, need, volunteer)
    case = case_step(actor=officer, case=case, action="close", expected_version=case.version,
                     reason="self_reliant")
    with pytest.raises(ValidationError) as err:
        visit_log(actor=officer, case=case, visited_on=today(), done="x",
                  expected_version=case.version)
    assert "case" in err.value.message_dict


def test_a_visit_on_an_old_version_is_refused(officer: User, need: Need,
                                              volunteer: Volunteer, carer_user: User) -> None:
    case = assigned_case(officer, need, volunteer)
    with pytest.raises(CaseChanged):
        visit_log(actor=carer_user, case=case, visited_on=today(), done="x",
                  expected_version=case.version - 1)
    assert not Visit.objects.exists()


def test_only_the_carer_or_the_areas_managers_log_visits(
        officer: User, other_officer: User, need: Need, volunteer: Volunteer,
        make_user: Callable[..., User]) -> None:
    case = assigned_case(officer, need, volunteer)
    other_volunteer = make_user("อาสาอื่น", Role.VOLUNTEER, "840503")
    for outsider in (other_volunteer, other_officer):
        with pytest.raises(PermissionError):
            visit_log(actor=outsider, case=case, visited_on=today(), done="x",
                      expected_version=case.version)
    visit_log(actor=officer, case=case, visited_on=today(), done="x",
              expected_version=case.version)


def test_the_volunteer_logs_a_visit_from_the_phone_form(
        client: Client, officer: User, need: Need, volunteer: Volunteer,
        carer_user: User) -> None:
    case = assigned_case(officer, need, volunteer)
    client.force_login(carer_user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/visits/new/" in page
    form = client.get(f"/cases/{case.pk}/visits/new/").content.decode()
    assert need.name_th in form
    today_be = f"{today().day}/{today().month}/{today().year + 543}"
    response = client.post(f"/cases/{case.pk}/visits/new/", {
        "visited_on": today_be, "done": "ซื้อยาให้", f"need_{need.pk}": "same",
        "next_visit_on": "", "version": case.version})
    assert response.status_code == 302
    assert Visit.objects.get().done == "ซื้อยาให้"
    assert "ซื้อยาให้" in client.get(f"/cases/{case.pk}/").content.decode()


def test_visit_pages_are_scoped(client: Client, officer: User, other_officer: User,
                                stranger: User, need: Need, volunteer: Volunteer) -> None:
    case = assigned_case(officer, need, volunteer)
    url = f"/cases/{case.pk}/visits/new/"
    client.force_login(officer)
    assert client.get(url).status_code == 200
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_a_volunteer_of_another_network_cannot_see_or_change_the_case(
        client: Client, officer: User, need: Need, volunteer: Volunteer,
        make_user: Callable[..., User]) -> None:
    case = assigned_case(officer, need, volunteer)
    other_network = Network.objects.create(name="เครือข่ายวัด", partner_type=PartnerType.RELIGIOUS,
                                           province_code="84", capacity=5)
    other_user = make_user("อาสาวัด", Role.VOLUNTEER, "840503")
    Volunteer.objects.create(first_name="อาสาวัด", province_code="84", network=other_network,
                             user=other_user)
    client.force_login(other_user)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/step/", {
        "action": "start_care", "version": case.version}).status_code == 404
    assert client.get(f"/cases/{case.pk}/visits/new/").status_code == 404
    case.refresh_from_db()
    assert case.status == "assigned"


def test_a_coordinator_outside_the_area_gets_404(client: Client, officer: User, need: Need,
                                                 make_user: Callable[..., User]) -> None:
    case = verified_case(officer, need)
    inside = make_user("ผู้ประสานพะงัน", Role.NETWORK_COORDINATOR, "8405")
    outside = make_user("ผู้ประสานสมุย", Role.NETWORK_COORDINATOR, "8404")
    client.force_login(outside)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/step/", {
        "action": "reject", "version": case.version, "note": "x"}).status_code == 404
    client.force_login(inside)
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_the_assign_form_names_each_carer_with_network_places_and_needs_escaped(
        client: Client, officer: User, need: Need, volunteer: Volunteer, network: Network,
        django_assert_max_num_queries: Callable) -> None:
    """The assign form's options are made in Python (issue 21: a province's
    200-odd networks in a template loop were most of the case page's CPU):
    the same text, every name escaped, and the province's other networks
    listed by name without a query each."""
    network.needs.add(need)
    volunteer.needs.add(need)
    case = verified_case(officer, need)
    client.force_login(officer)
    few = _queries(client, f"/cases/{case.pk}/")
    Network.objects.bulk_create(
        Network(name=f"<b>เครือข่าย{i}</b>", partner_type=PartnerType.COMMUNITY,
                province_code="84", capacity=2) for i in range(30))
    with django_assert_max_num_queries(few):
        page = client.get(f"/cases/{case.pk}/").content.decode()
    assert (f'<option value="{volunteer.pk}">สมศรี · เครือข่ายเกาะเต่า · คงเหลือ 1 · {need.name}'
            f'</option>') in page
    assert f'<option value="{network.pk}">เครือข่ายเกาะเต่า · คงเหลือ 1 · {need.name}</option>' \
        in page
    far = Network.objects.get(name="<b>เครือข่าย0</b>")
    assert f'<option value="{far.pk}">&lt;b&gt;เครือข่าย0&lt;/b&gt; · คงเหลือ 2</option>' in page
    assert "<b>เครือข่าย" not in page
