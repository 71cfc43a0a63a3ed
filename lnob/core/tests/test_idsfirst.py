"""Pages read ids first (lnob.core.idsfirst, issue 21): the same rows in the
same order as the plain queryset, with its joins, in two statements a page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lnob.core.idsfirst import IdsFirst, first_ids, in_order
from lnob.core.models import RoleGrant, User
from lnob.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def grants(make_user: Callable[..., User]) -> list[RoleGrant]:
    for i in range(7):
        make_user(f"user{i}", Role.VOLUNTEER if i % 2 else Role.COMMITTEE_MEMBER, "840501")
    return list(RoleGrant.objects.order_by("-role", "user__username"))


def test_each_page_holds_the_rows_of_the_plain_queryset_in_its_order(
        grants: list[RoleGrant]) -> None:
    qs = RoleGrant.objects.select_related("user").order_by("-role", "user__username")
    pages: Paginator[RoleGrant] = Paginator(IdsFirst(qs), 3)
    assert pages.count == 7 and pages.num_pages == 3
    read = []
    for number in pages.page_range:
        with CaptureQueriesContext(connection) as ctx:
            rows = list(pages.page(number).object_list)
            names = [grant.user.username for grant in rows]  # joined: no query more
        assert len(ctx.captured_queries) == 2, ctx.captured_queries
        read += rows
        assert names == [g.user.username for g in grants[(number - 1) * 3:number * 3]]
    assert [g.pk for g in read] == [g.pk for g in grants]


def test_a_row_gone_between_the_two_statements_is_left_out(grants: list[RoleGrant]) -> None:
    qs = RoleGrant.objects.select_related("user").order_by("-role", "user__username")
    ids = first_ids(qs, 0, 3)
    RoleGrant.objects.filter(pk=ids[1]).delete()
    assert [g.pk for g in in_order(qs, ids)] == [ids[0], ids[2]]


def test_a_row_by_position_and_only_pages_without_a_step(grants: list[RoleGrant]) -> None:
    listed: IdsFirst[RoleGrant] = IdsFirst(RoleGrant.objects.order_by("-role", "user__username"))
    assert listed[2].pk == grants[2].pk
    with pytest.raises(IndexError):
        listed[7]
    with pytest.raises(TypeError):
        listed[0:6:2]
