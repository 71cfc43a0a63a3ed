"""The duplicate check is no look-up into other areas: a match outside the
user's areas is only said to exist, the checks are counted per user and
audited with every record they matched, and saving anyway queues the pair for
the officers who may see both."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.test import Client

from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.dedup.hints import CHECKS
from lnob.dedup.models import CandidatePair
from lnob.registry.models import Person
from lnob.testing import bearer

JSON = "application/json"
TYPED = {"first_name": "สมชาย", "last_name": "ใจดี", "birth_date": "1950-03-14", "sex": "M",
         "phone": "0812345678",
         "subdistrict_code": "810101"}


def test_a_volunteer_elsewhere_learns_only_that_a_match_exists(
        client: Client, make_person: Callable[..., Person],
        make_user: Callable[..., User]) -> None:
    registered = make_person(birth_date=datetime.date(1950, 3, 14))
    volunteer = make_user("vol81", Role.VOLUNTEER, "810101")
    answer = client.post("/api/v1/duplicates/check", TYPED, content_type=JSON,
                         headers=bearer(volunteer)).json()
    assert [h["outside_area"] for h in answer] == [True]
    assert "84" not in str(answer) and answer[0]["evidence"] == []
    event = AuditEvent.objects.filter(object_type="dedup.check").latest("at")
    assert event.detail == {"persons": [], "outside_area": [registered.pk]}


def test_checks_are_limited_per_user(client: Client, make_person: Callable[..., Person],
                                     make_user: Callable[..., User]) -> None:
    make_person(birth_date=datetime.date(1950, 3, 14))
    volunteer = make_user("vol81", Role.VOLUNTEER, "810101")
    auth = bearer(volunteer)
    for _ in range(CHECKS.count):
        assert client.post("/api/v1/duplicates/check", TYPED, content_type=JSON,
                           headers=auth).status_code == 200
    refused = client.post("/api/v1/duplicates/check", TYPED, content_type=JSON, headers=auth)
    assert refused.status_code == 429
    # Another user is not held back by this one.
    other = make_user("vol81b", Role.VOLUNTEER, "810101")
    assert client.post("/api/v1/duplicates/check", TYPED, content_type=JSON,
                       headers=bearer(other)).status_code == 200


def test_registering_anyway_queues_the_pair_for_the_officers(
        client: Client, make_person: Callable[..., Person],
        make_user: Callable[..., User]) -> None:
    registered = make_person(birth_date=datetime.date(1950, 3, 14))
    officer81 = make_user("officer81b", Role.PROVINCIAL_OFFICER, "81")
    created = client.post("/api/v1/persons", {**TYPED, "source": "officer",
                                              "no_citizen_id_reason": "unknown"},
                          content_type=JSON, headers=bearer(officer81))
    assert created.status_code == 201, created.content
    new_id = created.json()["id"]
    pair = CandidatePair.objects.get()
    assert {pair.left_id, pair.right_id} == {registered.pk, new_id}
    assert (pair.status, pair.left_province, pair.right_province) == ("pending", "84", "81")
    # The officer who registered cannot open the other record through the queue.
    assert client.get(f"/api/v1/persons/{registered.pk}",
                      headers=bearer(officer81)).status_code == 404
