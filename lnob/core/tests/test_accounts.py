from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client

from lnob.conftest import PASSWORD
from lnob.core.models import AuditAction, AuditEvent, RoleGrant, User
from lnob.core.roles import Role
from lnob.core.services import role_grant

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2(make_user: Callable[..., User]) -> None:
    user = make_user("u")
    user.set_password("another-long-pass")
    assert user.password.startswith("argon2$")


def test_signing_in_and_out(client: Client, officer: User) -> None:
    response = client.post("/accounts/login/", {"username": "officer84", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(officer.pk)
    client.post("/accounts/logout/")
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=officer).count() == 1


def test_a_wrong_password_says_so_and_signs_nobody_in(client: Client, officer: User) -> None:
    response = client.post("/accounts/login/", {"username": "officer84", "password": "nope"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert b'role="alert"' in response.content


def test_guessing_is_stopped_after_five_failures_even_with_the_right_password(
        client: Client, officer: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "officer84", "password": "wrong-guess"})
    response = client.post("/accounts/login/", {"username": "officer84", "password": PASSWORD})
    assert SESSION_KEY not in client.session
    assert response.status_code == 429


def test_a_lockout_for_one_user_does_not_lock_another(client: Client, officer: User,
                                                      other_officer: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "officer84", "password": "wrong-guess"})
    client.post("/accounts/login/", {"username": "officer81", "password": PASSWORD})
    assert client.session[SESSION_KEY] == str(other_officer.pk)


def test_sessions_expire_after_a_working_day_and_when_the_browser_closes() -> None:
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_changing_the_password_needs_the_old_one_and_is_audited(client: Client,
                                                                officer: User) -> None:
    client.force_login(officer)
    bad = client.post("/accounts/password/", {"old_password": "not-it",
                                              "new_password1": "a-New-pass-2569",
                                              "new_password2": "a-New-pass-2569"})
    assert bad.status_code == 200
    good = client.post("/accounts/password/", {"old_password": PASSWORD,
                                               "new_password1": "a-New-pass-2569",
                                               "new_password2": "a-New-pass-2569"})
    assert good.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a-New-pass-2569")
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=officer).exists()


def test_granting_a_role_is_audited_and_checks_the_area(officer: User,
                                                        make_user: Callable[..., User]) -> None:
    user = make_user("newcomer")
    role_grant(actor=officer, user=user, role=Role.VOLUNTEER, area_code="840503")
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_GRANT, object_id=str(user.pk),
                                     area_code="840503").exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as unknown:
        role_grant(actor=officer, user=user, role=Role.VOLUNTEER, area_code="999999")
    assert "area_code" in unknown.value.message_dict
    with pytest.raises(ValidationError):
        role_grant(actor=officer, user=user, role=Role.VOLUNTEER, area_code="")
    assert RoleGrant.objects.filter(user=user).count() == 1


def test_a_token_is_shown_once_and_stored_only_as_a_hash(client: Client, officer: User) -> None:
    client.force_login(officer)
    page = client.post("/accounts/tokens/", {"name": "hotline 1300"}).content.decode()
    token = officer.api_tokens.get()
    raw = page.split('<code class="token">')[1].split("</code>")[0]
    assert raw.startswith("lnob_") and raw not in token.key_hash
    assert raw not in client.get("/accounts/tokens/").content.decode()
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.json()["grants"] == [{"role": "provincial_officer", "area_code": "84"}]
