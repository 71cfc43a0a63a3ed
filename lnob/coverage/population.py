"""Residents in the roll-ups: the registered population of each subdistrict
(``geo.Population``, the latest year loaded) as a contributor
(``lnob.coverage.contributors``), so that an area's residents are summed and
an area where one subdistrict has no figure is known to be incomplete.

- ``population.residents``: registered residents of the subdistricts with a
  figure;
- ``population.missing``: subdistricts without one. A ratio per resident
  (givers per 1,000) is computed only where none is missing: "population
  not loaded", never a wrong ratio.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from lnob.coverage.contributors import Contributor, Figures
from lnob.geo.models import Population, Subdistrict


def _latest(scope: dict[str, Any]) -> dict[str, tuple[str, str, int]]:
    """Subdistrict → (district, province, latest total)."""
    out: dict[str, tuple[str, str, int]] = {}
    for code, district, province, total in (
            Population.objects.filter(**scope).order_by("subdistrict_id", "year")
            .values_list("subdistrict_id", "subdistrict__district_id",
                         "subdistrict__province_id", "total")):
        out[code] = (district, province, total)
    return out


def subdistricts(codes: list[str] | None) -> Figures:
    wanted = list(codes) if codes is not None else list(
        Subdistrict.objects.values_list("code", flat=True))
    got = _latest({} if codes is None else {"subdistrict_id__in": wanted})
    return {code: ({"residents": got[code][2]} if code in got else {"missing": 1})
            for code in wanted}


def areas(level: str, codes: list[str] | None) -> Figures:
    column = "district_id" if level == "district" else "province_id"
    scope = {} if codes is None else {f"subdistrict__{column}__in": codes}
    out: dict[str, dict[str, int]] = defaultdict(dict)
    with_figure: dict[str, int] = defaultdict(int)
    for district, province, total in _latest(scope).values():
        area = district if level == "district" else province
        out[area]["residents"] = out[area].get("residents", 0) + total
        with_figure[area] += 1
    subs = Subdistrict.objects.all() if codes is None else Subdistrict.objects.filter(
        **{f"{column}__in": codes})
    for area, n in subs.order_by().values_list(column).annotate(n=Count("code")):
        if n - with_figure[area]:
            out[area]["missing"] = n - with_figure[area]
    return dict(out)


def residents(contributed: Mapping[str, int] | None) -> int | None:
    """An area's residents, or None where a subdistrict has no figure."""
    figures = contributed or {}
    if figures.get("population.missing", 0) or not figures.get("population.residents"):
        return None
    return int(figures["population.residents"])


CONTRIBUTOR = Contributor(name="population", subdistricts=subdistricts, areas=areas,
                          title=_("Registered population"))
