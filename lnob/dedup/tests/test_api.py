"""The duplicates API: check before saving, search, queue, decide, undo — for an
officer of the area, an officer of another province and a stranger."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from lnob.core.models import User
from lnob.dedup.models import Merge
from lnob.dedup.tests.conftest import ID_A_TYPO
from lnob.registry.models import Person, Status
from lnob.testing import bearer

Maker = Callable[..., Person]
JSON = "application/json"


def test_check_search_decide_and_undo(client: Client, officer: User, other_officer: User,
                                      stranger: User, make_person: Maker) -> None:
    first = make_person()
    auth = bearer(officer)
    typed = {"first_name": "สมชาย", "last_name": "ใจดี", "citizen_id": "1-1017-00203-44-1",
             "subdistrict_code": "840503"}
    hints = client.post("/api/v1/duplicates/check", typed, content_type=JSON,
                        headers=auth).json()
    assert hints[0]["person_id"] == first.pk and hints[0]["decision"] == "merge"
    elsewhere = client.post("/api/v1/duplicates/check", typed, content_type=JSON,
                            headers=bearer(other_officer)).json()
    # Outside your areas: that a match exists, nothing more (no province, no
    # likelihood, no field-by-field evidence to guess with).
    assert elsewhere == [{"person_id": None, "outside_area": True,
                          "message": elsewhere[0]["message"], "probability": None,
                          "decision": None, "full_name": "", "evidence": []}]
    assert "outside your area" in elsewhere[0]["message"] or "นอกพื้นที่" in elsewhere[0]["message"]
    assert client.post("/api/v1/duplicates/check", typed, content_type=JSON,
                       headers=bearer(stranger)).status_code == 403

    second = make_person(first_name="สมชาญ", citizen_id=ID_A_TYPO)
    run = client.post("/api/v1/duplicates/runs", {"scope_code": "84"}, content_type=JSON,
                      headers=auth)
    assert run.status_code == 202
    assert client.get(f"/api/v1/duplicates/runs/{run.json()['id']}",
                      headers=auth).json()["status"] == "done"
    assert client.post("/api/v1/duplicates/runs", {"scope_code": "81"}, content_type=JSON,
                       headers=auth).status_code == 403
    pairs = client.get("/api/v1/duplicates/pairs", headers=auth).json()["results"]
    assert [(p["left_id"], p["right_id"]) for p in pairs] == [(first.pk, second.pk)]
    pair_id = pairs[0]["id"]
    url = f"/api/v1/duplicates/pairs/{pair_id}/decision"
    assert client.get("/api/v1/duplicates/pairs",
                      headers=bearer(other_officer)).json()["results"] == []
    assert client.post(url, {"decision": "distinct"}, content_type=JSON,
                       headers=bearer(other_officer)).status_code == 404
    assert client.post(url, {"decision": "keep_left"}, content_type=JSON,
                       headers=auth).status_code == 422
    stale = client.post(url, {"decision": "keep_left", "left_version": 1,
                              "right_version": 0}, content_type=JSON, headers=auth)
    assert stale.status_code == 422 and stale.json()["errors"][0]["field"] == "version"
    merged = client.post(url, {"decision": "keep_left", "left_version": first.version,
                               "right_version": second.version},
                         content_type=JSON, headers=auth)
    assert merged.status_code == 201
    second.refresh_from_db()
    assert second.status == Status.DUPLICATE
    merge_id = merged.json()["id"]
    assert client.post(f"/api/v1/duplicates/merges/{merge_id}/undo",
                       headers=bearer(other_officer)).status_code == 404
    undone = client.post(f"/api/v1/duplicates/merges/{merge_id}/undo", headers=auth)
    assert undone.json()["undone"] is True
    assert Merge.objects.get().undone_at is not None
    again = client.post(f"/api/v1/duplicates/merges/{merge_id}/undo", headers=auth)
    assert again.status_code == 422
