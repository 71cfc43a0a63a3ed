"""Reads of the registry, always starting from what the user may see."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import ExpressionWrapper, F, IntegerField, Q, QuerySet
from django.utils.translation import get_language

from lnob.core.access import area_codes
from lnob.core.thaidates import to_arabic_digits
from lnob.geo.cache import cached_areas
from lnob.geo.models import District, Province, Subdistrict
from lnob.geo.selectors import area_names, search_areas
from lnob.registry.access import AREA_READERS, EDITORS, persons_visible_to
from lnob.registry.models import Person
from lnob.registry.taxonomy import Need, TargetGroup

_DIGITS = re.compile(r"[\d\s-]+")


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""
    area: str = ""  # a province, district or subdistrict code
    target_group: int | None = None
    need: int | None = None
    min_severity: int | None = None
    status: str = ""
    network: int | None = None
    id_unverified: bool = False  # the fix-it list: IDs kept as written, to correct


def search_q(text: str) -> Q:
    """A citizen ID (13 digits, dashes allowed) or a phone number finds by
    number; anything else is part of a Thai or English name."""
    text = to_arabic_digits(text).strip()
    if not text:
        return Q()
    if _DIGITS.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) == 13:
            return Q(citizen_id=digits)
        return Q(phone__contains=digits) if len(digits) >= 4 else Q(pk__in=[])
    return Q(name_key__contains=" ".join(text.lower().split()))


def area_filter(code: str) -> Q:
    fields = {2: "province_code", 4: "district_code", 6: "subdistrict_id"}
    if len(code) not in fields or not code.isdigit():
        return Q(pk__in=[])
    return Q(**{fields[len(code)]: code})


def person_list(user: Any, filters: PersonFilters) -> QuerySet[Person]:
    qs = persons_visible_to(user)
    searching = bool(filters.q.strip())
    if searching:
        qs = qs.filter(search_q(filters.q))
    if filters.area:
        qs = qs.filter(area_filter(filters.area))
    if filters.target_group:
        qs = qs.filter(target_groups=filters.target_group)
    if filters.need:
        qs = qs.filter(needs__need=filters.need)
    if filters.min_severity:
        qs = qs.filter(severity__gte=filters.min_severity)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.network:
        qs = qs.filter(source_network=filters.network)
    if filters.id_unverified:
        qs = qs.exclude(citizen_id_problem="")
    # A search sorts its matches (found from the name's trigram index, a
    # citizen ID's or a phone's) rather than walking the whole province in
    # list order until a page of them turns up: PostgreSQL, estimating the
    # matches spread evenly, walked 20,000 persons for a name given to 1,000
    # reports of one flood, all at one end of the list (16 ms; sorted, 1 ms).
    # ``severity + 0`` is the same order that no index offers.
    first = (ExpressionWrapper(F("severity") + 0, output_field=IntegerField()).desc()
             if searching else F("severity").desc())
    return qs.select_related("subdistrict", "village").order_by(first, "-created_at", "-id")


def unverified_ids_count(user: Any) -> int:
    """How many persons the user may see have a citizen ID kept as written although
    not valid (imports flag them): the size of the fix-it list."""
    return persons_visible_to(user).exclude(citizen_id_problem="").count()


def taxonomy_for(province_code: str) -> tuple[QuerySet[TargetGroup], QuerySet[Need]]:
    """National entries and the province's own, active ones."""
    provinces = ["", province_code] if province_code else [""]
    groups = TargetGroup.objects.filter(active=True, province_code__in=provinces).order_by(
        "province_code", "sort", "code")
    needs = Need.objects.filter(active=True, province_code__in=provinces).order_by(
        "province_code", "sort", "code")
    return groups, needs


def shareable(persons: QuerySet[Person]) -> QuerySet[Person]:
    """The persons whose data may leave LNOB in a file: not restricted at their
    request, and without a refused (or withdrawn: a later "refused") consent.
    Such people stay listed and cared for on the lawful basis recorded with the
    refusal (vital interest, public task…), which covers care, not files."""
    from django.db.models import OuterRef, Subquery

    from lnob.registry.models import Consent, ConsentStatus

    latest = Consent.objects.filter(person=OuterRef("pk")).order_by("-recorded_at", "-pk")
    # No consent on record (an import, a public report) is not a refusal; a
    # plain exclude() would drop those persons too (NULL <> 'refused' is NULL).
    return (persons.exclude(restricted=True)
            .annotate(_consent=Subquery(latest.values("status")[:1]))
            .filter(Q(_consent__isnull=True) | ~Q(_consent=ConsentStatus.REFUSED)))


AREA_OPTIONS_MAX = 1200


def area_options(user: Any) -> list[tuple[str, str]]:
    """The areas a reader of persons may filter by, by name: (code, label).
    A province grant lists its districts and subdistricts ("ต.เกาะเต่า
    อ.เกาะพะงัน"); a national grant lists the provinces (a longer name is
    looked up as it is typed, see :func:`area_from_text`)."""

    kept = getattr(user, "_lnob_area_options", None)
    if kept is not None:  # once per request
        return list(kept)
    codes = sorted(set(area_codes(user, (*AREA_READERS, *EDITORS))))
    # Names of areas, not personal data: kept in the areas' cache (decision
    # 0016) by language and the codes held, so that the person search does not
    # read a province's districts and subdistricts on every page (issue 21).
    asked = f"{get_language()}:{','.join(codes)}"
    out = cached_areas("area_options:" + hashlib.sha256(asked.encode()).hexdigest()[:40],
                       lambda: _area_options(codes))
    user._lnob_area_options = out
    return list(out)


def _area_options(codes: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if "" in codes:
        return [(p.code, p.name) for p in Province.objects.order_by("code")]
    for code in codes:
        if len(code) == 2:
            province = Province.objects.filter(code=code).first()
            if province is not None:
                out.append((code, province.name))
        if len(code) <= 4:
            out.extend((d.code, d.name) for d in District.objects.filter(
                code__startswith=code).order_by("code"))
        out.extend((s.code, f"{s.name} ({s.district.name})") for s in Subdistrict.objects.filter(
            code__startswith=code).select_related("district").order_by("code"))
        if len(out) > AREA_OPTIONS_MAX:
            break
    return out[:AREA_OPTIONS_MAX]


def area_from_text(text: str, options_of: Callable[[], list[tuple[str, str]]]) -> str:
    """The area code of what was typed in the area filter: a label from
    :func:`area_options`, a DOPA code, or part of a name (the first match
    among the options, then any area of that name). The options are read
    only for a name, so a code (a download's link) costs no query."""
    text = " ".join(to_arabic_digits(text).split())
    if not text:
        return ""
    if text.isdigit():
        return text[:6]
    options = options_of()
    for code, label in options:
        if label == text:
            return code
    folded = text.casefold()
    for code, label in options:
        if folded in label.casefold():
            return code
    hits = search_areas(text, limit=1)
    return hits[0].code if hits else "-"  # "-": a name of no area, nobody matches


def area_label(code: str, options: list[tuple[str, str]]) -> str:
    for option, label in options:
        if option == code:
            return label
    return area_names({code}).get(code, code) if code else ""
