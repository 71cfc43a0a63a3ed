"""Issue 16: a reason names the village, the subdistrict and the need, not
their codes."""

from __future__ import annotations

import pytest

from lnob.geo.models import Village
from lnob.matching.wording import with_names

pytestmark = pytest.mark.django_db


def test_village_subdistrict_and_need_codes_become_names() -> None:
    Village.objects.create(code="84050303", subdistrict_id="840503", number=3,
                           name_th="บ้านโฉลกบ้านเก่า")
    [text, need] = with_names([
        "ไม่มีผู้ให้ที่ดูแลพื้นที่หมู่บ้าน 84050303 หรือตำบล 840503",
        "มีผู้ให้ที่ดูแลตำบล 840503 แต่ไม่มีผู้ใดช่วยเรื่อง 'health' ซึ่งเป็นความต้องการหลัก"])
    assert "84050303" not in text and "840503" not in text
    assert "บ้านโฉลกบ้านเก่า" in text and "เกาะเต่า" in text
    assert "'health'" not in need and "840503" not in need


def test_text_without_codes_is_left_as_it_is() -> None:
    assert with_names(["ผู้ให้ที่เหมาะสมเต็มทุกราย: 12 ราย"]) == [
        "ผู้ให้ที่เหมาะสมเต็มทุกราย: 12 ราย"]
