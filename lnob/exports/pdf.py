"""Official PDFs: any document of LNOB as A4 in Sarabun through WeasyPrint
(decision 0008). The learning reports, the privacy dossier and the welfare
referral letter draw their HTML; this module turns it into a PDF.

Sarabun comes from the npm package (@fontsource/sarabun, never committed).
Two things make the PDF's Thai text come out right when it is copied or
searched: every SARA AM (ำ) is written as NIKHAHIT + SARA AA — the glyphs the
font draws for it anyway — so that each glyph maps back to its own
character; and WeasyPrint may fetch nothing but the font files (no network,
no other file), whatever the text holds."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

FONT_WEIGHTS = (400, 700)
# ำ with the tone mark that may precede it: HarfBuzz draws NIKHAHIT, the tone
# mark, then SARA AA.
SARA_AM = re.compile("([\u0e48-\u0e4b]?)\u0e33")


def spell_sara_am(text: str) -> str:
    return SARA_AM.sub("\u0e4d\\1\u0e32", text)


def join_sara_am(text: str) -> str:
    """The inverse, for reading text extracted from a PDF."""
    return re.sub("\u0e4d([\u0e48-\u0e4b]?)\u0e32", "\\1\u0e33", text)


def font_dir() -> Path:
    return Path(settings.NODE_MODULES) / "@fontsource" / "sarabun" / "files"


# One family per subset file: WeasyPrint keys a PDF font by family, weight and
# style, so two files of one family would share glyph numbers and the Thai
# text would come out as Latin letters when copied. Each family claims only
# the characters its file has (the package's unicode.json): a character
# claimed but missing would be drawn as an empty box.
FONT_FAMILIES = (("SarabunLatin", "latin"), ("SarabunThai", "thai"))
FONT_STACK = '"SarabunLatin", "SarabunThai", sans-serif'
UNICODE_RANGES = {"latin": "U+0000-00FF, U+2000-206F", "thai": "U+0E01-0E5B, U+200C-200D"}


def _unicode_ranges() -> dict[str, str]:
    try:
        return {**UNICODE_RANGES, **json.loads((font_dir().parent / "unicode.json").read_text(
            encoding="utf-8"))}
    except (OSError, ValueError):
        return UNICODE_RANGES


def font_css() -> str:
    base, ranges = font_dir(), _unicode_ranges()
    rules = []
    for weight in FONT_WEIGHTS:
        for family, subset in FONT_FAMILIES:
            path = base / f"sarabun-{subset}-{weight}-normal.woff2"
            rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                         f'src: url("{path.as_uri()}") format("woff2"); '
                         f"unicode-range: {ranges[subset]}; }}")
    rules.append(f"html, body, svg text {{ font-family: {FONT_STACK}; }}")
    return "\n".join(rules)


def _fonts_only() -> Any:
    """A URL fetcher that opens the font files and nothing else: a document
    never fetches from the network or reads another file, whatever its text."""
    from weasyprint.urls import URLFetcher

    allowed = font_dir().resolve().as_uri() + "/"

    class FontsOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith(allowed) or ".." in url:
                raise ValueError(f"refused to fetch {url[:80]}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols={"file"})


def html_to_pdf(html: str, css: str = "") -> tuple[bytes, int]:
    """Any document of LNOB as an A4 PDF in Sarabun (Thai shaped by Pango),
    fetching nothing but the font files; with its number of pages."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()  # the @font-face rules load through it
    fetcher = _fonts_only()
    document = HTML(string=spell_sara_am(html), url_fetcher=fetcher).render(
        stylesheets=[CSS(string=spell_sara_am(font_css() + "\n" + css), url_fetcher=fetcher,
                         font_config=fonts)],
        font_config=fonts)
    return document.write_pdf(), len(document.pages)


def template_to_pdf(template: str, context: Mapping[str, Any], css: str = "") -> tuple[bytes, int]:
    """A template of the caller's (a whole HTML document) drawn as a PDF."""
    return html_to_pdf(render_to_string(template, dict(context)), css)
