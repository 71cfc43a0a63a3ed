"""Givers are data subjects too (issue 17): a request recorded from one of
their offers, an access file of every offer made with their phone in the
office's areas (contact details, status history, who viewed the details),
erasure that forgets the contact details and keeps the counts, and the
retention rule that forgets them 24 months after the last offer closed. For
the province's officer only (another province 404, other roles 403,
anonymous to sign in)."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.geo.models import Subdistrict
from lnob.giving.models import Offer, OfferKind, OfferStatus
from lnob.giving.selectors import counts_by_child_area
from lnob.privacy.models import SubjectRequest
from lnob.privacy.retention import retention_run

pytestmark = pytest.mark.django_db
PHONE, OTHER_PHONE = "0891112222", "0893334444"


def offer(code: str, phone: str = PHONE, status: str = OfferStatus.RECEIVED,
          age_days: int = 0, **fields: object) -> Offer:
    when = timezone.now() - datetime.timedelta(days=age_days)
    return Offer.objects.create(
        kind=OfferKind.TIME, status=status, giver_name="มานี ใจบุญ", giver_phone=phone,
        giver_email="manee@example.org", description="ขับรถพาไปโรงพยาบาลได้",
        area_code=code, subdistrict=Subdistrict.objects.get(code=code),
        district_code=code[:4], province_code=code[:2], consent_at=when, created_at=when,
        decided_at=when if status in (OfferStatus.DECLINED, OfferStatus.USED) else None,
        used_at=when if status == OfferStatus.USED else None, **fields)


@pytest.fixture
def offers(db: None) -> list[Offer]:
    return [offer("840503"), offer("840501", status=OfferStatus.DECLINED,
                                   decline_reason="not_needed"),
            offer("810101")]  # Krabi: another office's


def record(client: Client, found: Offer, kind: str) -> SubjectRequest:
    response = client.post(f"/privacy/new/?offer={found.pk}", {
        "kind": kind, "received_on": timezone.localdate().strftime("%d/%m/")
        + str(timezone.localdate().year + 543), "requester": "ผู้ให้เอง"})
    assert response.status_code == 302, response.content.decode()[:3000]
    return SubjectRequest.objects.latest("pk")


def test_a_givers_access_file_holds_their_offers_status_and_who_viewed_them(
        client: Client, officer: User, offers: list[Offer]) -> None:
    client.force_login(officer)
    client.get(f"/giving/offers/{offers[0].pk}/")  # a look at the contact details
    page = client.get(f"/giving/offers/{offers[0].pk}/").content.decode()
    assert f"/privacy/new/?offer={offers[0].pk}" in page
    req = record(client, offers[0], "access")
    assert req.person is None and req.giver_phone == PHONE
    assert req.area_code in ("840503", "840501")  # the latest offer the office handles
    assert "ผู้ให้" in client.get("/privacy/").content.decode()
    response = client.post(f"/privacy/{req.pk}/file/")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["giver.json", "giver.pdf"]
    data = json.loads(archive.read("giver.json"))
    assert {o["area_code"] for o in data["offers"]} == {"840503", "840501"}
    assert {o["giver_phone"] for o in data["offers"]} == {PHONE}
    assert {o["status"] for o in data["offers"]} == {"received", "declined"}
    assert data["offers_elsewhere"] == 1  # Krabi's office answers for its own
    assert any(v["actor_label"] == officer.username for v in data["contact_seen_by"])
    assert archive.read("giver.pdf").startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export",
                                     object_type="privacy.giver_access_file").exists()


def test_a_givers_erasure_forgets_the_contact_details_and_keeps_the_counts(
        client: Client, officer: User, offers: list[Offer]) -> None:
    before = counts_by_child_area("84", 4)
    client.force_login(officer)
    req = record(client, offers[0], "erasure")
    assert client.post(f"/privacy/{req.pk}/", {"status": "done",
                                                "outcome": "ลบแล้ว"}).status_code == 302
    # Every offer made with that phone, in any province: the giver asked to be forgotten.
    for found in Offer.objects.all():
        assert found.giver_name == "" and found.giver_email == "" and found.description == ""
        assert found.giver_phone.startswith("anon-")
    assert len({o.giver_phone for o in Offer.objects.all()}) == 1
    assert counts_by_child_area("84", 4) == before
    assert PHONE not in str(list(SubjectRequest.objects.values_list("giver_phone", flat=True)))


def test_givers_requests_are_for_the_provinces_officer_only(
        client: Client, officer: User, other_officer: User, offers: list[Offer],
        make_user: Callable[..., User]) -> None:
    client.force_login(officer)
    req = record(client, offers[0], "access")
    client.force_login(other_officer)  # Krabi's officer: not this giver's Surat Thani offer
    assert client.get(f"/privacy/new/?offer={offers[0].pk}").status_code == 404
    assert client.get(f"/privacy/{req.pk}/").status_code == 404
    assert client.post(f"/privacy/{req.pk}/file/").status_code == 404
    client.force_login(make_user("coord", Role.NETWORK_COORDINATOR, "8405"))
    assert client.get(f"/privacy/new/?offer={offers[0].pk}").status_code == 403
    assert client.post(f"/privacy/{req.pk}/file/").status_code == 403
    client.logout()
    assert client.get(f"/privacy/new/?offer={offers[0].pk}").status_code == 302


def test_retention_forgets_givers_whose_offers_closed_long_ago_and_no_other(
        officer: User) -> None:
    old = [offer("840503", phone=PHONE, status=OfferStatus.USED, age_days=800),
           offer("840501", phone=PHONE, status=OfferStatus.DECLINED, age_days=760)]
    still_open = [offer("840503", phone=OTHER_PHONE, status=OfferStatus.USED, age_days=800),
                  offer("840503", phone=OTHER_PHONE, status=OfferStatus.ACCEPTED,
                        age_days=800)]
    recent = offer("840503", phone="0895556666", status=OfferStatus.DECLINED, age_days=100)
    held = offer("840503", phone="0897778888", status=OfferStatus.DECLINED, age_days=900)
    SubjectRequest.objects.create(giver_phone="0897778888", kind="access", legal_hold=True,
                                  received_on=timezone.localdate(),
                                  due_on=timezone.localdate(), area_code="840503")
    assert retention_run(actor=None, apply=False)["givers"] == 2  # a dry run changes nothing
    assert Offer.objects.filter(giver_phone=PHONE).count() == 2
    out = StringIO()
    call_command("retention", "--apply", stdout=out)
    assert "givers" in out.getvalue()
    for found in old:
        found.refresh_from_db()
        assert found.giver_phone.startswith("anon-") and found.giver_name == ""
    assert old[0].giver_phone == old[1].giver_phone  # still one giver in the counts
    for found in [*still_open, recent, held]:
        found.refresh_from_db()
        assert not found.giver_phone.startswith("anon-") and found.giver_name
    assert retention_run(actor=None, apply=False)["givers"] == 0
