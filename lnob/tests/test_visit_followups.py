"""Issue 21 (decision 0039): a visit's coverage roll-up is a follow-up for
the worker, not a recount in the volunteer's request."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lnob.cases.models import Visit
from lnob.core import followups
from lnob.core.models import FollowUp, User
from lnob.core.roles import Role
from lnob.coverage.models import SubdistrictSummary
from lnob.coverage.rollup import rollup_full, rollup_verify
from lnob.geo.models import Subdistrict
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.models import Need
from lnob.testing import today
from lnob.testing.cases import assigned_case

pytestmark = pytest.mark.django_db


def test_a_visit_leaves_the_coverage_figures_to_the_worker_which_counts_it(
        client: Client, officer: User, make_user: Callable[..., User]) -> None:
    """Issue 21: a visit's roll-up is a follow-up for the worker, written in
    the visit's own transaction — the volunteer's request does not recount
    the subdistrict — and the figures hold the visit once the worker has
    caught up; a refused visit leaves nothing to count."""
    ko_tao = Subdistrict.objects.get(code="840503")
    network = Network.objects.create(name="เครือข่ายเกาะเต่า", province_code="84",
                                     partner_type=PartnerType.COMMUNITY, capacity=1)
    network.subdistricts.add(ko_tao)
    carer_user = make_user("อพม.สมศรี", Role.VOLUNTEER, "840503")
    volunteer = Volunteer.objects.create(first_name="สมศรี", province_code="84",
                                         network=network, user=carer_user, capacity=1)
    volunteer.subdistricts.add(ko_tao)
    case = assigned_case(officer, Need.objects.get(code="health", province_code=""),
                         volunteer)
    rollup_full()
    figures = SubdistrictSummary.objects.get(code=case.area_code)
    assert (figures.assigned, figures.in_care) == (1, 0)
    client.force_login(carer_user)
    today_be = f"{today().day}/{today().month}/{today().year + 543}"
    refused = client.post(f"/cases/{case.pk}/visits/new/", {
        "visited_on": today_be, "done": " ", "version": case.version})
    assert refused.status_code == 400 and not Visit.objects.exists()
    assert not FollowUp.objects.exists()
    assert client.post(f"/cases/{case.pk}/visits/new/", {
        "visited_on": today_be, "done": "ซื้อยาให้", "version": case.version}).status_code == 302
    assert list(FollowUp.objects.values_list("kind", "key")) == [("rollup", case.area_code)]
    figures.refresh_from_db()
    assert (figures.assigned, figures.in_care) == (1, 0)  # not yet: the worker's

    assert followups.catch_up() == 1
    figures.refresh_from_db()
    assert (figures.assigned, figures.in_care) == (0, 1)
    assert not FollowUp.objects.exists() and rollup_verify() == []
