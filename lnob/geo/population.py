"""Registered population per subdistrict, from DOPA's statistics CSV.

The Department of Provincial Administration (กรมการปกครอง) publishes the
registered population (สถิติประชากรทางการทะเบียนราษฎร) by province, district
and subdistrict each year (stat.bora.dopa.go.th, also on data.go.th). The
file read here is one line per subdistrict with a header row:

- the area: a column ``subdistrict_code`` (6 digits, or DOPA's 8 digits
  ending in ``00``), or ``province_code`` + ``district_code`` +
  ``subdistrict_code`` where each holds its own part (DOPA's
  ``CC_CODE``/``RCODE_CODE``/``CCAATT_CODE`` headers are read as the same);
- ``male``, ``female``, ``total`` (``MALE``/``FEMALE``/``TOTAL``, Thai
  ``ชาย``/``หญิง``/``รวม``): whole numbers, thousands separators and Thai
  digits allowed; ``total`` may be left out when both others are given.

Lines of a whole province or district (DOPA's subtotal lines: a code ending
in ``0000`` or ``00``) are skipped and counted. Any other line that cannot be
read — an unknown subdistrict, a number that is not one, a total that is not
male + female, a subdistrict twice — is reported with its line number and
what to fix, and **nothing is loaded** (like every import of LNOB).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from lnob.core.signals import areas_changed
from lnob.geo.models import Population, Subdistrict

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
HEADERS = {
    "subdistrict_code": ("subdistrict_code", "ccaatt_code", "tambon_code", "รหัสตำบล"),
    "district_code": ("district_code", "rcode_code", "amphoe_code", "รหัสอำเภอ"),
    "province_code": ("province_code", "cc_code", "รหัสจังหวัด"),
    "male": ("male", "ชาย", "lsmale"),
    "female": ("female", "หญิง", "lsfemale"),
    "total": ("total", "รวม", "lssumtot", "lssumtottot"),
}


@dataclass
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s, %(field)s: %(message)s") % {
            "line": self.line, "field": self.field, "message": self.message}


@dataclass
class PopulationLoad:
    loaded: int = 0
    skipped_totals: int = 0
    errors: list[RowError] = field(default_factory=list)


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    lowered = [h.strip().lstrip("\ufeff").lower() for h in header]
    for name, aliases in HEADERS.items():
        for i, h in enumerate(lowered):
            if h in aliases:
                found.setdefault(name, i)
    return found


def _number(text: str) -> int | None:
    clean = text.translate(_THAI_DIGITS).replace(",", "").replace(" ", "").strip()
    if not clean:
        return None
    if not clean.isdigit():
        raise ValueError(text)
    return int(clean)


def _code(cells: list[str], cols: dict[str, int]) -> str:
    def cell(name: str) -> str:
        i = cols.get(name)
        return cells[i].translate(_THAI_DIGITS).strip() if i is not None and i < len(cells) \
            else ""

    sub = cell("subdistrict_code")
    if len(sub) == 8 and sub.endswith("00"):
        sub = sub[:6]
    if len(sub) == 6:
        return sub
    province, district = cell("province_code"), cell("district_code")
    if sub and district and province:  # parts: "84", "05" or "8405", "03" or "840503"
        district = district if len(district) == 4 else province.zfill(2) + district.zfill(2)
        return sub if len(sub) == 6 else district + sub.zfill(2)
    return sub


def read(text: str) -> tuple[dict[str, tuple[int | None, int | None, int]], PopulationLoad]:
    """The figures of a CSV's text by subdistrict code, and what was wrong."""
    result = PopulationLoad()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        result.errors.append(RowError(1, "header", _("The file is empty.")))
        return {}, result
    cols = _columns(header)
    if "subdistrict_code" not in cols or not ({"total"} <= set(cols)
                                              or {"male", "female"} <= set(cols)):
        result.errors.append(RowError(1, "header", _(
            "The first line must name the columns: subdistrict_code and total (or male and "
            "female).")))
        return {}, result
    known = set(Subdistrict.objects.values_list("code", flat=True))
    figures: dict[str, tuple[int | None, int | None, int]] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        code = _code(cells, cols)
        if code.endswith("0000") or (len(code) == 6 and code.endswith("00")) or len(code) in (2, 4):
            result.skipped_totals += 1  # a province's or district's subtotal line
            continue
        if len(code) != 6 or not code.isdigit() or code not in known:
            result.errors.append(RowError(line, "subdistrict_code", _(
                "“%(code)s” is not a subdistrict code (6 digits, as in 840503).") % {
                "code": code}))
            continue
        values: dict[str, int | None] = {}
        bad = False
        for name in ("male", "female", "total"):
            i = cols.get(name)
            try:
                values[name] = _number(cells[i]) if i is not None and i < len(cells) else None
            except ValueError as exc:
                result.errors.append(RowError(line, name, _(
                    "“%(value)s” is not a whole number of people.") % {"value": exc.args[0]}))
                bad = True
        if bad:
            continue
        male, female, total = values["male"], values["female"], values["total"]
        if total is None and male is not None and female is not None:
            total = male + female
        if total is None:
            result.errors.append(RowError(line, "total", _("No total (nor male and female).")))
            continue
        if male is not None and female is not None and male + female != total:
            result.errors.append(RowError(line, "total", _(
                "The total %(total)s is not male %(male)s + female %(female)s.") % {
                "total": total, "male": male, "female": female}))
            continue
        if code in figures:
            result.errors.append(RowError(line, "subdistrict_code", _(
                "Subdistrict %(code)s is on an earlier line too.") % {"code": code}))
            continue
        figures[code] = (male, female, total)
    return figures, result


def population_load(text: str, *, year: int, source: str) -> PopulationLoad:
    """Loads a year's figures (replacing that year's of the same
    subdistricts); nothing at all when a line is wrong. The coverage
    roll-ups recount the subdistricts after the commit (``areas_changed``)."""
    figures, result = read(text)
    if not 1900 <= year <= 2200:
        result.errors.insert(0, RowError(0, "year", _(
            "The year %(year)s is not a year (CE, or BE from 2400).") % {"year": year}))
    if not source.strip():
        result.errors.insert(0, RowError(0, "source", _("Say where the figures come from.")))
    if result.errors:
        return result
    with transaction.atomic():
        Population.objects.filter(year=year, subdistrict_id__in=list(figures)).delete()
        Population.objects.bulk_create(
            [Population(subdistrict_id=code, year=year, male=m, female=f, total=t,
                        source=source.strip()[:200])
             for code, (m, f, t) in sorted(figures.items())], batch_size=1000)
        areas_changed.send(sender=Population, codes=set(figures))
    result.loaded = len(figures)
    return result


def ce_year(value: int) -> int:
    """A year typed in Buddhist Era (≥ 2400) as CE."""
    return value - 543 if value >= 2400 else value


def latest(codes: Iterable[str] | None = None) -> dict[str, int]:
    """The latest year's total of each subdistrict that has one."""
    qs = Population.objects.all() if codes is None else Population.objects.filter(
        subdistrict_id__in=list(codes))
    out: dict[str, int] = {}
    for code, total in qs.order_by("subdistrict_id", "year").values_list("subdistrict_id",
                                                                         "total"):
        out[code] = total  # later years overwrite earlier ones
    return out
