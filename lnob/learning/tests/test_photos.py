"""Story photos: checked by content (not by name), size and dimensions,
re-encoded without EXIF or GPS, stored through the storage API and served
only to those who may see them."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image

from lnob.core.models import User
from lnob.learning.models import Story, StoryPhoto
from lnob.learning.stories.photos import PhotoRefused, clean_photo
from lnob.learning.stories.services import photo_add, photo_remove, story_step
from lnob.learning.tests.conftest import gps_exif, image_bytes

pytestmark = pytest.mark.django_db


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG file that claims to be huge: a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 10)) + chunk(b"IEND", b""))


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"
           ) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_photo_is_reencoded_without_exif_or_gps() -> None:
    original = image_bytes(exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # it had a position
    clean = clean_photo(original)
    image = Image.open(io.BytesIO(clean.content))
    assert image.format == "JPEG" and (image.width, image.height) == (640, 480)
    assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in clean.content and b"GPS" not in clean.content


def test_png_with_transparency_webp_and_large_photos_become_smaller_jpegs() -> None:
    clean = clean_photo(image_bytes("PNG", (3000, 1500), mode="RGBA"))
    assert (clean.width, clean.height) == (2000, 1000)
    assert Image.open(io.BytesIO(clean.content)).format == "JPEG"
    assert Image.open(io.BytesIO(clean_photo(image_bytes("WEBP")).content)).format == "JPEG"


@pytest.mark.parametrize(("data", "says"), [
    (b"<html><script>alert(1)</script></html>", "not a photo"),
    (b"GIF89a" + b"\x00" * 100, "not a photo"),
    (image_bytes("GIF"), "GIF"),
    (png_header_only(40_000, 40_000), "pixels"),
    (image_bytes(size=(50, 50)), "too small"),
    (image_bytes()[:len(image_bytes()) // 2], "damaged"),
    (b"", "empty"),
])
def test_fake_broken_or_bomb_images_are_refused(data: bytes, says: str) -> None:
    with translation.override("en"), pytest.raises(PhotoRefused) as err:
        clean_photo(data)
    assert says in str(err.value)


def test_an_oversized_file_is_refused_before_it_is_read(settings: object, officer: User,
                                                        story: Story) -> None:
    settings.STORY_PHOTO_MAX_BYTES = 10_000  # type: ignore[attr-defined]
    with translation.override("en"), pytest.raises(ValidationError) as err:
        photo_add(actor=officer, story=story, upload=upload(image_bytes(size=(1500, 1500))))
    assert "photo" in err.value.message_dict and "MB" in err.value.messages[0]
    assert not StoryPhoto.objects.exists()


def test_a_photo_is_stored_and_served_only_to_those_who_may_see_it(
        client: Client, officer: User, other_officer: User, story: Story) -> None:
    photo = photo_add(actor=officer, story=story, upload=upload(image_bytes(exif=gps_exif())),
                      caption="ครัวชุมชน")
    assert photo.image.storage.exists(photo.image.name)
    assert photo.image.name.startswith("stories/") and photo.image.name.endswith(".jpg")
    url = f"/stories/photos/{photo.pk}/"
    assert client.get(url).status_code == 404  # a draft's photo is not public
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"PhoneMaker" not in b"".join(
        response.streaming_content)  # type: ignore[attr-defined]
    client.logout()
    for action in ("submit", "review", "publish"):
        story = story_step(actor=officer, story=story, action=action)
    assert client.get(url).status_code == 200


def test_a_fake_image_through_the_page_changes_nothing(client: Client, officer: User,
                                                       story: Story) -> None:
    client.force_login(officer)
    response = client.post(f"/learning/stories/{story.pk}/photos/", {
        "photo": upload(b"MZ\x90\x00 not a picture", "holiday.jpg"), "caption": "x"})
    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in response.content.decode() or "ไฟล์" in \
        response.content.decode()
    assert not StoryPhoto.objects.exists()


def test_removing_a_photo_deletes_the_file(django_capture_on_commit_callbacks: object,
                                           officer: User, story: Story) -> None:
    photo = photo_add(actor=officer, story=story, upload=upload(image_bytes()))
    storage, name = photo.image.storage, photo.image.name
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        photo_remove(actor=officer, photo=photo)
    assert not storage.exists(name) and not StoryPhoto.objects.exists()
