"""What the phone sends after working offline: one visit or report per key
however often it is sent, a visit on a case closed meanwhile kept and
flagged, refusals with their reason; the people it keeps; the web app files."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from PIL import Image

from lnob.cases.models import Case, CaseEvent, Visit
from lnob.cases.services import case_step
from lnob.cases.tests.conftest import assigned_case
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.core.services import role_grant, role_revoke
from lnob.networks.models import Network, Volunteer
from lnob.registry.models import Need, Person
from lnob.testing import bearer, today

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _visit(client: Client, user: User, case: Case, key: uuid.UUID | str, **extra: object):
    body = {"visited_on": today().isoformat(), "done": "พาไปโรงพยาบาล", "version": case.version,
            "client_key": str(key), **extra}
    return client.post(f"/api/v1/cases/{case.pk}/visits", body, content_type=JSON,
                       headers=bearer(user))


def test_a_visit_sent_again_with_its_key_is_recorded_once(
        client: Client, officer: User, need: Need, volunteer: Volunteer,
        carer_user: User) -> None:
    case = assigned_case(officer, need, volunteer)
    key = uuid.uuid4()
    first = _visit(client, carer_user, case, key, needs={str(need.pk): "better"})
    assert first.status_code == 201, first.content
    # The answer was lost on the way: the phone sends the same visit again,
    # still with the version it read (the first send moved the case on).
    again = _visit(client, carer_user, case, key, needs={str(need.pk): "better"})
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]
    assert Visit.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, action="visit").count() == 1
    case.refresh_from_db()
    assert case.status == "in_care" and case.version == 4


def test_a_key_is_answered_only_to_who_sent_it(
        client: Client, officer: User, other_officer: User, stranger: User, need: Need,
        volunteer: Volunteer, carer_user: User, make_user: Callable[..., User]) -> None:
    case = assigned_case(officer, need, volunteer)
    key = uuid.uuid4()
    assert _visit(client, carer_user, case, key).status_code == 201
    # In the area, but not who sent it: the key is not theirs to replay.
    coordinator = make_user("coord", Role.NETWORK_COORDINATOR, "8405")
    case.refresh_from_db()
    used = _visit(client, coordinator, case, key)
    assert used.status_code == 409
    assert used.json()["errors"][0]["field"] == "client_key"
    # Out of the area, and no role at all: the case does not exist for them.
    assert _visit(client, other_officer, case, key).status_code == 404
    assert _visit(client, stranger, case, key).status_code == 403
    other_volunteer = make_user("อาสาอื่น", Role.VOLUNTEER, "840503")
    assert _visit(client, other_volunteer, case, key).status_code == 404
    assert Visit.objects.count() == 1


def test_a_visit_on_a_case_closed_meanwhile_is_kept_and_flagged(
        client: Client, officer: User, need: Need, volunteer: Volunteer,
        carer_user: User) -> None:
    case = assigned_case(officer, need, volunteer)
    seen = case.version  # what the phone kept before it lost the signal
    closed = case_step(actor=officer, case=case, action="close", expected_version=case.version,
                       reason="self_reliant")
    key = uuid.uuid4()
    response = client.post(f"/api/v1/cases/{case.pk}/visits", {
        "visited_on": today().isoformat(), "done": "เยี่ยมแล้ว ยายสบายดี", "version": seen,
        "client_key": str(key), "next_visit_on": None}, content_type=JSON,
        headers=bearer(carer_user))
    assert response.status_code == 201, response.content
    assert response.json()["flag"] == "case_closed"
    visit = Visit.objects.get()
    assert (visit.flag, visit.done, visit.client_key) == ("case_closed", "เยี่ยมแล้ว ยายสบายดี", key)
    case.refresh_from_db()
    # The case stays closed, at the version the closing gave it.
    assert (case.status, case.version, case.next_visit_due) == ("closed", closed.version, None)
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert (event.action, event.from_status, event.to_status) == ("visit_late", "closed",
                                                                 "closed")
    # Sent again: the same visit, not a second.
    again = client.post(f"/api/v1/cases/{case.pk}/visits", {
        "visited_on": today().isoformat(), "done": "เยี่ยมแล้ว ยายสบายดี", "version": seen,
        "client_key": str(key)}, content_type=JSON, headers=bearer(carer_user))
    assert again.status_code == 200 and Visit.objects.count() == 1
    # The history page shows it to the coordinators.
    client.force_login(officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "เยี่ยมแล้ว ยายสบายดี" in page and 'data-visit-flag="case_closed"' in page
    assert "บันทึกหลังจากปิดเรื่องแล้ว" in page


def test_without_a_key_a_visit_on_a_closed_case_is_still_refused(
        client: Client, officer: User, need: Need, volunteer: Volunteer,
        carer_user: User) -> None:
    case = assigned_case(officer, need, volunteer)
    case = case_step(actor=officer, case=case, action="close", expected_version=case.version,
                     reason="died")
    response = client.post(f"/api/v1/cases/{case.pk}/visits", {
        "visited_on": today().isoformat(), "done": "x", "version": case.version}, content_type=JSON,
        headers=bearer(carer_user))
    assert response.status_code == 422
    assert not Visit.objects.exists()


def test_a_visit_on_a_changed_case_comes_back_with_the_reason(
        client: Client, officer: User, need: Need, volunteer: Volunteer,
        carer_user: User) -> None:
    case = assigned_case(officer, need, volunteer)
    key = uuid.uuid4()
    stale = _visit(client, carer_user, case, key, version=case.version - 1)
    assert stale.status_code == 409
    error = stale.json()["errors"][0]
    assert error["field"] == "version" and "เปลี่ยน" in error["message"]
    assert not Visit.objects.exists()
    # Edited on the phone and sent again on the current version, same key.
    assert _visit(client, carer_user, case, key).status_code == 201
    assert Visit.objects.count() == 1


def test_a_visit_no_longer_the_volunteers_comes_back_with_the_reason(
        client: Client, officer: User, need: Need, volunteer: Volunteer,
        carer_user: User, make_user: Callable[..., User]) -> None:
    case = assigned_case(officer, need, volunteer)
    # The volunteer lost the area while the phone was offline.
    for grant in carer_user.grants.all():
        role_revoke(actor=officer, grant=grant)
    role_grant(actor=officer, user=carer_user, role=Role.VOLUNTEER, area_code="840502")
    response = _visit(client, carer_user, case, uuid.uuid4())
    assert response.status_code == 404
    assert response.json()["errors"][0]["message"]
    assert not Visit.objects.exists()


def test_a_visit_on_a_person_who_moved_to_another_carer_says_so_and_stays_on_the_phone(
        client: Client, officer: User, other_officer: User, need: Need, network: Network,
        volunteer: Volunteer, carer_user: User, make_user: Callable[..., User]) -> None:
    case = assigned_case(officer, need, volunteer)
    other = Volunteer.objects.create(first_name="มานี", last_name="ใจดี", province_code="84",
                                     network=network, capacity=5,
                                     user=make_user("อพม.มานี", Role.VOLUNTEER, "840503"))
    other.subdistricts.add(volunteer.subdistricts.get())
    case = case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                     volunteer_id=other.pk)
    response = _visit(client, carer_user, case, uuid.uuid4())
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    # A volunteer may not read other volunteers' names: "another volunteer".
    assert error["code"] == "case_moved" and "อาสาสมัครคนอื่น" in error["message"]
    assert "มานี" not in response.content.decode()
    assert not Visit.objects.exists()
    # Someone who never cared for the person learns nothing, not even that it exists.
    never = make_user("อพม.ใหม่", Role.VOLUNTEER, "840503")
    Volunteer.objects.create(first_name="ใหม่", province_code="84", network=network, user=never)
    assert _visit(client, never, case, uuid.uuid4()).status_code == 404
    assert _visit(client, other_officer, case, uuid.uuid4()).status_code == 404


REPORT = {"first_name": "ลุงมี", "subdistrict_code": "840503", "summary": "ไม่มีอาหาร",
          "village_number": 2}


def test_a_report_sent_again_with_its_key_files_one_person(
        client: Client, officer: User, other_officer: User, stranger: User,
        carer_user: User, volunteer: Volunteer, make_user: Callable[..., User]) -> None:
    key = str(uuid.uuid4())
    auth = bearer(carer_user)
    first = client.post("/api/v1/reports", {**REPORT, "client_key": key}, content_type=JSON,
                        headers=auth)
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/reports", {**REPORT, "client_key": key}, content_type=JSON,
                        headers=auth)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert (Person.objects.count(), Case.objects.count()) == (1, 1)
    # The same key from someone else of the area: a conflict, never their case.
    used = client.post("/api/v1/reports", {**REPORT, "client_key": key}, content_type=JSON,
                       headers=bearer(officer))
    assert used.status_code == 409 and "reference" not in used.content.decode()
    # Out of the area, and a stranger: refused with a reason, nothing filed.
    outside = client.post("/api/v1/reports", {**REPORT, "client_key": str(uuid.uuid4())},
                          content_type=JSON, headers=bearer(other_officer))
    assert outside.status_code == 403 and outside.json()["errors"][0]["message"]
    assert client.post("/api/v1/reports", {**REPORT, "client_key": str(uuid.uuid4())},
                       content_type=JSON,
                       headers=bearer(stranger)).status_code == 403
    assert (Person.objects.count(), Case.objects.count()) == (1, 1)


def test_a_bad_report_names_the_field_and_files_nothing(
        client: Client, carer_user: User, volunteer: Volunteer) -> None:
    response = client.post("/api/v1/reports", {**REPORT, "summary": "", "client_key":
                                               str(uuid.uuid4())},
                           content_type=JSON, headers=bearer(carer_user))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "summary"
    assert not Case.objects.exists()


def test_my_people_are_the_volunteers_own_cases(
        client: Client, officer: User, other_officer: User, stranger: User, need: Need,
        volunteer: Volunteer, carer_user: User, make_user: Callable[..., User]) -> None:
    case = assigned_case(officer, need, volunteer)
    mine = client.get("/api/v1/cases/mine", headers=bearer(carer_user))
    assert mine.status_code == 200
    body = mine.json()
    assert body["username"] == carer_user.username
    [person] = body["people"]
    assert (person["case_id"], person["version"], person["name"]) == (
        case.pk, case.version, case.person.full_name)
    assert person["needs"] == [{"id": need.pk, "name": need.name}]
    assert [a["code"] for a in body["report_areas"]] == ["840503"]
    assert AuditEvent.objects.filter(detail__mine=True, actor=carer_user).exists()
    # Another volunteer of the same subdistrict, an officer of the area (not a
    # carer), an officer elsewhere: nobody to keep. A stranger and no sign-in: refused.
    other_volunteer = make_user("อาสาอื่น", Role.VOLUNTEER, "840503")
    for user in (other_volunteer, officer, other_officer):
        assert client.get("/api/v1/cases/mine", headers=bearer(user)).json()["people"] == []
    assert client.get("/api/v1/cases/mine", headers=bearer(stranger)).status_code == 403
    assert client.get("/api/v1/cases/mine").status_code == 401
    # A closed case leaves the phone's list.
    case_step(actor=officer, case=case, action="close", expected_version=case.version,
              reason="self_reliant")
    assert client.get("/api/v1/cases/mine", headers=bearer(carer_user)).json()["people"] == []


def test_the_offline_page_and_the_web_app_files(client: Client, carer_user: User,
                                                stranger: User) -> None:
    assert client.get("/cases/offline/").status_code == 302
    client.force_login(stranger)
    assert client.get("/cases/offline/").status_code == 403
    client.force_login(carer_user)
    page = client.get("/cases/offline/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="offline-config"' in html and "cases/offline.js" in html
    assert 'rel="manifest"' in html and "web/pwa.js" in html
    client.logout()
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert worker["Cache-Control"] == "no-cache"
    code = worker.content.decode()
    assert "/static/vendor/workbox/workbox-sw.js" in code and "/cases/offline/" in code
    assert "googleapis" not in code
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {i["sizes"] for i in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for size in (192, 512):
        icon = client.get(f"/icons/{size}.png")
        assert icon.status_code == 200
        assert Image.open(io.BytesIO(icon.content)).size == (size, size)
    assert client.get("/icons/64.png").status_code == 404
    for name in ("vendor/workbox/workbox-sw.js", "vendor/workbox/workbox-core.prod.js",
                 "vendor/workbox/workbox-precaching.prod.js", "vendor/idb/umd.js",
                 "web/sw-main.js", "cases/offline.js"):
        assert client.get(f"/static/{name}").status_code == 200, name
