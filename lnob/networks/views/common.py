"""What the care-capacity pages share: paging, filters from the query string,
the province a new thing goes in, and the page frame."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lnob.core.access import grants_of
from lnob.core.roles import Role
from lnob.geo.choice import provinces_where
from lnob.networks import access

PAGE_SIZE = 25


def paginate(request: HttpRequest, qs: QuerySet[Any]) -> tuple[Page, str]:
    """One page of ``qs`` and the query string without its page number, for
    the links to the other pages."""
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def text(request: HttpRequest, name: str, max_length: int = 100) -> str:
    return request.GET.get(name, "").strip()[:max_length]


def number(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() else None


def yes_no(request: HttpRequest, name: str) -> bool | None:
    return {"yes": True, "no": False}.get(request.GET.get(name, ""))


def frame(request: HttpRequest, template: str, context: dict[str, Any],
          status: int = 200) -> HttpResponse:
    """Renders a care-capacity page with what its menu needs to know."""
    # "networks/fund_detail.html" → "funds": the menu entry to mark as current.
    context.setdefault("section", template.rsplit("/", 1)[-1].split("_")[0] + "s")
    context.setdefault("sees_volunteers", bool(grants_of(request.user,
                                                         access.VOLUNTEER_READERS)))
    return render(request, template, context, status=status)


def province_picker(request: HttpRequest, roles: Iterable[Role], title: str) -> HttpResponse:
    provinces = provinces_where(request.user, roles)
    return frame(request, "networks/province_picker.html", {"title": title,
                                                            "provinces": provinces})
