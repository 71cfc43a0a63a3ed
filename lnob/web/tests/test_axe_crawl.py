"""axe-core on every page of every role, not only the header's: for each demo
role (and the public) a breadth-first walk from the home along same-site GET
links, one or two pages per Django route (so a person, a case, a network, a
forum, a matching run, an offer, a welfare referral and the roadmap are all
opened without opening every person), each checked at 390 × 844; and every
main form submitted empty once, checked with its errors showing.

The data is the demo's (``lnob demo``) on a small synthetic province, plus
the few things the demo does not make (an offer, a referral, a matching run).
"""

from __future__ import annotations

import os
import re
import time
from collections import deque
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.urls import Resolver404, resolve

from lnob.conftest import PASSWORD, sign_in
from lnob.testing.suites import in_one_suite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"

# The demo's accounts, each crawled as it signs in ("" is the public); the
# most capable in its area first, so a route shared by several roles is
# checked with the most on it (edit buttons, forms).
ROLES = ["officer.surat", "coordinator.phangan", "volunteer.kotao", "committee.surat",
         "officer.krabi", "hotline", "analyst", "admin", ""]
ROUTES_PER_ROLE = 80  # distinct routes a role's walk may open at most
# Not pages to check: they sign out, download a file, answer the API, or are
# the service worker, the manifest and the htmx fragments.
SKIP_PREFIXES = ("/accounts/logout", "/i18n/", "/api/", "/static/", "/sw.js",
                 "/manifest.webmanifest", "/icons/", "/areas/suggest/", "/healthz")
SKIP_ENDINGS = (".csv", ".xlsx", ".pdf", ".json", ".png", ".zip", ".js")
SKIP_ROUTE_WORDS = ("export", "letter", "pdf", "download", "csv", "xlsx", "print")
# The forms submitted empty once, to check the page with its errors: every
# page route with a POST form whose name says it makes or changes a record.
FORM_ROUTE_ENDINGS = ("_new", "_edit", "report", "give", "login")

# LNOB_AXE_IMPACTS=critical,serious,moderate lists the moderate ones too.
IMPACTS = os.environ.get("LNOB_AXE_IMPACTS", "critical,serious").split(",")
AXE_RUN = """async (impacts) => (await axe.run(document, {resultTypes: ['violations']}))
    .violations.filter(v => impacts.includes(v.impact))
    .map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' '))])"""
LINK = re.compile(r'<a\b[^>]*?\bhref="([^"]+)"')


def violations(page: Any) -> list[tuple[str, str, list[str]]]:
    page.add_script_tag(path=str(AXE))
    return [tuple(v) for v in page.evaluate(AXE_RUN, IMPACTS)]


def route_of(path: str, admin: bool) -> str | None:
    """The Django route a same-site path opens, or None when it is not a page to check.
    The admin's pages count by kind (a list, a record), not by model."""
    if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_ENDINGS):
        return None
    if path.startswith("/admin/") and not admin:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name or match.route
    if any(word in name for word in SKIP_ROUTE_WORDS):
        return None
    if name.startswith("admin:"):
        return "admin:" + name.rsplit("_", 1)[-1]
    return name


def links_in(html: str) -> list[str]:
    """Same-site links of a page, as paths with their query."""
    found = []
    for href in LINK.findall(html):
        parts = urlsplit(unescape(href))
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # another site, mailto:, tel:, or a fragment of this page
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def problems_of(page: Any) -> list[str]:
    return [f"{rule} ({impact}) {' | '.join(nodes)}" for rule, impact, nodes in violations(page)]


def crawl(page: Any, base: str, who: str, found: dict[str, list[str]],
          checked: dict[str, str], forms: dict[str, tuple[str, str]],
          limit: int = ROUTES_PER_ROLE) -> int:
    """Walks ``who``'s pages breadth-first from the home, reading them with the
    browser's cookies (no rendering); opens in the browser and checks each
    route not checked yet for another role (and every role's home), adding
    "who route url: rule (impact) node" lines to ``found``. Returns how many
    pages it checked."""
    admin = who == "admin"
    starts = ["/", "/admin/"] if admin else ["/"]  # the admin site is not in the header
    queue: deque[str] = deque(starts)
    queued = set(starts)
    routes: set[str] = set()
    count = 0
    while queue:
        url = queue.popleft()
        route = route_of(urlsplit(url).path, admin)
        if route is None or route in routes or len(routes) >= limit:
            continue  # one page per route and role: a list, one person, one case…
        routes.add(route)
        response = page.request.get(base + url, max_redirects=0)
        key = f"{who or 'public'} {route} {url}"
        if response.status >= 500:
            found[key] = [f"HTTP {response.status}"]
            continue
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        html = response.text()
        if route not in checked or route == "home":
            checked.setdefault(route, key)
            page.goto(base + url, wait_until="domcontentloaded")
            count += 1
            if problems := problems_of(page):
                found[key] = problems
            if route.endswith(FORM_ROUTE_ENDINGS) and route not in forms \
                    and page.locator("main form[method=post] button[type=submit]").count():
                forms[route] = (who, url)
        for link in links_in(html):
            if link not in queued:
                queued.add(link)
                queue.append(link)
    return count


EMPTY_SUBMIT = """() => {
  const form = [...document.querySelectorAll('main form[method=post]')]
    .find(f => f.querySelector('button[type=submit]'));
  form.noValidate = true;
  for (const el of form.querySelectorAll('input, textarea')) {
    if (['text', 'tel', 'email', 'number', 'search', 'password', 'url', ''].includes(el.type)
        || el.tagName === 'TEXTAREA') el.value = '';
  }
  // A form that saves through htmx (data-land, decision 0030) would be
  // answered in place; submitted plainly it gives the same page with its
  // errors, as without JavaScript.
  if (form.hasAttribute('data-land')) form.submit();
  else form.querySelector('button[type=submit]').click();
}"""


def check_form_errors(page: Any, base: str, forms: dict[str, tuple[str, str]],
                      found: dict[str, list[str]]) -> int:
    """Submits each form empty once, as its role, and checks the page with the errors."""
    shown = 0
    signed_in: str | None = None
    for route, (who, url) in sorted(forms.items(), key=lambda f: f[1][0]):
        if who != signed_in:
            if who:
                sign_in(page, base, who)
            else:
                page.context.clear_cookies()
            signed_in = who
        page.goto(base + url, wait_until="domcontentloaded")
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.evaluate(EMPTY_SUBMIT)
        shown += page.locator(".error, [role=alert], .errorlist").count() > 0
        if problems := problems_of(page):
            found[f"{who or 'public'} {route} {url} (submitted empty)"] = problems
    return shown


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> dict[str, Any]:
    """The demo (its eight accounts and a small Surat Thani), plus an offer of
    help, a welfare referral and a finished matching run."""
    from lnob.core.models import User
    from lnob.giving.services import OfferData, offer_submit
    from lnob.matching.services import run_execute, run_start
    from lnob.registry.models import Person
    from lnob.testing import reload_migration_data
    from lnob.welfare.models import Scheme
    from lnob.welfare.services import referral_create

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    reload_migration_data()
    from django.apps import apps

    from lnob.welfare.seed import seed

    seed(apps, None)  # the national schemes (a migration's rows, emptied by other tests)
    call_command("demo", "--persons", "20", stdout=open("/dev/null", "w"))  # noqa: SIM115
    User.objects.update(password=make_password(PASSWORD))
    officer = User.objects.get(username="officer.surat")
    offer = offer_submit(data=OfferData(kind="time", giver_name="สมใจ ใจดี",
                                        giver_phone="0812345678", area_code="840503",
                                        consent=True, skills=["visiting"], when="เสาร์เช้า"))
    person = Person.objects.filter(province_code="84", cases__status="in_care").first()
    assert person is not None
    referral = referral_create(actor=officer, person=person,
                               scheme=Scheme.objects.get(code="old_age_allowance"),
                               provider_name="อบต.เกาะเต่า")
    run = run_execute(run_start(actor=officer, scope_code="84"))
    return {"offer": offer, "referral": referral, "run": run, "person": person}


def test_the_check_catches_a_known_fault(live_server: Any, browser: Any,
                                         transactional_db: None) -> None:
    """A page axe finds fault with (an image without a text alternative) is
    reported with its role, route, address, rule and node."""
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    page.route(base + "/", lambda route: route.fulfill(
        content_type="text/html; charset=utf-8",
        body='<html lang="th"><title>x</title><body><main><h1>x</h1>'
             '<img id="faulty" src="x.png"></main></body></html>'))
    found: dict[str, list[str]] = {}
    assert crawl(page, base, "", found, {}, {}, limit=1) == 1
    context.close()
    assert list(found) == ["public home /"]
    assert found["public home /"][0].startswith("image-alt (critical) #faulty")


@in_one_suite("sqlite")
def test_every_page_of_every_role_has_no_serious_violation(
        live_server: Any, browser: Any, demo: dict[str, Any]) -> None:
    """Each route any demo role reaches, checked once (as the first role in
    ROLES that reaches it; every role's home too), then every main form
    submitted empty. The header of every role is test_axe.py's."""
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH",
                                  bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    found: dict[str, list[str]] = {}
    checked: dict[str, str] = {}
    forms: dict[str, tuple[str, str]] = {}
    started = time.monotonic()
    pages = {}
    for who in ROLES:
        if who:
            sign_in(page, base, who)
        else:
            page.context.clear_cookies()
        pages[who or "public"] = crawl(page, base, who, found, checked, forms)
    crawled = time.monotonic() - started
    with_errors = check_form_errors(page, base, forms, found)
    context.close()
    print(f"axe crawl: {sum(pages.values())} pages, {len(checked)} routes in {crawled:.0f} s "
          f"{pages}; {len(forms)} forms submitted empty ({with_errors} showed errors) "
          f"in {time.monotonic() - started - crawled:.0f} s; load {os.getloadavg()[0]:.1f}")
    # The walk reached the detail pages, not only the lists, and the main forms.
    missing = [r for r in ("person_detail", "case_detail", "network_detail", "forum_detail",
                           "matching_run", "offer_detail", "welfare_person",
                           "coverage_roadmap", "volunteer_detail", "admin:changelist")
               if r not in checked]
    missing += [f"{r} (form)" for r in ("person_new", "person_edit", "network_new",
                                        "volunteer_new", "forum_new", "public_report")
                if r not in forms]
    for line in [f"{k}: {p}" for k, v in sorted(found.items()) for p in v]:
        print(line)
    assert with_errors >= len(forms) - 2  # (a sign-in form may just say "try again")
    assert (missing, found) == ([], {}), "\n".join(
        [f"not reached: {r}" for r in missing]
        + [f"{k}: {p}" for k, v in sorted(found.items()) for p in v])
