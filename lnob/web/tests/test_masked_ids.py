"""Masked means masked everywhere: a role that sees citizen IDs masked never
finds a whole one on any page, download or API answer it can open.

The demo province is generated, then each masked role walks the site the way
a curious user would: every link of every page it can open (forms and
downloads included), and every API operation that reads, with the ids it
found on the way. Each answer is searched for every person's full ID, bare
or printed with dashes."""

from __future__ import annotations

import html
import io
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from lnob.core.citizen_id import format_citizen_id
from lnob.core.models import User
from lnob.registry.models import Person

pytestmark = pytest.mark.django_db

MASKED_ROLES = ["coordinator.phangan", "volunteer.kotao", "hotline", "committee.surat",
                "analyst"]
PAGE_LIMIT = 600
# Each kind of page (the same path but for the numbers) is opened for a few
# objects: enough to find a leak, few enough to walk in seconds.
SAMPLES_PER_SHAPE = 4
SKIP_PREFIXES = ("/static/", "/accounts/logout", "/i18n/", "/admin/", "/api/v1/docs")
_HREF = re.compile(r'(?:href|action|hx-get)="([^"#]+)')
_PARAM = re.compile(r"\{(\w+)\}")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _text(response: Any) -> str:
    body = (b"".join(response.streaming_content) if response.streaming
            else response.content)
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row if v is not None)
    if "pdf" in kind:
        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


def _links(url: str, text: str) -> Iterator[str]:
    for raw in _HREF.findall(text):
        target = urljoin(url, html.unescape(raw))
        parts = urlsplit(target)
        if parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIP_PREFIXES):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def _shape(url: str) -> str:
    """/persons/12/edit/?page=2 → /persons/N/edit/ (the page, not the object)."""
    return re.sub(r"\d+", "N", url.split("?")[0])


def _crawl_pages(client: Client) -> Iterator[tuple[str, str]]:
    seen: set[str] = set()
    per_shape: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.popleft()
        shape = _shape(url)
        if url in seen or per_shape.get(shape, 0) >= SAMPLES_PER_SHAPE:
            continue
        seen.add(url)
        per_shape[shape] = per_shape.get(shape, 0) + 1
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = _text(response)
        yield url, text
        if "text/html" in response.get("Content-Type", ""):
            queue.extend(_links(url, text))


def _ids_in(value: Any) -> set[int]:
    found: set[int] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if (key == "id" or key.endswith("_id")) and isinstance(item, int):
                found.add(item)
            found |= _ids_in(item)
    elif isinstance(value, list):
        for item in value:
            found |= _ids_in(item)
    return found


def _filler(value: int) -> Callable[[re.Match[str]], str]:
    """A path parameter's value: an area code for ``{code}``, else the id."""
    return lambda m: "840503" if m.group(1) == "code" else str(value)


def _crawl_api(client: Client) -> Iterator[tuple[str, str]]:
    schema = client.get("/api/v1/openapi.json").json()
    paths = [p for p, ops in schema["paths"].items() if "get" in ops]
    ids_under: dict[str, list[int]] = {}
    for path in [p for p in paths if not _PARAM.search(p)]:
        response = client.get(path)
        if response.status_code == 200:
            text = _text(response)
            if "json" in response.get("Content-Type", ""):
                ids_under[path] = sorted(_ids_in(json.loads(text)))
            yield path, text
    for path in [p for p in paths if _PARAM.search(p)]:
        # /api/v1/persons/{person_id}/household: ids from the list /api/v1/persons.
        listing = path[:_PARAM.search(path).start()].rstrip("/")  # type: ignore[union-attr]
        for value in ids_under.get(listing, [])[:SAMPLES_PER_SHAPE]:
            url = _PARAM.sub(_filler(value), path)
            response = client.get(url)
            if response.status_code == 200:
                yield url, _text(response)


def test_no_masked_role_finds_a_whole_citizen_id_anywhere(
        capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo", "--persons", "200")
    capsys.readouterr()
    ids = [i for i in Person.objects.exclude(citizen_id="").values_list("citizen_id", flat=True)]
    assert len(ids) > 100
    shapes = {i for i in ids} | {format_citizen_id(i) for i in ids}
    for username in MASKED_ROLES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        opened = edit_forms = 0
        for url, text in _crawl_pages(client):
            opened += 1
            edit_forms += url.endswith("/edit/")
            leaked = [s for s in shapes if s in text]
            assert not leaked, f"{username} reads a whole citizen ID on {url}"
        for url, text in _crawl_api(client):
            opened += 1
            leaked = [s for s in shapes if s in text]
            assert not leaked, f"{username} reads a whole citizen ID at {url}"
        assert opened > 5, username
        # A walk that never opened an edit form would prove nothing.
        assert edit_forms or username not in ("coordinator.phangan", "volunteer.kotao")
    # Forms that show a person's details are views of personal data: audited.
    from lnob.core.models import AuditEvent

    assert AuditEvent.objects.filter(actor__username="volunteer.kotao",
                                     detail__form="visit").exists()
    assert AuditEvent.objects.filter(actor__username="coordinator.phangan",
                                     detail__form="edit").exists()


def test_the_edit_form_keeps_the_stored_id_when_left_empty_and_is_audited(
        client: Client, make_user: Any) -> None:
    from lnob.core.models import AuditEvent
    from lnob.core.roles import Role
    from lnob.registry.services import PersonData, person_create

    coordinator = make_user("coord", Role.NETWORK_COORDINATOR, "8405")
    person = person_create(actor=coordinator, data=PersonData(
        first_name="สมชาย", last_name="ทดสอบ", subdistrict_code="840503", source="network",
        citizen_id="1101700230708"), consent=None)
    client.force_login(coordinator)
    before = AuditEvent.objects.filter(object_id=str(person.pk)).count()
    page = client.get(f"/persons/{person.pk}/edit/").content.decode()
    assert "1101700230708" not in page and "1-1017-00230-70-8" not in page
    assert "x-xxxx-xxxxx-70-8" in page
    assert AuditEvent.objects.filter(object_id=str(person.pk)).count() == before + 1

    form = {"title": "นาย", "first_name": "สมชาย", "last_name": "ทดสอบใหม่", "sex": "M",
            "citizen_id": "", "no_citizen_id_reason": "", "subdistrict": "840503",
            "source": "network", "version": person.version}
    assert client.post(f"/persons/{person.pk}/edit/", form).status_code == 302
    person.refresh_from_db()
    assert person.last_name == "ทดสอบใหม่" and person.citizen_id == "1101700230708"

    form.update(version=person.version, remove_citizen_id="on",
                no_citizen_id_reason="unknown")
    response = client.post(f"/persons/{person.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.citizen_id == ""
