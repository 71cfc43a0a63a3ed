"""Staff can look after care capacity in the Django admin."""

from __future__ import annotations

import pytest
from django.test import Client

from lnob.core.models import User
from lnob.testing.factories import (
    KO_TAO,
    CommitteeMemberFactory,
    FundFactory,
    NetworkFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db


def test_staff_open_every_care_capacity_page_of_the_admin(client: Client) -> None:
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    network = NetworkFactory.create(subdistricts=[KO_TAO])
    fund = FundFactory.create()
    member = CommitteeMemberFactory.create()
    volunteer = VolunteerFactory.create()
    for name, pk in [("network", network.pk), ("fund", fund.pk),
                     ("committee", member.committee_id), ("volunteer", volunteer.pk)]:
        assert client.get(f"/admin/networks/{name}/").status_code == 200, name
        assert client.get(f"/admin/networks/{name}/{pk}/change/").status_code == 200, name


def test_a_funds_balance_cannot_be_typed_in_the_admin(client: Client) -> None:
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    fund = FundFactory.create()
    html = client.get(f"/admin/networks/fund/{fund.pk}/change/").content.decode()
    assert 'name="balance"' not in html
