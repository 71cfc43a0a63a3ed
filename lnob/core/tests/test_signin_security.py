"""Sign-in hardening: the lockout follows the user name from any address, each
client address is throttled, officers use a second factor, and API tokens have
scopes, expiry and revocation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lnob.conftest import PASSWORD
from lnob.core import views
from lnob.core.clientip import parse_networks
from lnob.core.models import ApiToken, AuditEvent, User
from lnob.core.roles import Role
from lnob.core.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_address_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each failed sign-in hashes a password on purpose (slow): test with 6, not 30.
    from lnob.core import ratelimit, views

    monkeypatch.setattr(views, "FAILED_SIGN_INS", ratelimit.Limit("signin_failed", 6, 900))


def sign_in(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_user_name_from_every_address(officer: User) -> None:
    for n in range(5):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), officer.username, "wrong-password")
    response = sign_in(Client(REMOTE_ADDR="198.51.100.9"), officer.username)
    assert response.status_code != 302
    assert "_auth_user_id" not in Client().session


def test_one_address_is_throttled_whatever_the_user_names(
        officer: User, make_user: Callable[..., User]) -> None:
    other = make_user("officer_b", Role.PROVINCIAL_OFFICER, "84")
    sprayer = Client(REMOTE_ADDR="203.0.113.66")
    for n in range(views.FAILED_SIGN_INS.count):
        sign_in(sprayer, f"guess{n}", "wrong-password")
    assert sign_in(sprayer, other.username).status_code == 429
    # Someone else, elsewhere, signs in as usual.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.10"), other.username).status_code == 302


def test_behind_the_proxy_clients_are_told_apart(officer: User, settings: Any) -> None:
    settings.TRUSTED_PROXIES = parse_networks("127.0.0.1")
    sprayer = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    for n in range(views.FAILED_SIGN_INS.count):
        sign_in(sprayer, f"guess{n}", "wrong-password")
    assert sign_in(sprayer, officer.username).status_code == 429
    # A forged left-most entry does not let the sprayer out of its own count…
    forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.66")
    assert sign_in(forged, officer.username).status_code == 429
    # …and another client behind the same proxy is not held back.
    honest = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sign_in(honest, officer.username).status_code == 302
    assert AuditEvent.objects.filter(action="login", ip="198.51.100.7").exists()


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def officers_use_codes(settings: Any) -> None:
    settings.TWO_FACTOR_ROLES = (Role.PROVINCIAL_OFFICER, Role.SYSTEM_ADMIN)
    # django-otp waits longer after each wrong code; the test does not wait.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.mark.usefixtures("officers_use_codes")
def test_an_officer_sets_up_a_code_then_needs_it_at_every_sign_in(
        client: Client, officer: User) -> None:
    assert sign_in(client, officer.username).status_code == 302
    # Before the code is set up, no page opens: not the people, not the API.
    response = client.get("/persons/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")
    assert client.get("/api/v1/persons").status_code == 401
    page = client.get("/accounts/2fa/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert client.post("/accounts/2fa/", {"code": "000000"}).status_code == 400
    done = client.post("/accounts/2fa/", {"code": _code(device)})
    codes = [c.strip() for c in done.content.decode().split("<code>")[1:]]
    assert done.status_code == 200 and len(codes) == 10
    assert client.get("/persons/").status_code == 200
    assert client.get("/api/v1/persons").status_code == 200

    client.post("/accounts/logout/")
    sign_in(client, officer.username)
    response = client.get("/persons/")
    assert response["Location"].startswith("/accounts/2fa/verify/")
    assert client.post("/accounts/2fa/verify/", {"code": "123456"}).status_code == 400
    recovery = codes[0].split("<")[0]
    assert client.post("/accounts/2fa/verify/", {"code": recovery}).status_code == 302
    assert client.get("/persons/").status_code == 200
    # A recovery code works once.
    client.post("/accounts/logout/")
    sign_in(client, officer.username)
    assert client.post("/accounts/2fa/verify/", {"code": recovery}).status_code == 400
    # An officer may not turn the code off.
    device.refresh_from_db()
    client.post("/accounts/2fa/verify/", {"code": _code(device)})
    assert client.post("/accounts/2fa/", {"action": "disable"}).status_code == 403


@pytest.mark.usefixtures("officers_use_codes")
def test_a_volunteer_may_turn_a_code_on_and_off(client: Client,
                                                make_user: Callable[..., User]) -> None:
    volunteer = make_user("vol", Role.VOLUNTEER, "840503")
    sign_in(client, volunteer.username)
    assert client.get("/").status_code == 200  # not required for volunteers
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=volunteer)
    client.post("/accounts/2fa/", {"code": _code(device)})
    client.post("/accounts/logout/")
    sign_in(client, volunteer.username)
    assert client.get("/")["Location"].startswith("/accounts/2fa/verify/")
    client.post("/accounts/2fa/verify/", {"code": _code(device)})
    assert client.post("/accounts/2fa/", {"action": "disable"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=volunteer).exists()


def test_a_read_token_reads_but_does_not_write(client: Client, officer: User) -> None:
    _token, raw = api_token_create(actor=officer, name="dashboard", scope="read")
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/persons", headers=auth).status_code == 200
    response = client.post("/api/v1/persons", {}, content_type="application/json",
                           headers=auth)
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"]


def test_tokens_expire_are_revoked_by_their_owner_and_by_a_password_change(
        client: Client, officer: User, make_user: Callable[..., User]) -> None:
    token, raw = api_token_create(actor=officer, name="hotline", scope="write", days=30)
    auth = {"Authorization": f"Bearer {raw}"}
    assert token.expires_at is not None
    assert token.expires_at - timezone.now() < datetime.timedelta(days=31)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert client.get("/api/v1/persons", headers=auth).status_code == 401

    token, raw = api_token_create(actor=officer, name="hotline", scope="write")
    auth = {"Authorization": f"Bearer {raw}"}
    stranger = make_user("someone", Role.VOLUNTEER, "840503")
    client.force_login(stranger)
    assert client.post("/accounts/tokens/", {"revoke": token.pk}).status_code == 404
    client.force_login(officer)
    assert client.post("/accounts/tokens/", {"revoke": token.pk}).status_code == 302
    assert Client().get("/api/v1/persons", headers=auth).status_code == 401

    _token, raw = api_token_create(actor=officer, name="again", scope="write")
    client.post("/accounts/password/", {"old_password": PASSWORD,
                                        "new_password1": "a-new-long-pass-2569",
                                        "new_password2": "a-new-long-pass-2569"})
    assert Client().get("/api/v1/persons",
                        headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_token_lasts_at_most_a_year(officer: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_token_create(actor=officer, name="x", days=366)
    with pytest.raises(ValidationError):
        api_token_create(actor=officer, name="x", scope="admin")
