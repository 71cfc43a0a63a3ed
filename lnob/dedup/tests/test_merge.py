"""Stored features and keys, intake hints, merges and their undo, batch runs."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lnob.cases import workflow as wf
from lnob.cases.models import Case
from lnob.cases.services import case_create
from lnob.core.errors import NotFound
from lnob.core.models import AuditEvent, User
from lnob.dedup.hints import likely_duplicates
from lnob.dedup.merge import merge, merge_undo, pair_decide
from lnob.dedup.models import BlockingKey, CandidatePair, PairStatus, PersonFeatures, RunStatus
from lnob.dedup.runs import run_execute, run_start
from lnob.dedup.store import record_of
from lnob.dedup.tests.conftest import ID_A, ID_A_TYPO, ID_B
from lnob.registry.models import Consent, Person, PersonChange, PersonNeed, Status
from lnob.registry.services import person_update
from lnob.registry.taxonomy import Need

Maker = Callable[..., Person]


def test_saving_a_person_stores_features_and_keys(make_person: Maker, officer: User) -> None:
    person = make_person()
    stored = PersonFeatures.objects.get(person=person)
    assert (stored.cid, stored.sd, stored.person_version) == (ID_A, "840503", 1)
    assert BlockingKey.objects.filter(person=person).count() >= 8
    from lnob.dedup.tests.conftest import person_data

    person_update(actor=officer, person=person, data=person_data(first_name="สมหญิง",
                                                                 title="นาง", sex="F"),
                  expected_version=person.version)
    stored = PersonFeatures.objects.get(person=person)
    assert stored.person_version == 2 and stored.first == "สมหญิง"


def test_intake_shows_the_same_person_spelt_otherwise(make_person: Maker,
                                                      officer: User) -> None:
    first = make_person()
    typed = record_of({"first_name": "สมชาญ", "last_name": "ใจดี", "title": "นาย",
                       "citizen_id": "1-1017-00203-44-1", "subdistrict_id": "840503",
                       "birth_date": datetime.date(1950, 3, 14)})
    hints = likely_duplicates(typed, user=officer)
    assert [h.person_id for h in hints] == [first.pk]
    assert hints[0].person == first and hints[0].sure
    fields = {f.comparison: f.outcome for f in hints[0].match.fields}
    # ญ and ย are confusable letters: the same name once they are set aside.
    assert fields["citizen_id"] == "agree" and fields["first_name"] == "agree"


def test_intake_does_not_offer_a_twin_as_the_same_person(make_person: Maker,
                                                         officer: User) -> None:
    make_person(citizen_id="", no_citizen_id_reason="unknown")
    twin = record_of({"first_name": "วิภาวรรณ", "last_name": "ใจดี", "title": "นางสาว",
                      "sex": "F", "subdistrict_id": "840503", "house_number": "12",
                      "phone": "0812345678", "birth_date": datetime.date(1950, 3, 14)})
    assert all(not h.sure for h in likely_duplicates(twin, user=officer))


def test_a_hint_outside_the_users_areas_shows_no_personal_data(
        make_person: Maker, other_officer: User, stranger: User) -> None:
    make_person()
    typed = record_of({"first_name": "สมชาย", "last_name": "ใจดี", "citizen_id": ID_A,
                       "subdistrict_id": "840503"})
    for user in (other_officer, stranger):
        hints = likely_duplicates(typed, user=user)
        assert len(hints) == 1 and hints[0].person is None and hints[0].outside


@pytest.fixture
def pair(make_person: Maker, officer: User) -> tuple[Person, Person]:
    kept = make_person(phone="", house_number="")
    other = make_person(first_name="สมชาญ", citizen_id=ID_A_TYPO, consent="refused",
                        purposes=[])
    case_create(actor=officer, person=kept)
    case_create(actor=officer, person=other)
    return kept, other


def test_merge_keeps_everything_and_undo_puts_it_back(pair: tuple[Person, Person],
                                                       officer: User) -> None:
    kept, other = pair
    need = Need.objects.get(code="health", province_code="")
    PersonNeed.objects.create(person=other, need=need, severity=3)
    other_cases = set(Case.objects.filter(person=other).values_list("pk", flat=True))
    other_history = set(PersonChange.objects.filter(person=other).values_list("pk",
                                                                              flat=True))
    record = merge(actor=officer, kept=kept, merged=other)
    kept.refresh_from_db()
    other.refresh_from_db()
    assert other.status == Status.DUPLICATE
    assert set(Case.objects.filter(person=kept).values_list("pk", flat=True)) >= other_cases
    # One open case for one person: the moved one is a duplicate of the kept one.
    assert Case.objects.filter(person=kept, status__in=wf.OPEN_STATES).count() == 1
    assert Case.objects.get(pk=min(other_cases)).status == wf.DUPLICATE
    assert PersonChange.objects.filter(person=kept, pk__in=other_history).count() == len(
        other_history)
    assert kept.phone == "0812345678" and kept.house_number == "12"  # filled in
    assert kept.citizen_id == ID_A  # the kept record's ID stays
    assert PersonNeed.objects.filter(person=kept, need=need).exists()
    # The stricter consent (refused) is the person's current consent.
    assert kept.consents.values_list("status", flat=True)[0] == "refused"
    assert not PersonFeatures.objects.filter(person=other).exists()
    assert AuditEvent.objects.filter(object_id=str(kept.pk),
                                     detail__action="merge").exists()

    merge_undo(actor=officer, record=record)
    kept.refresh_from_db()
    other.refresh_from_db()
    assert set(Case.objects.filter(person=other).values_list("pk", flat=True)) == other_cases
    assert Case.objects.get(pk=min(other_cases)).status == wf.REPORTED
    assert other.status == Status.REPORTED and kept.status == Status.REPORTED
    assert kept.phone == "" and kept.house_number == ""
    assert kept.consents.values_list("status", flat=True)[0] == "given"
    assert Consent.objects.filter(person=other).count() == 1
    assert PersonNeed.objects.filter(person=other, need=need).exists()
    assert PersonFeatures.objects.filter(person=other).exists()
    with pytest.raises(ValidationError, match="ยกเลิกไปแล้ว"):
        merge_undo(actor=officer, record=record)


def test_a_case_in_care_on_the_merged_record_is_closed_by_the_workflows_merge_step(
        pair: tuple[Person, Person], officer: User) -> None:
    kept, other = pair
    in_care = Case.objects.get(person=other)
    Case.objects.filter(pk=in_care.pk).update(status=wf.IN_CARE)
    record = merge(actor=officer, kept=kept, merged=other)
    in_care.refresh_from_db()
    open_kept = Case.objects.get(person=kept, status__in=wf.OPEN_STATES)
    assert (in_care.status, in_care.duplicate_of_id) == (wf.DUPLICATE, open_kept.pk)
    step = in_care.events.get(action="merge")
    assert (step.from_status, step.to_status) == (wf.IN_CARE, wf.DUPLICATE)
    assert AuditEvent.objects.filter(object_type="cases.case", object_id=str(in_care.pk),
                                     detail__action="merge").exists()
    assert record.moved["closed_cases"] == [
        {"case": in_care.pk, "status": wf.IN_CARE, "duplicate_of": None}]

    merge_undo(actor=officer, record=record)
    in_care.refresh_from_db()
    assert (in_care.person_id, in_care.status, in_care.duplicate_of_id) == (
        other.pk, wf.IN_CARE, None)
    assert in_care.events.filter(action="unmerge", to_status=wf.IN_CARE).exists()


def test_merges_refused(pair: tuple[Person, Person], officer: User, other_officer: User,
                        stranger: User) -> None:
    kept, other = pair
    with pytest.raises(ValidationError, match="ตัวเอง"):
        merge(actor=officer, kept=kept, merged=kept)
    for outsider in (other_officer, stranger):
        with pytest.raises(NotFound):
            merge(actor=outsider, kept=kept, merged=other)
    with pytest.raises(ValidationError, match="แก้ไขหลังจาก"):
        merge(actor=officer, kept=kept, merged=other,
              expected_versions=(kept.version, other.version - 1))
    merge(actor=officer, kept=kept, merged=other)
    # Circular, and merging into a record merged away: both refused by name.
    with pytest.raises(ValidationError, match=f"#{other.pk}"):
        merge(actor=officer, kept=other, merged=kept)
    third = Person.objects.exclude(pk__in=[kept.pk, other.pk]).first()
    assert third is None  # nothing else was half written
    assert not Case.objects.filter(person=other).exists()


def test_a_pair_marked_different_is_never_proposed_again(make_person: Maker,
                                                         officer: User) -> None:
    a = make_person()
    b = make_person(first_name="สมชาญ", citizen_id=ID_A_TYPO)
    make_person(first_name="มาลี", last_name="ศรีสุข", title="นาง", sex="F",
                citizen_id=ID_B, birth_date=datetime.date(1962, 1, 5), phone="")
    run = run_execute(run_start(actor=officer, scope_code="84"))
    assert run.status == RunStatus.DONE and run.figures["records"] == 3
    found = CandidatePair.objects.get()
    assert (found.left_id, found.right_id) == (a.pk, b.pk)
    assert found.suggestion == "merge" and found.evidence["fields"]
    pair_decide(actor=officer, pair=found, decision=PairStatus.DISTINCT)
    again = run_execute(run_start(actor=officer, scope_code="84"))
    assert again.figures["not_proposed_again"] == 1 and again.figures["new"] == 0
    found.refresh_from_db()
    assert found.status == PairStatus.DISTINCT
    with pytest.raises(ValidationError, match="คนละคน"):
        merge(actor=officer, kept=a, merged=b)


def test_a_thin_record_is_never_suggested_for_merging(make_person: Maker,
                                                      officer: User) -> None:
    make_person()
    make_person(first_name="ส", last_name="", citizen_id="", birth_date=None,
                no_citizen_id_reason="unknown", title="", sex="X")
    run = run_execute(run_start(actor=officer, scope_code="84"))
    assert not CandidatePair.objects.filter(suggestion="merge", thin=True).exists()
    assert run.figures["sure"] == 0


def test_copy_reads_the_same_features_as_the_orm(make_person: Maker) -> None:
    from django.db import connection

    from lnob.dedup.store import features_of_scope

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (SQLite has no COPY): runs in make test-postgres")
    make_person()
    make_person(first_name="ส", last_name="", citizen_id="", birth_date=None, phone="",
                no_citizen_id_reason="unknown", title="", sex="X", house_number="")
    by_copy = features_of_scope("84", copy=True).to_pylist()
    assert by_copy == features_of_scope("84", copy=False).to_pylist()
    assert by_copy[1]["cid"] is None and by_copy[1]["thin"] and by_copy[0]["thin_reasons"] == ""
    assert features_of_scope("81", copy=True).num_rows == 0


def test_a_merge_and_a_restriction_keep_welfare_answers_and_roll_ups_right_at_once(
        make_person: Maker, officer: User, django_capture_on_commit_callbacks: Any) -> None:
    """No ``lnob welfare_evaluate``, no ``lnob rollup --full``: the readers of
    persons follow the merge, its undo and a restriction in the writer's
    transaction (``persons_changed``)."""
    from lnob.coverage.rollup import rollup_full, rollup_verify
    from lnob.registry.services import person_restrict
    from lnob.welfare.models import Eligibility
    from lnob.welfare.selectors import counts

    def old_age(person: Person) -> str | None:
        row = Eligibility.objects.filter(person=person, scheme__code="old_age_allowance").first()
        return None if row is None else row.result

    def eligible_in_84() -> int:
        return next(c for c in counts("84") if c.scheme.code == "old_age_allowance").eligible

    # Each write's roll-up runs when its transaction commits: here, at the end
    # of each block (the test itself runs in one transaction).
    with django_capture_on_commit_callbacks(execute=True):
        kept = make_person(birth_date=None, phone="", house_number="")
        other = make_person(first_name="สมชาญ", citizen_id=ID_A_TYPO)
    rollup_full()
    assert (old_age(kept), old_age(other)) == ("cannot_tell", "eligible")
    assert eligible_in_84() == 1

    with django_capture_on_commit_callbacks(execute=True):  # the roll-ups follow the commit
        record = merge(actor=officer, kept=kept, merged=other)
    # The kept record took the birth date of the other: now eligible; the
    # merged-away record has left the answers and the counts.
    assert (old_age(kept), old_age(other)) == ("eligible", None)
    assert eligible_in_84() == 1
    assert rollup_verify() == []

    with django_capture_on_commit_callbacks(execute=True):
        merge_undo(actor=officer, record=record)
    assert (old_age(kept), old_age(other)) == ("cannot_tell", "eligible")
    assert PersonFeatures.objects.filter(person=other).exists()
    assert rollup_verify() == []

    with django_capture_on_commit_callbacks(execute=True):
        person_restrict(actor=officer, person=other, restricted=True, reason="PDPA s.34")
    assert old_age(other) is None and eligible_in_84() == 0
    # The duplicate index is in step with the restricted record's new version.
    other.refresh_from_db()
    assert PersonFeatures.objects.get(person=other).person_version == other.version
    assert rollup_verify() == []
    person_restrict(actor=officer, person=other, restricted=False, reason="lifted")
    assert old_age(other) == "eligible" and eligible_in_84() == 1
