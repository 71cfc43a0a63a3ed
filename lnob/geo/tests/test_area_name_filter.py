"""``|area_name``: pages show areas by name, not by DOPA code (issue 16)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from lnob.geo.models import Village

pytestmark = pytest.mark.django_db


def render(code: str) -> str:
    return Template("{% load areas %}{{ code|area_name }}").render(Context({"code": code}))


def test_codes_of_every_level_become_names_in_the_page_language() -> None:
    Village.objects.create(code="84050301", subdistrict_id="840503", number=1,
                           name_th="บ้านแม่หาด", name_en="Ban Mae Haad")
    with translation.override("th"):
        assert render("84") == "สุราษฎร์ธานี"
        assert render("840503") == "เกาะเต่า"
        assert "บ้านแม่หาด" in render("84050301")
        assert render("") == "ทั่วประเทศ"
    with translation.override("en"):
        assert render("84") == "Surat Thani"
    assert render("99") == "99"  # no such area: the code as it is
