"""Writes to accounts: role grants and API tokens. Each is one transaction
with its audit row."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.models import ApiToken, AuditAction, RoleGrant, User
from lnob.core.roles import NATIONAL_ROLES, Role

TOKEN_LIFETIME = timedelta(days=365)


def _area_exists(area_code: str) -> bool:
    from lnob.geo.selectors import area_by_code

    return len(area_code) in (2, 4, 6) and area_by_code(area_code) is not None


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
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Makes a token for ``actor``; returns it with the raw key, shown once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the system that uses it.")})
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(
        user=actor, name=name[:100], prefix=raw[5:13], key_hash=ApiToken.hash_key(raw),
        expires_at=timezone.now() + TOKEN_LIFETIME,
    )
    audit.record(AuditAction.TOKEN_CREATE, actor=actor, obj=token, detail={"name": token.name})
    return token, raw


def api_token_user(raw: str) -> User | None:
    """The active user behind a raw token, or None. Marks the token used."""
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=ApiToken.hash_key(raw)).first())
    now = timezone.now()
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    # At most one write a minute per token, not one per request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
