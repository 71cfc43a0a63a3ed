"""Who may see what: the one place that decides.

Every page declares its rule with one of the decorators below; a view without
one is refused by ``DenyUndeclaredViewsMiddleware`` (deny by default). Reads of
area-scoped data go through ``area_q``/``visible_*`` here, used by the pages
and the API alike. Area codes nest by prefix ("840503" lies in "8405" and in
"84"), and a grant with an empty code covers the whole country.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.http import Http404, HttpRequest

from lnob.core.models import RoleGrant
from lnob.core.roles import Role

View = TypeVar("View", bound=Callable[..., Any])
ACCESS_ATTR = "lnob_access"


def public(view: View) -> View:
    """Anyone, signed in or not: geography, the public report form, health."""
    setattr(view, ACCESS_ATTR, "public")
    return view


def signed_in(view: View) -> View:
    """Any signed-in user; what they see is scoped inside the view."""
    wrapped = login_required(view)
    setattr(wrapped, ACCESS_ATTR, "signed_in")
    return wrapped


def requires_roles(*roles: Role) -> Callable[[View], View]:
    """Signed in and holding at least one of ``roles`` somewhere; the view then
    scopes objects to the areas of those grants (404 outside them)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not grants_of(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped = login_required(inner)
        setattr(wrapped, ACCESS_ATTR, "roles:" + ",".join(sorted(roles)))
        return wrapped  # type: ignore[return-value]

    return decorate


def grants_of(user: Any, roles: Iterable[Role] | None = None) -> list[RoleGrant]:
    """The user's grants (optionally only these roles), cached per request user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache = getattr(user, "_lnob_grants", None)
    if cache is None:
        cache = list(RoleGrant.objects.filter(user=user).order_by("area_code", "role"))
        user._lnob_grants = cache
    if roles is None:
        return list(cache)
    wanted = {str(r) for r in roles}
    return [g for g in cache if g.role in wanted]


def area_codes(user: Any, roles: Iterable[Role] | None = None) -> list[str]:
    """The area codes the user holds these roles on, without nested repeats."""
    codes = sorted({g.area_code for g in grants_of(user, roles)}, key=len)
    kept: list[str] = []
    for code in codes:
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    return kept


def roles_in(user: Any, area_code: str) -> set[str]:
    """The roles the user holds on this area or an area containing it."""
    return {g.role for g in grants_of(user) if area_code.startswith(g.area_code)}


def covers(user: Any, area_code: str, roles: Iterable[Role] | None = None) -> bool:
    return any(area_code.startswith(code) for code in area_codes(user, roles))


AREA_LEVEL_FIELDS = {2: "province_code", 4: "district_code", 6: "subdistrict_id"}


def area_q(user: Any, field: str | dict[int, str], roles: Iterable[Role] | None = None) -> Q:
    """A filter that keeps rows lying in the user's areas for these roles.

    ``field`` is either one area-code field matched by prefix, or a mapping
    from code length to an exact-match field (e.g. ``AREA_LEVEL_FIELDS`` for
    rows that carry their province, district and subdistrict codes), which
    uses plain indexes on every database. No grant → matches nothing."""
    codes = area_codes(user, roles)
    if "" in codes:
        return Q()
    if not codes:
        return Q(pk__in=[])
    q = Q()
    for code in codes:
        if isinstance(field, dict):
            q |= Q(**{field[len(code)]: code})
        else:
            q |= Q(**{f"{field}__startswith": code})
    return q


def require_area(user: Any, area_code: str, roles: Iterable[Role] | None = None) -> None:
    """404, not 403, outside the user's areas: an outsider learns nothing,
    not even that the thing exists."""
    if not covers(user, area_code, roles):
        raise Http404


Found = TypeVar("Found", bound="Model")


def read_audited(request: HttpRequest, lookup: Callable[[Any, int], Found], pk: int,
                 **detail: Any) -> Found:
    """Scopes, checks and audits a read of personal data in one call.
    ``lookup`` is the owning app's access helper (``case_for``, ``person_for``…):
    it scopes the read to the user's areas and roles and answers 404 outside
    them; the view is then recorded in the audit log with the object's area.
    A new page or API operation that reads one record cannot forget the audit."""
    from lnob.core import audit
    from lnob.core.models import AuditAction

    found = lookup(request.user, pk)
    audit.record(AuditAction.VIEW, request=request, obj=found,
                 area_code=getattr(found, "area_code", ""), detail=detail)
    return found
