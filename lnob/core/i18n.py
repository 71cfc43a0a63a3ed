"""The active language, Thai first."""

from __future__ import annotations

from django.utils import translation


def thai_active() -> bool:
    return (translation.get_language() or "th").startswith("th")


def localised(name_th: str, name_en: str) -> str:
    """The English name on English pages when there is one, else the Thai."""
    return name_en if name_en and not thai_active() else name_th
