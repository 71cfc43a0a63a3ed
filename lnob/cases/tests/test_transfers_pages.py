from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lnob.cases.models import Case, Transfer
from lnob.cases.services import case_step
from lnob.cases.tests.test_transfers_services import AO_NANG, KO_TAO, ask, network_of, open_case
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(officer: User) -> Case:
    return open_case(officer)


def test_an_officer_finds_the_subdistrict_and_asks_for_a_transfer(
        client: Client, officer: User, case: Case) -> None:
    krabi = network_of("81", "เครือข่ายอ่าวนาง")
    network_of("84", "เครือข่ายเกาะเต่า")
    client.force_login(officer)
    found = client.get(f"/transfers/new/{case.pk}/", {"q": "อ่าวนาง"}).content.decode()
    assert f"?to_subdistrict={AO_NANG}" in found
    assert client.get(f"/transfers/new/{case.pk}/", {"q": "Ao Nang"}).status_code == 200
    form = client.get(f"/transfers/new/{case.pk}/", {"to_subdistrict": AO_NANG}).content.decode()
    assert "เครือข่ายอ่าวนาง" in form and "เครือข่ายเกาะเต่า" not in form
    response = client.post(f"/transfers/new/{case.pk}/", {
        "to_subdistrict": AO_NANG, "to_network": krabi.pk, "note": "ย้ายไปอยู่กับลูกสาว",
        "version": case.version})
    transfer = Transfer.objects.get()
    assert response["Location"] == f"/transfers/{transfer.pk}/"
    assert (transfer.to_subdistrict_id, transfer.to_network, transfer.requested_by) == (
        AO_NANG, krabi, officer)
    # Asking again leads to the transfer that waits.
    again = client.get(f"/transfers/new/{case.pk}/")
    assert again["Location"] == f"/transfers/{transfer.pk}/"
    body = client.get(f"/transfers/{transfer.pk}/").content.decode()
    assert f'action="/transfers/{transfer.pk}/cancel/"' in body
    assert f'action="/transfers/{transfer.pk}/accept/"' not in body


def test_the_receiving_officer_sees_only_a_summary_then_accepts_and_the_case_moves(
        client: Client, officer: User, other_officer: User, case: Case) -> None:
    transfer = ask(officer, case)
    client.force_login(other_officer)
    inbox = client.get("/transfers/").content.decode()
    assert f"/transfers/{transfer.pk}/" in inbox and "สมชาย" in inbox
    assert client.get(f"/cases/{case.pk}/").status_code == 404  # not theirs yet
    page = client.get(f"/transfers/{transfer.pk}/").content.decode()
    assert "สมชาย" in page and "ย้ายไปอยู่กับลูกสาวที่กระบี่" in page
    assert "1101700203441" not in page and "1-1017" not in page  # no citizen ID
    assert f'action="/transfers/{transfer.pk}/accept/"' in page
    assert AuditEvent.objects.filter(object_type="registry.person", object_id=str(case.person_id),
                                     actor=other_officer, detail__via="transfer").exists()
    response = client.post(f"/transfers/{transfer.pk}/accept/", {"note": "รับแล้ว"})
    assert response["Location"] == f"/cases/{case.pk}/"
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    client.force_login(officer)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/persons/{case.person_id}/").status_code == 404
    sender_view = client.get(f"/transfers/{transfer.pk}/").content.decode()
    assert "สมชาย" not in sender_view  # answered: no more summary


def test_a_decline_needs_a_reason_and_the_sending_officer_cannot_accept(
        client: Client, officer: User, other_officer: User, case: Case) -> None:
    transfer = ask(officer, case)
    client.force_login(officer)
    refused = client.post(f"/transfers/{transfer.pk}/accept/")
    assert refused.status_code == 403
    client.force_login(other_officer)
    empty = client.post(f"/transfers/{transfer.pk}/decline/", {"note": ""})
    assert empty.status_code == 400
    assert 'id="d-note-err"' in empty.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == "pending"
    done = client.post(f"/transfers/{transfer.pk}/decline/", {"note": "ไม่มีผู้ดูแลในพื้นที่"})
    assert done["Location"] == "/transfers/"
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert (transfer.status, case.subdistrict_id) == ("declined", KO_TAO)


@pytest.mark.parametrize(("post", "field_message"), [
    ({"to_subdistrict": "999999", "note": "ย้าย"}, "999999"),
    ({"to_subdistrict": AO_NANG, "note": ""}, 'id="t-note-err"'),
    ({"to_subdistrict": KO_TAO, "note": "ย้าย"}, 'id="t-sub-err"'),
])
def test_bad_input_is_shown_on_the_form_and_nothing_changes(
        client: Client, officer: User, case: Case, post: dict[str, str],
        field_message: str) -> None:
    client.force_login(officer)
    response = client.post(f"/transfers/new/{case.pk}/", {**post, "version": case.version})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="error"' in body and field_message in body
    assert not Transfer.objects.exists()
    assert Case.objects.get(pk=case.pk).version == case.version


def test_a_transfer_asked_from_an_old_page_says_reload(client: Client, officer: User,
                                                       case: Case) -> None:
    client.force_login(officer)
    case_step(actor=officer, case=case, action="verify", expected_version=1)
    response = client.post(f"/transfers/new/{case.pk}/", {
        "to_subdistrict": AO_NANG, "note": "ย้าย", "version": 1})
    assert response.status_code == 409
    assert 'name="version" value="2"' in response.content.decode()
    assert not Transfer.objects.exists()


def test_pages_in_area_out_of_area_stranger_and_anonymous(
        client: Client, officer: User, other_officer: User, stranger: User,
        make_user: Callable[..., User], case: Case) -> None:
    transfer = ask(officer, case)
    other_case = open_case(officer, first_name="สอง", citizen_id="",
                           no_citizen_id_reason="unknown")
    bangkok = make_user("officer10", Role.PROVINCIAL_OFFICER, "10")
    volunteer = make_user("vol84", Role.VOLUNTEER, "84")
    pages = ["/transfers/", f"/transfers/new/{other_case.pk}/", f"/transfers/{transfer.pk}/"]
    for url in pages:
        assert client.get(url).status_code == 302  # anonymous → sign in
    expected = {
        officer: [200, 200, 200],
        other_officer: [200, 404, 200],  # the receiving side sees the transfer, not the case
        bangkok: [200, 404, 404],
        stranger: [403, 403, 403],
        volunteer: [403, 403, 403],
    }
    for user, codes in expected.items():
        client.force_login(user)
        assert [client.get(url).status_code for url in pages] == codes, user.username
    client.force_login(bangkok)
    for action in ("accept", "decline", "cancel"):
        assert client.post(f"/transfers/{transfer.pk}/{action}/",
                           {"note": "x"}).status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == "pending"
