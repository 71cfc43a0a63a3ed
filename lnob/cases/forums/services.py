"""Every write to a community forum goes through here: holding it, changing
it, putting reported cases on its agenda and recording its decisions. Each
service checks the actor's role and area, collects every problem of a request
at once, and writes nothing if there is one; the forum, the cases it decides
and the audit log change together or not at all."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.cases import workflow as wf
from lnob.cases.access import cases_visible_to
from lnob.cases.forums.access import ROLES, may_run
from lnob.cases.forums.selectors import agenda_candidates
from lnob.cases.models import AgendaItem, CaseStatus, Forum, ForumAttendance, ForumDecision
from lnob.cases.services import CaseChanged, case_comment, case_step
from lnob.core import audit
from lnob.core.access import grants_of
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.core.signals import areas_changed
from lnob.core.thaidates import format_date
from lnob.geo.models import Subdistrict, Village
from lnob.networks.models import Network, PartnerType

MAX_ATTENDANCE = 100_000
MAX_PLACE = 200
MAX_MINUTES = 20_000
# A forum planned further ahead than this is almost always a mistyped year.
MAX_DAYS_AHEAD = 366

Errors = dict[str, list[str]]


class AgendaCaseChanged(CaseChanged):
    """A case on the agenda changed after the actor read it: reload."""

    default_field = "decisions"

    def __init__(self, case_id: int) -> None:
        super().__init__(None, gettext_lazy(
            "Case %(id)s changed since you read it, so nothing was saved: fetch the forum "
            "again and retry."), id=case_id)
        self.case_id = case_id


@dataclass
class ForumData:
    """What a form or the API gives to hold or change a forum. On a change the
    organiser and the subdistrict stay as they are (the agenda belongs to them)."""

    held_on: datetime.date | None
    place: str = ""
    minutes: str = ""
    attendance: Mapping[str, Any] = field(default_factory=dict)  # partner type → people
    village_code: str = ""
    subdistrict_code: str = ""
    organiser_id: int | None = None


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _date(errors: Errors, held_on: datetime.date | None) -> None:
    if held_on is None:
        _add(errors, "held_on", _("Give the date of the forum."))
    elif held_on > timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD):
        _add(errors, "held_on", _("The date is more than a year ahead: check the year "
                                  "(Buddhist Era, e.g. 2569)."))


def _text(errors: Errors, key: str, value: str, limit: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        _add(errors, key, _("%(label)s: at most %(max)d characters.") % {
            "label": label, "max": limit})
    return value


def _attendance(errors: Errors, attendance: Mapping[str, Any]) -> dict[str, int]:
    """People attending by partner type; zeros are not kept."""
    labels = dict(PartnerType.choices)
    counts: dict[str, int] = {}
    for kind, raw in attendance.items():
        key = f"attendance.{kind}"
        if kind not in labels:
            _add(errors, key, _("Unknown partner type %(type)s.") % {"type": kind})
            continue
        try:
            number = int(raw) if raw not in (None, "") else 0
        except (TypeError, ValueError):
            _add(errors, key, _("Attendance of %(partner)s: enter a whole number.") % {
                "partner": labels[kind]})
            continue
        if number < 0:
            _add(errors, key, _("Attendance of %(partner)s cannot be negative.") % {
                "partner": labels[kind]})
        elif number > MAX_ATTENDANCE:
            _add(errors, key, _("Attendance of %(partner)s: at most %(max)s.") % {
                "partner": labels[kind], "max": f"{MAX_ATTENDANCE:,}"})
        elif number:
            counts[kind] = number
    return counts


def _subdistrict(errors: Errors, actor: User, code: str) -> Subdistrict | None:
    code = (code or "").strip()
    if not code:
        _add(errors, "subdistrict_code", _("Choose the subdistrict where the forum is held."))
        return None
    found = Subdistrict.objects.filter(code=code).select_related("province").first()
    if found is None:
        _add(errors, "subdistrict_code", _("Unknown subdistrict code %(code)s.") % {
            "code": code})
    elif not may_run(actor, found.code):
        _add(errors, "subdistrict_code", _("%(name)s is outside the areas you work in: "
                                           "choose a subdistrict where you work.") % {
            "name": found.name})
        return None
    return found


def _village(errors: Errors, code: str, subdistrict: Subdistrict | None) -> Village | None:
    code = (code or "").strip()
    if not code or subdistrict is None:
        return None
    if not code.startswith(subdistrict.code) or len(code) != 8:
        _add(errors, "village_code", _("%(code)s is not a village code of %(subdistrict)s.") % {
            "code": code, "subdistrict": subdistrict.name})
        return None
    found = Village.objects.filter(code=code).first()
    if found is None:
        _add(errors, "village_code", _("Village no. %(number)s of %(subdistrict)s is not "
                                       "recorded yet: add it on the area's page first.") % {
            "number": code[6:].lstrip("0") or "0", "subdistrict": subdistrict.name})
    return found


def _organiser(errors: Errors, organiser_id: int | None,
               subdistrict: Subdistrict | None) -> Network | None:
    if organiser_id is None:
        _add(errors, "organiser_id", _("Choose the network that organises the forum."))
        return None
    network = Network.objects.filter(pk=organiser_id).first()
    if network is None:
        _add(errors, "organiser_id", _("Unknown network."))
        return None
    if not network.active:
        _add(errors, "organiser_id", _("%(name)s is no longer active: choose an active "
                                       "network.") % {"name": network.name})
    elif subdistrict is not None:
        covers_it = (network.subdistricts.filter(code=subdistrict.code).exists()
                     or network.villages.filter(subdistrict_id=subdistrict.code).exists())
        if network.province_code != subdistrict.province_id:
            _add(errors, "organiser_id", _(
                "%(name)s is a network of another province: choose a network of "
                "%(province)s.") % {"name": network.name, "province": subdistrict.province.name})
        elif not covers_it and not network.is_lead:
            _add(errors, "organiser_id", _(
                "%(name)s does not cover %(subdistrict)s and is not a lead network: choose a "
                "network of the area or a lead network of the province.") % {
                "name": network.name, "subdistrict": subdistrict.name})
    return network


def _locked(forum: Forum) -> Forum:
    """The forum read again with its row locked: one writer at a time (the
    lock is on the forum only; its village may be null, an outer join)."""
    return Forum.objects.select_for_update(of=("self",)).select_related(
        "subdistrict", "village").get(pk=forum.pk)


def _write_attendance(forum: Forum, counts: dict[str, int]) -> None:
    forum.attendance.all().delete()
    ForumAttendance.objects.bulk_create(
        ForumAttendance(forum=forum, partner_type=kind, count=n) for kind, n in counts.items())


@transaction.atomic
def forum_create(*, actor: User, data: ForumData, request: HttpRequest | None = None) -> Forum:
    """Records a forum held (or planned) in a subdistrict where the actor works,
    organised by an active network of the province that covers the subdistrict
    or leads in the province."""
    if not grants_of(actor, ROLES):
        raise NotAllowed("not_forum_role", _("Your role cannot hold a forum here."))
    errors: Errors = {}
    subdistrict = _subdistrict(errors, actor, data.subdistrict_code)
    village = _village(errors, data.village_code, subdistrict)
    organiser = _organiser(errors, data.organiser_id, subdistrict)
    _date(errors, data.held_on)
    place = _text(errors, "place", data.place, MAX_PLACE, _("Place"))
    minutes = _text(errors, "minutes", data.minutes, MAX_MINUTES, _("Minutes"))
    counts = _attendance(errors, data.attendance)
    if errors or subdistrict is None or organiser is None or data.held_on is None:
        raise ValidationError(errors)  # each missing piece came with its message
    forum = Forum(organiser=organiser, subdistrict=subdistrict, village=village,
                  province_code=subdistrict.province_id, district_code=subdistrict.district_id,
                  held_on=data.held_on, place=place, minutes=minutes, created_by=actor)
    forum.full_clean()
    forum.save()
    _write_attendance(forum, counts)
    # The subdistrict's forum count and dates (ก.2) follow on commit.
    areas_changed.send(sender=Forum, codes={forum.subdistrict_id})
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=forum,
                 area_code=forum.area_code,
                 detail={"organiser": organiser.pk, "held_on": data.held_on.isoformat(),
                         "attendance": counts})
    return forum


@transaction.atomic
def forum_update(*, actor: User, forum: Forum, data: ForumData,
                 request: HttpRequest | None = None) -> Forum:
    """Changes the date, place, village, minutes and attendance. The date stays
    once the forum has decided a case: the cases' history names it."""
    forum = _locked(forum)
    if not may_run(actor, forum.area_code):
        raise NotAllowed("not_forum_role", _("Your role cannot change this forum."))
    errors: Errors = {}
    _date(errors, data.held_on)
    if (data.held_on is not None and data.held_on != forum.held_on
            and forum.agenda.exclude(decision="").exists()):
        _add(errors, "held_on", _("This forum has already decided cases, and their history "
                                  "gives its date: the date can no longer change."))
    village = _village(errors, data.village_code, forum.subdistrict)
    place = _text(errors, "place", data.place, MAX_PLACE, _("Place"))
    minutes = _text(errors, "minutes", data.minutes, MAX_MINUTES, _("Minutes"))
    counts = _attendance(errors, data.attendance)
    if errors or data.held_on is None:
        raise ValidationError(errors)
    before = {"held_on": forum.held_on, "place": forum.place, "minutes": forum.minutes,
              "village": forum.village_id}
    forum.held_on, forum.place, forum.minutes, forum.village = (
        data.held_on, place, minutes, village)
    forum.full_clean()
    forum.save(update_fields=["held_on", "place", "minutes", "village"])
    _write_attendance(forum, counts)
    if before["held_on"] != forum.held_on:
        areas_changed.send(sender=Forum, codes={forum.subdistrict_id})
    after = {"held_on": forum.held_on, "place": forum.place, "minutes": forum.minutes,
             "village": forum.village_id}
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=forum,
                 area_code=forum.area_code,
                 detail={"changed": sorted(k for k in after if before[k] != after[k]),
                         "attendance": counts})
    return forum


@transaction.atomic
def agenda_add(*, actor: User, forum: Forum, case_ids: Iterable[int],
               request: HttpRequest | None = None) -> list[AgendaItem]:
    """Puts reported cases of the forum's subdistrict on its agenda. A case
    already on it is left as it is; any case that may not come (unknown,
    outside the subdistrict, not reported) refuses the whole request."""
    forum = _locked(forum)
    if not may_run(actor, forum.area_code):
        raise NotAllowed("not_forum_role", _("Your role cannot change this forum."))
    ids = list(dict.fromkeys(case_ids))
    if not ids:
        raise ValidationError({"case_ids": [_("Choose at least one case to put on the "
                                              "agenda.")]})
    found = {c.pk: c for c in cases_visible_to(actor).filter(pk__in=ids).select_related(
        "person", "subdistrict")}
    messages = []
    for case_id in ids:
        case = found.get(case_id)
        if case is None:
            messages.append(_("There is no case %(id)s in your areas.") % {"id": case_id})
        elif case.subdistrict_id != forum.subdistrict_id:
            messages.append(_(
                "Case %(id)s (%(name)s) is in %(area)s, outside the forum's subdistrict "
                "%(forum_area)s: only cases of %(forum_area)s come to this forum.") % {
                "id": case_id, "name": case.person.full_name, "area": case.subdistrict.name,
                "forum_area": forum.subdistrict.name})
        elif case.status != wf.REPORTED:
            messages.append(_(
                "Case %(id)s (%(name)s) is %(status)s: only reported cases come to a "
                "forum.") % {"id": case_id, "name": case.person.full_name,
                             "status": CaseStatus(case.status).label})
    if messages:
        raise ValidationError({"case_ids": messages})
    already = set(forum.agenda.values_list("case_id", flat=True))
    added = AgendaItem.objects.bulk_create(
        AgendaItem(forum=forum, case_id=case_id) for case_id in ids if case_id not in already)
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=forum,
                 area_code=forum.area_code,
                 detail={"agenda_added": [item.case_id for item in added]})
    return added


@transaction.atomic
def agenda_fill(*, actor: User, forum: Forum,
                request: HttpRequest | None = None) -> list[AgendaItem]:
    """Puts every reported case of the forum's area (its village, if it has
    one; else its subdistrict) not yet on the agenda on it."""
    ids = list(agenda_candidates(forum, village_only=True).values_list("pk", flat=True))
    if not ids:
        area = forum.village.name if forum.village else forum.subdistrict.name
        raise ValidationError({"case_ids": [_("No reported case of %(area)s is waiting for "
                                              "this agenda.") % {"area": area}]})
    return agenda_add(actor=actor, forum=forum, case_ids=ids, request=request)


def forum_label(forum: Forum) -> str:
    """How a case's history names the forum that decided it."""
    area = forum.subdistrict.name
    if forum.village is not None:
        area = f"{forum.village.name} {area}"
    return _("community forum no. %(id)s, %(area)s, %(date)s") % {
        "id": forum.pk, "area": area,
        "date": format_date(forum.held_on, translation.get_language() or "th")}


def _decision_errors(forum: Forum, chosen: dict[int, str], items: dict[int, AgendaItem],
                     versions: Mapping[int, int]) -> list[str]:
    messages = []
    if not chosen:
        messages.append(_("Choose a decision for at least one case."))
    if forum.held_on > timezone.localdate():
        messages.append(_("The forum is dated %(date)s: its decisions can be recorded from "
                          "that day on.") % {
            "date": format_date(forum.held_on, translation.get_language() or "th")})
    for case_id, decision in chosen.items():
        item = items.get(case_id)
        if item is None:
            messages.append(_("Case %(id)s is not on this forum's agenda: put it on the "
                              "agenda first.") % {"id": case_id})
            continue
        case, name = item.case, item.case.person.full_name
        if case_id in versions and versions[case_id] != case.version:
            raise AgendaCaseChanged(case_id)
        if decision not in ForumDecision.values:
            messages.append(_("Case %(id)s (%(name)s): choose verified, not a target, or "
                              "needs more information.") % {"id": case_id, "name": name})
        elif item.decision:
            messages.append(_("Case %(id)s (%(name)s) was already decided at this forum: "
                              "%(decision)s.") % {"id": case_id, "name": name,
                                                  "decision": item.get_decision_display()})
        elif case.subdistrict_id != forum.subdistrict_id:
            messages.append(_("Case %(id)s (%(name)s) is no longer in the forum's "
                              "subdistrict.") % {"id": case_id, "name": name})
        elif case.status != wf.REPORTED:
            messages.append(_("Case %(id)s (%(name)s) is %(status)s now: only a reported "
                              "case can be decided.") % {
                "id": case_id, "name": name, "status": CaseStatus(case.status).label})
    return messages


@transaction.atomic
def forum_decide(*, actor: User, forum: Forum, decisions: Mapping[int, str],
                 versions: Mapping[int, int] | None = None, minutes: str | None = None,
                 request: HttpRequest | None = None) -> Forum:
    """Records the forum's decision on cases of its agenda, all in one
    transaction: verified → the case's verify step; not a target → its reject
    step, naming the forum; more information needed → a note in its history
    (it stays reported for a later forum). ``versions`` are the case versions
    the actor read: an older one raises AgendaCaseChanged and nothing changes.
    An empty decision leaves that case undecided."""
    forum = _locked(forum)
    if not may_run(actor, forum.area_code):
        raise NotAllowed("not_forum_role", _("Your role cannot change this forum."))
    versions = versions or {}
    chosen = {case_id: decision for case_id, decision in decisions.items() if decision}
    # The forum's row lock keeps two decisions on one forum apart.
    items = {item.case_id: item for item in forum.agenda.select_related("case", "case__person")}
    errors: Errors = {}
    for message in _decision_errors(forum, chosen, items, versions):
        _add(errors, "decisions", message)
    if minutes is not None:
        minutes = _text(errors, "minutes", minutes, MAX_MINUTES, _("Minutes"))
    _raise_if(errors)
    label, now = forum_label(forum), timezone.now()
    for case_id, decision in chosen.items():
        item = items[case_id]
        _apply(actor, item, decision, versions.get(case_id, item.case.version), label, forum)
        item.decision, item.decided_by, item.decided_at = decision, actor, now
        item.save(update_fields=["decision", "decided_by", "decided_at"])
    if minutes is not None and minutes != forum.minutes:
        forum.minutes = minutes
        forum.save(update_fields=["minutes"])
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=forum,
                 area_code=forum.area_code,
                 detail={"decisions": {str(k): v for k, v in chosen.items()},
                         "minutes_changed": minutes is not None})
    return forum


def _apply(actor: User, item: AgendaItem, decision: str, version: int, label: str,
           forum: Forum) -> None:
    case = item.case
    try:
        if decision == ForumDecision.VERIFIED:
            case_step(actor=actor, case=case, action="verify", expected_version=version,
                      note=_("Verified at the %(forum)s.") % {"forum": label})
        elif decision == ForumDecision.NOT_TARGET:
            case_step(actor=actor, case=case, action="reject", expected_version=version,
                      note=_("Not a target of care, decided at the %(forum)s.") % {
                          "forum": label})
        else:
            case_comment(actor=actor, case=case, action="forum_more_info",
                         expected_version=version, forum=forum.pk,
                         note=_("The %(forum)s needs more information before deciding.")
                         % {"forum": label})
    except CaseChanged as changed:
        raise AgendaCaseChanged(case.pk) from changed
    except ValidationError as refused:
        # A step the workflow refuses here (the role, say): name the case.
        raise ValidationError({"decisions": [
            _("Case %(id)s: %(message)s") % {"id": case.pk, "message": m}
            for m in refused.messages]}) from refused
