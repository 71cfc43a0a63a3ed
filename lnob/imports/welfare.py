"""A provider's list of recipients in (e.g. a local government's old-age
allowance list): each row matched to a person by citizen ID, and without a
match through the duplicate engine; the matched get the benefit recorded
(through the welfare services, history kept), the rest are listed.

Two steps, like every import: ``agency_check`` reads and matches and changes
nothing; ``agency_write`` records what the check matched, in one transaction.
A file with unknown columns, or any row in error, is refused as a whole with
every problem named by row and column: nothing is half-imported.

Matching (docs/welfare.md):
- a valid citizen ID that exactly one person in the user's areas holds →
  matched; held by several → ambiguous (duplicates to merge first);
- otherwise the row goes to the duplicate engine (``dedup.hints``): the best
  registered person at the model's merge threshold → matched, at its review
  threshold → ambiguous (an officer decides), below → unmatched. A candidate
  outside the user's areas is never named, and never matched.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.core import audit, jobs
from lnob.core.citizen_id import CitizenIdError, normalise_citizen_id
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.core.thaidates import ThaiDateError, parse_date, to_arabic_digits
from lnob.imports.models import ImportJob, ImportStatus
from lnob.imports.persons import header_key, match_columns
from lnob.imports.reading import read_table
from lnob.welfare.access import READERS, persons_for_welfare
from lnob.welfare.evaluate import evaluate_persons
from lnob.welfare.models import BenefitSource, Scheme
from lnob.welfare.services import benefit_write

# field → headers it may have (Thai first), compared after header_key().
COLUMNS: dict[str, tuple[str, ...]] = {
    "citizen_id": ("เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "เลขบัตร", "citizen_id",
                   "citizen id", "id card"),
    "title": ("คำนำหน้า", "คำนำหน้าชื่อ", "title"),
    "first_name": ("ชื่อ", "first_name", "first name", "name"),
    "last_name": ("นามสกุล", "สกุล", "last_name", "surname"),
    "birth_date": ("วันเกิด", "วันเดือนปีเกิด", "birth_date", "date of birth"),
    "subdistrict_code": ("รหัสตำบล", "subdistrict_code"),
    "since": ("วันที่เริ่มรับ", "เริ่มรับ", "since", "start date"),
    "amount_baht": ("จำนวนเงิน", "จำนวนเงิน(บาท)", "amount", "amount_baht"),
}
# Columns a provider's list often has that say nothing LNOB keeps.
IGNORED = ("ลำดับ", "ลำดับที่", "no", "no.", "หมายเหตุ", "note", "ที่อยู่", "address", "อายุ",
           "age", "หมู่ที่", "ตำบล", "อำเภอ", "จังหวัด")
HEADER_TO_FIELD = {header_key(h): f for f, names in COLUMNS.items() for h in names}
IGNORED_KEYS = {header_key(h) for h in IGNORED}

MATCHED, AMBIGUOUS, UNMATCHED = "matched", "ambiguous", "unmatched"
PROGRESS_EVERY = 1000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class AgencyRow:
    row: int
    citizen_id: str
    record: dict[str, Any]
    since: datetime.date | None
    amount_baht: int | None
    outcome: str = UNMATCHED
    person_id: int | None = None
    how: str = ""  # citizen_id | duplicate_engine
    candidates: list[int] = field(default_factory=list)


@dataclass
class AgencyCheck:
    rows: list[AgencyRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def ok(self) -> bool:
        return not self.errors


def _columns(headers: list[str], check: AgencyCheck) -> dict[str, int]:
    columns, unknown = match_columns(headers, HEADER_TO_FIELD, IGNORED_KEYS)
    if unknown:
        check.errors.append(RowError(1, ", ".join(unknown), _(
            "Unknown columns: %(names)s. Rename them to the names in docs/welfare.md "
            "(เลขประจำตัวประชาชน, ชื่อ, นามสกุล, วันเกิด, รหัสตำบล, วันที่เริ่มรับ, "
            "จำนวนเงิน) or remove them.") % {"names": ", ".join(unknown)}))
    if "citizen_id" not in columns and "first_name" not in columns:
        check.errors.append(RowError(1, "citizen_id", _(
            "There is neither a citizen ID column (เลขประจำตัวประชาชน) nor a first-name "
            "column (ชื่อ): no row could be matched.")))
    return columns


def _date(text: str, column: str, number: int, check: AgencyCheck,
          today: datetime.date) -> datetime.date | None:
    if not text:
        return None
    try:
        value = parse_date(text).value
    except ThaiDateError as err:
        check.errors.append(RowError(number, column, str(err)))
        return None
    if value > today:
        check.errors.append(RowError(number, column, _(
            "The date is in the future. Was a Buddhist Era year taken for CE?")))
    return value


def _read(path: Path, check: AgencyCheck, progress: Progress | None = None) -> None:
    table = read_table(path)
    columns = _columns(table.headers, check)
    if check.errors:
        return
    today = timezone.localdate()
    for i, (number, cells) in enumerate(table.rows, start=1):
        if progress is not None and i % PROGRESS_EVERY == 0:
            progress(i)
        v = {f: cells[i].strip() if i < len(cells) else "" for f, i in columns.items()}
        if not any(v.values()):
            continue
        errors_before = len(check.errors)
        citizen_id = ""
        if v.get("citizen_id"):
            try:
                citizen_id = normalise_citizen_id(v["citizen_id"])
            except CitizenIdError as err:
                check.errors.append(RowError(number, "citizen_id", str(err)))
        elif not v.get("first_name"):
            check.errors.append(RowError(number, "first_name", _(
                "Without a citizen ID, give at least the first name.")))
        birth = _date(v.get("birth_date", ""), "birth_date", number, check, today)
        since = _date(v.get("since", ""), "since", number, check, today)
        amount = None
        if v.get("amount_baht"):
            text = to_arabic_digits(v["amount_baht"]).replace(",", "").strip()
            if text.endswith(".00"):
                text = text[:-3]
            if not text.isdigit():
                check.errors.append(RowError(number, "amount_baht", _(
                    "“%(value)s” is not a whole number of baht.") % {"value": v["amount_baht"]}))
            else:
                amount = int(text)
        code = v.get("subdistrict_code", "")
        if code and not (code.isdigit() and len(code) == 6):
            check.errors.append(RowError(number, "subdistrict_code", _(
                "A subdistrict code has 6 digits.")))
        if len(check.errors) > errors_before:
            continue
        record = {"first_name": v.get("first_name", ""), "last_name": v.get("last_name", ""),
                  "title": v.get("title", ""), "birth_date": birth, "citizen_id": citizen_id,
                  "subdistrict": code}
        check.rows.append(AgencyRow(number, citizen_id, record, since, amount))


def _match_ids(user: Any, rows: list[AgencyRow]) -> None:
    visible = persons_for_welfare(user)
    by_id: dict[str, list[AgencyRow]] = defaultdict(list)
    for r in rows:
        if r.citizen_id:
            by_id[r.citizen_id].append(r)
    ids = list(by_id)
    holders: dict[str, list[int]] = defaultdict(list)
    for start in range(0, len(ids), 1000):
        for pk, cid in visible.filter(citizen_id__in=ids[start:start + 1000]).values_list(
                "pk", "citizen_id"):
            holders[cid].append(pk)
    for cid, found in holders.items():
        for r in by_id[cid]:
            r.candidates = sorted(found)
            r.how = "citizen_id"
            if len(found) == 1:
                r.outcome, r.person_id = MATCHED, found[0]
            else:
                r.outcome = AMBIGUOUS


def _match_engine(user: Any, rows: list[AgencyRow]) -> None:
    from lnob.dedup.hints import likely_duplicates_of_rows

    left = [r for r in rows if r.outcome == UNMATCHED]
    if not left:
        return
    found = likely_duplicates_of_rows([r.record for r in left])
    ids = {pk for _i, pk, _m in found}
    visible = set(persons_for_welfare(user).filter(pk__in=ids).values_list("pk", flat=True))
    for i, pk, match in found:
        if pk not in visible:
            continue  # outside the user's areas: never named, never matched
        r = left[i]
        r.how, r.candidates = "duplicate_engine", [pk]
        if match.decision == "merge":
            r.outcome, r.person_id = MATCHED, pk
        else:
            r.outcome = AMBIGUOUS


def agency_check(path: Path, *, user: Any, progress: Progress | None = None) -> AgencyCheck:
    """Reads and matches the file; changes nothing. ``progress`` is told the
    rows read so far."""
    from lnob.core.access import grants_of

    if not grants_of(user, READERS):
        raise NotAllowed
    started = time.perf_counter()
    check = AgencyCheck()
    _read(path, check, progress)
    if check.ok:
        _match_ids(user, check.rows)
        _match_engine(user, check.rows)
        seen: dict[int, int] = {}
        for r in check.rows:
            if r.outcome == MATCHED and r.person_id is not None:
                if r.person_id in seen:
                    check.warnings.append(_(
                        "Rows %(first)s and %(row)s are the same person: the later one is "
                        "used.") % {"first": seen[r.person_id], "row": r.row})
                seen[r.person_id] = r.row
    check.seconds = time.perf_counter() - started
    return check


@transaction.atomic
def agency_write(check: AgencyCheck, *, actor: User, scheme: Scheme, file_name: str,
                 request: Any = None, progress: Progress | None = None) -> int:
    """Records the benefit of every matched row (an existing record is updated,
    its old values kept in its history). Refuses a check with errors.
    ``progress`` is told the rows written so far."""
    from lnob.registry.models import Person

    if not check.ok:
        raise ValueError("a file with errors is never written")
    matched = {r.person_id: r for r in check.rows if r.outcome == MATCHED and r.person_id}
    persons = persons_for_welfare(actor).in_bulk(list(matched))
    note = _("List %(file)s") % {"file": file_name[:200]}
    written = 0
    for pk, r in matched.items():
        person: Person | None = persons.get(pk)
        if person is None:
            continue
        benefit_write(actor=actor, person=person, scheme=scheme, since=r.since,
                      amount_baht=r.amount_baht, source=BenefitSource.AGENCY_LIST,
                      source_note=note)
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    audit.record(AuditAction.UPDATE, actor=actor, request=request,
                 object_type="welfare.agency_list",
                 detail={"scheme": scheme.code, "file": file_name[:200], "written": written,
                         "matched": len(matched), "ambiguous": check.count(AMBIGUOUS),
                         "unmatched": check.count(UNMATCHED)})
    evaluate_persons(list(persons))
    return written


# ------------------------------------------------ the list as a background job
# The upload (``/imports/welfare-list/``, ``lnob welfare_list``) is an import
# job like a person import (decision 0012): stored, checked by the worker with
# progress, recorded in one transaction with the job's "done", reaped when its
# worker dies, retried or cancelled by its creator.

SHOWN = 200  # rows of the report on the page
KEPT = 50_000  # rows of the report kept on the job (the CSV download)


def list_province(user: Any) -> str:
    """The province a user's list belongs to (for the audit log and the
    job's listing): the one province of their welfare areas, else none."""
    from lnob.core.access import grants_of

    provinces = {g.area_code[:2] for g in grants_of(user, READERS)}
    return provinces.pop() if len(provinces) == 1 else ""


def _report(check: AgencyCheck) -> dict[str, Any]:
    """What the check found, kept on the job: the counts, and each row that
    is not plainly matched (row, outcome, candidate persons)."""
    listed = [[r.row, r.outcome, r.candidates] for r in check.rows if r.outcome != MATCHED]
    return {"counts": {MATCHED: check.count(MATCHED), AMBIGUOUS: check.count(AMBIGUOUS),
                       UNMATCHED: check.count(UNMATCHED)},
            "listed": listed[:KEPT], "listed_total": len(listed),
            "all_errors": [[e.row, e.column, e.message] for e in check.errors[:KEPT]],
            "seconds": round(check.seconds, 1)}


def run_list_check(job: ImportJob, *, progress: Progress | None = None) -> ImportJob:
    """Reads and matches the stored list for the job's creator; writes nothing
    but the job's report."""
    from lnob.imports.reading import FileRefused
    from lnob.imports.services import local_copy

    try:
        with local_copy(job) as path:
            check = agency_check(path, user=job.created_by, progress=progress)
        jobs.fault("import-checked")
    except FileRefused as err:
        job.status, job.problem, job.finished_at = ImportStatus.FAILED, str(err), timezone.now()
        job.save()
        return job
    job.total_rows = len(check.rows) + len({e.row for e in check.errors if e.row > 1})
    job.valid_rows = check.count(MATCHED)
    job.error_rows = len({e.row for e in check.errors})
    job.errors = [{"row": e.row, "column": e.column, "message": e.message}
                  for e in check.errors[:SHOWN]]
    job.warnings = check.warnings[:SHOWN]
    job.outcomes = _report(check)
    job.done_rows = 0
    job.status = ImportStatus.CHECKED
    job.save()
    return job


def commit_list(*, actor: User, job: ImportJob, progress: Progress | None = None) -> int:
    """Matches the list again (the registry may have changed since the check)
    and records the benefits of the matched rows, in one transaction with the
    job's "done". A list with any problem records nothing."""
    from lnob.imports.services import ImportRefused, local_copy

    scheme = Scheme.objects.filter(code=job.scheme_code).first()
    if scheme is None:
        raise ImportRefused(_("The scheme of this list no longer exists."))
    with local_copy(job) as path:
        check = agency_check(path, user=actor)
    if not check.ok:
        raise ImportRefused(_("%(count)d rows have problems: nothing was recorded. Fix them "
                              "and upload the list again.") % {
            "count": len({e.row for e in check.errors})})
    with transaction.atomic():
        written = agency_write(check, actor=actor, scheme=scheme, file_name=job.filename,
                               progress=progress)
        jobs.fault("import-written")
        ImportJob.objects.filter(pk=job.pk).update(
            outcomes={**_report(check), "written": written}, status=ImportStatus.DONE,
            valid_rows=check.count(MATCHED), updated_count=written, done_rows=written,
            finished_at=timezone.now(), problem="")
    return written


def report_csv(job: ImportJob) -> bytes:
    """The row-by-row report of a list: each problem, then each row not
    matched or to check, with the candidate persons (ids)."""
    import csv
    import io

    from lnob.exports.writers import csv_safe

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("row"), _("outcome"), _("column"), _("what to fix"), _("persons")])
    outcome = {AMBIGUOUS: _("to check"), UNMATCHED: _("not found"), "error": _("error")}
    for row, column, message in (job.outcomes or {}).get("all_errors", []):
        writer.writerow([row, outcome["error"], csv_safe(column), csv_safe(message), ""])
    for row, what, candidates in (job.outcomes or {}).get("listed", []):
        writer.writerow([row, outcome.get(what, what), "", "",
                         " ".join(f"#{c}" for c in candidates)])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")

