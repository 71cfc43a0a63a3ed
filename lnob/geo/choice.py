"""Which provinces a page works in: those where a user holds some roles, and the one
chosen for a new record (``?province=``, or the user's only one)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from lnob.core.access import area_codes
from lnob.core.roles import Role
from lnob.geo.models import Province


def province_codes(user: Any, roles: Iterable[Role], *, whole: bool = False
                   ) -> list[str] | None:
    """The provinces where the user holds one of ``roles`` (somewhere in them, or with
    ``whole`` for the whole province); None means every province."""
    codes = area_codes(user, roles)
    if "" in codes:
        return None
    return sorted({c for c in codes if len(c) == 2} if whole else {c[:2] for c in codes})


def provinces_where(user: Any, roles: Iterable[Role], *, whole: bool = False
                    ) -> QuerySet[Province]:
    """:func:`province_codes` as provinces, in code order."""
    codes = province_codes(user, roles, whole=whole)
    qs = Province.objects.order_by("code")
    return qs if codes is None else qs.filter(code__in=codes)


def province_for_new(request: HttpRequest, roles: Iterable[Role]) -> str | None:
    """The province a new record goes in: the one chosen with ``?province=`` (404 if
    unknown or not the user's), else the user's only one; None: ask which."""
    provinces = province_codes(request.user, roles)
    chosen = request.GET.get("province", "").strip()
    if chosen:
        if not Province.objects.filter(code=chosen).exists() or (
                provinces is not None and chosen not in provinces):
            raise Http404
        return chosen
    if provinces is not None and len(provinces) == 1:
        return provinces[0]
    return None
