"""Imports: check a file, show what is wrong, then write the valid rows in one
transaction — or nothing at all."""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io
import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.cases.models import Case, CaseEvent
from lnob.core import audit, jobs, quotas
from lnob.core.access import covers, grants_of
from lnob.core.bulk import ANALYZE_AFTER_ROWS, TableWriter, analyze, batches, bulk_load, reserve_ids
from lnob.core.errors import NotAllowed, Refused
from lnob.core.models import AuditAction, User
from lnob.core.roles import IMPORT_ROLES
from lnob.core.signals import persons_changed
from lnob.coverage.rollup import rollup_refresh
from lnob.exports import columns as exported
from lnob.exports.writers import csv_safe
from lnob.geo.models import Subdistrict
from lnob.imports.attach import attach_rows
from lnob.imports.models import ImportJob, ImportKind, ImportStatus
from lnob.imports.networks import NetworkChecker, write_networks
from lnob.imports.persons import (
    FIELD_INDEX,
    ROW_FIELDS,
    Checked,
    Outcome,
    PersonChecker,
    PersonRow,
)
from lnob.imports.reading import FileRefused, Table, max_bytes, read_table
from lnob.imports.volunteers import VolunteerChecker, write_volunteers
from lnob.imports.welfare_facts import write_welfare_facts
from lnob.registry.models import Person, PersonChange, PersonNeed
from lnob.registry.services import shown_in_history as _shown
from lnob.welfare.access import READERS as WELFARE_READERS

IMPORTERS = tuple(IMPORT_ROLES)
ERRORS_SHOWN = 200
BATCH = 5000
ALLOWED_SUFFIXES = (".csv", ".xlsx", ".txt")
Progress = Callable[[int], None]
logger = logging.getLogger(__name__)


class ImportRefused(Refused):
    """The import cannot go on; the message says why and what to do."""

    default_code = "import_refused"

    def __init__(self, message: Any, code: str | None = None, **params: Any) -> None:
        super().__init__(code, message, **params)


class Checker(Protocol):
    def check(self, table: Table) -> Checked[Any]: ...


class Writer(Protocol):
    def __call__(self, checked: Any, *, actor: User,
                 progress: Progress | None = None) -> tuple[int, int]: ...


@dataclass(frozen=True)
class Kind:
    """What one kind of file needs: its checker (made per file and province),
    its writer (inside the caller's transaction) and its columns (template)."""

    checker: Callable[[str], Checker]
    write: Writer
    columns: tuple[exported.Column, ...]


def _write_persons(checked: Any, *, actor: User,
                   progress: Progress | None = None) -> tuple[int, int]:
    return write_persons(checked, actor=actor, progress=progress)


KINDS: dict[str, Kind] = {
    ImportKind.PERSONS: Kind(PersonChecker, _write_persons, exported.PERSON_COLUMNS),
    ImportKind.NETWORKS: Kind(NetworkChecker, write_networks, exported.NETWORK_COLUMNS),
    ImportKind.VOLUNTEERS: Kind(VolunteerChecker, write_volunteers, exported.VOLUNTEER_COLUMNS),
}


@contextmanager
def local_copy(job: ImportJob) -> Iterator[Path]:
    """The stored file as a local path, whatever the storage backend."""
    suffix = Path(job.filename).suffix.lower() or ".csv"
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with job.file.open("rb") as src:
            for chunk in src.chunks():
                tmp.write(chunk)
        tmp.flush()
        yield Path(tmp.name)


class LiveProgress:
    """Rows written so far, where the job's page can see them although the
    import's one transaction is still open (the job's own row, updated in
    that transaction, would show nothing until the end).

    PostgreSQL: a second connection, in autocommit, updates ``done_rows``.
    SQLite allows one writer, the import: the count goes to a small file next
    to the database (:func:`rows_written` reads it). A failure to report is
    never a failure of the import."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.side: Any = None
        self.ready = False
        self.path: Path | None = None
        if connection.vendor == "postgresql":
            # A new connection with the same settings (the test database in tests).
            wrapper = connections[DEFAULT_DB_ALIAS]
            self.side = type(wrapper)(dict(wrapper.settings_dict), wrapper.alias)
        else:
            self.path = progress_file(job_id)

    def __call__(self, rows: int) -> None:
        try:
            if self.side is not None:
                with self.side.cursor() as cursor:
                    if not self.ready:
                        # Never wait behind a lock on the job: skip a report instead.
                        cursor.execute("SET lock_timeout = '1s'")
                        self.ready = True
                    cursor.execute(PROGRESS_SQL, [rows, self.job_id])
            elif self.path is not None:
                partial = self.path.with_suffix(".tmp")
                partial.write_text(str(rows), encoding="ascii")
                partial.replace(self.path)
        except (DatabaseError, OSError):
            logger.warning("Import %s: progress not reported", self.job_id, exc_info=True)
            self.close()

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


PROGRESS_SQL = (f"UPDATE {ImportJob._meta.db_table} SET done_rows = %s "  # noqa: S608
                "WHERE id = %s")


def progress_file(job_id: int) -> Path:
    """Where an import on SQLite counts the rows it has written: beside the
    database file (the web server and the worker share it), else in the
    temporary folder (a database in memory: tests)."""
    name = str(connection.settings_dict["NAME"])
    folder = Path(name).parent if name and not name.startswith(("file:", ":memory:")) else (
        Path(tempfile.gettempdir()))
    tag = hashlib.sha256(name.encode()).hexdigest()[:12]
    return folder / f"lnob-import-{tag}-{job_id}.progress"


def rows_written(job: ImportJob) -> int:
    """How many rows an import that is running has written so far."""
    if job.status == ImportStatus.IMPORTING and connection.vendor == "sqlite":
        try:
            return int(progress_file(job.pk).read_text(encoding="ascii"))
        except (OSError, ValueError):
            return job.done_rows
    return job.done_rows


def check_file(path: Path, province_code: str, *, kind: str = ImportKind.PERSONS,
               sheet: str | None = None, progress: Progress | None = None) -> Checked[Any]:
    table = read_table(path, sheet=sheet)
    if progress is not None:
        rows = table.rows

        def counted() -> Iterator[tuple[int, list[str]]]:
            for i, row in enumerate(rows, start=1):
                if i % BATCH == 0:
                    progress(i)
                yield row

        table.rows = counted()
    return KINDS[kind].checker(province_code).check(table)


@transaction.atomic(durable=True)
def import_start(*, actor: User, kind: str, province_code: str, upload: UploadedFile,
                 sheet: str = "") -> ImportJob:
    """Stores the upload and creates the job; the caller then checks it (now
    for small files, in the worker for large ones)."""
    if kind not in KINDS:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    if not covers(actor, province_code, IMPORTERS) or len(province_code) != 2:
        raise ValidationError({"province": _("You cannot import into this province.")})
    name = Path(upload.name or "upload").name
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError({"file": _("Upload a .csv or .xlsx file.")})
    quotas.check_upload(actor=actor)
    job = ImportJob(kind=kind, province_code=province_code, filename=name[:255],
                    sheet=sheet[:100], created_by=actor)
    _store(job, upload, name)
    audit.record(AuditAction.CREATE, actor=actor, obj=job, area_code=province_code,
                 detail={"file": name})
    return job


def _store(job: ImportJob, upload: File[Any], name: str) -> None:
    """Saves the upload (refused when too large or the disk is full, leaving no
    partial file) and the job."""
    if (upload.size or 0) > max_bytes():
        raise ValidationError({"file": _("The file is larger than %(limit)d MB.") % {
            "limit": max_bytes() // (1024 * 1024)}})
    storage = job.file.storage
    target = storage.get_available_name(job.file.field.generate_filename(job, name),
                                        max_length=job.file.field.max_length)
    try:
        job.file.name = storage.save(target, upload, max_length=job.file.field.max_length)
    except OSError as err:
        with contextlib.suppress(OSError):  # a full disk cuts the file anywhere
            if storage.exists(target):
                storage.delete(target)
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ValidationError({"file": _(
                "The server's disk is full: the file was not saved and nothing was imported. "
                "Try again later; tell your system administrator.")}) from err
        raise
    job.save()


@transaction.atomic(durable=True)
def welfare_list_start(*, actor: User, scheme_code: str, upload: File[Any]) -> ImportJob:
    """A provider's list of recipients (an upload, or a file the command
    opened): stored as a job of its creator's (the matching is scoped to their
    areas), checked now or by the worker."""
    from lnob.imports.welfare import list_province
    from lnob.welfare.models import Scheme

    if not grants_of(actor, WELFARE_READERS):
        raise NotAllowed
    if not Scheme.objects.filter(code=scheme_code, active=True).exists():
        raise ValidationError({"scheme": _("Choose the scheme.")})
    name = Path(upload.name or "upload").name
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError({"file": _("Upload a .csv or .xlsx file.")})
    quotas.check_upload(actor=actor)
    job = ImportJob(kind=ImportKind.WELFARE_LIST, province_code=list_province(actor),
                    filename=name[:255], scheme_code=scheme_code, created_by=actor)
    _store(job, upload, name)
    audit.record(AuditAction.CREATE, actor=actor, obj=job, area_code=job.province_code,
                 detail={"file": name, "scheme": scheme_code})
    return job


def job_allowed(user: Any, job: ImportJob) -> bool:
    """Who may see and run a job: a provider's list is its creator's (the
    report names persons of their areas); the other kinds are their
    province's importers'."""
    if job.kind == ImportKind.WELFARE_LIST:
        return job.created_by_id == getattr(user, "pk", None) and bool(
            grants_of(user, WELFARE_READERS))
    return covers(user, job.province_code, IMPORTERS)


def run_check(job: ImportJob) -> ImportJob:
    """Checks every row and records what is wrong; writes nothing else."""
    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done_rows=rows)

    job.runner = jobs.current_runner()
    ImportJob.objects.filter(pk=job.pk).update(runner=job.runner)
    if job.kind == ImportKind.WELFARE_LIST:
        from lnob.imports.welfare import run_list_check

        return run_list_check(job, progress=progress)
    try:
        with local_copy(job) as path:
            checked = check_file(path, job.province_code, kind=job.kind,
                                 sheet=job.sheet or None, progress=progress)
        jobs.fault("import-checked")
    except FileRefused as err:
        job.status, job.problem, job.finished_at = ImportStatus.FAILED, str(err), timezone.now()
        job.save()
        return job
    job.total_rows, job.valid_rows = checked.total, len(checked.valid)
    job.error_rows = checked.error_rows
    job.errors = [{"row": e.row, "column": e.column, "message": e.message}
                  for e in checked.errors[:ERRORS_SHOWN]]
    job.warnings = checked.warnings
    if job.kind == ImportKind.PERSONS:
        job.likely_duplicates = [{k: v for k, v in d.items() if k != "evidence"}
                                 for d in checked.likely[:ERRORS_SHOWN]]
        job.outcomes = preview_outcomes(checked)
    job.done_rows = 0
    job.status = ImportStatus.CHECKED
    job.save()
    return job


def preview_outcomes(checked: Checked[Any]) -> dict[str, Any]:
    """What importing the file will do, for the preview: counts per outcome, the
    first rows that are not plain new persons, the warnings of rows kept all the same
    and the villages to be created "to confirm"."""
    rows = [{"row": r.row, "outcome": r.outcome, "person": r.attach_to,
             "earlier_row": r.attach_row, "update": r.existing_id}
            for r in checked.valid if r.outcome != Outcome.NEW][:ERRORS_SHOWN]
    return {"counts": checked.outcomes(), "rows": rows,
            "warnings": [{"row": w.row, "column": w.column, "message": w.message}
                         for w in checked.row_warnings[:ERRORS_SHOWN]],
            "warning_rows": len({w.row for w in checked.row_warnings}),
            "villages": sorted(checked.villages)}


def bad_rows_csv(path: Path, checked: Checked[Any], *, sheet: str | None = None) -> bytes:
    """Every bad row as it was in the file, plus a column saying what is wrong:
    fix them there and import that file again."""
    table = read_table(path, sheet=sheet)
    by_row: dict[int, list[str]] = {}
    for e in checked.errors:
        by_row.setdefault(e.row, []).append(f"{e.column}: {e.message}")
    for w in checked.row_warnings:  # every problem of a row to fix, named at once
        if w.row in by_row:
            warning = _("warning")
            by_row[w.row].append(f"{w.column}: {warning}: {w.message}")
    out = io.StringIO()
    writer = csv.writer(out)
    # Cells come from the uploaded file (names can come from public reports): a
    # spreadsheet must show them, never run them as formulas.
    writer.writerow([_("row"), *map(csv_safe, table.headers), _("what to fix")])
    if 1 in by_row:  # problems with the header itself
        writer.writerow([1, *([""] * len(table.headers)), csv_safe(" | ".join(by_row.pop(1)))])
    for number, cells in table.rows:
        if number in by_row:
            writer.writerow([number, *map(csv_safe, cells),
                             csv_safe(" | ".join(by_row[number]))])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def errors_csv(job: ImportJob) -> bytes:
    with local_copy(job) as path:
        checked = check_file(path, job.province_code, kind=job.kind,
                             sheet=job.sheet or None)
        return bad_rows_csv(path, checked, sheet=job.sheet or None)


def import_commit(*, actor: User, job: ImportJob, skip_invalid: bool = False,
                  progress: Progress | None = None, open_cases: bool = True) -> ImportJob:
    """Checks the file again (the registry may have changed since the preview)
    and writes the valid rows in one transaction. Bad rows stop everything
    unless ``skip_invalid``. The rows written so far are reported to the job
    as they go (:class:`LiveProgress`), and to ``progress`` if given.

    A provider's list of recipients is matched again and the benefits of the
    matched rows recorded (``imports.welfare.commit_list``); a list with any
    problem records nothing."""
    if not job_allowed(actor, job):
        raise ImportRefused(_("You cannot import into this province."))
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.IMPORTING, done_rows=0, runner=jobs.current_runner(),
        interrupted="")
    if claimed != 1:
        raise ImportRefused(_("This import is not waiting for a decision any more."))
    # A file written in one batch has nothing to report on the way.
    live = LiveProgress(job.pk) if job.valid_rows > BATCH else None

    def written(rows: int) -> None:
        if live is not None:
            live(rows)
        if progress is not None:
            progress(rows)

    try:
        if job.kind == ImportKind.WELFARE_LIST:
            from lnob.imports.welfare import commit_list

            commit_list(actor=actor, job=job, progress=written)
            job.refresh_from_db()
            return job
        with local_copy(job) as path:
            checked = check_file(path, job.province_code, kind=job.kind,
                                 sheet=job.sheet or None)
        if checked.errors and not skip_invalid:
            raise ImportRefused(_("%(count)d rows have errors. Fix them, or import only the "
                                  "valid rows.") % {"count": checked.error_rows})
        with transaction.atomic():
            if job.kind == ImportKind.PERSONS:
                created, updated = write_persons(checked, actor=actor, progress=written,
                                                 open_cases=open_cases)
            else:
                created, updated = KINDS[job.kind].write(checked, actor=actor,
                                                         progress=written)
            jobs.fault("import-written")
            audit.record(AuditAction.CREATE, actor=actor, obj=job,
                         area_code=job.province_code,
                         detail={"kind": job.kind, "created": created, "updated": updated,
                                 "skipped_rows": checked.error_rows, **checked.written})
            # Bulk writes send no areas_changed: the province's coverage figures
            # change with the rows.
            rollup_refresh(list(Subdistrict.objects.filter(province_id=job.province_code)
                                .values_list("code", flat=True)))
            # In the same transaction as the rows: a worker that dies after the
            # commit leaves a job marked done, never one a retry would import twice.
            ImportJob.objects.filter(pk=job.pk).update(
                outcomes={**job.outcomes, "written": checked.written},
                status=ImportStatus.DONE, created_count=created, updated_count=updated,
                done_rows=len(checked.valid), finished_at=timezone.now(), problem="")
    except (ImportRefused, FileRefused) as err:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKED, problem=str(err))
        raise ImportRefused(str(err)) from err
    except (OperationalError, InterfaceError):  # the database went away: retry later
        with contextlib.suppress(DatabaseError):  # else the reaper marks it when it is back
            ImportJob.objects.filter(pk=job.pk, status=ImportStatus.IMPORTING).update(
                status=ImportStatus.FAILED, interrupted=ImportStatus.IMPORTING,
                finished_at=timezone.now(), problem=jobs.in_both(INTERRUPTED_MESSAGE))
        raise
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(),
            problem=_("The import stopped on an unexpected error; nothing was imported."))
        raise
    finally:
        if live is not None:
            live.close()
    jobs.fault("import-committed")
    if job.kind == ImportKind.PERSONS:  # the duplicate index of its persons
        after_person_import(job.province_code, checked.written_ids, figures=False)
    job.refresh_from_db()
    return job


def import_cancel(*, actor: User, job: ImportJob) -> None:
    """Cancels an import waiting for a decision, or one its worker left."""
    with transaction.atomic(durable=True):
        cancelled = ImportJob.objects.filter(pk=job.pk).filter(
            Q(status=ImportStatus.CHECKED) | Q(status=ImportStatus.FAILED)
            & ~Q(interrupted="")).update(status=ImportStatus.CANCELLED,
                                         finished_at=timezone.now())
        if cancelled:
            audit.record(AuditAction.UPDATE, actor=actor, obj=job,
                         area_code=job.province_code, detail={"cancelled": True})


INTERRUPTED_MESSAGE = gettext_lazy(
    "The worker doing this import stopped (restarted or crashed) before it finished; "
    "nothing was imported. Retry it, or cancel it.")


def reap_imports(alive: Callable[[str], bool | None]) -> int:
    """Imports being checked or written by a process that died: failed, with
    the step they were at kept for a retry (nothing was written: the rows go
    in one transaction with the job's "done")."""
    found = 0
    for pk, status, runner in (ImportJob.objects.filter(
            status__in=[ImportStatus.CHECKING, ImportStatus.IMPORTING])
            .exclude(runner="").values_list("pk", "status", "runner")):
        if alive(runner) is False:
            found += ImportJob.objects.filter(pk=pk, status=status, runner=runner).update(
                status=ImportStatus.FAILED, interrupted=status, finished_at=timezone.now(),
                problem=jobs.in_both(INTERRUPTED_MESSAGE))
            logger.warning("Import %s: its runner %s stopped while %s; marked failed",
                           pk, runner, status)
    return found


def import_retry(*, actor: User, job: ImportJob) -> ImportJob:
    """An import its worker left goes back to the step it was at: checked
    again, or waiting for the decision to import (nothing was written, so
    importing it again imports it once)."""
    if not job_allowed(actor, job):
        raise ImportRefused(_("You cannot import into this province."))
    step = (ImportStatus.CHECKED if job.interrupted == ImportStatus.IMPORTING
            else ImportStatus.CHECKING)
    with transaction.atomic():
        retried = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED).exclude(
            interrupted="").update(status=step, interrupted="", runner="", done_rows=0,
                                   finished_at=None, problem="")
        if not retried:
            raise ImportRefused(_("Only an import whose worker stopped can be retried."))
        audit.record(AuditAction.UPDATE, actor=actor, obj=job, area_code=job.province_code,
                     detail={"retried": step})
    job.refresh_from_db()
    return job


IMPORTED = {"source": ["", "import"]}
FOREIGN_KEYS = {"subdistrict_id": "subdistrict", "village_id": "village"}
PERSON_COLUMNS = ["id", *(FOREIGN_KEYS.get(k, k) for k in ROW_FIELDS),
                  "entered_by", "created_at", "updated_at", "version"]
# What a re-import may change on a person found by its external reference.
UPDATED_FIELDS = [k for k in ROW_FIELDS if k not in ("province_code", "source", "external_ref")]


def write_persons(checked: Checked[PersonRow], *, actor: User,
                  progress: Progress | None = None, open_cases: bool = True
                  ) -> tuple[int, int]:
    """Creates new persons, updates those whose external reference matched (only the
    fields the file has columns for), adds the rows of persons seen again to them
    (history, needs, groups, a "reported again" event on their open case), queues
    the rows kept beside a likely duplicate for review, creates the villages "to
    confirm", and — unless ``open_cases`` is False — opens a case for every new
    person (routed like a report). Call inside a transaction; ``checked.written``
    gets the counts; once committed, the caller runs after_person_import().

    New persons go in batches of BATCH, each with its history, groups and needs, so
    that ``progress`` (rows written so far) moves evenly."""
    from lnob.cases.services import cases_open_bulk
    from lnob.geo.services import villages_create_to_confirm

    rows = checked.valid
    new = [r for r in rows if r.outcome in (Outcome.NEW, Outcome.REVIEW)]
    old = [r for r in rows if r.outcome == Outcome.UPDATE]
    again = [r for r in rows if r.outcome == Outcome.ATTACH]
    now = timezone.now()
    villages = villages_create_to_confirm(actor=actor, villages=checked.villages)
    ids = reserve_ids(Person, len(new))
    for row, pk in zip(new, ids, strict=True):
        row.existing_id = pk
    persons = TableWriter(Person, PERSON_COLUMNS)
    changes = TableWriter(PersonChange, ["person", "at", "actor", "actor_label", "action",
                                         "changes"])
    groups = TableWriter(Person.target_groups.through, ["person", "targetgroup"])
    needs = TableWriter(PersonNeed, ["person", "need", "severity", "note"])
    author, label = actor.pk, actor.get_username()
    with bulk_load():
        for start in range(0, len(new), BATCH):
            batch = new[start:start + BATCH]
            persons.write([(r.existing_id, *r.values, author, now, now, 1) for r in batch])
            # The same small record for every row: the job's audit row says which file.
            changes.write([(r.existing_id, now, author, label, "import",
                            _imported(r)) for r in batch])
            groups.write([(r.existing_id, g) for r in batch for g in r.target_group_ids])
            needs.write([(r.existing_id, n, level, "") for r in batch for n, level in r.needs])
            if progress is not None:
                progress(start + len(batch))
        _update_existing(old, actor, now, [f for f in UPDATED_FIELDS if checked.updates(f)])
        _write_links(old, replace=[r.existing_id for r in old],
                     groups=checked.updates("target_groups"), needs=checked.updates("needs"))
        # Cases first: a later row of the file that adds to a new person is then a
        # "reported again" event on that person's case.
        opened = cases_open_bulk(actor=actor, openings=[
            (_PersonRef(r), r.values[STATUS]) for r in new], source="import") if (
            open_cases) else []
        seen = attach_rows(again, {r.row: r for r in rows}, actor=actor, now=now,
                           open_cases=open_cases)
        pairs = _queue_for_review([r for r in new if r.review_with or r.review_row], checked)
        write_welfare_facts([*new, *old], author, now)
    if progress is not None and (old or again):
        progress(len(rows))
    checked.written = {"created": len(new), "updated": len(old), "added_to": seen["added"],
                       "seen_again_unchanged": seen["unchanged"], "review": pairs,
                       "villages_to_confirm": len(villages),
                       "cases_opened": len(opened) + seen["cases_opened"],
                       "reported_again_events": seen["events"]}
    # For after_person_import(), which the caller runs once this has committed.
    checked.written_ids = [r.existing_id for r in new if r.existing_id] + seen["persons"]
    return len(new), len(old)


STATUS = FIELD_INDEX["status"]


class _PersonRef:
    """What cases_open_bulk reads of a person, from a row (no query)."""

    __slots__ = ("district_code", "pk", "province_code", "subdistrict_id")

    def __init__(self, row: PersonRow) -> None:
        v = row.values
        self.pk = row.existing_id
        self.subdistrict_id = v[FIELD_INDEX["subdistrict_id"]]
        self.province_code = v[FIELD_INDEX["province_code"]]
        self.district_code = v[FIELD_INDEX["district_code"]]


def _imported(row: PersonRow) -> dict[str, Any]:
    if not row.note and not row.values[FIELD_INDEX["citizen_id_problem"]]:
        return IMPORTED
    extra = {k: ["", v] for k, v in (row.note or {}).items()}
    problem = row.values[FIELD_INDEX["citizen_id_problem"]]
    if problem:
        extra["citizen_id_problem"] = ["", problem]
    return {**IMPORTED, **extra}


# Indexed for the duplicate hints at once up to this many persons; beyond, the
# province is indexed by the task worker.
INDEX_NOW = 20_000


def after_person_import(province_code: str, ids: list[int], *, figures: bool = True) -> None:
    """Once a person import has committed — from the page, the API or the terminal:
    the coverage figures of the province (unless the import's own transaction
    refreshed them), and the duplicate index of the persons written, so that
    intake hints find them at once."""
    if not province_code:
        return
    if figures:
        rollup_refresh(list(Subdistrict.objects.filter(province_id=province_code)
                            .values_list("code", flat=True)))
    if len(ids) <= INDEX_NOW:
        persons_changed.send(sender=ImportJob, ids=ids)
    else:
        persons_changed.send(sender=ImportJob, province_code=province_code)
    if len(ids) >= ANALYZE_AFTER_ROWS:
        # The tables the import grew, before anyone reads them (lnob.core.bulk).
        analyze([Person, PersonChange, Person.target_groups.through, PersonNeed, Case,
                 CaseEvent])


def _queue_for_review(rows: list[PersonRow], checked: Checked[PersonRow]) -> int:
    from lnob.dedup.queue import pairs_propose

    evidence = {d["row"]: d for d in checked.likely}
    by_row = {r.row: r for r in checked.valid}

    def other(r: PersonRow) -> int | None:
        if r.review_with:
            return r.review_with
        earlier = by_row.get(r.review_row or 0)
        return (earlier.attach_to or earlier.existing_id) if earlier is not None else None

    return pairs_propose([(r.existing_id, pk, evidence.get(r.row))
                          for r in rows if r.existing_id and (pk := other(r))])

def _update_existing(rows: list[PersonRow], actor: User, now: Any,
                     fields: list[str]) -> None:
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        current = Person.objects.in_bulk([r.existing_id for r in batch])
        changed, history = [], []
        for r in batch:
            person = current[r.existing_id]
            diff = {}
            for name in fields:
                old_value, new_value = getattr(person, name), r.values[FIELD_INDEX[name]]
                if old_value != new_value:
                    diff[name] = [_shown(name, old_value), _shown(name, new_value)]
                    setattr(person, name, new_value)
            if person.village_id and not person.village_id.startswith(person.subdistrict_id):
                # Moved to another subdistrict by a file without a village column.
                diff["village_id"] = [person.village_id, ""]
                person.village_id = None
            if diff:
                person.version += 1
                person.updated_at = now
                changed.append(person)
                history.append(PersonChange(person=person, actor=actor,
                                            actor_label=actor.get_username(), action="import",
                                            changes=diff))
        Person.objects.bulk_update(
            changed, sorted({FOREIGN_KEYS.get(f, f) for f in (*fields, "village_id")})
            + ["version", "updated_at"])
        PersonChange.objects.bulk_create(history)


def _write_links(rows: list[PersonRow], *, replace: list[int | None], groups: bool,
                 needs: bool) -> None:
    """Needs and groups of the rows; those of updated persons are replaced."""
    through = Person.target_groups.through
    for chunk in batches(replace, 900):
        if groups:
            through.objects.filter(person_id__in=chunk).delete()
        if needs:
            PersonNeed.objects.filter(person_id__in=chunk).delete()
    if groups:
        TableWriter(through, ["person", "targetgroup"]).write(
            [(r.existing_id, g) for r in rows for g in r.target_group_ids])
    if needs:
        TableWriter(PersonNeed, ["person", "need", "severity", "note"]).write(
            [(r.existing_id, n, level, "") for r in rows for n, level in r.needs])


