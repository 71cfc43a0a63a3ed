"""Writing: all or nothing, updates by external reference, the CLI, the pages."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from lnob.core.models import AuditEvent, User
from lnob.imports import services
from lnob.imports.models import ImportJob, ImportStatus
from lnob.imports.tests.conftest import NAMES, good_row
from lnob.registry.models import Person, PersonChange, PersonNeed

pytestmark = pytest.mark.django_db


def upload(client: Client, path: Path, province: str = "84") -> ImportJob:
    with path.open("rb") as f:
        response = client.post("/imports/", {"kind": "persons", "province": province,
                                             "file": f})
    assert response.status_code == 302, response.content.decode()[-500:]
    return ImportJob.objects.latest("pk")


def test_a_clean_file_is_checked_then_imported_with_history_and_audit(
        client: Client, officer: User, write_csv: Callable[..., Path]) -> None:
    client.force_login(officer)
    job = upload(client, write_csv([good_row(), good_row(ref="R2", cid="", first="สมพร")]))
    assert (job.status, job.total_rows, job.valid_rows, job.error_rows) == (
        ImportStatus.CHECKED, 2, 2, 0)
    assert not Person.objects.exists()  # nothing until the user decides
    client.post(f"/imports/{job.pk}/commit/")
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, 2)
    person = Person.objects.get(external_ref="R1")
    assert (person.province_code, person.severity, person.entered_by) == ("84", 3, officer)
    assert person.needs.get().need.code == "health"
    assert PersonChange.objects.filter(person=person, action="import").exists()
    assert AuditEvent.objects.filter(object_type="imports.importjob", object_id=str(job.pk),
                                     detail__created=2).exists()


def test_a_file_with_a_bad_row_imports_nothing_unless_asked_to_skip_it(
        client: Client, officer: User, write_csv: Callable[..., Path]) -> None:
    client.force_login(officer)
    job = upload(client, write_csv([good_row(), good_row(ref="R2", cid="", birth="31/2/2549")]))
    assert (job.valid_rows, job.error_rows) == (1, 1)
    assert job.errors == [{"row": 3, "column": "birth_date", "message": mock.ANY}]
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert ">วันเกิด</td>" in page  # the Thai header of the column (issue 16)
    errors = client.get(f"/imports/{job.pk}/errors.csv").content.decode("utf-8-sig")
    assert errors.splitlines()[1].startswith("3,R2,") and "birth_date" in errors
    with pytest.raises(services.ImportRefused):
        services.import_commit(actor=officer, job=job, skip_invalid=False)
    assert not Person.objects.exists()
    client.post(f"/imports/{job.pk}/commit/", {"skip_invalid": "1"})
    assert list(Person.objects.values_list("external_ref", flat=True)) == ["R1"]


def test_a_failure_midway_leaves_nothing_half_imported(
        officer: User, write_csv: Callable[..., Path]) -> None:
    rows = [good_row(ref=f"R{i}", cid="", first=NAMES[i]) for i in range(12)]
    checked = services.check_file(write_csv(rows), "84")
    real_write = services.TableWriter.write
    calls = {"n": 0}

    def fail_on_second_batch(self: object, batch: object) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real_write(self, batch)  # type: ignore[arg-type]

    with mock.patch.object(services, "BATCH", 5), mock.patch.object(
            services.TableWriter, "write", fail_on_second_batch), pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            services.write_persons(checked, actor=officer)
    assert not Person.objects.exists()
    assert not PersonNeed.objects.exists()


def test_importing_the_same_file_again_updates_instead_of_duplicating(
        officer: User, write_csv: Callable[..., Path]) -> None:
    first = write_csv([good_row(), good_row(ref="R2", cid="", first="สมพร")])
    call_command("import", "persons", str(first), province="84", as_user="officer84")
    again = write_csv([good_row(needs="health:4; housing:2"),
                       good_row(ref="R2", cid="", first="สมพร")], name="again.csv")
    call_command("import", "persons", str(again), province="84", as_user="officer84")
    assert Person.objects.count() == 2
    person = Person.objects.get(external_ref="R1")
    assert person.severity == 4 and person.version == 2
    assert sorted(person.needs.values_list("need__code", "severity")) == [
        ("health", 4), ("housing", 2)]
    change = PersonChange.objects.filter(person=person, action="import").latest("pk")
    assert change.changes["severity"] == ["3", "4"]


def test_the_cli_refuses_a_file_with_bad_rows_and_exits_non_zero(
        officer: User, write_csv: Callable[..., Path], tmp_path: Path) -> None:
    path = write_csv([good_row(), good_row(ref="R2", birth="31/2/2549")])
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "persons", str(path), province="84", as_user="officer84")
    assert exit_.value.code == 1
    assert not Person.objects.exists()
    with pytest.raises(SystemExit) as dry:
        call_command("import", "persons", str(path), province="84", as_user="officer84",
                     dry_run=True)
    assert dry.value.code == 1 and not Person.objects.exists()
    out = tmp_path / "bad.csv"
    call_command("import", "persons", str(path), province="84", as_user="officer84",
                 skip_invalid=True, errors_out=out)
    assert Person.objects.count() == 1
    bad = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(bad) == 2 and bad[1].startswith("3,R2,") and "birth_date" in bad[1]


def test_the_command_prints_each_bad_row_and_exits_non_zero_on_a_dry_run(
        officer: User, write_csv: Callable[..., Path]) -> None:
    path = write_csv([good_row(birth="31/2/2549")])
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "persons", str(path), province="84", dry_run=True, stdout=out,
                     as_user="officer84",
                     stderr=io.StringIO())
    assert exit_.value.code == 1
    assert "1 rows: 0 valid, 1 with errors." in out.getvalue()
    assert "row 2, birth_date:" in out.getvalue()


def test_only_officers_of_the_province_import(
        client: Client, officer: User, other_officer: User, stranger: User,
        write_csv: Callable[..., Path]) -> None:
    path = write_csv([good_row()])
    assert client.get("/imports/")["Location"].startswith("/accounts/login/")
    client.force_login(stranger)
    assert client.get("/imports/").status_code == 403
    client.force_login(other_officer)
    with path.open("rb") as f:
        refused = client.post("/imports/", {"kind": "persons", "province": "84", "file": f})
    assert refused.status_code == 400
    assert not ImportJob.objects.exists()
    client.force_login(officer)
    job = upload(client, path)
    client.force_login(other_officer)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/commit/").status_code == 404
    assert not Person.objects.exists()


def test_a_wrong_file_type_is_refused_with_a_message(client: Client, officer: User) -> None:
    client.force_login(officer)
    response = client.post("/imports/", {"kind": "persons", "province": "84",
                                         "file": SimpleUploadedFile("list.pdf", b"%PDF-1.4")})
    assert response.status_code == 400
    assert 'id="i-file-err"' in response.content.decode()


def test_the_template_has_the_columns_in_thai(client: Client, officer: User) -> None:
    client.force_login(officer)
    body = client.get("/imports/template.csv").content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("รหัสอ้างอิง,เลขประจำตัวประชาชน")


def test_a_large_file_is_checked_by_the_worker(client: Client, officer: User, settings: object,
                                              write_csv: Callable[..., Path]) -> None:
    settings.IMPORT_INLINE_ROWS = 0  # type: ignore[attr-defined]
    client.force_login(officer)
    job = upload(client, write_csv([good_row()]))
    assert job.status == ImportStatus.CHECKED  # the (immediate) worker ran the check
    client.post(f"/imports/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.percent == 100


def test_a_full_disk_says_so_leaves_no_partial_file_and_imports_nothing(
        client: Client, officer: User, write_csv: Callable[..., Path], settings: Any,
        tmp_path: Path) -> None:
    import errno

    from django.core.files.storage import FileSystemStorage

    settings.MEDIA_ROOT = tmp_path / "media"

    def fills_the_disk(self: Any, name: str, content: Any) -> str:
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1000)  # the part written before the disk filled
        raise OSError(errno.ENOSPC, "No space left on device")

    client.force_login(officer)
    with mock.patch.object(FileSystemStorage, "_save", fills_the_disk), \
            write_csv([good_row()]).open("rb") as f:
        response = client.post("/imports/", {"kind": "persons", "province": "84",
                                             "file": f})
    assert response.status_code == 400
    assert "เต็ม" in response.content.decode()  # the disk is full, in Thai
    assert not ImportJob.objects.exists()
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []


def test_a_full_disk_anywhere_else_is_a_clear_503_not_a_generic_error(
        client: Client, officer: User) -> None:
    import errno

    client.force_login(officer)
    with mock.patch("lnob.imports.views.render",
                    side_effect=OSError(errno.ENOSPC, "No space left on device")):
        response = client.get("/imports/")
    assert response.status_code == 503
    assert response["Retry-After"] == "300"
    assert "disk" in response.content.decode() or "ดิสก์" in response.content.decode()


def test_an_import_whose_worker_died_can_be_retried_or_cancelled_by_its_area_only(
        client: Client, officer: User, other_officer: User, stranger: User,
        write_csv: Callable[..., Path]) -> None:
    from lnob.core import jobs

    client.force_login(officer)
    job = upload(client, write_csv([good_row()]))
    ImportJob.objects.filter(pk=job.pk).update(  # a worker that died while importing
        status=ImportStatus.IMPORTING, runner=f"worker:{jobs.HOST}:999999")
    assert jobs.reap() == 1
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Retry" in page or "ลองอีกครั้ง" in page
    for someone, expected in ((stranger, 403), (other_officer, 404)):
        client.force_login(someone)
        assert client.post(f"/imports/{job.pk}/retry/").status_code == expected
        assert client.post(f"/imports/{job.pk}/cancel/").status_code == expected
    job.refresh_from_db()
    assert (job.status, job.interrupted) == (ImportStatus.FAILED, ImportStatus.IMPORTING)
    client.force_login(officer)
    client.post(f"/imports/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED  # waiting for the decision again
    client.post(f"/imports/{job.pk}/commit/")
    client.post(f"/imports/{job.pk}/retry/")  # done: nothing to retry, imported once
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Person.objects.count() == 1


def test_an_interrupted_import_can_be_cancelled(
        client: Client, officer: User, write_csv: Callable[..., Path]) -> None:
    from lnob.core import jobs

    client.force_login(officer)
    job = upload(client, write_csv([good_row()]))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKING, runner=f"worker:{jobs.HOST}:999999")
    jobs.reap()
    client.post(f"/imports/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and not Person.objects.exists()


def test_the_rows_to_fix_never_run_as_formulas_and_opening_them_is_audited(
        client: Client, officer: User, write_csv: Callable[..., Path]) -> None:
    client.force_login(officer)
    evil = good_row(ref="R2", cid="", birth="31/2/2549", first='=HYPERLINK("http://x","y")')
    job = upload(client, write_csv([good_row(), evil]))
    errors = client.get(f"/imports/{job.pk}/errors.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in errors and ',=HYPERLINK' not in errors
    assert AuditEvent.objects.filter(action="export", object_id=str(job.pk),
                                     detail__rows_to_fix=True).exists()
    client.get(f"/imports/{job.pk}/")
    assert AuditEvent.objects.filter(action="view", object_type="imports.importjob",
                                     object_id=str(job.pk)).exists()


def test_uploads_an_hour_are_limited_per_user(
        client: Client, officer: User, write_csv: Callable[..., Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from lnob.core import quotas, ratelimit

    monkeypatch.setattr(quotas, "UPLOADS", ratelimit.Limit("uploads", 2, 3600))
    client.force_login(officer)
    path = write_csv([good_row()])
    for _ in range(2):
        upload(client, path)
    with path.open("rb") as f:
        refused = client.post("/imports/", {"kind": "persons", "province": "84", "file": f})
    assert refused.status_code == 400 and ImportJob.objects.count() == 2
