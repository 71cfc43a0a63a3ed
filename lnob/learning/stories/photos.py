"""Checking an uploaded photo before anything is kept: its size, its real type
(read from its content by Pillow, never from its name or the browser's word),
its dimensions (a "decompression bomb" is refused before it is decoded), then
re-encoding it as a fresh JPEG: turned upright, at most 2,000 pixels a side,
with no EXIF, no GPS position, no comment — nothing but the pixels."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MIN_SIDE = 200
MAX_SIDE = 12_000
MAX_PIXELS = 50_000_000
KEPT_SIDE = 2_000
QUALITY = 85


class PhotoRefused(ValueError):
    """The file is not a photo we keep; the message says why and what to do."""


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    width: int
    height: int


def max_bytes() -> int:
    return int(getattr(settings, "STORY_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


def check_size(size: int | None) -> None:
    limit = max_bytes()
    if size is None or size <= 0:
        raise PhotoRefused(_("The file is empty."))
    if size > limit:
        raise PhotoRefused(_("The photo is %(size).1f MB; the limit is %(limit)d MB. Send a "
                             "smaller photo.") % {"size": size / (1024 * 1024),
                                                  "limit": limit // (1024 * 1024)})


def _too_many_pixels() -> PhotoRefused:
    return PhotoRefused(_("The photo has too many pixels: at most %(max)s pixels a side and "
                          "%(mp)d million pixels in all.") % {
        "max": f"{MAX_SIDE:,}", "mp": MAX_PIXELS // 1_000_000})


def _open(data: bytes) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise PhotoRefused(_("This file is not a photo (JPEG, PNG or WebP). Choose a "
                                 "photo file.")) from exc


def clean_photo(data: bytes) -> CleanPhoto:
    check_size(len(data))
    image = _open(data)
    if image.format not in ALLOWED_FORMATS:
        raise PhotoRefused(_("Photos must be JPEG, PNG or WebP; this file is %(format)s.") % {
            "format": image.format or "?"})
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise _too_many_pixels()
    if not _complete(data, image.format):
        raise PhotoRefused(_("The photo file is damaged and cannot be read."))
    if min(width, height) < MIN_SIDE:
        raise PhotoRefused(_("The photo is %(w)d × %(h)d pixels: too small to see; at least "
                             "%(min)d pixels a side.") % {"w": width, "h": height,
                                                           "min": MIN_SIDE})
    try:
        image.verify()  # checks the structure; the image must be opened again to decode
        image = _open(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
        image = ImageOps.exif_transpose(image)
    except PhotoRefused:
        raise
    except Exception as exc:  # a truncated or forged file: whatever Pillow raises
        raise PhotoRefused(_("The photo file is damaged and cannot be read.")) from exc
    return _reencode(image)


def _complete(data: bytes, fmt: str) -> bool:
    """Whether the file ends where its format says it ends. Pillow would fill a
    cut-off photo with grey when another library (WeasyPrint does) has set
    its process-wide LOAD_TRUNCATED_IMAGES, so this is checked here."""
    if fmt == "JPEG":
        return data.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")
    if fmt == "PNG":
        return b"IEND" in data[-64:]
    if fmt == "WEBP":
        return len(data) >= 8 + int.from_bytes(data[4:8], "little")
    return False


def _reencode(image: Any) -> CleanPhoto:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    image.thumbnail((KEPT_SIDE, KEPT_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A new image with no info: no EXIF, GPS, XMP, ICC or comment goes along.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return CleanPhoto(out.getvalue(), clean.width, clean.height)
