"""Matching runs in the product: read the cases to place and the volunteers
from the database, solve with the engine, keep the proposal; accept rows
through the workflow service (each becomes an audited "assign" step).

A run never changes a case. Its proposal is saved in one transaction at the
end, so a run that fails (bad input, a crash) leaves no partial proposal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.cases import workflow as wf
from lnob.cases.models import Case
from lnob.cases.services import CaseChanged, case_step
from lnob.core import audit, jobs, quotas
from lnob.core.access import covers
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.core.roles import MATCHING_ROLES, allowed
from lnob.matching import engine, reasons
from lnob.matching.models import (
    HoleRow,
    MatchingRun,
    ProposalRow,
    ProvinceRules,
    RowDecision,
    RowKind,
    RunStatus,
)
from lnob.matching.weights import carer_load, case_weights, province_rules, weight_of
from lnob.networks.models import Network, Volunteer
from lnob.registry.models import PersonNeed

# Who starts runs: officers for their province; analysts and admins nationally.
RUNNERS = tuple(MATCHING_ROLES)
# Who accepts rows: those who may assign carers (the workflow checks each case).
ACCEPTERS = allowed("matching.accept")
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


@transaction.atomic(durable=True)
def run_start(*, actor: User | None, scope_code: str, params: dict[str, Any] | None = None,
              request: Any = None, options: dict[str, Any] | None = None) -> MatchingRun:
    """Records a run (queued); the caller runs it now or as a background task."""
    if scope_code and (len(scope_code) != 2 or not scope_code.isdigit()):
        raise ValidationError({"scope_code": _("Give a 2-digit province code, or none for "
                                               "the whole country.")})
    if actor is not None and not covers(actor, scope_code, RUNNERS):
        raise NotAllowed("not_runner", _("You may start runs only for your own province."),
                         field="scope_code")
    quotas.check_run_start(actor=actor, model=MatchingRun, scope_code=scope_code)
    chosen = parameters_from(params)
    chosen_options = run_options(options, scope_code)
    run = MatchingRun.objects.create(scope_code=scope_code, params=asdict(chosen),
                                     options=chosen_options, started_by=actor)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=run,
                 area_code=scope_code, detail={"params": run.params, "options": run.options})
    return run


def load_snapshot(scope_code: str) -> dict[str, int]:
    """The caseload weight each carer of the area carries now: ``v<pk>`` for a
    volunteer, ``n<pk>`` for a network (all its cases, through its volunteers
    or itself)."""

    rows = list(_in_scope(Case.objects.filter(status__in=wf.CARING), scope_code)
                .values_list("pk", "volunteer_id", "network_id"))
    weight = case_weights(pk for pk, _v, _n in rows)
    out: dict[str, int] = defaultdict(int)
    for pk, vid, nid in rows:
        if vid is not None:
            out[f"v{vid}"] += weight.get(pk, 1)
        if nid is not None:
            out[f"n{nid}"] += weight.get(pk, 1)
    return dict(out)


def last_accepted(run: MatchingRun) -> MatchingRun | None:
    """The latest other run of the same area whose rows were accepted (it kept
    the carers' loads just after)."""
    return MatchingRun.objects.filter(scope_code=run.scope_code, accepted_at__isnull=False) \
        .exclude(pk=run.pk).order_by("-accepted_at").first()


def carer_loads(run: MatchingRun) -> list[dict[str, Any]]:
    """Per carer the run would change, or whose load moved since the last
    accepted run: the caseload weight they carried just after that run was
    accepted (``then``, None when no run was), now, after the run's pending
    (undecided) new and changed rows, and their capacity (in weight units;
    see ``lnob/matching/weights.py``)."""
    pending = list(run.rows.filter(kind__in=(RowKind.NEW, RowKind.CHANGED), decision="")
                   .values_list("case_id", "kind", "volunteer_id", "network_id",
                                "previous_volunteer_id"))
    weight = case_weights(r[0] for r in pending)
    gain: dict[str, int] = defaultdict(int)
    for case_id, kind, vid, nid, previous in pending:
        w = weight.get(case_id, 1)
        if vid is not None:
            gain[f"v{vid}"] += w
        elif nid is not None:
            gain[f"n{nid}"] += w
        if kind == RowKind.CHANGED and previous is not None:
            gain[f"v{previous}"] -= w
    now = load_snapshot(run.scope_code)
    earlier = last_accepted(run)
    then: dict[str, int] | None = earlier.accepted_loads if earlier else None
    keys = set(gain)
    if then is not None:
        keys |= {k for k in set(then) | set(now) if then.get(k, 0) != now.get(k, 0)}
    out: list[dict[str, Any]] = []
    for vol in Volunteer.objects.filter(pk__in=[int(k[1:]) for k in keys if k[0] == "v"]) \
            .order_by("pk"):
        out.append({"kind": "volunteer", "id": vol.pk, "name": str(vol), "key": f"v{vol.pk}",
                    "capacity": vol.capacity})
    for net in Network.objects.filter(pk__in=[int(k[1:]) for k in keys if k[0] == "n"]) \
            .order_by("pk"):
        out.append({"kind": "network", "id": net.pk, "name": net.name, "key": f"n{net.pk}",
                    "capacity": net.capacity})
    for row in out:
        key = row.pop("key")
        row["before"] = now.get(key, 0)
        row["after"] = row["before"] + gain.get(key, 0)
        row["then"] = None if then is None else then.get(key, 0)
        row["over"] = int(row["after"]) > int(row["capacity"])
        row["since"] = earlier.pk if earlier else None
    return out


def _in_scope(qs: Any, scope_code: str) -> Any:
    return qs.filter(province_code=scope_code) if scope_code else qs


@dataclass
class Read:
    """What a run read besides the engine's input: each case's version, and the
    records it could not use (each with a code, its parameters and whether the
    record stays in the run)."""

    versions: dict[int, int]
    urgent: set[int] = field(default_factory=set)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def warn(self, code: str, record: str, record_id: Any, kept: bool = False,
             **params: Any) -> None:
        self.warnings.append({"code": code, "record": record, "id": record_id, "kept": kept,
                              **({"params": params} if params else {})})


def network_carer_id(network_id: int) -> str:
    """The engine's id of a network acting as a carer itself."""
    return f"n{network_id}"


def build_problem(scope_code: str, must_serve: Iterable[str] = ()
                  ) -> tuple[engine.Problem, Read]:
    """The engine's input for a province (or the country). Columns are built
    with a few set queries, not per row.

    Records that cannot be used are left out with a warning, never fail the run:
    a volunteer covering no area, a case whose person now lives outside the
    case's subdistrict. A case whose carer was deactivated stays, without a
    current carer (flagged). A volunteer of no network is a network of one. A
    network with capacity and no active volunteer is a carer itself (id
    ``n<pk>``), as is a network holding cases without a volunteer."""
    # A person whose processing is restricted (PDPA) is not proposed a carer;
    # one already cared for stays in, so that the carer's load counts.
    cases = list(_in_scope(Case.objects.filter(status__in=PLACED_STATES).exclude(
        person__restricted=True, volunteer__isnull=True, network__isnull=True), scope_code)
                 .values_list("pk", "person_id", "subdistrict_id", "person__village__code",
                              "volunteer_id", "version", "network_id", "urgent", "opened_at",
                              "person__subdistrict_id", "province_code").order_by("pk"))
    read = Read({c[0]: c[5] for c in cases}, {c[0] for c in cases if c[7]})
    person_ids = [c[1] for c in cases]
    needs: dict[int, dict[str, int]] = defaultdict(dict)
    for start in range(0, len(person_ids), BATCH):
        for person_id, code, severity in PersonNeed.objects.filter(
                person_id__in=person_ids[start:start + BATCH]).values_list(
                "person_id", "need__code", "severity"):
            needs[person_id][code] = severity
    rules = province_rules(c[10] for c in cases)
    volunteers = list(_in_scope(Volunteer.objects.filter(active=True), scope_code)
                      .values_list("pk", "network_id", "capacity").order_by("pk"))
    vol_ids = [v[0] for v in volunteers]
    areas: dict[int, list[str]] = defaultdict(list)
    for vid, code in Volunteer.subdistricts.through.objects.filter(
            volunteer__in=vol_ids).values_list("volunteer_id", "subdistrict_id"):
        areas[vid].append(code)
    for vid, code in Volunteer.villages.through.objects.filter(
            volunteer__in=vol_ids).values_list("volunteer_id", "village_id"):
        areas[vid].append(code)
    served: dict[int, list[str]] = defaultdict(list)
    for vid, code in Volunteer.needs.through.objects.filter(
            volunteer__in=vol_ids).values_list("volunteer_id", "need__code"):
        served[vid].append(code)
    # People they follow outside this run (another province) use up capacity,
    # by their caseload weight.
    case_ids = set(read.versions)
    outside = list(Case.objects.filter(
        volunteer__in=vol_ids, status__in=(wf.ASSIGNED, wf.IN_CARE))
        .exclude(pk__in=case_ids).values_list("pk", "volunteer_id"))
    outside_weight = case_weights(pk for pk, _vid in outside)
    elsewhere: dict[int, int] = defaultdict(int)
    for pk, vid in outside:
        elsewhere[vid] += outside_weight.get(pk, 1)
    # A network's own capacity caps its volunteers together; a network that
    # recorded none (0) is capped only by its volunteers' capacities.
    volunteer_total: dict[int, int] = defaultdict(int)
    staffed: set[int] = set()
    for _vid, nid, capacity in volunteers:
        if nid is not None:
            volunteer_total[nid] += capacity
            staffed.add(nid)
    held_by_network: dict[int, int] = defaultdict(int)
    for c in cases:
        if c[6] is not None and c[4] is None:
            held_by_network[c[6]] += weight_of(needs.get(c[1]) or {UNSPECIFIED_NEED: 1},
                                               rules[c[10]])
    network_rows = list(_in_scope(Network.objects.filter(active=True), scope_code)
                        .values_list("pk", "capacity"))
    network_ids = {v[1] for v in volunteers if v[1] is not None}
    networks = []
    givers = []
    carers = [n for n in network_rows if n[0] in network_ids
              or (n[1] and n[0] not in staffed) or held_by_network.get(n[0])]
    net_areas: dict[int, list[str]] = defaultdict(list)
    net_served: dict[int, list[str]] = defaultdict(list)
    alone = {n[0] for n in carers if n[0] not in staffed or held_by_network.get(n[0])}
    # A subquery, not a list of ids: a country has tens of thousands of networks.
    in_scope = _in_scope(Network.objects.filter(active=True), scope_code).values("pk")
    for nid, code in Network.subdistricts.through.objects.filter(
            network__in=in_scope).values_list("network_id", "subdistrict_id"):
        if nid in alone:
            net_areas[nid].append(code)
    for nid, code in Network.villages.through.objects.filter(
            network__in=in_scope).values_list("network_id", "village_id"):
        if nid in alone:
            net_areas[nid].append(code)
    for nid, code in Network.needs.through.objects.filter(
            network__in=in_scope).values_list("network_id", "need__code"):
        if nid in alone:
            net_served[nid].append(code)
    network_carers: set[int] = set()
    for nid, cap in carers:
        networks.append(engine.Network(nid, cap or volunteer_total[nid]))
        if nid in staffed and not held_by_network.get(nid):
            continue
        if not net_areas[nid]:
            read.warn("network_no_area", "network", nid)
            continue
        # A network with volunteers keeps the cases it holds itself, no new ones.
        room = cap if nid not in staffed else held_by_network[nid]
        givers.append(engine.Volunteer(network_carer_id(nid), nid, net_areas[nid],
                                       net_served[nid], room))
        network_carers.add(nid)
    in_run = {n.id for n in networks}
    for vid, nid, capacity in volunteers:
        if not areas[vid]:
            read.warn("volunteer_no_area", "volunteer", vid)
            continue
        if nid is None or nid not in in_run:  # no (active) network: a network of one
            nid = f"v{vid}"
            networks.append(engine.Network(nid, capacity))
        givers.append(engine.Volunteer(vid, nid, areas[vid], served[vid],
                                       max(0, capacity - elsewhere.get(vid, 0))))
    active = {g.id for g in givers}
    people = []
    for (case_id, person_id, subdistrict, village, volunteer, _v, network, urgent, opened,
         lives_in, province) in cases:
        if village and not village.startswith(subdistrict):
            read.warn("person_moved", "case", case_id, subdistrict=subdistrict,
                      lives_in=lives_in)
            read.versions.pop(case_id)
            continue
        current: Any = volunteer
        if volunteer is None and network in network_carers:
            current = network_carer_id(network)
        if volunteer is not None and volunteer not in active:
            read.warn("carer_inactive", "case", case_id, kept=True, volunteer=volunteer)
            current = None
        person_needs = needs.get(person_id) or {UNSPECIFIED_NEED: 1}
        people.append(engine.Person(
            case_id, subdistrict, person_needs,
            village=village, current_giver=current, urgent=bool(urgent),
            waiting_since=int(opened.timestamp()),
            weight=weight_of(person_needs, rules[province])))
    problem = engine.Problem.from_records(people, givers, networks, must_serve)
    # Anything else the checks refuse is left out by the engine, named.
    problem, left = engine.usable(problem)
    for x in left:
        read.warn("engine_" + x.code, x.record if x.record != "person" else "case",
                  x.record_id, kept=x.kept, field=x.field, en=x.message_en, th=x.message_th)
        if x.record == "person" and not x.kept:
            read.versions.pop(int(x.record_id or 0), None)
    return problem, read


def run_options(data: dict[str, Any] | None, scope_code: str) -> dict[str, list[str]]:
    """A run's options: the areas to rebalance (DOPA codes inside the run's area)
    and the needs that must be served (the province's rules by default)."""
    data = data or {}
    rebalance = [str(c).strip() for c in data.get("rebalance") or [] if str(c).strip()]
    for code in rebalance:
        if not (code.isdigit() and len(code) in (2, 4, 6) and code.startswith(scope_code)):
            raise ValidationError({"rebalance": _(
                "Rebalance only areas inside the run's area, by their 2, 4 or 6-digit code "
                "(not %(code)s).") % {"code": code}})
    must = data.get("must_serve")
    if must is None:
        rules = ProvinceRules.objects.filter(province_code=scope_code).first()
        must = rules.must_serve if rules else []
    return {"rebalance": rebalance, "must_serve": sorted({str(m) for m in must if m})}


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
    options = run.options or {}
    try:
        say("reading", 5)
        problem, read = build_problem(run.scope_code, options.get("must_serve", ()))
        say("solving", 20)
        result = engine.solve(problem, engine.Parameters(**run.params), workers=workers,
                              rebalance=options.get("rebalance", ()),
                              progress=lambda done, total: say(
                                  "solving", 20 + int(60 * done / max(total, 1))))
        say("saving", 85)
        _save(run, result, read)
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
def _save(run: MatchingRun, result: engine.Result, read: Read) -> None:
    versions = read.versions
    assignments = result.assignments()
    unplaced = {u.person: u for u in result.unplaced()}
    rows: list[ProposalRow] = []
    counts: dict[str, int] = defaultdict(int)
    left_cases = {w["id"]: w for w in read.warnings if w["record"] == "case" and not w["kept"]}
    every = [*versions, *left_cases]
    subdistricts = dict(Case.objects.filter(pk__in=every).values_list(
        "pk", "subdistrict_id")) if len(every) < 50_000 else None

    def flush() -> None:
        ProposalRow.objects.bulk_create(rows, batch_size=BATCH)
        rows.clear()

    def carer(giver: Any, network: Any) -> dict[str, Any]:
        if isinstance(giver, str) and giver.startswith("n"):   # a network as the carer
            return {"volunteer_id": None, "network_id": int(giver[1:])}
        return {"volunteer_id": giver, "network_id": network if isinstance(network, int)
                else None}

    for case_id, version in versions.items():
        a = assignments.get(case_id)
        urgent = case_id in read.urgent
        if a is not None:
            kind = RowKind.UNCHANGED if a.kept else (
                RowKind.CHANGED if a.previous is not None else RowKind.NEW)
            previous = carer(a.previous, None)["volunteer_id"] if a.previous is not None \
                else None
            row = ProposalRow(run=run, case_id=case_id, case_version=version, kind=kind,
                              **carer(a.volunteer, a.network), previous_volunteer_id=previous,
                              cost=round(a.cost), distance=a.distance, urgent=urgent)
        else:
            u = unplaced[case_id]
            kind = RowKind.UNPLACED
            previous = carer(u.previous, None)["volunteer_id"] if u.previous is not None \
                else None
            row = ProposalRow(run=run, case_id=case_id, case_version=version, kind=kind,
                              previous_volunteer_id=previous, severity=u.severity,
                              reason=str(u.reason), reason_params=reasons.unplaced_params(u),
                              subdistrict_code=u.subdistrict,
                              urgent=urgent)
        if not row.subdistrict_code:
            row.subdistrict_code = (subdistricts or {}).get(case_id, "")
        counts[kind] += 1
        rows.append(row)
        if len(rows) >= BATCH:
            flush()
    if left_cases:
        current = dict(Case.objects.filter(pk__in=list(left_cases)).values_list("pk", "version"))
        for case_id, w in left_cases.items():
            if case_id not in current:
                continue
            rows.append(ProposalRow(run=run, case_id=case_id, case_version=current[case_id],
                                    kind=RowKind.LEFT_OUT, reason=w["code"][:20],
                                    reason_params=w.get("params", {}),
                                    subdistrict_code=(subdistricts or {}).get(case_id, "")))
            counts[RowKind.LEFT_OUT] += 1
    flush()
    HoleRow.objects.bulk_create((HoleRow(run=run, subdistrict_code=t.subdistrict,
                                         demand=t.demand, capacity=t.capacity, placed=t.placed,
                                         unplaced=t.unplaced) for t in result.subdistricts),
                                batch_size=BATCH)
    MatchingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, finished_at=timezone.now(), figures={
            "cases": len(versions), "placed": result.placed,
            "unplaced": result.unplaced_count, "total_cost": round(result.total_cost),
            "kept": int(result.stats.get("kept_fixed", 0)),
            "kinds": dict(counts),
            "reasons": {str(k): v for k, v in result.reason_counts().items()},
            "holes": len(result.holes()),
            "warnings": read.warnings[:1000], "warning_count": len(read.warnings)})
    run.refresh_from_db()


WARNING_TEXT = {
    # code: (what is wrong, how to fix it); worded when shown, from the code and params.
    "volunteer_no_area": (
        gettext_lazy("Volunteer %(name)s covers no subdistrict or village, so was left out."),
        gettext_lazy("Add the subdistricts or villages they cover on the volunteer's page.")),
    "network_no_area": (
        gettext_lazy("Network %(name)s has no volunteer and covers no area, so cannot care "
                     "for anyone itself."),
        gettext_lazy("Add the subdistricts or villages it covers, or its volunteers.")),
    "person_moved": (
        gettext_lazy("Case %(name)s: the person now lives in subdistrict %(lives_in)s, "
                     "outside the case's subdistrict %(subdistrict)s; left out."),
        gettext_lazy("Transfer the case to the subdistrict where the person lives now, or "
                     "correct their address.")),
    "carer_inactive": (
        gettext_lazy("Case %(name)s: its carer (volunteer %(volunteer)s) is no longer active; "
                     "the run looks for a new carer."),
        gettext_lazy("Accept the proposed carer, or reactivate the volunteer.")),
}


def warning_text(w: dict[str, Any]) -> tuple[str, str]:
    """(what is wrong, how to fix it) in the active language."""
    params = {"name": w.get("id"), **w.get("params", {})}
    if w["code"] in WARNING_TEXT:
        what, fix = WARNING_TEXT[w["code"]]
        return str(what) % params, str(fix)
    from lnob.core.i18n import thai_active

    detail = params.get("th" if thai_active() else "en", "")
    return (_("%(record)s %(name)s was left out: %(detail)s") % {
        "record": w["record"], "name": w.get("id"), "detail": detail},
        _("Correct %(field)s of this record, then run again.") % {
            "field": params.get("field", "")})


def rows_accept(*, actor: User, run: MatchingRun, row_ids: Iterable[int] | None = None,
                request: Any = None, override_reason: str = "") -> dict[str, int]:
    """Accepts new and changed rows (all of them when ``row_ids`` is None):
    each becomes an "assign" step of its case, which also releases the case's
    old carer (a case has one). Moves are applied before new assignments, so
    the places they free can be taken. A row whose carer has no room left for
    the case's weight is refused naming the carer, unless the officer overrides
    with a reason (``override_reason``, kept in each case's history and the
    audit log). A row whose case changed since the run, or that the workflow
    refuses, is marked failed with the reason; the others are applied.

    Rows that wait on each other are applied as a chain, in one transaction:
    when a row's carer is full of people this run moves elsewhere (or, in a
    rebalanced area, leaves without a carer), those people are released first,
    the row is applied, then their own rows (see ``_apply_chain``). Returns
    counts by outcome (``released``: people left without a carer by a chain,
    as the run proposed)."""
    if run.status != RunStatus.DONE:
        raise ValidationError({"run": _("Only a finished run's proposal can be accepted.")})
    rows = run.rows.filter(kind__in=(RowKind.NEW, RowKind.CHANGED), decision="")
    if row_ids is not None:
        rows = rows.filter(pk__in=list(row_ids))
    outcome = {"accepted": 0, "failed": 0}
    note = _("Proposed by matching run %(id)s.") % {"id": run.pk}
    pending = sorted(rows.select_related("case", "volunteer"),
                     key=lambda r: (r.kind != RowKind.CHANGED, r.pk))
    chain = _Chain(actor, run, note, override_reason, {r.pk for r in pending})
    # A row refused only because its carer is full is tried again once the
    # others are applied (a move may free the place it needs), until a pass
    # applies nothing more; then as a chain with the rows it waits on.
    chained = False
    while pending:
        before = len(pending)
        full: list[tuple[ProposalRow, tuple[str, dict[str, Any]]]] = []
        for row in pending:
            if row.pk in chain.done:
                continue
            try:
                with transaction.atomic():
                    if chained:
                        chain.apply(row)
                    else:
                        chain.apply_one(row, row.case_version)
                chain.commit()
            except CaseChanged:
                chain.rollback()
                _decide(row, actor, RowDecision.FAILED, "", code="case_changed")
                outcome["failed"] += 1
            except (ValidationError, PermissionError) as err:
                chain.rollback()
                # A code and its parameters are kept; the words come when shown.
                code, params = reasons.decision_failure(err)
                if code == "over_capacity":
                    full.append((row, (code, params)))
                    continue
                _decide(row, actor, RowDecision.FAILED, "", code=code, params=params)
                outcome["failed"] += 1
        pending = [row for row, _why in full if row.pk not in chain.done]
        if not pending or len(pending) < before:
            continue            # progress: try the rest again
        if not chained:
            chained = True      # nothing moved: try each as a chain
            continue
        for row, (code, params) in full:
            if row.pk not in chain.done:
                _decide(row, actor, RowDecision.FAILED, "", code=code, params=params)
                outcome["failed"] += 1
        break
    outcome["accepted"] += len(chain.done)
    if outcome["accepted"]:
        # The loads just after accepting: the next run's page compares with them.
        MatchingRun.objects.filter(pk=run.pk).update(
            accepted_loads=load_snapshot(run.scope_code), accepted_at=timezone.now())
    if chain.released:
        outcome["released"] = chain.released
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=run,
                 area_code=run.scope_code, detail={
                     "accept": outcome,
                     **({"capacity_override": override_reason} if override_reason else {})})
    return outcome


class _Chain:
    """Applies rows; a row whose carer is full of people this run moves away
    (their own pending row goes elsewhere) or releases (unplaced, in a
    rebalanced area) releases them first, then applies itself, then their rows
    — all in the caller's transaction, so that a chain is applied whole or not
    at all."""

    MAX_DEPTH = 20

    def __init__(self, actor: User, run: MatchingRun, note: str, override: str,
                 accepting: set[int]) -> None:
        self.actor, self.run, self.note, self.override = actor, run, note, override
        self.accepting = accepting
        self.done: set[int] = set()
        self.released = 0
        self._tentative: set[int] = set()
        self._tentative_released = 0

    def commit(self) -> None:
        self.done |= self._tentative
        self.released += self._tentative_released
        self._tentative, self._tentative_released = set(), 0

    def rollback(self) -> None:
        self._tentative, self._tentative_released = set(), 0

    def apply_one(self, row: ProposalRow, version: int) -> None:
        case = Case.objects.select_for_update().get(pk=row.case_id)
        if case.version != version:
            raise CaseChanged
        refuse_over_weight(case, row.volunteer_id, row.network_id, self.override)
        case_step(actor=self.actor, case=case, action="assign", expected_version=case.version,
                  note=self.note, volunteer_id=row.volunteer_id, network_id=row.network_id,
                  capacity_override=self.override)
        _decide(row, self.actor, RowDecision.ACCEPTED, "")
        self._tentative.add(row.pk)

    def apply(self, row: ProposalRow, version: int | None = None, depth: int = 0) -> None:
        version = row.case_version if version is None else version
        released: list[tuple[ProposalRow | None, int]] = []
        tried: set[int] = set()
        while True:
            try:
                with transaction.atomic():
                    self.apply_one(row, version)
                break
            except ValidationError as err:
                if set(err.message_dict) != {"capacity"} or depth >= self.MAX_DEPTH:
                    raise
                blocker = self._blocker(row, tried)
                if blocker is None:
                    raise
                case, own_row = blocker
                tried.add(case.pk)
                case = case_step(actor=self.actor, case=case, action="release",
                                 expected_version=case.version, note=_(
                                     "Released by matching run %(id)s to make room for "
                                     "case %(case)s.") % {"id": self.run.pk,
                                                          "case": row.case_id})
                released.append((own_row, case.version))
        for own_row, new_version in released:
            if own_row is None:
                self._tentative_released += 1
            else:
                self.apply(own_row, new_version, depth + 1)

    def _blocker(self, row: ProposalRow, tried: set[int]
                 ) -> tuple[Case, ProposalRow | None] | None:
        """A case holding a place the row needs — with the row's volunteer, or in
        its network — that this run moves elsewhere (its row is being accepted)
        or leaves without a carer (an area the officer asked to rebalance)."""
        network_id = row.network_id
        if row.volunteer_id is not None and network_id is None:
            network_id = Volunteer.objects.filter(pk=row.volunteer_id).values_list(
                "network_id", flat=True).first()
        places: list[tuple[Q, int | None]] = []
        if row.volunteer_id is not None:
            places.append((Q(volunteer_id=row.volunteer_id), None))
        if network_id is not None:
            places.append((Q(network_id=network_id), network_id))
        open_rows = self.accepting - self.done - self._tentative
        for holds, network in places:
            held = list(Case.objects.filter(holds, status__in=(wf.ASSIGNED, wf.IN_CARE))
                        .exclude(pk__in=[*tried, row.case_id]).values_list("pk", flat=True))
            if not held:
                continue
            moves = {r.case_id: r for r in self.run.rows.filter(
                case_id__in=held, decision="", kind=RowKind.CHANGED, pk__in=open_rows)
                if network is None or r.network_id != network}
            leaves: set[int] = set()
            if self.run.options.get("rebalance"):
                # Held now and unplaced by the run: it was in an area being
                # rebalanced (elsewhere current care is kept, "unchanged").
                leaves = set(self.run.rows.filter(
                    case_id__in=held, kind=RowKind.UNPLACED).values_list("case_id",
                                                                         flat=True))
            for case_id in sorted(moves) + sorted(leaves - set(moves)):
                case = Case.objects.select_for_update().get(pk=case_id)
                own = moves.get(case_id)
                if own is not None and case.version != own.case_version:
                    continue
                return case, own
        return None


def refuse_over_weight(case: Case, volunteer_id: int | None, network_id: int | None,
                       override: str = "") -> None:
    """Refuses (ValidationError on ``capacity``) an assignment that would put the
    volunteer or the network over its capacity counted in caseload weight,
    naming them, unless ``override`` gives a reason. Locks the volunteer's row,
    then the network's (the order ``cases.care.over_capacity`` uses)."""
    if override.strip():
        return
    weight = case_weights([case.pk]).get(case.pk, 1)
    full = []
    vol = Volunteer.objects.select_for_update().filter(pk=volunteer_id).first() \
        if volunteer_id is not None else None
    if vol is not None:
        network_id = network_id or vol.network_id
        if carer_load(volunteer_id=vol.pk, excluding=case.pk) + weight > vol.capacity:
            full.append(str(vol))
    net = Network.objects.select_for_update().filter(pk=network_id).first() \
        if network_id is not None else None
    if net is not None and (net.capacity or vol is None) \
            and _network_load(net.pk, case.pk) + weight > net.capacity:
        full.append(net.name)
    if full:
        # Parameters kept, so a refused row's reason is worded when shown (reasons.py).
        raise ValidationError({"capacity": ValidationError(
            _("Refused: %(names)s have no room left for this case (weight %(weight)s). An "
              "officer can assign anyway with a reason."), code="over_capacity",
            params={"names": ", ".join(full), "weight": weight})})


def _network_load(network_id: int, excluding: int) -> int:
    return carer_load(network_id=network_id, excluding=excluding)


@transaction.atomic(durable=True)
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


def _decide(row: ProposalRow, actor: User, decision: str, note: str, *, code: str = "",
            params: dict[str, Any] | None = None) -> None:
    ProposalRow.objects.filter(pk=row.pk).update(decision=decision, decision_note=note,
                                                 decision_code=code,
                                                 decision_params=params or {},
                                                 decided_by=actor, decided_at=timezone.now())


def runs_visible_to(user: Any) -> Any:
    """Runs of the user's provinces (and national runs for national roles)."""
    from lnob.core.access import area_codes

    codes = area_codes(user, RUNNERS)
    runs = MatchingRun.objects.defer("accepted_loads")   # large for the country
    if "" in codes:
        return runs.all()
    provinces = {c[:2] for c in codes}
    return runs.filter(Q(scope_code__in=provinces))
