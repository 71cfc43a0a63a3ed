"""The inbox is composed in web/ from every app's sections: a follow-up action
from an after-action review reaches its owner's home page and the API's inbox,
and leaves both once done; a stranger's inbox is empty."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.learning.aar.services import (
    AarData,
    ActionData,
    aar_create,
    action_add,
    action_close,
)
from lnob.learning.models import ActionStatus, FollowUpAction
from lnob.testing import bearer, today
from lnob.web.inbox import inbox_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user("coord8405", Role.NETWORK_COORDINATOR, "8405")


def _action_for(officer: User, owner: User) -> FollowUpAction:
    aar = aar_create(actor=officer, data=AarData(
        title="ทบทวนการค้นหาตำบลเกาะเต่า", area_code="840503",
        held_on=today() - datetime.timedelta(days=2), expected="พบ ๒๐ คน",
        happened="พบ ๓๒ คน", difference="อาสาสมัครรู้จักบ้าน", next_steps="นัดเวทีเร็วขึ้น",
        participation={"community": 12}))
    return action_add(actor=officer, aar=aar, data=ActionData(
        text="นัดเวทีตำบลภายในสองสัปดาห์", owner_id=owner.pk, due_on=today()))


def test_a_follow_up_action_is_in_its_owners_inbox_on_the_page_and_the_api_until_done(
        client: Client, officer: User, coordinator: User) -> None:
    action = _action_for(officer, coordinator)
    sections = {s.key: s for s in inbox_for(coordinator)}
    assert [row.action for row in sections["followups"].rows] == [action]
    client.force_login(coordinator)
    assert "นัดเวทีตำบลภายในสองสัปดาห์" in client.get("/").content.decode()
    api = client.get("/api/v1/inbox", headers=bearer(coordinator, "read")).json()
    assert [s["count"] for s in api if s["key"] == "followups"] == [1]

    action_close(actor=coordinator, action=action, status=ActionStatus.DONE)
    assert "followups" not in {s.key for s in inbox_for(coordinator)}
    api = client.get("/api/v1/inbox", headers=bearer(coordinator, "read")).json()
    assert "followups" not in {s["key"] for s in api}


def test_a_stranger_has_an_empty_inbox(officer: User, coordinator: User,
                                       stranger: User) -> None:
    _action_for(officer, coordinator)
    assert inbox_for(stranger) == []
