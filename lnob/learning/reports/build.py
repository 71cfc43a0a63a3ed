"""What a report shows, computed once when it is generated and kept with it
(plain JSON: the page and the PDF are drawn from the same figures, and an old
report still says what was known then).

No personal data goes in: figures come from the coverage roll-ups (counts
only); AAR and story texts are scrubbed of citizen IDs and of the full names
of the province's registry people before they are copied in."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from lnob.geo.models import Province
from lnob.learning import figures
from lnob.learning.models import (
    ActionStatus,
    AfterActionReview,
    Lesson,
    Report,
    ReportKind,
    Story,
    StoryStatus,
)
from lnob.learning.redact import name_patterns, redact
from lnob.learning.reports.sections import giving_section, welfare_section
from lnob.learning.stories import consent
from lnob.registry.models import Person

AARS_SHOWN = 8
STORIES_SHOWN = 3
EXCERPT = 400


class Scrubber:
    """Takes citizen IDs and the full names of registry people out of free
    text (AARs and stories written by people). ``texts`` are (province code,
    text): each text is compared with the people of its own province."""

    def __init__(self, texts: Iterable[tuple[str, str]]) -> None:
        by_province: dict[str, list[str]] = {}
        for province, text in texts:
            by_province.setdefault(province, []).append(text)
        ids: list[int] = []
        for province, chunk in by_province.items():
            ids += consent.named_in("\n".join(chunk),
                                    Person.objects.filter(province_code=province))
        self.patterns = name_patterns(ids)

    def __call__(self, text: str) -> str:
        return redact(text, self.patterns)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _indicator(value: figures.IndicatorValue) -> dict[str, Any]:
    return {"code": value.code, "name": value.name, "unit": value.unit,
            "direction": value.direction, "value": value.value}


def _figures(f: figures.AreaFigures) -> dict[str, Any]:
    return {"code": f.code, "name": f.name, "available": f.available,
            "subdistricts": f.subdistricts, "found": f.found, "verified_ever": f.verified_ever,
            "in_care": f.in_care, "closed": f.closed, "capacity": f.capacity,
            "networks": f.networks, "lead_networks": f.lead_networks,
            "volunteers": f.volunteers, "funds": f.funds, "forums_held": f.forums_held,
            "five_k_all": f.five_k_all, "d_day": _iso(f.d_day),
            "five_k_pct": round(100 * f.five_k_all / f.subdistricts, 1) if f.subdistricts
            else None,
            "indicators": [_indicator(i) for i in f.indicators]}


def _aars(report: Report) -> tuple[list[AfterActionReview], dict[str, int]]:
    qs = AfterActionReview.objects.filter(held_on__range=(report.period_start,
                                                          report.period_end))
    if report.area_code:
        qs = qs.filter(province_code=report.area_code)
    counts = qs.aggregate(
        aars=Count("id", distinct=True), lessons=Count("lessons", distinct=True),
        open=Count("actions", filter=Q(actions__status=ActionStatus.OPEN), distinct=True),
        done=Count("actions", filter=Q(actions__status=ActionStatus.DONE), distinct=True))
    return list(qs.order_by("-held_on", "-id")[:AARS_SHOWN]), counts


def _stories(report: Report) -> list[Story]:
    qs = Story.objects.filter(status=StoryStatus.PUBLISHED)
    if report.area_code:
        qs = qs.filter(province_code=report.area_code)
    if report.story_ids:
        chosen = list(qs.filter(pk__in=report.story_ids).order_by("-published_at"))
    else:
        chosen = list(qs.filter(published_at__date__lte=report.period_end).order_by(
            "-published_at")[:STORIES_SHOWN * 2])
    from lnob.learning.stories.selectors import shown_publicly

    return shown_publicly(chosen)[:STORIES_SHOWN if not report.story_ids else 10]


def _learning(report: Report) -> dict[str, Any]:
    from lnob.geo.selectors import area_names

    aars, counts = _aars(report)
    stories = _stories(report)
    lessons: dict[int, list[str]] = {}
    for lesson in Lesson.objects.filter(aar__in=aars).order_by("id"):
        lessons.setdefault(lesson.aar_id, []).append(lesson.text)
    texts = [(a.province_code, t) for a in aars
             for t in (a.title, a.happened, a.next_steps, *lessons.get(a.pk, []))]
    texts += [(s.province_code, t) for s in stories for t in (s.title, s.summary, s.body)]
    scrub = Scrubber(texts)
    names = area_names({a.area_code for a in aars} | {s.area_code for s in stories})
    return {
        "counts": counts,
        "aars": [{"title": scrub(a.title), "held_on": a.held_on.isoformat(),
                  "area": names.get(a.area_code, a.area_code),
                  "activity": str(a.get_activity_display()),
                  "happened": scrub(excerpt(a.happened)),
                  "next_steps": scrub(excerpt(a.next_steps, 250)),
                  "lessons": [scrub(excerpt(t, 200)) for t in lessons.get(a.pk, [])[:3]]}
                 for a in aars],
        "stories": [{"title": scrub(s.title),
                     "published_on": timezone.localtime(s.published_at).date().isoformat()
                     if s.published_at else None,
                     "area": names.get(s.area_code, s.area_code),
                     "text": scrub(excerpt(s.summary or s.body, 600))} for s in stories],
    }


def _end(report: Report) -> datetime.date:
    """Figures are as of the period's last day, or today if it is still to come."""
    return min(report.period_end, timezone.localdate())


def province_data(report: Report) -> dict[str, Any]:
    code, end = report.area_code, _end(report)
    area = figures.area_figures(code, end)
    plan = figures.roadmap(code, end)
    holes = figures.holes(code, end)
    series = figures.monthly_series(code, report.period_start, end)
    return {
        "figures": _figures(area),
        "five_k": [{"code": r.code, "name": r.name, "subdistricts": r.subdistricts,
                    "k": list(r.k), "all5": r.all5} for r in figures.five_k_matrix(code, end)],
        "roadmap": {"d_day": _iso(plan.d_day), "approved": plan.approved, "milestones": [
            {"month": m.month, "due_on": _iso(m.due_on), "reached": m.reached,
             "checks": [{**_indicator(c.indicator), "target": c.target, "status": c.status}
                        for c in m.checks]} for m in plan.milestones]},
        "holes": {"no_lead": [name for _code, name in holes.no_lead],
                  "no_lead_count": holes.no_lead_count, "unserved": holes.unserved,
                  "need_short": holes.need_short, "waiting": holes.waiting},
        "series": series,
        "giving": giving_section(code, end),
        "welfare": welfare_section(code, report.language or "th"),
        **_learning(report),
    }


def national_data(report: Report) -> dict[str, Any]:
    end = _end(report)
    rows = [_figures(f) for f in figures.national_rows(end)]
    nation = figures.area_figures("", end)
    started = [r for r in rows if r["d_day"] and r["d_day"] <= end.isoformat()]
    return {
        "figures": _figures(nation),
        "rows": rows,
        "provinces": Province.objects.count(),
        "started": len(started),
        # The launched provinces furthest from all five ก.
        "behind": sorted(
            ({"name": r["name"], "five_k_pct": r["five_k_pct"]} for r in started
             if r["five_k_pct"] is not None),
            key=lambda r: r["five_k_pct"])[:5],
        "giving": giving_section("", end),
        "welfare": welfare_section("", report.language or "th"),
        **_learning(report),
    }


def build(report: Report) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": report.kind, "area_code": report.area_code,
        "period": {"start": report.period_start.isoformat(),
                   "end": report.period_end.isoformat()},
        "generated_at": timezone.localtime().isoformat(timespec="minutes"),
        "coverage": figures.coverage_installed(),
    }
    if report.kind == ReportKind.PROVINCE:
        province = Province.objects.filter(code=report.area_code).first()
        base["area_name"] = province.name if province else report.area_code
        base.update(province_data(report))
    else:
        base["area_name"] = ""
        base.update(national_data(report))
    return base
