"""Filters and tags of the coverage pages. Tables are built here rather than
in a template: a province has up to ~290 subdistricts × 20 figures, and the
template engine takes ~50 µs a cell where a string join takes ~1."""

from __future__ import annotations

import itertools
from html import escape
from typing import Any
from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lnob.coverage import suppression
from lnob.coverage.tables import Table, show

register = template.Library()


@register.filter
def figure(value: Any) -> str:
    """Grouped digits, one decimal, "–" for no value; "<5" and "×" as they are."""
    return show(value)


@register.filter
def indicator_note(indicator: Any) -> str:
    """Why an indicator has no value, where the reason is known: a ratio per
    resident where the population is not loaded (never a wrong ratio)."""
    if "residents" in str(getattr(indicator, "formula", "")):
        return str(_("population not loaded"))
    return ""


@register.simple_tag
def table_body(table: Table, link_prefix: str = "", sortable: bool = False, sort: str = "",
               descending: bool = True, key: str = "", indicator: Any = None,
               limit: int = 0, grid: bool = False) -> SafeString:
    """The <table> of a coverage table: sortable headers (links, with
    aria-sort), a row header per area. ``grid``: a wide table that stays a
    table on a phone (scrolls sideways under a sticky first column, short
    headers with the full name in <abbr title>); otherwise each row becomes
    a card of labelled cells on a phone. ``limit``: only the first rows."""
    # html.escape: the same escaping as Django's, without its lazy-string wrapper.
    # A box that scrolls sideways takes the keyboard's focus, so that it can be
    # scrolled without a mouse (its section is already named by the heading).
    out = ['<div class="scroll" tabindex="0">'
           + ('<table class="grid"><thead><tr>' if grid else '<table><thead><tr>')]
    for label, short, sort_key in table.head():
        text = escape(label)
        if grid and short != label:
            text = f'<abbr title="{text}">{escape(short)}</abbr>'
        if sortable and sort_key:
            query: dict[str, str] = {}
            if getattr(indicator, "code", None):
                query["indicator"] = indicator.code
            query["sort"] = sort_key
            query["dir"] = "asc" if sort == sort_key and descending else "desc"
            current = sort == sort_key
            mark = (" ▼" if descending else " ▲") if current else ""
            aria = (f' aria-sort="{"descending" if descending else "ascending"}"'
                    if current else "")
            text = (f'<a href="?{escape(urlencode(query))}#table-{escape(key)}"{aria}>'
                    f"{text}{mark}</a>")
        out.append(f'<th scope="col">{text}</th>')
    out.append("</tr></thead><tbody>")
    # Labels escaped once per table; numbers need no escaping (digits, commas,
    # a point, "–"); text cells and "<5" do. A grid needs no per-cell labels.
    labels = [f' data-label="{escape(str(h))}"' if not grid else "" for h in table.header]
    hidden = (suppression.SMALL, suppression.HIDDEN)
    prefix = escape(link_prefix)
    rows = zip(table.codes, table.rows, strict=True)
    for code, row in (itertools.islice(rows, limit) if limit else rows):
        name = escape(show(row[0]))
        if link_prefix:
            name = f'<a href="{prefix}{escape(code)}/">{name}</a>'
        out.append(f'<tr><th scope="row"{labels[0]}>{name}</th>')
        for i in range(1, len(row)):
            value = row[i]
            if isinstance(value, str):
                cls = ' class="num"' if value in hidden else ""
                out.append(f"<td{labels[i]}{cls}>{escape(value)}</td>")
            else:
                out.append(f'<td{labels[i]} class="num">{show(value)}</td>')
        out.append("</tr>")
    out.append("</tbody>")
    total = table.display_total()
    if total:
        out.append("<tfoot><tr>")
        for i, (label, value, _number) in enumerate(total):
            lab = f' data-label="{escape(label)}"' if not grid else ""
            val = escape(value)
            out.append(f'<th scope="row"{lab}>{val}</th>' if i == 0 else
                       f'<td{lab} class="num">{val}</td>')
        out.append("</tr></tfoot>")
    out.append("</table></div>")
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped


@register.simple_tag(takes_context=True)
def show_all_url(context: Any, key: str) -> str:
    """This page with every row of table ``key`` shown (the other choices kept)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query["all"] = key
    return f"?{query.urlencode()}#table-{key}"
