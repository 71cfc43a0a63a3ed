"""The public dashboard's welfare and giving tables (issues 17 and 18):
per area one level down, for one welfare scheme: people eligible,
receiving, referred, approved; and offers, givers and offers accepted.

These columns are not parts of one total (receiving is not a share of
eligible, a giver may make several offers), so each column is suppressed as
its own table with its total (the area's own figure, last): every count
under 5 shows "<5", and in each column that hides one, another cell of 6 or
more is hidden ("×") so the small one cannot be worked out from the total —
``coverage.suppression``, linear-programme audited, like the people table.

Welfare (layer 4) is read through its selectors. Giving (5b) sits above
coverage, so its counts come through a provider it registers when it
starts (``GivingConfig.ready`` → ``giving_counts_register``); without it the
giving table is left out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lnob.coverage import suppression
from lnob.coverage.tables import Table, Value

CACHE_SECONDS = 60
WELFARE_KEYS = ("eligible", "receiving", "referred", "approved")
GIVING_KEYS = ("offers", "givers", "accepted")

# area code ("" = Thailand), width of the child codes → child code → {key: count}
GivingCounts = Callable[[str, int], dict[str, dict[str, int]]]
_GIVING: list[GivingCounts] = []


def giving_counts_register(provider: GivingCounts) -> None:
    if provider not in _GIVING:
        _GIVING.append(provider)


def suppress_columns(rows: Sequence[Sequence[int]], total: Sequence[int]
                     ) -> tuple[list[list[Value]], list[Value]]:
    """Each column of ``rows`` (with ``total`` its sum) suppressed on its own."""
    shown_rows: list[list[Value]] = [[] for _r in rows]
    shown_total: list[Value] = []
    for c in range(len(total)):
        column = [[row[c], row[c]] for row in rows] + [[total[c], total[c]]]
        hidden = suppression.suppress(column)
        for r in range(len(rows)):
            shown_rows[r].append(hidden.shown(r, 0))
        shown_total.append(hidden.shown(len(rows), 0))
    return shown_rows, shown_total


def _table(title: Any, header: list[Any], keys: Sequence[str],
           children: list[tuple[str, str]], counts: dict[str, dict[str, int]]) -> Table:
    raw = [[counts.get(code, {}).get(k, 0) for k in keys] for code, _n in children]
    total = [sum(col) for col in zip(*raw, strict=True)] if raw else [0] * len(keys)
    rows, shown_total = suppress_columns(raw, total)
    return Table(title, [_("Area"), *header], list(keys),
                 [[name, *rows[i]] for i, (_c, name) in enumerate(children)],
                 [code for code, _n in children], [name for _c, name in children],
                 [str(_("Total")), *shown_total])


def _children(code: str) -> list[tuple[str, str]]:
    from lnob.geo.models import District, Province, Subdistrict

    areas: Any
    if code == "":
        areas = Province.objects.order_by("code")
    elif len(code) == 2:
        areas = District.objects.filter(province_id=code).order_by("code")
    else:
        areas = Subdistrict.objects.filter(district_id=code).order_by("code")
    return [(a.code, a.name) for a in areas]


def welfare_table(code: str, scheme_code: str = "") -> tuple[Table | None, list[Any], Any]:
    """The welfare table of one scheme (the first active one unless chosen),
    the schemes to choose from, and the scheme shown."""
    from lnob.welfare import selectors as welfare

    schemes = list(welfare.schemes().filter(active=True))
    scheme = next((s for s in schemes if s.code == scheme_code), schemes[0] if schemes else None)
    if scheme is None:
        return None, schemes, None
    key = f"lnob:coverage:public:welfare:{get_language()}:{code}:{scheme.code}"
    table: Table | None = cache.get(key)
    if table is None:
        counts = welfare.public_counts_by_child_area(code, scheme)
        table = _table(_("Welfare: %(scheme)s") % {"scheme": scheme_name(scheme)},
                       [_("Eligible"), _("Receiving"), _("Referred"), _("Approved")],
                       WELFARE_KEYS, _children(code), counts)
        cache.set(key, table, CACHE_SECONDS)
    return table, schemes, scheme


def scheme_name(scheme: Any) -> str:
    from lnob.core.i18n import thai_active

    return str(scheme.name_th if thai_active() or not scheme.name_en else scheme.name_en)


def giving_table(code: str) -> Table | None:
    if not _GIVING:
        return None
    key = f"lnob:coverage:public:giving:{get_language()}:{code}"
    table: Table | None = cache.get(key)
    if table is None:
        width = {0: 2, 2: 4, 4: 6}[len(code)]
        table = _table(_("Giving: offers of help"),
                       [_("Offers"), _("Givers"), _("Offers accepted")], GIVING_KEYS,
                       _children(code), _GIVING[0](code, width))
        cache.set(key, table, CACHE_SECONDS)
    return table


def public_context(code: str, scheme_code: str) -> dict[str, Any]:
    """What the public dashboard of an area adds: the welfare table of the
    chosen scheme (with the schemes to choose from) and the giving table."""
    welfare, schemes, scheme = welfare_table(code, scheme_code)
    return {"welfare_table": welfare, "welfare_schemes": [(s.code, scheme_name(s))
                                                          for s in schemes],
            "welfare_scheme": scheme.code if scheme else "", "giving_table": giving_table(code)}
