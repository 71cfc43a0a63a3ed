from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lnob.conftest import PASSWORD
from lnob.core import audit
from lnob.core.models import AuditAction, AuditEvent, User
from lnob.core.roles import Role
from lnob.core.selectors import audit_of_object, audit_visible_to

pytestmark = pytest.mark.django_db


def test_signing_in_writes_who_and_from_which_address(client: Client, officer: User) -> None:
    client.post("/accounts/login/", {"username": "officer84", "password": PASSWORD},
                REMOTE_ADDR="203.0.113.7")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.actor, event.actor_label, event.ip) == (officer, "officer84", "203.0.113.7")


def test_a_failed_sign_in_writes_the_name_tried_but_never_the_password(
        client: Client, officer: User) -> None:
    client.post("/accounts/login/", {"username": "officer84", "password": "guess-1234"},
                REMOTE_ADDR="198.51.100.9")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.detail == {"username": "officer84"}
    assert event.ip == "198.51.100.9"
    assert "guess-1234" not in str(event.detail)


def test_viewing_a_team_writes_a_view_row_naming_the_people_shown(
        client: Client, officer: User) -> None:
    client.force_login(officer)
    client.get("/workspace/8405/")
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.actor, event.object_type, event.object_id) == (officer, "workspace", "8405")
    assert officer.pk in event.detail["users"]


def test_who_looked_at_this_is_one_query(officer: User, make_user: Callable[..., User],
                                         django_assert_num_queries: Callable) -> None:
    looker = make_user("looker", Role.VOLUNTEER, "840503")
    audit.record(AuditAction.VIEW, actor=looker, object_type="registry.person", object_id="42",
                 area_code="840503")
    audit.record(AuditAction.VIEW, actor=looker, object_type="registry.person", object_id="43",
                 area_code="840503")
    officer._lnob_grants = list(officer.grants.all())  # type: ignore[attr-defined]
    with django_assert_num_queries(1):
        rows = list(audit_of_object(officer, "registry.person", "42"))
    assert [r.actor_label for r in rows] == ["looker"]


def test_the_log_cannot_be_edited_or_deleted(officer: User) -> None:
    event = audit.record(AuditAction.VIEW, actor=officer, object_type="x", object_id="1")
    event.action = AuditAction.EXPORT
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="export")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


def test_officers_read_the_log_of_their_province_only(client: Client, officer: User,
                                                      other_officer: User) -> None:
    audit.record(AuditAction.VIEW, actor=officer, object_type="x", object_id="in-84",
                 area_code="840503")
    audit.record(AuditAction.VIEW, actor=other_officer, object_type="x", object_id="in-81",
                 area_code="810101")
    assert [e.object_id for e in audit_visible_to(officer).filter(object_type="x")] == ["in-84"]
    client.force_login(officer)
    body = client.get("/audit/").content.decode()
    assert "in-84" in body and "in-81" not in body


def test_volunteers_and_committee_members_cannot_read_the_log(
        client: Client, make_user: Callable[..., User]) -> None:
    for name, role in (("v", Role.VOLUNTEER), ("c", Role.COMMITTEE_MEMBER)):
        client.force_login(make_user(name, role, "84" if role == Role.COMMITTEE_MEMBER
                                     else "840503"))
        assert client.get("/audit/").status_code == 403


def test_the_admin_offers_no_way_to_change_the_log(client: Client,
                                                   make_user: Callable[..., User]) -> None:
    admin = make_user("root", Role.SYSTEM_ADMIN, "", is_staff=True, is_superuser=True)
    event = audit.record(AuditAction.VIEW, actor=admin, object_type="x", object_id="1")
    client.force_login(admin)
    page = client.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
