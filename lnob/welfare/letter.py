"""The referral letter to a provider: the same letter as the page
(``welfare/_letter.html``), drawn as an A4 PDF in Sarabun 16 pt by the shared
official-PDF helper (``lnob.exports.pdf``, decision 0008). Always in Thai: it
goes to a Thai office, whatever the language of the user who prints it."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from lnob.core.thaidates import be_year
from lnob.exports.pdf import template_to_pdf
from lnob.registry.models import Person
from lnob.welfare.models import Referral

LETTER_CSS = """
@page { size: A4 portrait; margin: 25mm 20mm 20mm 30mm; }
body { font-size: 16pt; line-height: 1.4; color: #000; }
p { margin: 0 0 0.5em; }
.letter .head { text-align: center; font-weight: 700; font-size: 20pt; }
.letter .ref { display: flex; justify-content: space-between; }
.letter .signature { margin-top: 3em; margin-left: 50%; text-align: center; }
"""


def letter_context(referral: Referral, person: Person) -> dict[str, Any]:
    return {"referral": referral, "person": person,
            "documents": [d for d in referral.scheme.documents.splitlines() if d.strip()]}


def letter_pdf(referral: Referral, person: Person) -> bytes:
    with translation.override("th"):
        pdf, _pages = template_to_pdf("welfare/letter_pdf.html", {
            **letter_context(referral, person), "lang": "th"}, LETTER_CSS)
    return pdf


def letter_file_name(referral: Referral) -> str:
    """No name in the file name: it is seen in download lists and mail subjects."""
    sent = referral.sent_on
    return f"welfare-referral-{referral.pk}-{be_year(sent.year)}{sent:%m%d}.pdf"
