"""A few after action reviews, follow-up actions and published good stories
for the demo province, written through the services like real ones (so they
are audited and checked). ``lnob demo`` calls ``demo_learning(code)``; it
does nothing when the province already has reviews."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from lnob.core.models import RoleGrant, User
from lnob.core.roles import Role
from lnob.geo.models import Subdistrict
from lnob.learning.aar.services import AarData, ActionData, aar_create, action_add, lesson_add
from lnob.learning.models import AfterActionReview
from lnob.learning.stories.services import StoryData, story_create, story_step
from lnob.networks.models import Network

REVIEWS = [
    ("search_round", "ทบทวนรอบการค้นหาครั้งแรก",
     "คาดว่าจะพบผู้สูงอายุอยู่ลำพังประมาณ ๒๐ คนในตำบล",
     "พบ ๓๒ คน มากกว่าที่คาด เพราะอาสาสมัครเดินเคาะประตูทุกหลังคาเรือน",
     "อาสาสมัครเป็นคนในพื้นที่ รู้จักทุกบ้าน ชาวบ้านไว้ใจ จึงบอกข้อมูลที่ไม่เคยมีใครถาม",
     "ทำต่อ: ให้อาสาสมัครในหมู่บ้านเป็นผู้ค้นหา เปลี่ยน: นัดเวทีประชาคมให้เร็วขึ้น",
     [("อาสาสมัครในพื้นที่คือหัวใจของการค้นหา", "ชุมชนต้นแบบ, อาสาสมัคร"),
      ("นัดเวทีประชาคมภายในสองสัปดาห์หลังการค้นหา", "เวทีประชาคม")]),
    ("area", "ทบทวนการทำงานกองทุนสวัสดิการชุมชน",
     "กองทุนจะช่วยค่าเดินทางไปโรงพยาบาลได้ทุกราย",
     "ช่วยได้ครึ่งหนึ่ง เงินกองทุนไม่พอในเดือนที่มีผู้ป่วยมาก",
     "สมาชิกกองทุนยังน้อย และยังไม่ได้ประสานกับ อปท. เรื่องรถรับส่ง",
     "ทำต่อ: ออมวันละบาท เปลี่ยน: ขอความร่วมมือ อปท. จัดรถรับส่งผู้ป่วย",
     [("กองทุนชุมชนต้องทำงานคู่กับ อปท.", "กองทุน, การมีส่วนร่วม")]),
]
STORIES = [
    ("ครัวชุมชนไม่ทอดทิ้งกัน",
     "อาหารกลางวันถึงผู้สูงอายุที่อยู่ลำพังทุกวัน",
     "ทุกเช้าแม่บ้านในหมู่บ้านผลัดกันทำอาหารกลางวัน อาสาสมัครนำไปส่งถึงบ้านผู้สูงอายุ"
     "ที่อยู่ลำพังและผู้ป่วยติดเตียง\n\nวัดให้ใช้โรงครัว ร้านค้าในตลาดช่วยวัตถุดิบ "
     "และ อบต. ช่วยค่าน้ำมันรถ ทุกคนบอกว่ากำลังใจสำคัญกว่าอาหาร", "ชุมชนต้นแบบ, ครัวชุมชน"),
    ("ออมวันละบาท สร้างสวัสดิการของเราเอง",
     "กองทุนสวัสดิการชุมชนที่เริ่มจากเงินออมวันละหนึ่งบาท",
     "สมาชิกกองทุนออมวันละหนึ่งบาท เมื่อมีคนป่วยหรือเสียชีวิต กองทุนช่วยเหลือทันที\n\n"
     "วันนี้กองทุนดูแลผู้ด้อยโอกาสในตำบลได้เกือบทุกครอบครัว", "ชุมชนต้นแบบ, กองทุน"),
]


def _actor(province_code: str) -> User | None:
    """A provincial officer of the province, else an administrator of the nation."""
    for role, area in ((Role.PROVINCIAL_OFFICER, province_code), (Role.SYSTEM_ADMIN, "")):
        grant = RoleGrant.objects.filter(role=role, area_code=area).select_related(
            "user").first()
        if grant is not None:
            return grant.user
    return None


@transaction.atomic
def demo_learning(province_code: str) -> int:
    """Writes the demo reviews and stories; returns how many reviews it wrote."""
    actor = _actor(province_code)
    if actor is None or AfterActionReview.objects.filter(province_code=province_code).exists():
        return 0
    covered = Subdistrict.objects.filter(province_id=province_code,
                                         networks__isnull=False).distinct().order_by("code")
    places = list(covered[:2]) or list(Subdistrict.objects.filter(
        province_id=province_code).order_by("code")[:2])
    today = timezone.localdate()
    written = 0
    for i, (activity, title, expected, happened, why, steps, lessons) in enumerate(REVIEWS):
        place = places[i % len(places)]
        aar = aar_create(actor=actor, data=AarData(
            title=f"{title} ตำบล{place.name_th}", area_code=place.code,
            held_on=today - datetime.timedelta(days=20 - 7 * i), activity=activity,
            expected=expected, happened=happened, difference=why, next_steps=steps,
            participation={"community": 18 - 3 * i, "local_government": 3,
                           "civil_society": 2}))
        for text, tags in lessons:
            lesson = lesson_add(actor=actor, aar=aar, text=text, tags=tags)
        action_add(actor=actor, aar=aar, data=ActionData(
            text=f"ติดตามผล: {lessons[-1][0]}", owner_id=actor.pk,
            due_on=today + datetime.timedelta(days=7 + 7 * i), lesson_id=lesson.pk))
        written += 1
    networks = list(Network.objects.filter(province_code=province_code, is_lead=True)
                    .order_by("pk").values_list("pk", flat=True)[:1])
    for i, (title, summary, body, tags) in enumerate(STORIES):
        story = story_create(actor=actor, data=StoryData(
            title=title, summary=summary, body=body, area_code=places[i % len(places)].code,
            network_ids=networks, tags=tags))
        for action in ("submit", "review", "publish"):
            story = story_step(actor=actor, story=story, action=action)
    return written
