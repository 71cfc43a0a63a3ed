"""The duplicate pages: queue, pair, decisions, merge all sure pairs, searches,
merges with undo, rates — each for an officer of the area, an officer of another
province (404) and a signed-in stranger (403)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.dedup.models import CandidatePair, DedupRun, Merge, PairStatus
from lnob.dedup.tests.conftest import ID_A_TYPO, ID_B
from lnob.registry.models import Person, Status

Maker = Callable[..., Person]


@pytest.fixture
def found(client: Client, officer: User, make_person: Maker) -> CandidatePair:
    make_person()
    make_person(first_name="สมชาญ", citizen_id=ID_A_TYPO, phone="")
    client.force_login(officer)
    response = client.post("/duplicates/runs/", {"scope": "84"})
    assert response.status_code == 302
    run = DedupRun.objects.get()
    assert response["Location"] == f"/duplicates/runs/{run.pk}/"
    return CandidatePair.objects.get()


def test_an_officer_reviews_and_merges_a_pair(client: Client, officer: User,
                                              found: CandidatePair) -> None:
    page = client.get("/duplicates/").content.decode()
    assert "สมชาญ" in page and f"/duplicates/pairs/{found.pk}/" in page
    page = client.get(f"/duplicates/pairs/{found.pk}/").content.decode()
    assert "เลขประจำตัวประชาชน" in page  # the evidence, in Thai
    assert AuditEvent.objects.filter(object_id=str(found.left_id), action="view").exists()
    left, right = found.left, found.right
    response = client.post(f"/duplicates/pairs/{found.pk}/decide/", {
        "decision": "keep_left", "left_version": left.version,
        "right_version": right.version})
    assert response.status_code == 302
    right.refresh_from_db()
    assert right.status == Status.DUPLICATE
    found.refresh_from_db()
    assert found.status == PairStatus.MERGED
    merge = Merge.objects.get()
    assert f"#{merge.merged_id}" in client.get("/duplicates/merges/").content.decode()
    assert AuditEvent.objects.filter(object_type="dedup.merges",
                                     detail__merges=[merge.pk]).exists()
    client.post(f"/duplicates/merges/{merge.pk}/undo/")
    right.refresh_from_db()
    assert right.status != Status.DUPLICATE


def test_a_stale_or_forged_form_changes_nothing(client: Client, found: CandidatePair) -> None:
    for versions in ({"left_version": 0, "right_version": 0},
                     {"left_version": "x"}):
        response = client.post(f"/duplicates/pairs/{found.pk}/decide/",
                               {"decision": "keep_left", **versions})
        assert response.status_code == 400
        assert "แก้ไขหลังจากที่คุณเปิดดู" in response.content.decode()
    assert not Merge.objects.exists()
    response = client.post(f"/duplicates/pairs/{found.pk}/decide/", {"decision": "bogus"})
    assert response.status_code == 400
    found.refresh_from_db()
    assert found.status == PairStatus.PENDING


def test_not_the_same_person_and_later(client: Client, found: CandidatePair) -> None:
    client.post(f"/duplicates/pairs/{found.pk}/decide/", {"decision": "later"})
    found.refresh_from_db()
    assert found.status == PairStatus.LATER
    client.post(f"/duplicates/pairs/{found.pk}/decide/", {"decision": "distinct"})
    found.refresh_from_db()
    assert found.status == PairStatus.DISTINCT
    assert f"/duplicates/pairs/{found.pk}/" not in client.get("/duplicates/").content.decode()


def test_merge_all_sure_pairs(client: Client, found: CandidatePair,
                              make_person: Maker) -> None:
    assert found.suggestion == "merge"
    response = client.post("/duplicates/merge-sure/")
    assert response.status_code == 302
    assert Merge.objects.filter(kept=found.left, merged=found.right).exists()


def test_other_province_and_strangers_see_nothing(
        client: Client, found: CandidatePair, other_officer: User, stranger: User,
        make_user: Callable[..., User]) -> None:
    merge_url = f"/duplicates/pairs/{found.pk}/decide/"
    client.force_login(other_officer)
    assert client.get(f"/duplicates/pairs/{found.pk}/").status_code == 404
    assert client.post(merge_url, {"decision": "distinct"}).status_code == 404
    assert "สมชาญ" not in client.get("/duplicates/").content.decode()
    run = DedupRun.objects.get()
    assert client.get(f"/duplicates/runs/{run.pk}/").status_code == 404
    assert client.post("/duplicates/runs/", {"scope": "84"}).status_code == 400
    client.force_login(stranger)
    for url in ("/duplicates/", f"/duplicates/pairs/{found.pk}/", "/duplicates/runs/",
                "/duplicates/merges/", "/duplicates/rates/"):
        assert client.get(url).status_code == 403
    assert client.post(merge_url, {"decision": "distinct"}).status_code == 403
    # A national analyst sees the rates (aggregates), not the pairs.
    client.force_login(make_user("analyst", Role.NATIONAL_ANALYST, ""))
    assert client.get("/duplicates/rates/").status_code == 200
    assert client.get(f"/duplicates/pairs/{found.pk}/").status_code == 403
    found.refresh_from_db()
    assert found.status == PairStatus.PENDING


def test_rates_by_source_and_download(client: Client, found: CandidatePair,
                                      make_person: Maker) -> None:
    make_person(first_name="มาลี", last_name="ศรีสุข", title="นาง", sex="F",
                citizen_id=ID_B, phone="")
    page = client.get("/duplicates/rates/?by=source").content.decode()
    assert "33.3" in page  # 1 of the 3 network records waits in a pair
    response = client.get("/duplicates/rates.csv?by=province_code")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "สุราษฎร์ธานี" in body and ",3,0,1,33.3" in body
    assert AuditEvent.objects.filter(object_type="dedup.rates").count() == 2


def test_the_registration_form_shows_a_likely_duplicate_before_saving(
        client: Client, officer: User, make_person: Maker) -> None:
    first = make_person()
    client.force_login(officer)
    form = {"title": "นาย", "first_name": "สมชาย", "last_name": "ใจดี", "sex": "M",
            "citizen_id": "1-1017-00203-44-1", "subdistrict": "840503", "source": "officer",
            "consent_status": "given", "lawful_basis": "consent", "purposes": ["care"]}
    response = client.post("/persons/new/", form)
    page = response.content.decode()
    assert response.status_code == 200 and f'data-hint-person="{first.pk}"' in page
    assert Person.objects.count() == 1  # nothing saved yet
    response = client.post("/persons/new/", {**form, "checked_duplicates": "1"})
    assert response.status_code == 302 and Person.objects.count() == 2


def test_the_hotline_form_shows_a_likely_duplicate_before_filing(
        client: Client, make_person: Maker, make_user: Callable[..., User]) -> None:
    first = make_person()
    client.force_login(make_user("hotline", Role.HOTLINE_OPERATOR, ""))
    form = {"first_name": "สมชาย", "last_name": "ใจดี", "place": "840503",
            "summary": "อยู่คนเดียว ไม่มีคนดูแล", "citizen_id": "1101700203441",
            "reporter_name": "ผู้ใหญ่บ้าน"}
    response = client.post("/cases/report/", form)
    page = response.content.decode()
    # The hotline may not open persons' records: it learns only that a match
    # exists outside its area — not where, not how likely, not what agreed.
    assert response.status_code == 200
    assert "data-hint-outside" in page and "data-hint-person" not in page
    assert f"/persons/{first.pk}/" not in page and "84" not in page.split("hints-title")[1][:600]
    assert Person.objects.count() == 1
    response = client.post("/cases/report/", {**form, "checked_duplicates": "1"})
    assert response.status_code == 302 and Person.objects.count() == 2
    # The pair waits for the officers who may see both records.
    second = Person.objects.exclude(pk=first.pk).get()
    assert CandidatePair.objects.filter(left=first, right=second, status="pending").exists()


def test_the_person_list_leads_officers_to_the_queue(client: Client, found: CandidatePair,
                                                     make_user: Callable[..., User]) -> None:
    assert "/duplicates/" in client.get("/persons/").content.decode()
    client.force_login(make_user("coordinator", Role.NETWORK_COORDINATOR, "8405"))
    assert "/duplicates/" not in client.get("/persons/").content.decode()


def test_a_reporter_adds_the_report_to_the_person_already_registered(
        client: Client, officer: User, other_officer: User, make_person: Maker) -> None:
    from lnob.cases.models import Case, CaseEvent

    first = make_person()
    client.force_login(officer)
    form = {"first_name": "สมชาย", "last_name": "ใจดี", "place": "840503",
            "summary": "ล้มในบ้าน ต้องการคนช่วยดูแล", "reporter_name": "อสม.มาลี",
            "phone": "081-234-5678"}
    page = client.post("/cases/report/", form).content.decode()
    assert f'name="same_as" value="{first.pk}"' in page
    # Someone else's person, by a forged id: refused, nothing written.
    client.force_login(other_officer)
    assert client.post("/cases/report/", {**form, "same_as": first.pk}).status_code == 404
    client.force_login(officer)
    response = client.post("/cases/report/", {**form, "same_as": first.pk})
    assert response.status_code == 302 and Person.objects.count() == 1
    case = Case.objects.get(person=first)
    assert case.summary == form["summary"] and case.reporter_name == "อสม.มาลี"
    # Reported again while that case is open: a note on it, no second case.
    client.post("/cases/report/", {**form, "summary": "ยังไม่มีใครมาดู", "same_as": first.pk})
    assert Case.objects.filter(person=first).count() == 1
    again = CaseEvent.objects.get(case=case, action="report_again")
    assert again.note.startswith("ยังไม่มีใครมาดู") and "อสม.มาลี" in again.note


def test_a_district_officer_is_not_offered_a_province_wide_search(
        client: Client, make_user: Callable[..., User]) -> None:
    client.force_login(make_user("district", Role.PROVINCIAL_OFFICER, "8405"))
    page = client.get("/duplicates/runs/").content.decode()
    assert 'value="84"' not in page
    assert client.post("/duplicates/runs/", {"scope": "84"}).status_code == 400
    client.force_login(make_user("province", Role.PROVINCIAL_OFFICER, "84"))
    assert 'value="84"' in client.get("/duplicates/runs/").content.decode()
