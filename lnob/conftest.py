"""Shared fixtures: users holding roles on real areas, and a browser."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant

PASSWORD = "correct-horse-2549"  # noqa: S105 — test accounts only
# Argon2 is slow on purpose; hash once and share it between test users.
_HASH: list[str] = []

# Real areas: Surat Thani (84) › Ko Pha-ngan (8405) › Ko Tao (840503);
# Krabi (81) is "another province".
IN_PROVINCE, IN_DISTRICT, IN_SUBDISTRICT = "84", "8405", "840503"
OTHER_PROVINCE = "81"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    # Tests do not run collectstatic, so no manifest: serve static files by name.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Each test's database is rolled back: what the cache kept of it goes too.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    # Background tasks run inside the test instead of waiting for a worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, role: Role | None = None, area: str = "", **fields: Any) -> User:
        if not _HASH:
            _HASH.append(make_password(PASSWORD))
        user = User.objects.create(username=username, password=_HASH[0], **fields)
        if role is not None:
            role_grant(actor=None, user=user, role=role, area_code=area)
        return user

    return make


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user("officer84", Role.PROVINCIAL_OFFICER, IN_PROVINCE, first_name="สมศรี",
                     phone="077-000-001")


@pytest.fixture
def other_officer(make_user: Callable[..., User]) -> User:
    return make_user("officer81", Role.PROVINCIAL_OFFICER, OTHER_PROVINCE)


@pytest.fixture
def stranger(make_user: Callable[..., User]) -> User:
    """Signed in, but holding no role anywhere."""
    return make_user("stranger")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django ORM
    # calls the tests make around it are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US")  # an English browser still opens in Thai
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page: Any, base: str, username: str, next_url: str = "/") -> None:
    """Signs in through the login page, as a person would, and waits for ``next_url``."""
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/" + (f"?next={next_url}" if next_url != "/" else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(base + next_url)
