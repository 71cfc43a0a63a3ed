"""The shortcuts that make a 200 k-row import fast give exactly what the plain
ways give: citizen IDs, lookups of references with any character, the bulk
writer's batched inserts, and the progress a page sees while the import's
one transaction is open."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from lnob.core import bulk
from lnob.core.citizen_id import CitizenIdError, check_digit, normalise_citizen_id
from lnob.core.models import User
from lnob.imports import services
from lnob.imports.models import ImportJob, ImportStatus
from lnob.imports.persons import _citizen_id
from lnob.imports.reading import FileRefused, read_table
from lnob.imports.tests.conftest import NAMES, good_row
from lnob.registry.models import Person, PersonChange, PersonNeed
from lnob.registry.taxonomy import Need


def _outcome(fn: Callable[[str], str], text: str) -> tuple[str, str]:
    try:
        return "ok", fn(text)
    except CitizenIdError as err:
        return err.code, str(err.params)


def test_the_quick_citizen_id_check_agrees_with_the_full_one() -> None:
    rng = random.Random(4)
    texts = ["", "1", "1-1017-00203-44-1", "1-1017-00203-44-2", "1101700203441",
             "๑-๑๐๑๗-๐๐๒๐๓-๔๔-๑", "11-017-00203-44-1", "1-1017-00203-4-41", "0000000000001",
             "1-1017-00203-44-", "1-1017-0020a-44-1", "x-xxxx-xxxxx-44-1", "1 1017 00203 44 1",
             "1–1017–00203–44–1", "11017002034411", "-1101700203441-"]
    for _ in range(3000):
        first12 = f"{rng.randrange(10**12):012d}"
        digit = check_digit(first12) if rng.random() < 0.7 else rng.randrange(10)
        digits = first12 + str(digit)
        texts.append(digits if rng.random() < 0.5 else
                     f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}")
    for text in texts:
        assert _outcome(_citizen_id, text) == _outcome(normalise_citizen_id, text), text


@pytest.mark.django_db
def test_references_with_quotes_commas_and_backslashes_are_found_again(
        officer: User, write_csv: Callable[..., Path]) -> None:
    refs = ['a"b', "c\\d", "e,f", "{g}", "h'i", "NULL", "j k"]
    rows = [good_row(ref=ref, cid="", first=NAMES[i]) for i, ref in enumerate(refs)]
    path = write_csv(rows)
    call_command("import", "persons", str(path), province="84", as_user="officer84")
    assert Person.objects.count() == len(refs)
    checked = services.check_file(path, "84")
    assert checked.errors == []
    assert all(r.existing_id is not None for r in checked.valid)
    call_command("import", "persons", str(path), province="84", as_user="officer84")
    assert Person.objects.count() == len(refs)


@pytest.mark.django_db
def test_the_bulk_writer_gives_the_rows_the_orm_would(
        officer: User, write_csv: Callable[..., Path]) -> None:
    """Several multi-row statements and a shorter last one (SQLite), COPY
    (PostgreSQL); JSON, dates and datetimes as the ORM writes them."""
    call_command("import", "persons", str(write_csv([good_row(ref=f"R{i}", cid="",
                                                              first=NAMES[i])
                                                     for i in range(3)])),
                 province="84", as_user="officer84")
    ids = list(Person.objects.values_list("pk", flat=True))
    assert {p.birth_date for p in Person.objects.all()} == {datetime.date(1947, 11, 6)}
    PersonNeed.objects.all().delete()
    needs = list(Need.objects.filter(province_code="").values_list("pk", flat=True)[:3])
    rows = [(pk, need, 1 + (pk + need) % 4, "") for pk in ids for need in needs]
    at = timezone.now() - datetime.timedelta(days=1)
    with transaction.atomic(), bulk.bulk_load():
        many = bulk.TableWriter(PersonNeed, ["person", "need", "severity", "note"])
        many.many = 2  # 9 rows: four statements of two rows, one of one
        assert many.write(iter(rows)) == len(rows)
        history = bulk.TableWriter(PersonChange, ["person", "at", "actor", "actor_label",
                                                  "action", "changes"])
        history.write([(pk, at, officer.pk, "", "test", {"source": ["", "x"], "n": None})
                       for pk in ids])
    assert sorted(PersonNeed.objects.values_list("person", "need", "severity")) == sorted(
        (pk, need, level) for pk, need, level, _note in rows)
    written = PersonChange.objects.filter(action="test")
    assert [(c.at, c.changes) for c in written] == [(at, {"source": ["", "x"], "n": None})] * 3


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_a_bulk_load_gives_the_page_cache_back() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        with bulk.bulk_load():
            cursor.execute("PRAGMA cache_size")
            assert cursor.fetchone()[0] == -bulk.BULK_CACHE_KIB
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
    # Also when the load fails in a transaction that is to be rolled back: the
    # load's own error is the one raised.
    failing = pytest.raises(RuntimeError, match="disk full")
    with failing, transaction.atomic(), bulk.bulk_load():
        transaction.set_rollback(True)
        raise RuntimeError("disk full")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before


def test_a_csv_with_a_byte_order_mark_but_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "ชื่อ\nสมชาย\n".encode("cp874"))
    with pytest.raises(FileRefused):
        read_table(path)


def test_a_csv_is_read_as_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    text = "ชื่อ;นามสกุล\r\n" + "สมศรี;มีสุข\r\n" * 300 + "\r\nสมชาย;\"ใจ;\r\nดี\"\r\n"
    path.write_bytes(text.encode("cp874"))
    table = read_table(path)
    assert (table.headers, table.encoding) == (["ชื่อ", "นามสกุล"], "cp874")
    rows = list(table.rows)
    assert len(rows) == 301 and rows[0] == (2, ["สมศรี", "มีสุข"])
    assert rows[-1] == (303, ["สมชาย", "ใจ;\r\nดี"])  # after the empty row 302


@pytest.mark.django_db(transaction=True)
def test_the_rows_written_reach_the_page_while_the_transaction_is_open() -> None:
    """The job's page reads through another connection (PostgreSQL) or the
    progress file (SQLite); the import's own transaction shows nothing yet."""
    user = User.objects.create(username="importer")
    job = ImportJob.objects.create(kind="persons", province_code="84", filename="x.csv",
                                   created_by=user, status=ImportStatus.IMPORTING,
                                   valid_rows=12)
    live = services.LiveProgress(job.pk)
    seen = []
    try:
        with transaction.atomic():
            for rows in (5, 10, 12):
                live(rows)
                # Read committed: this transaction sees what the other one committed.
                seen.append(services.rows_written(ImportJob.objects.get(pk=job.pk)))
    finally:
        live.close()
    assert seen == [5, 10, 12]
    assert not services.progress_file(job.pk).exists()


@pytest.mark.django_db
def test_a_commit_reports_each_batch_it_writes_then_stops_reporting(
        officer: User, write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []

    class Recorder:
        def __init__(self, job_id: int) -> None:
            calls.append(("open", job_id))

        def __call__(self, rows: int) -> None:
            calls.append(rows)

        def close(self) -> None:
            calls.append("close")

    monkeypatch.setattr(services, "LiveProgress", Recorder)
    monkeypatch.setattr(services, "BATCH", 2)
    path = write_csv([good_row(ref=f"R{i}", cid="", first=NAMES[i]) for i in range(5)])
    job = services.import_start(actor=officer, kind="persons", province_code="84",
                                upload=SimpleUploadedFile("list.csv", path.read_bytes()))
    services.run_check(job)
    job = services.import_commit(actor=officer, job=job)
    assert (job.status, job.done_rows, job.percent) == (ImportStatus.DONE, 5, 100)
    assert calls == [("open", job.pk), 2, 4, 5, "close"]
