"""The capacity pages name places, never show their DOPA codes (issue 16):
"เกาะเต่า, เกาะพะงัน", not "840503"; the code at most in a tooltip."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lnob.core.models import User
from lnob.geo.models import Subdistrict
from lnob.networks.models import Committee, Fund, Network, PartnerType

pytestmark = pytest.mark.django_db
CODE = re.compile(r"(?<![\w/.,-])(84\d{0,6}|81\d{4,6})(?![\d/.,-])")


def visible_text(html: str) -> str:
    """What a reader sees: no tags, attributes, scripts or styles."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def records(db: None) -> Network:
    network = Network.objects.create(name="เครือข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                     province_code="84", capacity=5)
    network.subdistricts.add(Subdistrict.objects.get(code="840503"))
    Fund.objects.create(name="กองทุนสวัสดิการเกาะเต่า", kind="community_welfare",
                        province_code="84", area_code="840503")
    Committee.objects.create(name="คณะทำงานเกาะพะงัน", level="district", area_code="8405",
                             province_code="84")
    return network


def test_capacity_pages_and_forms_show_names_not_codes(client: Client, officer: User,
                                                      records: Network) -> None:
    client.force_login(officer)
    pages = ["/capacity/", "/capacity/volunteers/", "/capacity/funds/",
             "/capacity/committees/", f"/capacity/networks/{records.pk}/",
             "/capacity/networks/new/", "/capacity/volunteers/new/", "/capacity/funds/new/",
             "/capacity/committees/new/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert CODE.findall(text) == [], url
        assert "Area code" not in text and "รหัสพื้นที่" not in text, url
    form = client.get("/capacity/funds/new/").content.decode()
    assert ">เกาะเต่า</option>" in form  # the subdistrict by its name
    assert "(ทั้งอำเภอ)</option>" in form and "(ทั้งจังหวัด)</option>" in form
    detail = client.get(f"/capacity/networks/{records.pk}/").content.decode()
    assert 'title="840503"' in detail  # the code, for who needs it, in a tooltip
