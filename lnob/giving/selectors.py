"""Reads of the giving side: the inbox section, the public needs board
(aggregates only, suppressed like the public dashboard), proposals of what
to give to whom, and the counts coverage shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lnob.cases import workflow as wf
from lnob.coverage import suppression
from lnob.geo.models import District, Province, Subdistrict
from lnob.giving.access import offers_visible_to
from lnob.giving.models import Allocation, Offer, OfferKind, OfferStatus, Stock
from lnob.registry.models import Person, PersonNeed
from lnob.registry.taxonomy import Need

OPEN_OFFER_STATES = (OfferStatus.RECEIVED, OfferStatus.CONTACTED)
BOARD_CACHE_SECONDS = 60


def offers_to_answer(user: Any) -> QuerySet[Offer]:
    """The inbox section: offers of the user's areas waiting for a call or a decision."""
    return offers_visible_to(user).filter(status__in=OPEN_OFFER_STATES).select_related(
        "subdistrict", "goods_item").order_by("created_at", "id")


def _unmet() -> QuerySet[PersonNeed]:
    """Needs of people whose case is open and who were given nothing for it yet."""
    given = Allocation.objects.filter(person_id=OuterRef("person_id"), need_id=OuterRef("need_id"))
    return PersonNeed.objects.filter(person__status__in=sorted(wf.OPEN_STATES),
                                     person__restricted=False).exclude(Exists(given))


@dataclass
class Board:
    """A public table: row names, column names, the published cells (ints,
    "<5" or "×") with the row totals last, and the total row."""

    code: str
    name: str
    level: str  # the rows' level: "province", "district" or "subdistrict"
    columns: list[str]
    rows: list[tuple[str, str, list[int | str]]]  # code, name, cells
    total: list[int | str]
    # The needs board's second table: people matching left without a carer, by reason.
    unplaced: Board | None = None
    as_of: Any = None  # the day the figures come from, when not today


def _children(code: str) -> tuple[str, list[tuple[str, str]], str]:
    """The level of the rows under ``code`` and (code, name) of each."""
    if code == "":
        return "province", [(p.code, p.name) for p in Province.objects.order_by("code")], \
            "province_code"
    if len(code) == 2:
        return "district", [(d.code, d.name) for d in District.objects.filter(
            province_id=code).order_by("code")], "district_code"
    return "subdistrict", [(s.code, s.name) for s in Subdistrict.objects.filter(
        district_id=code).order_by("code")], "subdistrict_id"


def needs_board(code: str) -> Board:
    """What is needed and not yet met in an area, by its children and by need;
    cells under 5 and any cell that would reveal one are hidden (the same
    rule and linear-programme audit as the public dashboard)."""
    key = f"lnob:giving:board:{get_language()}:{code}"
    kept = cache.get(key)
    if kept is None:
        kept = _needs_board(code)
        cache.set(key, kept, BOARD_CACHE_SECONDS)
    board: Board = kept
    return board


def unmet_grid(code: str) -> tuple[str, list[tuple[str, str]], list[Need], list[list[int]]]:
    """The raw counts behind the board (never published as they are): the
    rows' level, the rows, the needs, and unmet needs per row and need."""
    level, children, field = _children(code)
    province = code[:2]
    needs = list(Need.objects.filter(Q(province_code="") | Q(province_code=province)
                                     if province else Q(province_code=""),
                                     active=True).order_by("sort", "code"))
    unmet = _unmet()
    if len(code) == 2:
        unmet = unmet.filter(person__province_code=code)
    elif len(code) == 4:
        unmet = unmet.filter(person__district_code=code)
    counts: dict[tuple[str, int], int] = {}
    for area, need_id, n in unmet.values_list(f"person__{field}", "need_id").annotate(
            n=Count("id")).order_by():
        counts[(area, need_id)] = n
    grid = [[counts.get((c, need.pk), 0) for need in needs] for c, _n in children]
    return level, children, needs, grid


def _published(code: str, level: str, children: list[tuple[str, str]], columns: list[str],
               inner: list[list[int]]) -> Board:
    """A public table from raw counts (rows × columns, without margins): the
    row totals and the total row added, then small counts and any count that
    would reveal one hidden."""
    grid = [[*row, sum(row)] for row in inner]
    totals = [sum(col) for col in zip(*grid, strict=True)] if grid else [0] * (len(columns) + 1)
    shown_rows: list[list[int | str]]
    if grid:
        hidden = suppression.suppress([*grid, totals])
        shown_rows = [[hidden.shown(r, c) for c in range(len(totals))]
                      for r in range(len(grid) + 1)]
    else:
        shown_rows = [[suppression.SMALL if v < suppression.THRESHOLD else v for v in totals]]
    name = _("Thailand") if not code else _area_name(code)
    return Board(code, name, level, columns,
                 [(c, n, shown_rows[i]) for i, (c, n) in enumerate(children)], shown_rows[-1])


def _needs_board(code: str) -> Board:
    level, children, needs, inner = unmet_grid(code)
    board = _published(code, level, children,
                       [n.name for n in needs] + [str(_("All needs"))], inner)
    board.unplaced = _unplaced_board(code, level, children)
    return board


# ------------------------------------------------------------- unplaced people
#
# Matching (layer 7) knows why people were left without a carer; giving
# (5b) may not import it. Matching registers a provider here when it starts
# (``MatchingConfig.ready``): the board shows its counts when it is installed.

@dataclass
class UnplacedCounts:
    """People the latest matching runs left without a carer, per child area
    and reason: ``columns`` are (reason code, words), ``counts`` maps
    (child area code, reason code) to people, ``as_of`` the runs' latest day."""

    columns: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]
    as_of: Any = None


UnplacedProvider = Callable[[str, int], UnplacedCounts]
_UNPLACED: list[UnplacedProvider] = []


def unplaced_provider_register(provider: UnplacedProvider) -> None:
    """``provider(area code, width of the child codes)`` → UnplacedCounts."""
    if provider not in _UNPLACED:
        _UNPLACED.append(provider)


def _unplaced_board(code: str, level: str, children: list[tuple[str, str]]) -> Board | None:
    if not _UNPLACED or not children:
        return None
    width = {"province": 2, "district": 4, "subdistrict": 6}[level]
    found = _UNPLACED[0](code, width)
    if not found.counts:
        return None
    inner = [[found.counts.get((c, reason), 0) for reason, _w in found.columns]
             for c, _n in children]
    board = _published(code, level, children,
                       [words for _r, words in found.columns] + [str(_("All reasons"))], inner)
    board.as_of = found.as_of
    return board


def place_name(level: str, code: str, name: str) -> str:
    """An area as Thai writing names it: จ.สุราษฎร์ธานี, อ.เกาะพะงัน, ต.เกาะเต่า
    (เขต and แขวง in Bangkok)."""
    bangkok = code.startswith("10")
    if level == "province":
        return _("province %(name)s") % {"name": name} if not bangkok else name
    if level == "district":
        return (_("Bangkok district %(name)s") if bangkok else _("district %(name)s")) % {
            "name": name}
    return (_("Bangkok subdistrict %(name)s") if bangkok else _("subdistrict %(name)s")) % {
        "name": name}


def highlights(board: Board, unit: str, limit: int = 5) -> list[str]:
    """The largest published counts as sentences ("Adult diapers: 12 people in
    อ.เกาะพะงัน"): only cells the table shows as numbers, never a hidden one."""
    cells = [(v, board.columns[i], code, name) for code, name, row in board.rows
             for i, v in enumerate(row[:-1]) if isinstance(v, int) and v > 0]
    cells.sort(key=lambda cell: -cell[0])
    return [_("%(what)s: %(count)s %(unit)s in %(place)s") % {
        "what": what, "count": f"{v:,}", "unit": unit,
        "place": place_name(board.level, code, name)}
        for v, what, code, name in cells[:limit]]


def _area_name(code: str) -> str:
    from lnob.geo.selectors import area_by_code

    area = area_by_code(code)
    return area.name if area else code


@dataclass
class Proposal:
    """One explained suggestion: give this stock to this person for this need."""

    person: Person
    need: Need
    severity: int
    stock: Stock
    why: str


def proposals_for(subdistrict_code: str, visible_persons: QuerySet[Person],
                  stock: QuerySet[Stock], *, limit: int = 50) -> list[Proposal]:
    """A simple proposal for a subdistrict: each unmet need of a person with an
    open case, most severe and urgent first, paired with stock of goods that
    answer that need held by a network covering the subdistrict, while the
    stock lasts (one unit each)."""
    left = {s.pk: s.quantity for s in stock}
    by_need: dict[int, list[Stock]] = {}
    for s in stock.select_related("item", "network").filter(
            Q(network__subdistricts=subdistrict_code)
            | Q(network__villages__subdistrict=subdistrict_code),
            quantity__gt=0, item__need__isnull=False).distinct().order_by("-quantity"):
        by_need.setdefault(s.item.need_id or 0, []).append(s)
    rows = _unmet().filter(person__subdistrict_id=subdistrict_code,
                           person__in=visible_persons.values("pk"),
                           need_id__in=list(by_need)).select_related(
        "person", "need").order_by("-severity", "person__first_name", "person_id")
    out: list[Proposal] = []
    for pn in rows:
        for s in by_need.get(pn.need_id, []):
            if left.get(s.pk, 0) > 0:
                left[s.pk] -= 1
                out.append(Proposal(pn.person, pn.need, pn.severity, s, _(
                    "Needs %(need)s (severity %(severity)s), nothing given for it yet; "
                    "%(network)s holds %(item)s covering this subdistrict.") % {
                    "need": pn.need.name, "severity": pn.severity, "network": s.network.name,
                    "item": s.item.name}))
                break
        if len(out) >= limit:
            break
    return out


def counts_by_subdistrict(subdistrict_codes: list[str]) -> dict[str, dict[str, int]]:
    """Offers, givers and accepted capacity per subdistrict (for coverage)."""
    out: dict[str, dict[str, int]] = {c: {"offers": 0, "givers": 0, "accepted": 0}
                                      for c in subdistrict_codes}
    rows = Offer.objects.filter(subdistrict_id__in=subdistrict_codes).values(
        "subdistrict_id").annotate(
        offers=Count("id"), givers=Count("giver_phone", distinct=True),
        accepted=Count("id", filter=Q(status__in=(OfferStatus.ACCEPTED, OfferStatus.USED))))
    for row in rows:
        out[row["subdistrict_id"]] = {k: row[k] for k in ("offers", "givers", "accepted")}
    return out


@dataclass
class GivingTotals:
    """The giving side of an area in figures (official reports): offers by
    kind and status, givers (distinct phones) and what was accepted as
    capacity. Counts only; no giver is named."""

    by_kind: dict[str, dict[str, int]]  # kind → status → offers
    givers: int = 0
    volunteers: int = 0  # accepted time offers that became volunteers
    goods_accepted: int = 0  # units of goods accepted into a network's stock
    goods_given: int = 0  # units of goods (and service places) given to people
    service_places: int = 0  # people accepted services can serve
    pledges_received: int = 0  # pledges the fund recorded as received
    pledged_baht_received: int = 0


ACCEPTED_STATES = (OfferStatus.ACCEPTED, OfferStatus.USED)


def totals(area_code: str = "", *, until: Any = None) -> GivingTotals:
    """The giving figures of an area ("" = the nation, or a province, district
    or subdistrict code), of offers made up to ``until`` (a date) if given."""
    from django.db.models import Sum

    where = Q()
    if area_code:
        field = {2: "province_code", 4: "district_code", 6: "subdistrict_id"}[len(area_code)]
        where = Q(**{field: area_code})
    offers = Offer.objects.filter(where)
    end = None
    if until is not None:
        # Before the next local midnight (a range, not a per-row date cast:
        # SQLite would call Python for every row).
        import datetime

        from django.utils import timezone

        end = timezone.make_aware(datetime.datetime.combine(
            until + datetime.timedelta(days=1), datetime.time.min))
        offers = offers.filter(created_at__lt=end)
    by_kind: dict[str, dict[str, int]] = {
        k.value: {s.value: 0 for s in OfferStatus} for k in OfferKind}
    for kind, status, n in offers.values_list("kind", "status").annotate(
            n=Count("id")).order_by():
        if kind in by_kind and status in by_kind[kind]:
            by_kind[kind][status] = n
    accepted = offers.filter(status__in=ACCEPTED_STATES)
    agg = accepted.aggregate(
        volunteers=Count("id", filter=Q(kind=OfferKind.TIME, volunteer__isnull=False)),
        goods=Sum("quantity", filter=Q(kind=OfferKind.GOODS)),
        places=Sum("capacity", filter=Q(kind=OfferKind.SERVICE)))
    pledges = offers.filter(kind=OfferKind.PLEDGE, fund_transaction__isnull=False).aggregate(
        n=Count("id"), baht=Sum("amount"))
    given = Allocation.objects.filter(
        Q(province_code=area_code) if len(area_code) == 2 else
        Q(subdistrict_code__startswith=area_code))
    if end is not None:
        given = given.filter(at__lt=end)
    return GivingTotals(
        by_kind=by_kind,
        givers=offers.aggregate(n=Count("giver_phone", distinct=True))["n"] or 0,
        volunteers=agg["volunteers"] or 0, goods_accepted=agg["goods"] or 0,
        goods_given=given.aggregate(n=Sum("quantity"))["n"] or 0,
        service_places=agg["places"] or 0, pledges_received=pledges["n"] or 0,
        pledged_baht_received=int(pledges["baht"] or 0))


def counts_by_child_area(area_code: str, width: int) -> dict[str, dict[str, int]]:
    """Offers, givers (distinct phones) and offers accepted in each area one
    level down (``width``: 2 provinces, 4 districts, 6 subdistricts) — for the
    public dashboard, which suppresses them (coverage's provider hook)."""
    field = {2: "province_code", 4: "district_code", 6: "subdistrict_id"}[width]
    offers = Offer.objects.all()
    if area_code:
        offers = offers.filter(**{{2: "province_code", 4: "district_code"}[len(area_code)]:
                                  area_code})
    out: dict[str, dict[str, int]] = {}
    for row in offers.exclude(**{f"{field}__isnull": True}).values(field).annotate(
            offers=Count("id"), givers=Count("giver_phone", distinct=True),
            accepted=Count("id", filter=Q(status__in=ACCEPTED_STATES))).order_by(field):
        out[row[field]] = {k: row[k] for k in ("offers", "givers", "accepted")}
    return out
