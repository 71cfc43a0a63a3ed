"""Drawing a report: the HTML (on screen and for print) from its kept figures,
and the PDF through WeasyPrint — A4, Sarabun 16 pt from the npm package
(@fontsource/sarabun, never committed), Buddhist Era dates, page numbers,
Thai digits when asked.

The PDF itself (the Sarabun fonts, the SARA AM spelling that keeps copied
Thai whole, the fetcher that opens the font files and nothing else) is
drawn by ``lnob.exports.pdf``, shared with the other official documents
(decision 0008)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lnob.core import charts
from lnob.core.thaidates import be_year, to_thai_digits
from lnob.exports.pdf import FONT_STACK, html_to_pdf
from lnob.learning.models import Report, ReportKind

_ENTITY_OR_DIGIT = re.compile(r"&#?\w+;|\d")
_TEXT = re.compile(r">([^<]+)<")


def thai_digits_in_text(html: str) -> str:
    """Thai digits in the text between tags; tags, attributes and character
    references (``&#x27;``) keep theirs."""
    def digits(match: re.Match[str]) -> str:
        return ">" + _ENTITY_OR_DIGIT.sub(
            lambda m: m.group(0) if m.group(0).startswith("&") else to_thai_digits(m.group(0)),
            match.group(1)) + "<"

    return _TEXT.sub(digits, html)


def _page_css(report: Report, title: str) -> str:
    style = "thai" if report.thai_digits else "decimal"
    page = _("Page")
    return (
        "@page { size: A4; margin: 2.5cm 2cm 2cm 3cm;"
        f' @bottom-center {{ content: "{page} " counter(page, {style}) " / "'
        f" counter(pages, {style}); font-family: {FONT_STACK}; font-size: 12pt; }}"
        f' @top-right {{ content: "{_css_text(title)}"; font-family: {FONT_STACK};'
        " font-size: 10pt; color: #555; } }"
        "@page :first { @top-right { content: none; } }")


def _css_text(text: str) -> str:
    return text.replace("\\", "").replace('"', "'")[:80]


def stylesheet() -> str:
    return (Path(__file__).resolve().parent.parent / "static" / "learning"
            / "report.css").read_text(encoding="utf-8")


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None


def title_of(report: Report) -> str:
    data = report.data or {}
    if report.kind == ReportKind.PROVINCE:
        return _("Progress report of %(province)s province") % {
            "province": data.get("area_name", report.area_code)}
    if report.kind == ReportKind.NATIONAL:
        return _("National summary: leave no one behind")
    return _("Cabinet brief: leave no one behind")


def _charts(report: Report, data: Mapping[str, Any], digits: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if report.kind == ReportKind.PROVINCE:
        rows = [(r["name"], 100 * r["all5"] / r["subdistricts"]) for r in data.get("five_k", [])
                [:-1] if r["subdistricts"]]
        out["five_k"] = charts.bars(rows, max_value=100, unit="%", digits=digits)
        series = data.get("series") or {}
        months = series.get("months", [])
        lang = translation.get_language() or "th"
        labels = [_month_label(m, lang) for m in months]
        out["series"] = charts.lines(labels, [
            (_("found"), series.get("found", [])), (_("verified"), series.get("verified", [])),
            (_("in care"), series.get("care", []))], digits=digits)
    else:
        rows = [(r["name"], r["five_k_pct"] or 0) for r in data.get("rows", [])]
        out["five_k"] = charts.bars(rows, max_value=100, unit="%", digits=digits, bar=9)
    return out


def _month_label(month: str, lang: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    if lang.startswith("th"):
        return f"{number}/{str(be_year(year))[2:]}"
    return f"{number}/{str(year)[2:]}"


def milestone_rows(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each indicator with a target: its value at the end of the period and,
    per milestone, the target and whether it was met when the milestone came."""
    milestones = (data.get("roadmap") or {}).get("milestones") or []
    by_code: dict[str, dict[int, Any]] = {}
    for m in milestones:
        for check in m["checks"]:
            by_code.setdefault(check["code"], {})[m["month"]] = {**check,
                                                                "reached": m["reached"]}
    rows = []
    for ind in (data.get("figures") or {}).get("indicators") or []:
        cells = by_code.get(ind["code"])
        if not cells:
            continue
        rows.append({**ind, "cells": [cells.get(m["month"]) for m in milestones]})
    return rows


def context(report: Report) -> dict[str, Any]:
    data = report.data or {}
    digits = to_thai_digits if report.thai_digits else (lambda s: s)
    period = data.get("period", {})
    return {
        "report": report, "data": data, "title": title_of(report),
        "start": _day(period.get("start")), "end": _day(period.get("end")),
        "generated": _day(data.get("generated_at")),
        "d_day": _day((data.get("figures") or {}).get("d_day")),
        "charts": _charts(report, data, digits),
        "milestone_rows": milestone_rows(data),
        "rows": [{**r, "d_day": _day(r.get("d_day"))} for r in data.get("rows") or []],
        "milestones": [{**m, "due": _day(m.get("due_on"))}
                       for m in (data.get("roadmap") or {}).get("milestones") or []],
    }


def body_html(report: Report) -> SafeString:
    """The report's content (no page chrome), in the report's language, with
    Thai digits when asked: the page shows it, the PDF wraps it."""
    with translation.override(report.language or "th"):
        html: str = render_to_string(f"learning/report/{report.kind}.html", context(report))
    if report.thai_digits:
        html = thai_digits_in_text(html)
    return mark_safe(html)  # noqa: S308 — rendered by our template with autoescape on


def document_html(report: Report) -> str:
    with translation.override(report.language or "th"):
        return render_to_string("learning/report/document.html", {
            "report": report, "title": title_of(report), "body": body_html(report),
            "lang": report.language or "th"})


def pdf_bytes(report: Report) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    with translation.override(report.language or "th"):
        css = "\n".join((stylesheet(), _page_css(report, title_of(report))))
        html = document_html(report)
    return html_to_pdf(html, css)
