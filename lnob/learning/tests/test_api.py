"""The learning API: the same rules as the pages — 404 outside the caller's
areas, 422 naming the field, 409 on an old version, 403 for a role that may
not; published stories without a token."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lnob.core.models import User
from lnob.core.services import api_token_create
from lnob.learning.models import AfterActionReview, Report, Story
from lnob.learning.stories.services import story_step
from lnob.learning.tests.conftest import KO_TAO, image_bytes
from lnob.testing import today

pytestmark = pytest.mark.django_db


def auth(user: User) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="test", scope="write")
    return {"Authorization": f"Bearer {raw}"}


def post(client: Client, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, body, content_type="application/json", headers=headers)


def aar_body() -> dict[str, Any]:
    """An after-action review held today (read when the test runs)."""
    return {"title": "ทบทวนวันดีเดย์", "area_code": KO_TAO, "held_on": today().isoformat(),
            "expected": "ก", "happened": "ข", "difference": "ค", "next_steps": "ง",
            "participation": {"community": 4}}


def test_reviews_over_the_api(client: Client, officer: User, coordinator: User,
                              other_officer: User) -> None:
    headers = auth(officer)
    created = post(client, "/api/v1/learning/aars", aar_body(), headers)
    assert created.status_code == 201
    aar = created.json()
    assert aar["participation"] == {"community": 4} and aar["area_code"] == KO_TAO
    lesson = post(client, f"/api/v1/learning/aars/{aar['id']}/lessons",
                  {"text": "เดินเคาะประตู", "tags": ["ชุมชนต้นแบบ"]}, headers)
    assert lesson.status_code == 201 and lesson.json()["tags"] == ["ชุมชนต้นแบบ"]
    action = post(client, f"/api/v1/learning/aars/{aar['id']}/actions", {
        "text": "นัดเวที", "owner_id": coordinator.pk, "due_on": today().isoformat(),
        "lesson_id": lesson.json()["id"]}, headers)
    assert action.status_code == 201
    mine = client.get("/api/v1/learning/actions", headers=auth(coordinator)).json()
    assert [a["id"] for a in mine] == [action.json()["id"]]
    closed = post(client, f"/api/v1/learning/actions/{mine[0]['id']}/close",
                  {"status": "done"}, auth(coordinator))
    assert closed.json()["status"] == "done"
    listed = client.get("/api/v1/learning/aars?q=ดีเดย์", headers=headers).json()
    assert [a["id"] for a in listed["results"]] == [aar["id"]]
    outsider = auth(other_officer)
    assert client.get(f"/api/v1/learning/aars/{aar['id']}", headers=outsider).status_code \
        == 404
    assert client.get("/api/v1/learning/aars", headers=outsider).json()["results"] == []


def test_a_bad_review_is_a_422_naming_the_fields(client: Client, officer: User) -> None:
    response = post(client, "/api/v1/learning/aars", {
        **aar_body(), "held_on": (today() + datetime.timedelta(days=9)).isoformat(),
        "expected": ""},
        auth(officer))
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"held_on", "expected"}
    assert not AfterActionReview.objects.exists()


def test_stories_over_the_api_with_a_conflict_and_public_reading(
        client: Client, officer: User, coordinator: User, stranger: User) -> None:
    headers = auth(coordinator)
    created = post(client, "/api/v1/learning/stories", {
        "title": "ชุมชนต้นแบบเกาะเต่า", "body": "<script>x</script> เรื่องดี",
        "area_code": KO_TAO, "tags": ["ชุมชนต้นแบบ"]}, headers)
    assert created.status_code == 201
    story = created.json()
    photo = client.post(f"/api/v1/learning/stories/{story['id']}/photos", {
        "photo": SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png"),
        "caption": "ครัว"}, headers=headers)
    assert photo.status_code == 201 and photo.json()["url"].startswith("/stories/photos/")
    fake = client.post(f"/api/v1/learning/stories/{story['id']}/photos", {
        "photo": SimpleUploadedFile("a.jpg", b"not an image", "image/jpeg")}, headers=headers)
    assert fake.status_code == 422 and fake.json()["errors"][0]["field"] == "photo"
    step = post(client, f"/api/v1/learning/stories/{story['id']}/steps",
                {"action": "submit", "version": story["version"]}, headers)
    assert step.status_code == 200 and step.json()["status"] == "submitted"
    again = post(client, f"/api/v1/learning/stories/{story['id']}/steps",
                 {"action": "review", "version": story["version"]}, auth(officer))
    assert again.status_code == 409
    refused = post(client, f"/api/v1/learning/stories/{story['id']}/steps",
                   {"action": "review"}, headers)
    assert refused.status_code == 422  # a coordinator does not review
    found = Story.objects.get()
    for action in ("review", "publish"):
        found = story_step(actor=officer, story=found, action=action)
    public = client.get("/api/v1/learning/public/stories?province=84").json()["results"]
    assert [s["title"] for s in public] == ["ชุมชนต้นแบบเกาะเต่า"]
    assert public[0]["photos"][0]["url"] == photo.json()["url"]
    assert client.get(f"/api/v1/learning/public/stories/{story['id']}").status_code == 200
    assert client.get("/api/v1/learning/stories", headers=auth(stranger)).status_code == 403


def test_reports_over_the_api(client: Client, officer: User, committee: User) -> None:
    bad = post(client, "/api/v1/learning/reports", {
        "kind": "province", "area_code": "84", "period_start": today().isoformat(),
        "period_end": (today() - datetime.timedelta(days=5)).isoformat()}, auth(officer))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period_end"
    assert not Report.objects.exists()
    refused = post(client, "/api/v1/learning/reports", {
        "kind": "national", "period_start": today().isoformat(),
        "period_end": today().isoformat()}, auth(officer))
    assert refused.status_code == 403
    made = post(client, "/api/v1/learning/reports", {
        "kind": "province", "area_code": "84",
        "period_start": (today() - datetime.timedelta(days=30)).isoformat(),
        "period_end": today().isoformat()}, auth(officer))
    assert made.status_code == 202
    report = client.get(f"/api/v1/learning/reports/{made.json()['id']}",
                        headers=auth(committee)).json()
    assert report["status"] == "done" and report["pdf_url"].endswith("/pdf/")
