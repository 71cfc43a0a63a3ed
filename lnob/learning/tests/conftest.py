"""Fixtures of the learning tests: people of the province at each role, a lead
network covering Ko Tao (840503), registry people with and without consent
for publication, photos made on the fly, and media kept in a temporary folder."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.geo.models import Subdistrict
from lnob.learning.aar.services import AarData, aar_create
from lnob.learning.models import AfterActionReview, Story
from lnob.learning.stories.services import StoryData, story_create
from lnob.networks.models import Network, PartnerType
from lnob.registry.models import Person
from lnob.registry.services import ConsentData, PersonData, person_create
from lnob.testing import today

KO_TAO = "840503"
# A valid citizen ID (check digit 1) and the name of a person who must never
# appear in a report.
SECRET_ID = "1101700203441"
SECRET_FIRST, SECRET_LAST = "บุญชู", "ร่มเย็นสุข"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user("coord8405", Role.NETWORK_COORDINATOR, "8405", first_name="สมชาย")


@pytest.fixture
def committee(make_user: Callable[..., User]) -> User:
    return make_user("committee84", Role.COMMITTEE_MEMBER, "84", first_name="ประธาน")


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user("analyst", Role.NATIONAL_ANALYST, "", first_name="นักวิเคราะห์")


@pytest.fixture
def network(db: None) -> Network:
    net = Network.objects.create(name="เครือข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                 province_code="84", capacity=10, is_lead=True)
    net.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))
    return net


def make_person(officer: User, *, first: str = "สมหญิง", last: str = "ดีงาม",
                purposes: tuple[str, ...] = ("care",), citizen_id: str = "",
                code: str = KO_TAO) -> Person:
    data = PersonData(first_name=first, last_name=last, title="นาง", sex="F",
                      subdistrict_code=code, source="network", citizen_id=citizen_id,
                      no_citizen_id_reason="" if citizen_id else "unknown")
    consent = ConsentData(status="given", lawful_basis="consent", purposes=list(purposes))
    return person_create(actor=officer, data=data, consent=consent)


def aar_data(**overrides: Any) -> AarData:
    values: dict[str, Any] = {
        "title": "ทบทวนการค้นหาตำบลเกาะเต่า", "area_code": KO_TAO,
        "held_on": today() - datetime.timedelta(days=2),
        "expected": "คาดว่าจะพบผู้สูงอายุที่อยู่ลำพัง ๒๐ คน",
        "happened": "พบ ๓๒ คน ชุมชนมีน้ำใจช่วยกันค้นหา",
        "difference": "อาสาสมัครรู้จักบ้านทุกหลัง",
        "next_steps": "ทำต่อ: เดินเคาะประตู เปลี่ยน: นัดเวทีประชาคมเร็วขึ้น",
        "participation": {"community": 12, "local_government": 3},
    }
    values.update(overrides)
    return AarData(**values)


def story_data(**overrides: Any) -> StoryData:
    values: dict[str, Any] = {
        "title": "ชุมชนเกาะเต่าไม่ทอดทิ้งกัน",
        "summary": "อาสาสมัครดูแลผู้สูงอายุทุกบ้าน",
        "body": "ชาวบ้านช่วยกันทำกับข้าวส่งให้ผู้สูงอายุทุกวัน\n\nกำลังใจจากเพื่อนบ้านสำคัญที่สุด",
        "area_code": KO_TAO, "tags": "ชุมชนต้นแบบ, อาสาสมัคร",
    }
    values.update(overrides)
    return StoryData(**values)


@pytest.fixture
def aar(officer: User) -> AfterActionReview:
    return aar_create(actor=officer, data=aar_data())


@pytest.fixture
def story(officer: User) -> Story:
    return story_create(actor=officer, data=story_data())


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (640, 480), *,
                exif: Any = None, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    image = Image.new(mode, size, (200, 120, 40) if mode == "RGB" else None)
    kwargs: dict[str, Any] = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def gps_exif() -> Any:
    """EXIF with a camera, a comment and a GPS position (Ko Tao)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x9286] = "ที่บ้านยาย"  # UserComment
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (10.0, 5.0, 30.0), 3: "E", 4: (99.0, 50.0, 10.0)})
    return exif
