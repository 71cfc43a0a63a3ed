"""Merging two records of one person, and undoing it.

A merge keeps everything: the record merged away stays (status "duplicate", pointing
to the record kept) and its cases, visits (they belong to the cases), history,
consents, needs, target groups and story links move to the record kept; fields empty
in the record kept are filled from the other. Where both records have a consent, the
stricter one is the current consent of the person. Every row moved and every value
changed is listed in ``Merge.moved`` (:class:`MergeLog`), so that an undo puts each back.

This module decides and orchestrates; each app moves its own rows: the cases
(``cases.services.cases_reassign``: a second open case takes the workflow's
``merge`` step), what hangs on the record (``registry.services.person_reassign_links``)
and the story links (``learning.stories.services.story_people_reassign``).

Refused, with a message naming the record: a record with itself; a record already
merged into another (so no merge can go round in a circle); either record outside
the areas where the user may merge (NotFound: both doors answer 404); a record
changed since the user looked at it; a pair someone marked "not the same person"."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.cases import workflow as wf
from lnob.cases.models import Case
from lnob.cases.services import CasesMoved, cases_reassign, cases_reassign_undo
from lnob.core import audit
from lnob.core.access import covers
from lnob.core.errors import NotFound
from lnob.core.models import AuditAction, User
from lnob.core.roles import allowed
from lnob.core.signals import areas_changed, persons_changed
from lnob.dedup.models import CandidatePair, Merge, PairStatus
from lnob.learning.stories.services import story_people_reassign, story_people_restore
from lnob.registry.models import Person, Status
from lnob.registry.services import (
    LinksMoved,
    person_links_restore,
    person_merge_update,
    person_reassign_links,
    shown_in_history,
)
from lnob.welfare.funds.services import fund_people_reassign, fund_people_restore

# Who may merge, decide pairs and start duplicate searches, in their areas.
MERGERS = allowed("records.merge")
# Fields filled in the record kept when it has none and the other record has one.
FILLED = ("title", "sex", "birth_date", "birth_year_only", "citizen_id",
          "no_citizen_id_reason", "phone", "village_id", "house_number", "address_text",
          "household_id", "source_network_id")


class MergeLog(CasesMoved, LinksMoved, total=False):
    """``Merge.moved``: everything a merge moved or changed, for its undo."""

    fields: dict[str, list[Any]]  # field → [kept's value before, the value filled in]
    merged_status: str
    kept_status: str
    kept_severity: int
    stories: list[int]  # StoryPerson links moved
    funds: dict[str, list[int]]  # fund memberships and benefits moved (welfare)


def _empty(field: str, value: Any) -> bool:
    if field == "sex":
        return value in ("", "X", None)
    if field == "birth_year_only":
        return False  # follows birth_date
    return value in ("", None)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _unjson(field: str, value: Any) -> Any:
    if field == "birth_date" and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def active_merge_of(person_id: int) -> Merge | None:
    return Merge.objects.filter(merged_id=person_id, undone_at=None).select_related(
        "kept").first()


def _check(actor: User, kept: Person, merged: Person) -> None:
    if kept.pk == merged.pk:
        raise ValidationError({"merged": _("A record cannot be merged with itself.")})
    for person in (kept, merged):
        if not covers(actor, person.area_code, MERGERS):
            raise NotFound
    for person in (merged, kept):
        earlier = active_merge_of(person.pk)
        if earlier is not None:
            raise ValidationError({"merged": _(
                "Record #%(id)s has already been merged into record #%(into)s: use that "
                "record.") % {"id": person.pk, "into": earlier.kept_id}})


def _status_from_cases(person: Person, default: str) -> str:
    """The person's status mirrors their open case, else their latest one."""
    cases = Case.objects.filter(person=person).order_by("-opened_at", "-pk")
    latest = (cases.filter(status__in=wf.OPEN_STATES).first()
              or cases.exclude(status=wf.DUPLICATE).first() or cases.first())
    return latest.status if latest is not None else default


@transaction.atomic
def merge(*, actor: User, kept: Person, merged: Person, pair: CandidatePair | None = None,
          expected_versions: tuple[int, int] | None = None, request: Any = None) -> Merge:
    """Merges ``merged`` into ``kept``. ``expected_versions``: the two records'
    versions as the user saw them (kept, merged)."""
    _check(actor, kept, merged)
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(
        pk__in=[kept.pk, merged.pk])}
    kept, merged = locked[kept.pk], locked[merged.pk]
    if expected_versions is not None and (kept.version, merged.version) != expected_versions:
        raise ValidationError({"version": _("One of the two records was changed after you "
                                            "opened them. Look at them again.")})
    if pair is None:
        pair = CandidatePair.objects.filter(left=min(kept.pk, merged.pk),
                                            right=max(kept.pk, merged.pk)).first()
    if pair is not None and pair.status == PairStatus.DISTINCT:
        raise ValidationError({"merged": _("These records were marked as two different "
                                           "people. Reopen the pair before merging.")})
    moved: MergeLog = {"fields": {}, "merged_status": merged.status,
                       "kept_status": kept.status, "kept_severity": kept.severity}
    # Fields the kept record lacks.
    filled = {}
    for field in FILLED:
        mine, theirs = getattr(kept, field), getattr(merged, field)
        if _empty(field, mine) and not _empty(field, theirs):
            filled[field] = theirs
            moved["fields"][field] = [_json(mine), _json(theirs)]
            if field == "birth_date":
                filled["birth_year_only"] = merged.birth_year_only
                moved["fields"]["birth_year_only"] = [kept.birth_year_only,
                                                      merged.birth_year_only]
    # Cases (and with them their visits, forums, transfers), then what hangs on
    # the record, then the stories: each by the app that owns it.
    moved.update(cases_reassign(actor=actor, kept=kept, merged=merged, request=request))
    moved.update(person_reassign_links(actor=actor, kept=kept, merged=merged))
    moved["stories"] = story_people_reassign(kept_id=kept.pk, merged_id=merged.pk)
    moved["funds"] = fund_people_reassign(kept_id=kept.pk, merged_id=merged.pk)
    # The two records themselves.
    status = _status_from_cases(kept, kept.status)
    severity = max(kept.severity, merged.severity)
    person_merge_update(actor=actor, person=kept, action="merge", history={
        "merged_record": ["", f"#{merged.pk} {merged.full_name}"],
        **{f: [shown_in_history(f, a), shown_in_history(f, b)]
           for f, (a, b) in moved["fields"].items()}},
        **filled, status=status, severity=severity)
    person_merge_update(actor=actor, person=merged, action="merge", history={
        "merged_into": ["", f"#{kept.pk} {kept.full_name}"]}, status=Status.DUPLICATE)
    record = Merge.objects.create(kept=kept, merged=merged, pair=pair, moved=moved,
                                  actor=actor)
    if pair is not None:
        CandidatePair.objects.filter(pk=pair.pk).update(
            status=PairStatus.MERGED, decided_by=actor, decided_at=timezone.now())
    for person, other in ((kept, merged), (merged, kept)):
        audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=person,
                     area_code=person.area_code,
                     detail={"action": "merge", "merge": record.pk, "other": other.pk})
    # Both records changed: the kept one may have gained a birth date or a
    # household, the merged one leaves every reader of persons. The readers
    # (the duplicate index, welfare's stored eligibility) follow in this
    # transaction; the index takes the merged record out (merged_away()).
    persons_changed.send(sender=Person, ids=[kept.pk, merged.pk])
    areas_changed.send(sender=Person, codes={kept.area_code, merged.area_code})
    return record


@transaction.atomic
def merge_undo(*, actor: User, record: Merge, request: Any = None) -> Merge:
    """Puts back everything the merge moved or changed (a field edited since keeps
    its new value)."""
    record = Merge.objects.select_for_update().get(pk=record.pk)
    if record.undone_at is not None:
        raise ValidationError({"merge": _("This merge has already been undone.")})
    kept, merged = record.kept, record.merged
    for person in (kept, merged):
        if not covers(actor, person.area_code, MERGERS):
            raise NotFound
    later = active_merge_of(kept.pk)
    if later is not None:
        raise ValidationError({"merge": _(
            "Record #%(id)s has since been merged into record #%(into)s: undo that merge "
            "first.") % {"id": kept.pk, "into": later.kept_id}})
    moved: MergeLog = record.moved
    cases_reassign_undo(actor=actor, kept=kept, merged=merged, moved=moved, request=request)
    person_links_restore(kept=kept, merged=merged, moved=moved)
    story_people_restore(moved=moved.get("stories", []), merged_id=merged.pk)
    fund_people_restore(moved=moved.get("funds", {}), merged_id=merged.pk)
    kept.refresh_from_db()
    restored = {}
    for field, (before, after) in moved.get("fields", {}).items():
        if _json(getattr(kept, field)) == after:
            restored[field] = _unjson(field, before)
    person_merge_update(
        actor=actor, person=kept, action="unmerge",
        history={"merged_record": [f"#{merged.pk}", ""]}, **restored,
        status=_status_from_cases(kept, moved.get("kept_status", kept.status)),
        severity=moved.get("kept_severity", kept.severity))
    person_merge_update(
        actor=actor, person=merged, action="unmerge",
        history={"merged_into": [f"#{kept.pk}", ""]},
        status=_status_from_cases(merged, moved.get("merged_status", Status.REPORTED)))
    record.undone_at, record.undone_by = timezone.now(), actor
    record.save(update_fields=["undone_at", "undone_by"])
    if record.pair_id is not None:
        CandidatePair.objects.filter(pk=record.pair_id).update(
            status=PairStatus.PENDING, decided_by=actor, decided_at=timezone.now())
    for person, other in ((kept, merged), (merged, kept)):
        audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=person,
                     area_code=person.area_code,
                     detail={"action": "unmerge", "merge": record.pk, "other": other.pk})
    persons_changed.send(sender=Person, ids=[kept.pk, merged.pk])
    areas_changed.send(sender=Person, codes={kept.area_code, merged.area_code})
    return record


@transaction.atomic
def pair_decide(*, actor: User, pair: CandidatePair, decision: str,
                request: Any = None) -> CandidatePair:
    """Not the same person (remembered), decide later, or reopen (back to the queue)."""
    if decision not in (PairStatus.DISTINCT, PairStatus.LATER, PairStatus.PENDING):
        raise ValidationError({"decision": _("Choose a decision.")})
    for person in (pair.left, pair.right):
        if not covers(actor, person.area_code, MERGERS):
            raise NotFound
    if pair.status == PairStatus.MERGED:
        raise ValidationError({"decision": _("These records have been merged: undo the "
                                             "merge instead.")})
    before = pair.status
    pair.status, pair.decided_by, pair.decided_at = decision, actor, timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=pair,
                 area_code=pair.left.area_code,
                 detail={"from": before, "to": decision, "persons": [pair.left_id,
                                                                     pair.right_id]})
    return pair
