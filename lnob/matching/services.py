"""Matching runs in the product: read the cases to place and the volunteers
from the database, solve with the engine, keep the proposal; accept rows
through the workflow service (each becomes an audited "assign" step).

A run never changes a case. Its proposal is saved in one transaction at the
end, so a run that fails (bad input, a crash) leaves no partial proposal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.cases import workflow as wf
from lnob.cases.models import Case
from lnob.cases.services import CaseChanged, case_step
from lnob.core import audit, jobs
from lnob.core.access import covers
from lnob.core.models import AuditAction, User
from lnob.core.roles import MATCHING_ROLES, Role
from lnob.matching import engine
from lnob.matching.models import (
    HoleRow,
    MatchingRun,
    ProposalRow,
    RowDecision,
    RowKind,
    RunStatus,
)
from lnob.networks.models import Network, Volunteer
from lnob.registry.models import PersonNeed

# Who starts runs: officers for their province; analysts and admins nationally.
RUNNERS = tuple(MATCHING_ROLES)
# Who accepts rows: those who may assign carers (the workflow checks each case).
ACCEPTERS = (Role.PROVINCIAL_OFFICER, Role.SYSTEM_ADMIN)
# Cases the engine places: waiting for a carer, or cared for (kept unless a
# move gains clearly more than the continuity threshold).
PLACED_STATES = (wf.VERIFIED, wf.ASSIGNED, wf.IN_CARE)
# A person with no recorded need still needs someone to follow them.
UNSPECIFIED_NEED = "_unspecified"
BATCH = 5000


def parameters_from(data: dict[str, Any] | None) -> engine.Parameters:
    """Weights from a form or the API; unknown names are refused by name."""
    data = {k: v for k, v in (data or {}).items() if v not in (None, "")}
    known = {f.name for f in fields(engine.Parameters)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationError({unknown[0]: _("There is no weight called %(name)s.") % {
            "name": unknown[0]}})
    try:
        params = engine.Parameters(**{k: int(v) for k, v in data.items()})
    except (TypeError, ValueError) as err:
        raise ValidationError({"params": _("Weights are whole numbers.")}) from err
    try:
        params.validate()
    except engine.MatchingInputError as err:
        raise ValidationError({err.field: _message(err)}) from err
    return params


def _message(err: engine.MatchingInputError) -> str:
    from lnob.core.i18n import thai_active

    return err.message_th if thai_active() else err.message_en


def run_start(*, actor: User | None, scope_code: str, params: dict[str, Any] | None = None,
              request: Any = None) -> MatchingRun:
    """Records a run (queued); the caller runs it now or as a background task."""
    if scope_code and (len(scope_code) != 2 or not scope_code.isdigit()):
        raise ValidationError({"scope_code": _("Give a 2-digit province code, or none for "
                                               "the whole country.")})
    if actor is not None and not covers(actor, scope_code, RUNNERS):
        raise PermissionError("not a runner of this area")
    chosen = parameters_from(params)
    run = MatchingRun.objects.create(scope_code=scope_code, params=asdict(chosen),
                                     started_by=actor)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=run,
                 area_code=scope_code, detail={"params": run.params})
    return run


def _in_scope(qs: Any, scope_code: str) -> Any:
    return qs.filter(province_code=scope_code) if scope_code else qs


def build_problem(scope_code: str) -> tuple[engine.Problem, dict[int, int]]:
    """The engine's input for a province (or the country), and each case's
    version as read. Columns are built with a few set queries, not per row."""
    cases = list(_in_scope(Case.objects.filter(status__in=PLACED_STATES), scope_code)
                 .values_list("pk", "person_id", "subdistrict_id", "person__village__code",
                              "volunteer_id", "version").order_by("pk"))
    person_ids = [c[1] for c in cases]
    needs: dict[int, dict[str, int]] = defaultdict(dict)
    for start in range(0, len(person_ids), BATCH):
        for person_id, code, severity in PersonNeed.objects.filter(
                person_id__in=person_ids[start:start + BATCH]).values_list(
                "person_id", "need__code", "severity"):
            needs[person_id][code] = severity
    volunteers = list(_in_scope(Volunteer.objects.filter(active=True), scope_code)
                      .values_list("pk", "network_id", "capacity").order_by("pk"))
    areas: dict[int, list[str]] = defaultdict(list)
    for vid, code in Volunteer.subdistricts.through.objects.filter(
            volunteer__in=[v[0] for v in volunteers]).values_list("volunteer_id",
                                                                  "subdistrict_id"):
        areas[vid].append(code)
    served: dict[int, list[str]] = defaultdict(list)
    for vid, code in Volunteer.needs.through.objects.filter(
            volunteer__in=[v[0] for v in volunteers]).values_list("volunteer_id",
                                                                  "need__code"):
        served[vid].append(code)
    # People they follow outside this run (another province) use up capacity.
    case_ids = {c[0] for c in cases}
    elsewhere = dict(Case.objects.filter(
        volunteer__in=[v[0] for v in volunteers], status__in=(wf.ASSIGNED, wf.IN_CARE))
        .exclude(pk__in=case_ids).values_list("volunteer_id").annotate(n=Count("pk")))
    network_ids = {v[1] for v in volunteers if v[1] is not None}
    # A network's own capacity caps its volunteers together; a network that
    # recorded none (0) is capped only by its volunteers' capacities.
    volunteer_total: dict[int, int] = defaultdict(int)
    for _vid, nid, capacity in volunteers:
        if nid is not None:
            volunteer_total[nid] += capacity
    networks = [engine.Network(nid, cap or volunteer_total[nid]) for nid, cap in
                Network.objects.filter(pk__in=network_ids).values_list("pk", "capacity")]
    givers = []
    for vid, nid, capacity in volunteers:
        if nid is None:  # a volunteer of no network is a network of one
            nid = f"v{vid}"
            networks.append(engine.Network(nid, capacity))
        givers.append(engine.Volunteer(vid, nid, areas[vid], served[vid],
                                       max(0, capacity - elsewhere.get(vid, 0))))
    people = [engine.Person(case_id, subdistrict, needs.get(person_id) or {UNSPECIFIED_NEED: 1},
                            village=village, current_giver=volunteer)
              for case_id, person_id, subdistrict, village, volunteer, _v in cases]
    return (engine.Problem.from_records(people, givers, networks),
            {c[0]: c[5] for c in cases})


def run_execute(run: MatchingRun, *, workers: int = 1,
                progress: Callable[[str, int], None] | None = None) -> MatchingRun:
    """Solves the run and saves its proposal, or records why it failed."""
    def say(phase: str, percent: int) -> None:
        MatchingRun.objects.filter(pk=run.pk).update(phase=phase, progress=percent)
        if progress is not None:
            progress(phase, percent)

    MatchingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING,
                                                 runner=jobs.current_runner())
    started = timezone.now()
    try:
        say("reading", 5)
        problem, versions = build_problem(run.scope_code)
        say("solving", 20)
        result = engine.solve(problem, engine.Parameters(**run.params), workers=workers,
                              progress=lambda done, total: say(
                                  "solving", 20 + int(60 * done / max(total, 1))))
        say("saving", 85)
        _save(run, result, versions)
    except engine.MatchingInputError as err:
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error={
                "record": err.record, "record_id": str(err.record_id), "field": err.field,
                "code": err.code, "message_en": err.message_en, "message_th": err.message_th})
    except Exception as err:
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(),
            error={"code": "crash", "message_en": str(err)[:500],
                   "message_th": "การคำนวณล้มเหลว: " + str(err)[:450]})
        raise
    else:
        seconds = (timezone.now() - started).total_seconds()
        MatchingRun.objects.filter(pk=run.pk).update(figures={
            **run.figures, "seconds": round(seconds, 2)})
        say("done", 100)
    run.refresh_from_db()
    return run


@transaction.atomic
def _save(run: MatchingRun, result: engine.Result, versions: dict[int, int]) -> None:
    assignments = result.assignments()
    unplaced = {u.person: u for u in result.unplaced()}
    rows: list[ProposalRow] = []
    counts: dict[str, int] = defaultdict(int)
    subdistricts = dict(Case.objects.filter(pk__in=list(versions)).values_list(
        "pk", "subdistrict_id")) if len(versions) < 50_000 else None

    def flush() -> None:
        ProposalRow.objects.bulk_create(rows, batch_size=BATCH)
        rows.clear()

    for case_id, version in versions.items():
        a = assignments.get(case_id)
        if a is not None:
            kind = RowKind.UNCHANGED if a.kept else (
                RowKind.CHANGED if a.previous is not None else RowKind.NEW)
            row = ProposalRow(run=run, case_id=case_id, case_version=version, kind=kind,
                              volunteer_id=a.volunteer,
                              network_id=a.network if isinstance(a.network, int) else None,
                              previous_volunteer_id=a.previous, cost=round(a.cost))
        else:
            u = unplaced[case_id]
            kind = RowKind.UNPLACED
            row = ProposalRow(run=run, case_id=case_id, case_version=version, kind=kind,
                              previous_volunteer_id=u.previous, severity=u.severity,
                              reason=str(u.reason), message_th=u.message_th[:500],
                              message_en=u.message_en[:500], subdistrict_code=u.subdistrict)
        if not row.subdistrict_code:
            row.subdistrict_code = (subdistricts or {}).get(case_id, "")
        counts[kind] += 1
        rows.append(row)
        if len(rows) >= BATCH:
            flush()
    flush()
    HoleRow.objects.bulk_create((HoleRow(run=run, subdistrict_code=t.subdistrict,
                                         demand=t.demand, capacity=t.capacity, placed=t.placed,
                                         unplaced=t.unplaced) for t in result.subdistricts),
                                batch_size=BATCH)
    MatchingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, finished_at=timezone.now(), figures={
            "cases": len(versions), "placed": result.placed,
            "unplaced": result.unplaced_count, "total_cost": round(result.total_cost),
            "kinds": dict(counts),
            "reasons": {str(k): v for k, v in result.reason_counts().items()},
            "holes": len(result.holes())})
    run.refresh_from_db()


def rows_accept(*, actor: User, run: MatchingRun, row_ids: Iterable[int] | None = None,
                request: Any = None) -> dict[str, int]:
    """Accepts new and changed rows (all of them when ``row_ids`` is None):
    each becomes an "assign" step of its case. A row whose case changed since
    the run, or that the workflow refuses, is marked failed with the reason;
    the others are applied. Returns counts by outcome."""
    if run.status != RunStatus.DONE:
        raise ValidationError({"run": _("Only a finished run's proposal can be accepted.")})
    rows = run.rows.filter(kind__in=(RowKind.NEW, RowKind.CHANGED), decision="")
    if row_ids is not None:
        rows = rows.filter(pk__in=list(row_ids))
    outcome = {"accepted": 0, "failed": 0}
    note = _("Proposed by matching run %(id)s.") % {"id": run.pk}
    for row in rows.select_related("case", "volunteer"):
        try:
            with transaction.atomic():
                case = Case.objects.select_for_update().get(pk=row.case_id)
                if case.version != row.case_version:
                    raise CaseChanged
                case_step(actor=actor, case=case, action="assign",
                          expected_version=case.version, note=note,
                          volunteer_id=row.volunteer_id, network_id=row.network_id)
                _decide(row, actor, RowDecision.ACCEPTED, "")
            outcome["accepted"] += 1
        except CaseChanged:
            _decide(row, actor, RowDecision.FAILED, _("The case changed after the run."))
            outcome["failed"] += 1
        except (ValidationError, PermissionError) as err:
            message = "; ".join(err.messages) if isinstance(err, ValidationError) else _(
                "Your role cannot assign carers in this case's area.")
            _decide(row, actor, RowDecision.FAILED, message[:255])
            outcome["failed"] += 1
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=run,
                 area_code=run.scope_code, detail={"accept": outcome})
    return outcome


def rows_reject(*, actor: User, run: MatchingRun, row_ids: Iterable[int] | None = None,
                request: Any = None) -> int:
    rows = run.rows.filter(kind__in=(RowKind.NEW, RowKind.CHANGED), decision="")
    if row_ids is not None:
        rows = rows.filter(pk__in=list(row_ids))
    count = rows.update(decision=RowDecision.REJECTED, decided_by=actor,
                        decided_at=timezone.now())
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=run,
                 area_code=run.scope_code, detail={"reject": count})
    return count


def _decide(row: ProposalRow, actor: User, decision: str, note: str) -> None:
    ProposalRow.objects.filter(pk=row.pk).update(decision=decision, decision_note=note,
                                                 decided_by=actor, decided_at=timezone.now())


def runs_visible_to(user: Any) -> Any:
    """Runs of the user's provinces (and national runs for national roles)."""
    from lnob.core.access import area_codes

    codes = area_codes(user, RUNNERS)
    if "" in codes:
        return MatchingRun.objects.all()
    provinces = {c[:2] for c in codes}
    return MatchingRun.objects.filter(Q(scope_code__in=provinces))
