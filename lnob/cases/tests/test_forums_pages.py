from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from lnob.cases.forums.services import agenda_add
from lnob.cases.models import AgendaItem, Case, Forum
from lnob.cases.services import case_step
from lnob.cases.tests.test_forums_helpers import (
    CITIZEN_ID,
    KO_TAO,
    NEED_NOTE,
    PHONE,
    SUMMARY,
    forum,
    network,
    reported_case,
    sensitive_case,
    village,
)
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.core.thaidates import be_year

pytestmark = pytest.mark.django_db


def be_today() -> str:
    today = timezone.localdate()
    return f"{today.day}/{today.month}/{be_year(today.year)}"


def test_an_officer_records_a_forum_fills_its_agenda_and_decides_in_one_post(
        client: Client, officer: User) -> None:
    organiser = network()
    village(1)
    first, second = reported_case(officer, "ก้อย"), reported_case(officer, "ขวัญ")
    client.force_login(officer)
    form = client.get("/forums/new/").content.decode()
    assert 'id="id_where"' in form and organiser.name in form  # the subdistrict by name
    response = client.post("/forums/new/", {
        "subdistrict": KO_TAO, "village_number": "1", "organiser": str(organiser.pk),
        "held_on": be_today(), "place": "ศาลาวัด", "attendance_community": "30",
        "attendance_local_government": "2", "minutes": ""})
    created = Forum.objects.get()
    assert response["Location"] == f"/forums/{created.pk}/"
    assert created.village_id == f"{KO_TAO}01" and created.held_on == timezone.localdate()
    page = client.get(f"/forums/{created.pk}/").content.decode()
    assert "ก้อย" in page and 'name="fill"' in page
    client.post(f"/forums/{created.pk}/agenda/", {"case_ids": [str(first.pk)]})
    client.post(f"/forums/{created.pk}/agenda/", {"case_ids": [str(second.pk)]})
    page = client.get(f"/forums/{created.pk}/").content.decode()
    assert f'name="decision_{first.pk}"' in page and f'name="version_{second.pk}"' in page
    response = client.post(f"/forums/{created.pk}/decide/", {
        f"decision_{first.pk}": "verified", f"version_{first.pk}": "1",
        f"decision_{second.pk}": "not_target", f"version_{second.pk}": "1",
        "minutes": "มติที่ประชุม"})
    assert response.status_code == 302
    assert dict(Case.objects.values_list("pk", "status")) == {first.pk: "verified",
                                                             second.pk: "rejected"}
    page = client.get(f"/forums/{created.pk}/").content.decode()
    assert f'name="decision_{first.pk}"' not in page and "มติที่ประชุม" in page


def test_the_forum_page_and_list_are_audited_and_show_only_the_users_areas(
        client: Client, officer: User, other_officer: User) -> None:
    mine = forum(officer, network())
    case = reported_case(officer, "ก้อย")
    agenda_add(actor=officer, forum=mine, case_ids=[case.pk])
    client.force_login(officer)
    assert f"/forums/{mine.pk}/" in client.get("/forums/").content.decode()
    client.get(f"/forums/{mine.pk}/")
    assert AuditEvent.objects.get(object_type="cases.forum_list").detail["forums"] == [mine.pk]
    seen = AuditEvent.objects.get(object_type="cases.forum", action="view")
    assert seen.detail["agenda"] == [case.pk] and seen.actor == officer
    client.force_login(other_officer)
    assert f"/forums/{mine.pk}/" not in client.get("/forums/").content.decode()


def test_forum_pages_are_404_outside_the_area_403_for_strangers_and_login_for_anonymous(
        client: Client, officer: User, other_officer: User, stranger: User,
        make_user: Callable[..., User]) -> None:
    held = forum(officer, network())
    case = reported_case(officer, "ก้อย")
    agenda_add(actor=officer, forum=held, case_ids=[case.pk])
    pages = [f"/forums/{held.pk}/{tail}" for tail in ("", "edit/", "sheet/")]
    for url in ["/forums/", "/forums/new/", *pages]:
        assert client.get(url)["Location"].startswith("/accounts/login/"), url
    client.force_login(stranger)
    for url in ["/forums/", "/forums/new/", *pages]:
        assert client.get(url).status_code == 403, url
    client.force_login(other_officer)
    for url in pages:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/forums/{held.pk}/agenda/", {"fill": "1"}).status_code == 404
    assert client.post(f"/forums/{held.pk}/decide/", {
        f"decision_{case.pk}": "verified"}).status_code == 404
    assert Case.objects.get(pk=case.pk).status == "reported"
    client.force_login(make_user("vol", Role.VOLUNTEER, KO_TAO))
    assert client.get(pages[0]).status_code == 403  # volunteers do not run forums
    client.force_login(make_user("coord", Role.NETWORK_COORDINATOR, "8405"))
    for url in pages:
        assert client.get(url).status_code == 200, url
    client.force_login(make_user("coord2", Role.NETWORK_COORDINATOR, "8401"))
    assert client.get(pages[0]).status_code == 404


def test_the_sheet_lists_names_villages_and_groups_and_nothing_private(
        client: Client, officer: User) -> None:
    village(3, name="บ้านหาดทรายรี")
    held = forum(officer, network())
    case = sensitive_case(officer, village_number=3)
    agenda_add(actor=officer, forum=held, case_ids=[case.pk])
    client.force_login(officer)
    response = client.get(f"/forums/{held.pk}/sheet/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "นายบุญมี ศรีสุข" in body and "บ้านหาดทรายรี" in body and "ผู้ยากลำบาก" in body
    assert "ศาลาวัด" in body and held.organiser.name in body
    assert "/static/css/print-forum.css" in body
    digits = re.sub(r"\D", "", body)
    assert CITIZEN_ID not in digits and CITIZEN_ID[-5:] not in body  # nor masked
    assert PHONE not in digits and "0899999999" not in digits
    for private in (NEED_NOTE, SUMMARY, "ซอยหลังวัด", "แจ้งโดยเพื่อนบ้าน", "สุขภาพ"):
        assert private not in body, private
    seen = AuditEvent.objects.get(object_type="cases.forum", action="view")
    assert seen.detail == {"sheet": True, "rows": 1}


def test_the_print_stylesheet_sets_an_a4_page(client: Client) -> None:
    response = client.get("/static/css/print-forum.css")
    css = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "size: A4" in css and "@media print" in css


def test_bad_input_on_the_new_forum_page_is_named_and_nothing_is_written(
        client: Client, officer: User) -> None:
    organiser = network()
    client.force_login(officer)
    response = client.post("/forums/new/", {
        "subdistrict": KO_TAO, "organiser": str(organiser.pk), "held_on": "",
        "attendance_community": "-4"})
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count('class="error"') >= 2 and 'id="id_held_on_error"' in body
    assert 'id="id_attendance_community_error"' in body
    response = client.post("/forums/new/", {"subdistrict": "849999", "held_on": be_today(),
                                            "organiser": str(organiser.pk)})
    assert response.status_code == 400 and 'id="id_where-err"' in response.content.decode()
    assert not Forum.objects.exists()


def test_a_decision_on_a_case_changed_meanwhile_says_reload_and_saves_nothing(
        client: Client, officer: User) -> None:
    held = forum(officer, network())
    first, second = reported_case(officer, "ก้อย"), reported_case(officer, "ขวัญ")
    agenda_add(actor=officer, forum=held, case_ids=[first.pk, second.pk])
    case_step(actor=officer, case=second, action="verify", expected_version=1)
    client.force_login(officer)
    response = client.post(f"/forums/{held.pk}/decide/", {
        f"decision_{first.pk}": "verified", f"version_{first.pk}": "1",
        f"decision_{second.pk}": "not_target", f"version_{second.pk}": "1"})
    assert response.status_code == 409 and 'role="alert"' in response.content.decode()
    assert Case.objects.get(pk=first.pk).status == "reported"
    assert not AgendaItem.objects.exclude(decision="").exists()


def test_a_case_of_another_subdistrict_is_refused_on_the_agenda_page(
        client: Client, officer: User) -> None:
    held = forum(officer, network())
    next_door = reported_case(officer, "ขวัญ", subdistrict="840502")
    client.force_login(officer)
    response = client.post(f"/forums/{held.pk}/agenda/", {"case_ids": [str(next_door.pk)]})
    assert response.status_code == 400
    assert f"{next_door.pk}" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_the_forum_can_be_changed(client: Client, officer: User) -> None:
    held = forum(officer, network())
    client.force_login(officer)
    assert 'value="40"' in client.get(f"/forums/{held.pk}/edit/").content.decode()
    response = client.post(f"/forums/{held.pk}/edit/", {
        "held_on": be_today(), "place": "โรงเรียน", "attendance_community": "41",
        "minutes": "แก้ไข"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.place, held.minutes) == ("โรงเรียน", "แก้ไข")
    assert dict(held.attendance.values_list("partner_type", "count")) == {"community": 41}


def test_the_organiser_list_is_grouped_by_district_and_tells_same_names_apart(
        client: Client, officer: User) -> None:
    # Two networks of the same name: one on Ko Tao (Ko Pha-ngan district), one
    # in Mueang Surat Thani; the list must let the officer pick the right one.
    tao = network(name="ชมรมผู้สูงอายุ")
    mueang = network(name="ชมรมผู้สูงอายุ", subdistrict="840101")
    client.force_login(officer)
    form = client.get("/forums/new/").content.decode()
    select = form.split('name="organiser"')[1].split("</select>")[0]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert len(groups) == 2
    by_group = {label: body for label, body in groups}
    tao_group = next(body for body in by_group.values() if f'value="{tao.pk}"' in body)
    assert f'value="{mueang.pk}"' not in tao_group
    labels = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', select)
    names = dict(labels)
    assert names[str(tao.pk)] != names[str(mueang.pk)]
    assert "เกาะเต่า" in names[str(tao.pk)]
