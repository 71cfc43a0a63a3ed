"""Issue 21, several hosts: uploads in an S3-compatible store (``LNOB_S3_BUCKET``)
against a real S3 server on loopback — moto's server, a stand-in for MinIO,
Ceph or a cloud store — through django-storages: an import's file and its
error file, a report's PDF and a story's photo are written to the bucket and
read back through the pages, and ``lnob backup`` carries the bucket's
objects so that ``lnob restore`` puts back what the bucket lost."""

from __future__ import annotations

import io
import json
import tarfile
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from lnob.core.management.commands.restore import Command as Restore
from lnob.core.roles import Role
from lnob.geo.loader import load_geography
from lnob.geo.models import District, Province, Subdistrict
from lnob.imports import services as imports
from lnob.learning.models import ReportStatus
from lnob.learning.reports.services import ReportData, report_generate, report_request
from lnob.learning.stories.services import StoryData, photo_add, story_create
from lnob.registry.migrations import _national_taxonomy
from lnob.testing.postgres import free_port

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")
pytest.importorskip("storages")

pytestmark = pytest.mark.django_db
BUCKET = "lnob-uploads"
BAD_ROW_CSV = ("รหัสอ้างอิง,ชื่อ,นามสกุล,รหัสตำบล,เลขประจำตัวประชาชน\n"
               "B1,บุญมี,ศรีสุข,840503,\nB2,,ใจดี,840503,\n")
KEYS = {"access_key": "lnob-test", "secret_key": "lnob-test-secret"}  # noqa: S105


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    """An S3-compatible HTTP server on a loopback port, for the module."""
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server: str, settings: Any) -> Iterator[Any]:
    """The settings ``LNOB_S3_BUCKET`` and ``LNOB_S3_ENDPOINT_URL`` make
    (lnob/settings.py), on a new empty bucket."""
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1",
                          aws_access_key_id=KEYS["access_key"],
                          aws_secret_access_key=KEYS["secret_key"])
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": BUCKET, "endpoint_url": s3_server, "region_name": "us-east-1",
            "location": "media", "default_acl": None, "querystring_auth": True,
            "querystring_expire": 300, "file_overwrite": False, **KEYS}}}
    settings.MEDIA_ROOT = "/nonexistent/never-used"  # nothing may land on the disk
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client: Any) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def read(response: Any) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def geography(db: None) -> None:
    # A transactional test before this one may have emptied what migrations load.
    if not Province.objects.filter(code="84").exists():
        load_geography(Province, District, Subdistrict)
        _national_taxonomy.load()


@pytest.fixture
def uploads(geography: None, bucket: Any, make_user: Any) -> dict[str, Any]:
    """An import with a bad row, a province report's PDF and a story's photo,
    all made through the services as the pages make them."""
    officer = make_user("officer.s3", Role.PROVINCIAL_OFFICER, "84")
    job = imports.import_start(actor=officer, kind="persons", province_code="84",
                               upload=SimpleUploadedFile("list.csv",
                                                         BAD_ROW_CSV.encode("utf-8-sig")))
    job = imports.run_check(job)
    report = report_request(actor=officer, data=ReportData(
        kind="province", area_code="84", period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31)))
    done = report_generate(report.pk)
    assert done is not None and done.status == ReportStatus.DONE, done and done.problem
    story = story_create(actor=officer, data=StoryData(
        title="ชุมชนเกาะเต่าไม่ทอดทิ้งกัน", summary="อาสาสมัครดูแลผู้สูงอายุทุกบ้าน",
        body="ชาวบ้านช่วยกันทำกับข้าวส่งให้ผู้สูงอายุทุกวัน", area_code="840503", tags=""))
    image = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (320, 240), (200, 120, 40)).save(image, "JPEG")
    photo = photo_add(actor=officer, story=story,
                      upload=SimpleUploadedFile("p.jpg", image.getvalue(),
                                                content_type="image/jpeg"))
    client = Client()
    client.force_login(officer)
    return {"officer": officer, "job": job, "report": done, "photo": photo, "client": client}


def test_uploads_go_to_the_bucket_and_are_read_back_through_the_pages(
        uploads: dict[str, Any], bucket: Any) -> None:
    job, report, photo = uploads["job"], uploads["report"], uploads["photo"]
    stored = keys(bucket)
    assert {f"media/{job.file.name}", f"media/{report.pdf.name}",
            f"media/{photo.image.name}"} <= stored
    assert job.file.name.startswith("imports/") and report.pdf.name.startswith("reports/")
    # What the bucket holds is the file itself.
    assert bucket.get_object(Bucket=BUCKET, Key=f"media/{job.file.name}")["Body"].read() \
        == BAD_ROW_CSV.encode("utf-8-sig")
    client = uploads["client"]
    errors = read(client.get(f"/imports/{job.pk}/errors.csv")).decode("utf-8-sig")
    assert "B2" in errors and "B1" not in errors  # the error file, from the bucket's copy
    assert read(client.get(f"/learning/reports/{report.pk}/pdf/")).startswith(b"%PDF")
    assert read(client.get(f"/stories/photos/{photo.pk}/")).startswith(b"\xff\xd8")  # JPEG
    # A link to the file itself is signed and expires; it opens the same PDF.
    url = report.pdf.url
    assert "Signature=" in url and "Expires=" in url
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 — loopback
        assert answer.read().startswith(b"%PDF")


def test_a_missing_object_is_a_404_not_a_500(uploads: dict[str, Any], bucket: Any) -> None:
    report = uploads["report"]
    bucket.delete_object(Bucket=BUCKET, Key=f"media/{report.pdf.name}")
    assert uploads["client"].get(f"/learning/reports/{report.pk}/pdf/").status_code == 404


# Committed rows: SQLite's online backup waits for a writer that never ends
# (the test's own transaction) and pg_dump would not see them.
@pytest.mark.django_db(transaction=True)
def test_a_backup_carries_the_buckets_files_and_a_restore_puts_back_the_lost_ones(
        uploads: dict[str, Any], bucket: Any, tmp_path: Path) -> None:
    job, report, photo = uploads["job"], uploads["report"], uploads["photo"]
    before = keys(bucket)
    call_command("backup", "--to", str(tmp_path / "backups"), verbosity=0)
    [backup] = list((tmp_path / "backups").iterdir())
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["media_store"] == "storage" and manifest["media_files"] == len(before) == 3
    with tarfile.open(backup / "media.tar") as tar:
        names = {m.name for m in tar if m.isfile()}
    assert names == {f"./{job.file.name}", f"./{report.pdf.name}", f"./{photo.image.name}"}

    # The bucket loses two files (a mistaken deletion); one is replaced meanwhile.
    bucket.delete_object(Bucket=BUCKET, Key=f"media/{job.file.name}")
    bucket.delete_object(Bucket=BUCKET, Key=f"media/{report.pdf.name}")
    bucket.put_object(Bucket=BUCKET, Key=f"media/{photo.image.name}", Body=b"newer")
    with tarfile.open(backup / "media.tar") as tar:
        said = Restore().restore_media(tar)
    assert "2 put back, 1 already there" in said
    assert keys(bucket) == before
    client = uploads["client"]
    assert "B2" in read(client.get(f"/imports/{job.pk}/errors.csv")).decode("utf-8-sig")
    assert read(client.get(f"/learning/reports/{report.pk}/pdf/")).startswith(b"%PDF")
    # A file already in the bucket is never overwritten by an older copy.
    assert bucket.get_object(Bucket=BUCKET,
                             Key=f"media/{photo.image.name}")["Body"].read() == b"newer"


@pytest.mark.django_db(transaction=True)
def test_without_a_bucket_the_backup_takes_the_media_folder(
        settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "imports").mkdir(parents=True)
    (tmp_path / "media" / "imports" / "a.csv").write_text("x")
    call_command("backup", "--to", str(tmp_path / "backups"), verbosity=0)
    [backup] = list((tmp_path / "backups").iterdir())
    manifest = json.loads((backup / "manifest.json").read_text())
    assert (manifest["media_store"], manifest["media_files"]) == ("folder", 1)
