"""The header's links: only pages the user's roles open, a few main places.

Whether a link is shown is read from the page's own access rule (the
``lnob_access`` attribute every view declares, see :mod:`lnob.core.access`),
so the header cannot offer a page that would answer 403. Each role has three
or four main places shown on a wide screen; every other page it may open is
in the menu (a ``<details>`` element: no JavaScript)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, resolve, reverse
from django.utils.translation import gettext_lazy as _

from lnob.core.access import ACCESS_ATTR, grants_of
from lnob.core.roles import Role


@dataclass(frozen=True)
class Link:
    name: str  # URL name
    label: Any
    url: str


# Every page the header may offer, in menu order.
PAGES: list[tuple[str, Any]] = [
    ("home", _("Home")),
    ("report_new", _("New report")),
    ("case_list", _("Cases")),
    ("offline_people", _("Works offline")),
    ("person_list", _("People in need")),
    ("forum_list", _("Forums")),
    ("transfer_list", _("Transfers")),
    ("coverage_national", _("Coverage")),
    ("matching_runs", _("Matching")),
    ("aar_list", _("Learning")),
    ("network_list", _("Networks")),
    ("offer_list", _("Offers of help")),
    ("welfare_counts", _("Welfare")),
    ("import_list", _("Import")),
    ("audit_log", _("Audit log")),
    ("thailand", _("Areas")),
]
PUBLIC_PAGES: list[tuple[str, Any]] = [
    ("public_report", _("Report someone in need")),
    ("give", _("I want to help")),
    ("needs_board", _("What is needed")),
    ("coverage_public", _("Coverage")),
    ("public_stories", _("Good stories")),
    ("thailand", _("Areas")),
]
# Each role's main places (shown beside the brand on a wide screen), the
# first role the user holds in this order deciding.
MAIN_PLACES: list[tuple[Role, tuple[str, ...]]] = [
    (Role.SYSTEM_ADMIN, ("home", "person_list", "case_list", "coverage_national")),
    (Role.PROVINCIAL_OFFICER, ("home", "person_list", "case_list", "coverage_national")),
    (Role.NETWORK_COORDINATOR, ("home", "case_list", "person_list", "forum_list")),
    (Role.VOLUNTEER, ("home", "report_new", "case_list")),
    (Role.HOTLINE_OPERATOR, ("home", "report_new")),
    (Role.COMMITTEE_MEMBER, ("home", "coverage_national", "aar_list")),
    (Role.NATIONAL_ANALYST, ("home", "coverage_national", "matching_runs", "aar_list")),
]
# Roles that connect other systems through the API (the hotline's system,
# ministry systems, a province's own tools): "API tokens" is in their user menu.
API_TOKEN_ROLES = (Role.SYSTEM_ADMIN, Role.NATIONAL_ANALYST, Role.PROVINCIAL_OFFICER,
                   Role.HOTLINE_OPERATOR)


def may_open(user: Any, url: str) -> bool:
    """Whether ``user`` passes the access rule the page at ``url`` declares."""
    return _passes(getattr(resolve(url).func, ACCESS_ATTR, None), *_holder(user))


def _holder(user: Any) -> tuple[bool, frozenset[str]]:
    """Whether the user is signed in, and the roles they hold anywhere: all
    that decides which pages the header offers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False, frozenset()
    return True, frozenset(g.role for g in grants_of(user))


@functools.lru_cache(maxsize=256)
def _page(name: str, prefix: str, urlconf: str) -> tuple[str, str | None] | None:
    """A header page's address and access rule: the same on every request of
    a process (issue 21: reversing and resolving the 16 pages of the menu
    on every signed-in page cost more than a query). ``prefix`` and
    ``urlconf`` key it, so that a changed configuration is read anew."""
    try:
        url = reverse(name)
    except NoReverseMatch:  # an app not installed
        return None
    return url, getattr(resolve(url).func, ACCESS_ATTR, None)


def _passes(rule: str | None, signed_in: bool, held: frozenset[str]) -> bool:
    if rule in ("public",):
        return True
    if rule == "signed_in":
        return signed_in
    if rule and rule.startswith("roles:"):
        return bool(held & set(rule[len("roles:"):].split(",")))
    return False


@functools.lru_cache(maxsize=256)
def _links(public_pages: bool, signed_in: bool, held: frozenset[str], prefix: str,
           urlconf: str) -> tuple[Link, ...]:
    """The header pages for a holder of these roles: the same for every user
    holding them, so made once a process (the labels are lazy: each page
    still shows them in its own language)."""
    out = []
    for name, label in PUBLIC_PAGES if public_pages else PAGES:
        page = _page(name, prefix, urlconf)
        if page is not None and _passes(page[1], signed_in, held):
            out.append(Link(name, label, page[0]))
    return tuple(out)


def header_links(user: Any) -> dict[str, Any]:
    """``nav_main`` (the role's main places), ``nav_menu`` (every page it may
    open) and ``nav_tokens`` (whether "API tokens" is offered)."""
    signed_in, held = _holder(user)
    where = get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF)
    if not signed_in:
        links = list(_links(True, False, held, *where))
        return {"nav_main": links[:3], "nav_menu": links, "nav_tokens": False}
    links = list(_links(False, True, held, *where))
    main_names: tuple[str, ...] = ("home", "thailand", "coverage_national")
    for role, names in MAIN_PLACES:
        if role in held:
            main_names = names
            break
    by_name = {link.name: link for link in links}
    main = [by_name[n] for n in main_names if n in by_name]
    if Role.VOLUNTEER in held and not held & {Role.PROVINCIAL_OFFICER, Role.SYSTEM_ADMIN,
                                               Role.NETWORK_COORDINATOR}:
        # A volunteer's home is the people in their care.
        main = [Link(m.name, _("My people"), m.url) if m.name == "home" else m
                for m in main]
    return {"nav_main": main, "nav_menu": links,
            "nav_tokens": bool(held & set(API_TOKEN_ROLES))}
