"""The 3/6/9/12-month roadmap of a province: its D-Day, the targets of each
milestone (national defaults, a province's own where it set them), what was
reached, and the snapshots that keep what was true on each milestone day.

Writes (``roadmap_update``, ``roadmap_approve``, ``national_targets_update``,
``snapshots_take``) check who may, run in one transaction and write one audit
row each.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.core import audit
from lnob.core.access import covers
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.core.roles import allowed
from lnob.coverage.indicators import evaluate, variables
from lnob.coverage.models import (
    MILESTONE_MONTHS,
    AreaRollup,
    Direction,
    Indicator,
    MilestoneTarget,
    Roadmap,
    RoadmapStatus,
    Snapshot,
    SnapshotKind,
)
from lnob.coverage.welfare import welfare_variables
from lnob.networks.models import CommitteeLevel, CommitteeMember, CommitteeRole

EDITORS = allowed("roadmap.edit")
NATIONAL_EDITORS = allowed("roadmap.edit_national")
STATUS_LABELS = {
    "reached": gettext_lazy("Reached"),
    "on_track": gettext_lazy("On track"),
    "behind": gettext_lazy("Behind"),
}
MAX_TARGET = 10_000_000


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def milestone_dates(d_day: datetime.date) -> dict[int, datetime.date]:
    return {m: add_months(d_day, m) for m in MILESTONE_MONTHS}


def roadmap_of(province_code: str) -> Roadmap:
    """The province's roadmap (an unsaved draft without D-Day if none yet)."""
    return Roadmap.objects.filter(province_code=province_code).first() or Roadmap(
        province_code=province_code)


def targets_of(province_code: str) -> dict[tuple[int, int], float]:
    """(month, indicator id) → target: the province's own, else the national."""
    out: dict[tuple[int, int], float] = {}
    for t in MilestoneTarget.objects.filter(province_code__in=["", province_code]).order_by(
            "-province_code" if province_code else "province_code"):
        out.setdefault((t.month, t.indicator_id), t.target)
    return out


def chair_user_ids(province_code: str) -> set[int]:
    """The users linked to the chair of the province's committee."""
    return set(CommitteeMember.objects.filter(
        committee__level=CommitteeLevel.PROVINCE, committee__area_code=province_code,
        role=CommitteeRole.CHAIR, user__isnull=False).values_list("user_id", flat=True))


def may_edit(user: Any, province_code: str) -> bool:
    return covers(user, province_code, EDITORS)


def may_approve(user: Any, province_code: str) -> bool:
    return bool(getattr(user, "pk", None)) and user.pk in chair_user_ids(province_code)


def status_of(indicator: Indicator, target: float | None, actual: float | None,
              due: datetime.date, start: datetime.date, on: datetime.date) -> str | None:
    """reached / on_track / behind; None without a target or a figure.

    Before the milestone, an indicator that should rise is on track when it
    has covered at least the share of its target that the share of time
    elapsed since D-Day calls for; one that should fall (days to a visit) is
    on track once at or under its target."""
    if target is None or actual is None:
        return None
    up = indicator.direction == Direction.UP
    if (actual >= target) if up else (actual <= target):
        return "reached"
    if on >= due or not up:
        return "behind"
    span = max(1, (due - start).days)
    elapsed = min(max(0, (on - start).days), span)
    return "on_track" if actual >= target * elapsed / span else "behind"


@dataclass
class Progress:
    indicator: Indicator
    target: float | None
    actual: float | None
    national: float | None
    status: str | None

    @property
    def status_label(self) -> Any:
        return STATUS_LABELS.get(self.status or "", "")


@dataclass
class Milestone:
    month: int
    due: datetime.date | None
    past: bool
    snapshot_on: datetime.date | None  # the day the figures shown were taken
    rows: list[Progress]


def _snapshot_on_or_after(area: str, day: datetime.date) -> Snapshot | None:
    return Snapshot.objects.filter(area_code=area, taken_on__gte=day).order_by(
        "taken_on").first()


def progress(province_code: str, on: datetime.date | None = None) -> list[Milestone]:
    """Each milestone's targets beside the actual values: for a past milestone
    those of the snapshot taken that day (or the first one after it), for the
    others today's; the national value beside each, taken the same day."""
    on = on or timezone.localdate()
    roadmap = roadmap_of(province_code)
    chosen = list(Indicator.objects.filter(active=True))
    targets = targets_of(province_code)
    live_area = AreaRollup.objects.filter(code=province_code).first()
    live_nation = AreaRollup.objects.filter(code="").first()
    here = variables(live_area, on, welfare_variables(province_code)) if live_area else None
    there = variables(live_nation, on, welfare_variables("")) if live_nation else None
    live = {i.code: evaluate(i.formula, here) if here else None for i in chosen}
    national = {i.code: evaluate(i.formula, there) if there else None for i in chosen}
    dates = milestone_dates(roadmap.d_day) if roadmap.d_day else {}
    out = []
    for month in MILESTONE_MONTHS:
        due = dates.get(month)
        past = due is not None and due <= on
        actual, nation, taken = live, national, None
        if past and due is not None:
            snap = _snapshot_on_or_after(province_code, due)
            nation_snap = _snapshot_on_or_after("", due)
            actual = snap.indicators if snap else {}
            nation = nation_snap.indicators if nation_snap else {}
            taken = snap.taken_on if snap else None
        rows = []
        for i in chosen:
            target = targets.get((month, i.pk))
            value = actual.get(i.code)
            status = status_of(i, target, value, due, roadmap.d_day, taken or on) \
                if due and roadmap.d_day else None
            rows.append(Progress(i, target, value, nation.get(i.code), status))
        out.append(Milestone(month, due, past, taken, rows))
    return out


def _clean_targets(raw: dict[tuple[int, str], Any],
                   errors: dict[str, str]) -> dict[tuple[int, int], float | None]:
    by_code = {i.code: i for i in Indicator.objects.all()}
    clean: dict[tuple[int, int], float | None] = {}
    for (month, code), value in raw.items():
        name = f"target_{month}_{code}"
        if month not in MILESTONE_MONTHS or code not in by_code:
            errors[name] = _("Unknown milestone or indicator.")
            continue
        if value in (None, ""):
            clean[(month, by_code[code].pk)] = None
            continue
        try:
            number = float(str(value).replace(",", ""))
        except ValueError:
            errors[name] = _("Enter a number.")
            continue
        if not 0 <= number <= MAX_TARGET:
            errors[name] = _("Enter a number from 0 to %(max)s.") % {"max": f"{MAX_TARGET:,}"}
            continue
        clean[(month, by_code[code].pk)] = number
    return clean


def _write_targets(province_code: str, clean: dict[tuple[int, int], float | None]) -> int:
    changed = 0
    for (month, indicator_id), value in clean.items():
        current = MilestoneTarget.objects.filter(province_code=province_code, month=month,
                                                 indicator_id=indicator_id).first()
        if value is None:
            if current is not None:
                current.delete()
                changed += 1
        elif current is None:
            MilestoneTarget.objects.create(province_code=province_code, month=month,
                                           indicator_id=indicator_id, target=value)
            changed += 1
        elif current.target != value:
            current.target = value
            current.save(update_fields=["target"])
            changed += 1
    return changed


@transaction.atomic
def roadmap_update(*, actor: User, province_code: str, d_day: datetime.date | None,
                   targets: dict[tuple[int, str], Any], expected_version: int | None = None,
                   request: Any = None) -> Roadmap:
    """Sets the D-Day and the province's own targets (an empty target falls
    back to the national default). Any change needs the chair's approval
    again."""
    if not may_edit(actor, province_code):
        raise NotAllowed("not_roadmap_editor")
    roadmap, _created = Roadmap.objects.select_for_update().get_or_create(
        province_code=province_code)
    if expected_version is not None and roadmap.version != expected_version:
        raise ValidationError({"version": _("Someone changed this roadmap after you opened "
                                            "it: reload the page and try again.")})
    errors: dict[str, str] = {}
    if d_day is None:
        errors["d_day"] = _("Give the launch day (D-Day).")
    elif abs((d_day - timezone.localdate()).days) > 3 * 366:
        errors["d_day"] = _("The launch day is more than three years away: check the year "
                            "(พ.ศ. or ค.ศ.).")
    clean = _clean_targets(targets, errors)
    if errors:
        raise ValidationError(errors)
    changed = _write_targets(province_code, clean)
    if changed or roadmap.d_day != d_day:
        Roadmap.objects.filter(pk=roadmap.pk).update(
            d_day=d_day, status=RoadmapStatus.DRAFT, approved_by=None, approved_at=None,
            updated_by=actor, updated_at=timezone.now(), version=F("version") + 1)
    roadmap.refresh_from_db()
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=roadmap,
                 area_code=province_code,
                 detail={"d_day": d_day.isoformat() if d_day else None,
                         "targets_changed": changed})
    return roadmap


@transaction.atomic
def roadmap_approve(*, actor: User, province_code: str, expected_version: int,
                    request: Any = None) -> Roadmap:
    """The chair of the province committee approves the roadmap as it is."""
    if not may_approve(actor, province_code):
        raise NotAllowed("not_committee_chair")
    roadmap = Roadmap.objects.select_for_update().filter(province_code=province_code).first()
    if roadmap is None or roadmap.d_day is None:
        raise ValidationError({"d_day": _("The roadmap has no launch day yet: the provincial "
                                          "office sets it first.")})
    if roadmap.version != expected_version:
        raise ValidationError({"version": _("The roadmap changed after you opened it: reload "
                                            "the page and read it again before approving.")})
    Roadmap.objects.filter(pk=roadmap.pk).update(
        status=RoadmapStatus.APPROVED, approved_by=actor, approved_at=timezone.now())
    roadmap.refresh_from_db()
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=roadmap,
                 area_code=province_code, detail={"approved": True,
                                                  "version": roadmap.version})
    return roadmap


@transaction.atomic
def national_targets_update(*, actor: User, targets: dict[tuple[int, str], Any],
                            request: Any = None) -> int:
    """The national default targets (national analysts, administrators)."""
    if not covers(actor, "", NATIONAL_EDITORS):
        raise NotAllowed("not_national_editor")
    errors: dict[str, str] = {}
    clean = _clean_targets(targets, errors)
    if errors:
        raise ValidationError(errors)
    changed = _write_targets("", clean)
    audit.record(AuditAction.UPDATE, actor=actor, request=request,
                 object_type="coverage.national_targets", detail={"changed": changed})
    return changed


# --------------------------------------------------------------- snapshots

FIGURE_KEYS = ("subdistricts", "lead_covered", "k1", "k2", "k3", "k4", "k5", "five_k_all",
               "found", "reported", "verified", "assigned", "in_care", "closed", "rejected",
               "networks", "lead_networks", "volunteers", "funds", "committees", "capacity",
               "forums_held", "search_rounds", "median_days_to_verify", "median_days_to_visit",
               "unserved", "need_short", "offers", "givers", "residents", "old_age_eligible",
               "old_age_receiving")


def snapshot_values(area: AreaRollup, on: datetime.date,
                    chosen: list[Indicator]) -> tuple[dict[str, Any], dict[str, Any]]:
    values = variables(area, on, welfare_variables(area.code))
    return ({k: values.get(k) for k in FIGURE_KEYS},
            {i.code: evaluate(i.formula, values) for i in chosen})


def snapshots_due(on: datetime.date) -> dict[str, str]:
    """Area code → kind, for the areas that need a snapshot on this day: the
    first of each month (or the first run of a month) for every province and
    the nation, and a province's milestone day (or the first run after it)."""
    month_start = on.replace(day=1)
    taken_this_month = set(Snapshot.objects.filter(taken_on__gte=month_start,
                                                   taken_on__lte=on)
                           .values_list("area_code", flat=True))
    areas = ["", *AreaRollup.objects.filter(level="province").values_list("code", flat=True)]
    due = {a: SnapshotKind.MONTHLY.value for a in areas if a not in taken_this_month}
    for roadmap in Roadmap.objects.filter(d_day__isnull=False):
        assert roadmap.d_day is not None  # noqa: S101 — filtered above
        for day in milestone_dates(roadmap.d_day).values():
            if day <= on and (on - day).days <= 31 and not Snapshot.objects.filter(
                    area_code=roadmap.province_code, taken_on__gte=day).exists():
                due[roadmap.province_code] = SnapshotKind.MILESTONE.value
                due.setdefault("", SnapshotKind.MILESTONE.value)
    return due


@transaction.atomic
def snapshots_take(on: datetime.date | None = None, *, areas: dict[str, str] | None = None,
                   kind: str = SnapshotKind.MANUAL) -> int:
    """Stores the figures of these areas (default: those due) as of today;
    an area already snapshotted today is replaced. Returns how many."""
    on = on or timezone.localdate()
    wanted = snapshots_due(on) if areas is None else areas
    chosen = list(Indicator.objects.filter(active=True))
    rows = {a.code: a for a in AreaRollup.objects.filter(code__in=list(wanted))}
    for code, snap_kind in wanted.items():
        area = rows.get(code)
        if area is None:
            continue
        figures, values = snapshot_values(area, on, chosen)
        Snapshot.objects.update_or_create(area_code=code, taken_on=on, defaults={
            "kind": snap_kind or kind, "figures": figures, "indicators": values})
    if wanted:
        audit.record(AuditAction.CREATE, object_type="coverage.snapshot",
                     detail={"taken_on": on.isoformat(), "areas": len(rows)})
    return len(rows)
