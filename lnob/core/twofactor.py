"""Two factors for the roles that hold personal data of many people: a time
code from a phone app (TOTP, RFC 6238, through django-otp) and ten recovery
codes for the day the phone is lost.

Which roles must use it is a setting (``LNOB_2FA_ROLES``); anyone may turn it
on. A session is "verified" once a code was accepted after the password
(django-otp's middleware marks ``request.user.is_verified()``);
:class:`lnob.core.middleware.SecondFactorMiddleware` sends an unverified
session of such a user to set up or enter a code before any other page.
API tokens are made by a verified session and stand on their own.
"""

from __future__ import annotations

from typing import Any

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lnob.core import audit
from lnob.core.access import grants_of
from lnob.core.models import AuditAction, User

RECOVERY_CODES = 10
APP_DEVICE = "phone app"
RECOVERY_DEVICE = "recovery codes"


def required_for(user: Any) -> bool:
    """Whether the user's roles oblige them to use a second factor."""
    roles = getattr(settings, "TWO_FACTOR_ROLES", ())
    return bool(roles) and bool(grants_of(user, roles))


def enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


SESSION_KEY = "lnob_2fa_enrolled"


def remember_enrolment(request: Any, user: Any) -> None:
    """At sign-in: whether the user has a phone-app code, kept in the session."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_KEY] = enrolled(user)


def enrolled_in_session(request: Any) -> bool:
    """Whether the signed-in user has a phone-app code: noted in the session at
    sign-in (every page asks), kept right by enrol and disable."""
    if SESSION_KEY not in request.session:  # a session from before this was noted
        remember_enrolment(request, request.user)
    return bool(request.session[SESSION_KEY])


def pending_device(user: User) -> TOTPDevice:
    """The phone-app device being set up (unconfirmed), made on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` link as an inline SVG QR code for the phone app."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1a1a1a")


def manual_key(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed: base32, in groups of 4."""
    import base64

    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


@transaction.atomic(durable=True)
def enrol(*, actor: User, code: str, request: Any) -> list[str] | None:
    """Confirms the pending phone-app device with a code from the app. Returns
    the new recovery codes (shown once), or None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
    if device is None or not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(actor)
    django_otp.login(request, device)
    request.session[SESSION_KEY] = True
    audit.record(AuditAction.UPDATE, request=request, actor=actor, object_type="core.user",
                 object_id=str(actor.pk), detail={"second_factor": "enrolled"})
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic(durable=True)
def verify(*, actor: User, code: str, request: Any) -> bool:
    """Accepts a code from the phone app or one recovery code (used up), and
    marks the session verified. Each try is audited; django-otp slows down
    repeated failures on the device itself."""
    token = _digits(code)
    device = None
    for candidate in [*TOTPDevice.objects.filter(user=actor, confirmed=True),
                      *StaticDevice.objects.filter(user=actor, confirmed=True)]:
        device = django_otp.verify_token(actor, candidate.persistent_id, token)
        if device is not None:
            break
    audit.record(AuditAction.LOGIN if device else AuditAction.LOGIN_FAILED, request=request,
                 actor=actor, object_type="core.user", object_id=str(actor.pk),
                 detail={"second_factor": getattr(device, "name", "") or "refused"})
    if device is None:
        return False
    django_otp.login(request, device)
    return True


@transaction.atomic(durable=True)
def disable(*, actor: User, user: User, request: Any) -> None:
    """Removes a user's second factor (the user, or an administrator helping
    one who lost the phone and the codes)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if request is not None and getattr(request, "user", None) == user:
        request.session[SESSION_KEY] = False
    audit.record(AuditAction.UPDATE, request=request, actor=actor, object_type="core.user",
                 object_id=str(user.pk), detail={"second_factor": "removed"})
