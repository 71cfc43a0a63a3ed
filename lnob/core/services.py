"""Writes to accounts: role grants and API tokens. Each is one transaction
with its audit row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.models import ApiToken, AuditAction, RoleGrant, User
from lnob.core.roles import NATIONAL_ROLES, Role

TOKEN_DAYS_DEFAULT = 90
TOKEN_DAYS_MAX = 365


# How to tell a real area code from a typo. Core knows areas only as code
# strings (decision 0001); the geography app, a layer above, registers its
# lookup here when Django is ready (GeoConfig.ready), so core imports no geo.
_area_lookup: Callable[[str], object | None] | None = None


def area_lookup_register(lookup: Callable[[str], object | None]) -> None:
    """Called once by the geography app: ``lookup(code)`` is the area or None."""
    global _area_lookup
    _area_lookup = lookup


def _area_exists(area_code: str) -> bool:
    if _area_lookup is None:  # pragma: no cover - geo is always installed
        raise RuntimeError("no area lookup registered (is lnob.geo installed?)")
    return len(area_code) in (2, 4, 6) and _area_lookup(area_code) is not None


@transaction.atomic
def role_grant(*, actor: User | None, user: User, role: Role | str, area_code: str) -> RoleGrant:
    """Gives ``user`` a role on an area ("" = the whole country)."""
    role = Role(role)
    if area_code == "":
        if role not in NATIONAL_ROLES:
            raise ValidationError({"area_code": _("This role must be granted on an area.")})
    elif not _area_exists(area_code):
        raise ValidationError({"area_code": _("Unknown area code %(code)s.") % {
            "code": area_code}})
    grant, created = RoleGrant.objects.get_or_create(
        user=user, role=role, area_code=area_code, defaults={"granted_by": actor})
    if created:
        audit.record(AuditAction.ROLE_GRANT, actor=actor, obj=user, area_code=area_code,
                     detail={"role": str(role), "area_code": area_code})
    return grant


@transaction.atomic
def role_revoke(*, actor: User | None, grant: RoleGrant) -> None:
    audit.record(AuditAction.ROLE_REVOKE, actor=actor, obj=grant.user, area_code=grant.area_code,
                 detail={"role": grant.role, "area_code": grant.area_code})
    grant.delete()


@transaction.atomic
def api_token_create(*, actor: User, name: str, scope: str = "",
                     days: int = TOKEN_DAYS_DEFAULT) -> tuple[ApiToken, str]:
    """Makes a token for ``actor``; returns it with the raw key, shown once.
    ``scope`` read (the default) or write; it lasts ``days`` (1–365)."""
    name = name.strip()
    errors: dict[str, Any] = {}
    if not name:
        errors["name"] = _("Give the token a name, e.g. the system that uses it.")
    scope = scope or ApiToken.Scope.READ
    if scope not in ApiToken.Scope.values:
        errors["scope"] = _("Choose what the token may do: read, or read and write.")
    if not 1 <= days <= TOKEN_DAYS_MAX:
        errors["days"] = _("A token lasts from 1 to %(max)d days.") % {"max": TOKEN_DAYS_MAX}
    if errors:
        raise ValidationError(errors)
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(
        user=actor, name=name[:100], prefix=raw[5:13], key_hash=ApiToken.hash_key(raw),
        scope=scope, expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(AuditAction.TOKEN_CREATE, actor=actor, obj=token,
                 detail={"name": token.name, "scope": scope, "days": days})
    return token, raw


def api_token_revoke(*, actor: User, token_id: int | None, request: Any = None) -> None:
    """Revokes one of the actor's own tokens (someone else's: nothing, 404 above)."""
    token = (ApiToken.objects.filter(pk=token_id, user=actor, revoked_at=None).first()
             if token_id is not None else None)
    if token is None:
        raise Http404
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit.record(AuditAction.TOKEN_REVOKE, actor=actor, request=request, obj=token,
                 detail={"name": token.name})


def api_tokens_revoke_all(*, actor: User, user: User, request: Any = None) -> int:
    """Revokes all of ``user``'s tokens (after a password change)."""
    revoked = ApiToken.objects.filter(user=user, revoked_at=None).update(
        revoked_at=timezone.now())
    if revoked:
        audit.record(AuditAction.TOKEN_REVOKE, actor=actor, request=request,
                     object_type="core.user", object_id=str(user.pk),
                     detail={"all": True, "tokens": revoked})
    return revoked


def api_token_for(raw: str) -> ApiToken | None:
    """The live token behind a raw key (its user active, not expired, not
    revoked), or None. Marks the token used."""
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=ApiToken.hash_key(raw), revoked_at=None).first())
    now = timezone.now()
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    # At most one write a minute per token, not one per request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_user(raw: str) -> User | None:
    """The active user behind a raw token, or None."""
    token = api_token_for(raw)
    return token.user if token is not None else None
