"""Synthetic case histories: for every generated person, the case their status
says they reached, with each step on the way — as the case services would
have recorded it.

Pure planning, like :mod:`lnob.demo.generator`: :func:`plan_casework` wraps a
province plan's household stream and yields one :class:`SubdistrictWork` per
subdistrict — its households, one :class:`CaseRow` per person (in the order
of the members) and the community forums that decided them. Nothing here
touches the database; :mod:`lnob.demo.writer` gives the rows their ids.

A case follows the workflow (``lnob.cases.workflow``):

* **open** when the person was reported, routed to the lead networks of the
  subdistrict, or flagged as a hole where no network covers it;
* **verify** at the first community forum of the subdistrict after the
  report (the agenda item says "verified"), or by the provincial office for
  urgent cases, holes, and when no forum came in time; **reject** ("not a
  target") and **mark_duplicate** likewise; a reported case may have been
  sent back for more information by a forum, and may be on the agenda of the
  next one, still undecided — waiting for a forum;
* **assign** to a volunteer covering the subdistrict with room (their network
  comes with them), else a network covering it with room, else the least full
  one (over capacity, with the note the service asks for);
* **visit**: the first visit starts care (sometimes a **start_care** step
  comes first); each visit sets the next one, the last sets the case's
  next visit due — a share of them past (overdue);
* **close** with a reason after the last visit.

Each step is at least a few minutes after the one before and before the
start of ``today``. The case's version counts its events, as the services
bump it. A demo volunteer account (:class:`~lnob.demo.generator.VolunteerAccount`)
gets a few cases of its subdistrict — one visit overdue — and that
subdistrict has a case in every inbox section (new, waiting for a forum,
verified without a carer, overdue).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

from lnob.core.thainames import name_pools
from lnob.demo.generator import (
    TZ,
    HouseholdRow,
    NetworkRow,
    PersonRow,
    ProvincePlan,
    SubdistrictInfo,
    _area_words,
    _phone,
    _place_name,
    _rng,
    age_on,
)

__all__ = ["ACTOR", "AgendaRow", "CaseRow", "EventRow", "ForumRow", "SubdistrictWork",
           "VisitRow", "plan_casework", "reference_for"]

ACTOR = "demo"  # the actor_label of every generated event
CARING = ("assigned", "in_care")  # a carer's load, as lnob.cases.care counts it
OVERDUE_SHARE = 0.18  # of the cases in care, the next visit is past
MAX_VISITS = 3  # stretched over the time in care: a few rows a case, not dozens


# --------------------------------------------------------------------------- rows


@dataclass(slots=True)
class VisitRow:
    visited_on: date
    by_volunteer: bool  # logged by the case's volunteer (else by the network)
    done: str
    next_visit_on: date | None
    needs: list[tuple[str, str]]  # (need code, change)
    created_at: datetime
    pk: int = 0  # given by the writer


@dataclass(slots=True)
class EventRow:
    at: datetime
    action: str
    from_status: str
    to_status: str
    note: str = ""
    # What the detail names; the writer turns them into ids.
    forum: ForumRow | None = None  # named in the note as "{forum}"
    visit: VisitRow | None = None
    reason: str = ""
    carer: bool = False  # the assign step: the case's network and volunteer
    over_capacity: tuple[str, ...] = ()
    duplicate_of: CaseRow | None = None


@dataclass(slots=True)
class CaseRow:
    subdistrict: str
    reference: str
    status: str
    source: str
    summary: str
    urgent: bool
    urgent_reasons: list[str]
    reporter_name: str
    reporter_phone: str
    routed: list[int]  # network keys
    coverage_hole: bool
    opened_at: datetime
    opened_by: int | None
    network_key: int | None = None
    volunteer_key: int | None = None  # index in the capacity plan's volunteers
    next_visit_due: date | None = None
    close_reason: str = ""
    closed_at: datetime | None = None
    duplicate_of: CaseRow | None = None
    events: list[EventRow] = field(default_factory=list)
    visits: list[VisitRow] = field(default_factory=list)
    pk: int = 0  # given by the writer

    @property
    def version(self) -> int:
        """Opening makes version 1; every later event bumped it."""
        return len(self.events)


@dataclass(slots=True)
class AgendaRow:
    case: CaseRow
    decision: str  # "" while undecided
    decided_at: datetime | None


@dataclass(slots=True)
class ForumRow:
    organiser_key: int
    subdistrict: str
    village: str | None
    held_on: date
    place: str
    area_label: str  # "บ้าน… ตำบล…": how notes name the forum, with its number and date
    attendance: list[tuple[str, int]]  # (partner type, people)
    created_at: datetime
    minutes: str = ""
    agenda: list[AgendaRow] = field(default_factory=list)
    pk: int = 0  # given by the writer


@dataclass
class SubdistrictWork:
    households: list[HouseholdRow]
    cases: list[CaseRow]  # one per member, in the order of the households' members
    forums: list[ForumRow]


# --------------------------------------------------------------------- references

_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # lnob.cases.models.new_reference's
_HALF = len(_ALPHABET) ** 5
_THREE = [a + b + c for a in _ALPHABET for b in _ALPHABET for c in _ALPHABET]
_TWO = [a + b for a in _ALPHABET for b in _ALPHABET]


def _round_keys(seed: int) -> tuple[int, ...]:
    rng = random.Random(f"lnob-demo:{seed}:references")  # noqa: S311 — synthetic data
    return tuple(rng.randrange(1, _HALF) for _ in range(3))


def reference_for(keys: Sequence[int], province: str, serial: int) -> str:
    """The reference number of a generated case ("7KQ4M-X9TZP", as
    ``new_reference`` makes them): a keyed Feistel permutation of
    (province, serial), so that under one seed no two generated cases in the
    country share one, without keeping a set of those already given."""
    hi, lo = divmod(int(province) * 100_000_000 + serial, _HALF)
    for key in keys:
        mixed = ((lo ^ key) * 0x9E3779B1 + key) % 0xFFFFFFFB
        hi, lo = lo, (hi + mixed) % _HALF
    return (f"{_THREE[hi // 961]}{_TWO[hi % 961]}-"
            f"{_THREE[lo // 961]}{_TWO[lo % 961]}")


# ------------------------------------------------------------------------- texts

# What is wrong, by need (the report's summary) and what a visit did about it.
_NEED_SUMMARY = {
    "health": "มีปัญหาสุขภาพ ต้องรักษาต่อเนื่อง",
    "daily_care": "ต้องการผู้ช่วยดูแลในชีวิตประจำวัน",
    "housing": "บ้านทรุดโทรม ไม่ปลอดภัย",
    "income": "ไม่มีรายได้พอเลี้ยงชีพ",
    "education": "เสี่ยงหลุดออกจากระบบการศึกษา",
    "legal_status": "ไม่มีสถานะทางทะเบียน",
    "disability_aids": "ต้องการกายอุปกรณ์",
    "mental_health": "มีภาวะเครียด ซึมเศร้า",
    "protection": "เสี่ยงถูกทำร้าย ต้องการการคุ้มครอง",
}
_NEED_DONE = {
    "health": ("พาไปพบแพทย์ที่ รพ.สต.", "ติดตามการกินยาและวัดความดัน"),
    "daily_care": ("ช่วยทำความสะอาดบ้านและจัดยา", "ประสานผู้ดูแลในชุมชน (CG)"),
    "housing": ("สำรวจสภาพบ้านเพื่อซ่อมแซม", "ซ่อมหลังคาร่วมกับท้องถิ่น"),
    "income": ("ประสานเบี้ยยังชีพและมอบถุงยังชีพ", "ชวนเข้ากลุ่มอาชีพในหมู่บ้าน"),
    "education": ("ประสานทุนการศึกษา", "ติดตามการไปโรงเรียน"),
    "legal_status": ("พาไปยื่นคำร้องที่ที่ว่าการอำเภอ", "ติดตามการพิสูจน์สถานะ"),
    "disability_aids": ("ประสานขอรถเข็นและไม้เท้า", "พาไปทำบัตรคนพิการ"),
    "mental_health": ("พูดคุยให้กำลังใจ", "ประสานทีมสุขภาพจิตของโรงพยาบาล"),
    "protection": ("ประสานศูนย์ช่วยเหลือสังคม", "ติดตามความปลอดภัยกับผู้นำชุมชน"),
}
_CLOSE_REASONS = ("self_reliant", "moved_away", "died", "refused_help", "transferred")
_CLOSE_CUM = (45, 60, 80, 90, 100)
_CLOSE_NOTES = {
    "self_reliant": "ช่วยเหลือตนเองได้แล้ว ครอบครัวดูแลต่อ",
    "moved_away": "ย้ายไปอยู่กับบุตรหลานนอกพื้นที่",
    "died": "เสียชีวิต",
    "refused_help": "ไม่ประสงค์รับความช่วยเหลืออีก",
    "transferred": "ส่งต่อหน่วยงานที่ดูแลเฉพาะด้าน",
}
_INTERVALS = (14, 30, 30, 30, 45, 60)  # days between visits
_AFTERNOON = time(15)  # when forums decide
# Who comes to a forum, by partner type: (odds, fewest, most).
_ATTENDANCE = (("community", 1.0, 15, 80), ("local_government", 0.9, 2, 8),
               ("volunteer_group", 0.8, 3, 20), ("health", 0.7, 1, 5),
               ("provincial_agency", 0.5, 1, 3), ("religious", 0.4, 1, 4),
               ("school", 0.3, 1, 5), ("savings_group", 0.3, 1, 6),
               ("civil_society", 0.2, 1, 4), ("business", 0.1, 1, 3))


_DONE = {need: tuple(f"เยี่ยมบ้าน {text}" for text in texts) for need, texts in _NEED_DONE.items()}


@lru_cache(maxsize=4096)
def _summary(who: str, top: tuple[str, ...]) -> str:
    """What is wrong: who the person is and their two most severe needs."""
    return f"{who} {' และ'.join(_NEED_SUMMARY[n] for n in top)}".strip()


def _who(needs: Sequence[str], age: int, alone: bool) -> str:
    if age >= 60:
        return "ผู้สูงอายุอยู่ลำพัง" if alone else "ผู้สูงอายุ"
    if age < 18:
        return "เด็ก"
    return "คนพิการ" if "disability_aids" in needs else ""


# ------------------------------------------------------------------------ planning


class _Planner:
    def __init__(self, plan: ProvincePlan, *, seed: int, today: date) -> None:
        self.rng = _rng(seed, plan.geo.code, "cases")
        self.plan = plan
        self.today = today
        self.end = datetime.combine(today, time.min, tzinfo=TZ)
        self.keys = _round_keys(seed)
        self.serial = 0
        cap = plan.capacity
        self.holes = set(cap.holes)
        self.networks: list[NetworkRow] = cap.networks
        self.by_sd = cap.networks_by_subdistrict
        self.leads = [n.key for n in cap.networks if n.is_lead]
        self.net_left = {n.key: n.capacity for n in cap.networks}
        self.vol_left = [v.capacity for v in cap.volunteers]
        self.vol_needs = [set(v.needs) for v in cap.volunteers]
        self.volunteers = cap.volunteers
        self.vols_by_sd: dict[str, list[int]] = {}
        self.accounts: dict[str, int] = {}  # subdistrict → the account volunteer's index
        for i, v in enumerate(cap.volunteers):
            if v.user is not None:
                self.accounts.setdefault(v.subdistricts[0], i)
            elif v.active:
                for code in v.subdistricts:
                    self.vols_by_sd.setdefault(code, []).append(i)
        self.sd_info: dict[str, SubdistrictInfo] = {s.code: s for s in plan.geo.subdistricts}
        self.sd_words, _districts = _area_words(plan.geo)
        self.pools = name_pools()
        # Per subdistrict, while it is planned:
        self.sd = ""
        self.routed: list[int] = []
        self.past: list[date] = []
        self.upcoming: date | None = None
        self.forums: dict[date, ForumRow] = {}
        self.done: list[CaseRow] = []

    # -- the stream

    def chunks(self) -> Iterator[SubdistrictWork]:
        for sd, group in groupby(self.plan.households, key=lambda h: h.subdistrict):
            yield self.subdistrict(sd, list(group))

    def subdistrict(self, sd: str, households: list[HouseholdRow]) -> SubdistrictWork:
        members = [(h, m) for h in households for m in h.members]
        showcase = self.showcase(sd, members)
        self.sd, self.forums, self.done = sd, {}, []
        # The same lead networks for every case of the subdistrict; none in a hole.
        self.routed = [k for k in self.by_sd.get(sd, ()) if self.networks[k].is_lead]
        self.schedule(sd, len(members), force_upcoming="forum" in showcase.values())
        for h in households:
            home: list[CaseRow] = []
            for person in h.members:
                case = self.case(h, person, showcase.get(id(person), ""), home)
                person.updated_at = case.events[-1].at
                home.append(case)
                self.done.append(case)
        forums = sorted(self.forums.values(), key=lambda f: f.held_on)
        for forum in forums:
            if forum.held_on < self.today:
                decided = [a.decision for a in forum.agenda]
                forum.minutes = (
                    f"พิจารณารายชื่อผู้ได้รับแจ้ง {len(decided)} ราย: รับรอง "
                    f"{decided.count('verified')} ราย, ไม่ใช่กลุ่มเป้าหมาย "
                    f"{decided.count('not_target')} ราย, ขอข้อมูลเพิ่ม "
                    f"{decided.count('more_info')} ราย")
        return SubdistrictWork(households, self.done, forums)

    def showcase(self, sd: str, members: list[tuple[HouseholdRow, PersonRow]]) -> dict[int, str]:
        """In an account's subdistrict, the first persons old enough take one
        status each, so that every inbox section and the account have cases."""
        if sd not in self.accounts:
            return {}
        wanted = [("in_care", "overdue"), ("assigned", "account"), ("in_care", "account"),
                  ("reported", "forum"), ("reported", "new"), ("verified", "unassigned")]
        old = self.end - timedelta(days=60)
        helps = set(self.volunteers[self.accounts[sd]].needs)
        flags: dict[int, str] = {}
        for status, flag in wanted:
            care = status in CARING
            # Cases in care: people the account helps with, if there are.
            fits = [p for _h, p in members if id(p) not in flags and (
                not care or p.created_at < old)]
            fits = [p for p in fits if not care or helps & {n for n, _s in p.needs}] or fits
            if fits:
                fits[0].status = status
                flags[id(fits[0])] = flag
        return flags

    def schedule(self, sd: str, persons: int, *, force_upcoming: bool) -> None:
        """The subdistrict's forum days: every one to six months over the past
        year, more often where more people wait; often one coming soon."""
        rng = self.rng
        self.past, self.upcoming = [], None
        if sd in self.holes:
            return
        per_year = min(8, max(2, round(persons * 0.15)))
        gap = 365 / per_year
        day = self.today - timedelta(days=365 - rng.randrange(int(gap)))
        while day < self.today:
            self.past.append(day)
            day += timedelta(days=max(7, round(gap * rng.uniform(0.8, 1.2))))
        if force_upcoming or rng.random() < 0.75:
            self.upcoming = self.today + timedelta(days=rng.randint(3, 28))

    # -- one case

    def case(self, h: HouseholdRow, p: PersonRow, flag: str, home: list[CaseRow]) -> CaseRow:
        rng, sd = self.rng, self.sd
        self.serial += 1
        hole = sd in self.holes
        age = age_on(p.birth_date, p.birth_year_only, self.today) if p.birth_date else 40
        alone = len(h.members) == 1
        reasons = self.urgency(p, age, alone)
        needs = [n for n, _s in sorted(p.needs, key=itemgetter(1), reverse=True)]
        reporter, phone = "", ""
        if p.source in ("hotline", "public") and rng.random() < 0.6:
            family = rng.choice(self.pools.family)
            reporter = f"{rng.choice(self.pools.female)} {family}"
            phone = _phone(rng) if p.source == "hotline" or rng.random() < 0.5 else ""
        case = CaseRow(
            subdistrict=sd, reference=reference_for(self.keys, self.plan.geo.code, self.serial),
            status=p.status, source=p.source,
            summary=_summary(_who(needs, age, alone), tuple(needs[:2])),
            urgent=bool(reasons), urgent_reasons=reasons, reporter_name=reporter,
            reporter_phone=phone, routed=self.routed, coverage_hole=hole,
            opened_at=p.created_at, opened_by=p.entered_by)
        case.events.append(EventRow(p.created_at, "open", "", "reported"))
        status = p.status
        if status == "reported":
            self.waiting(case, flag)
        elif status == "rejected":
            self.reject(case)
        elif status == "duplicate":
            self.duplicate(case, home)
        else:
            deadline = {"verified": 0, "assigned": 3}.get(status, 21)
            self.verify(case, deadline)
            if status != "verified":
                account = self.accounts.get(sd) if flag in ("overdue", "account") else None
                self.assign(case, p, account)
                if status in ("in_care", "closed"):
                    self.care(case, needs, closing=status == "closed", overdue=(
                        flag == "overdue" or (not flag and rng.random() < OVERDUE_SHARE)))
        return case

    def urgency(self, p: PersonRow, age: int, alone: bool) -> list[str]:
        """~5 %: violence, a child at risk, alone and bedridden, other danger."""
        needs = dict(p.needs)
        protection = "protection" in needs
        bedridden = alone and age >= 60 and needs.get("daily_care", 0) >= 3
        odds = (0.003, 0.01, 0.04, 0.085)[p.severity - 1] * (4 if protection or bedridden else 1)
        if self.rng.random() >= odds:
            return []
        reasons = []
        if protection:
            reasons.append("child_at_risk" if age < 18 else "violence")
        elif age < 18 and "abandoned" in p.groups:
            reasons.append("child_at_risk")
        if bedridden:
            reasons.append("alone_bedridden")
        return sorted(reasons) or ["other"]

    # -- time

    def after(self, t: datetime, mean_days: float) -> datetime:
        """A moment some days after ``t`` (on average ``mean_days``), at least a
        few minutes later, and before the start of today — keeping room for the
        steps that follow."""
        by = self.end
        room = (by - t).total_seconds()
        gap = min(self.rng.expovariate(1 / mean_days) * 86400, room / 2)
        moment = t + timedelta(seconds=max(gap, min(300.0, room / 3)))
        if 8 <= moment.hour < 19:
            return moment
        # People work by day: the next morning instead, if there is room.
        day = moment.date() + timedelta(days=1 if moment.hour >= 19 else 0)
        morning = datetime.combine(day, time(8), tzinfo=TZ) + timedelta(
            minutes=self.rng.randrange(180))
        return morning if t < morning < by else moment

    def at_day(self, day: date, after: datetime) -> datetime:
        """During the day's working hours, but after ``after``."""
        t = datetime.combine(day, time(9), tzinfo=TZ) + timedelta(
            seconds=int(self.rng.random() * 8 * 3600))
        return t if t > after else after + timedelta(minutes=5 + int(self.rng.random() * 85))

    def forum_after(self, t: datetime, deadline_days: int) -> date | None:
        """The first forum after the day of ``t``, if it was held
        ``deadline_days`` before today or earlier (room for the next steps)."""
        past = self.past
        i = bisect_right(past, t.date())
        if i < len(past) and past[i] < self.today - timedelta(days=deadline_days):
            return past[i]
        return None

    # -- steps

    @staticmethod
    def step(case: CaseRow, event: EventRow) -> datetime:
        """Appends the event, from the status the case had."""
        event.from_status = case.events[-1].to_status
        case.events.append(event)
        return event.at

    def forum(self, day: date) -> ForumRow:
        found = self.forums.get(day)
        if found is not None:
            return found
        rng, sd = self.rng, self.sd
        local = self.by_sd[sd]
        leads = [k for k in local if self.networks[k].is_lead]
        members = [k for k in local if not self.networks[k].is_lead]
        organiser = rng.choice(members) if members and rng.random() < 0.5 else (leads or local)[0]
        info = self.sd_info[sd]
        village = rng.choice(info.villages) if info.villages and rng.random() < 0.4 else None
        words = self.sd_words[sd]
        place = rng.choice((
            f"ศาลาประชาคมหมู่ที่ {int(village[0][6:]) if village else 1}",
            f"ศาลาการเปรียญวัด{_place_name(rng)}", f"ห้องประชุมที่ทำการ{words}",
            f"โรงเรียนบ้าน{_place_name(rng)}"))
        attendance = [(kind, rng.randint(low, high)) for kind, odds, low, high in _ATTENDANCE
                      if rng.random() < odds]
        ahead = rng.randint(3, 14)
        created = (datetime.combine(day - timedelta(days=ahead), time(10), tzinfo=TZ)
                   if day < self.today else self.end - timedelta(days=rng.randint(1, 3)))
        forum = ForumRow(
            organiser_key=organiser, subdistrict=sd, village=village[0] if village else None,
            held_on=day, place=place, attendance=attendance, created_at=created,
            area_label=f"{village[1]} {words}" if village else words)
        self.forums[day] = forum
        return forum

    def decide(self, case: CaseRow, day: date, decision: str) -> tuple[datetime, ForumRow]:
        """The forum of ``day`` (after the case's last step) decides the case
        in the afternoon."""
        forum = self.forum(day)
        at = datetime.combine(day, _AFTERNOON, tzinfo=TZ) + timedelta(
            seconds=int(self.rng.random() * 7200))
        forum.agenda.append(AgendaRow(case, decision, at))
        return at, forum

    def waiting(self, case: CaseRow, flag: str) -> None:
        """Reported: perhaps sent back by a forum for more information, perhaps on
        the agenda of the coming one."""
        rng = self.rng
        day = self.forum_after(case.opened_at, 0)
        if day is not None and flag != "new" and rng.random() < 0.4:
            at, forum = self.decide(case, day, "more_info")
            self.step(case, EventRow(at, "forum_more_info", "", "reported", forum=forum,
                                     note="{forum} ขอข้อมูลเพิ่มเติมก่อนพิจารณา"))
        if self.upcoming is not None and flag != "new" and (
                flag == "forum" or rng.random() < 0.7):
            self.forum(self.upcoming).agenda.append(AgendaRow(case, "", None))

    def reject(self, case: CaseRow) -> None:
        day = None if case.urgent else self.forum_after(case.opened_at, 0)
        if day is not None:
            at, forum = self.decide(case, day, "not_target")
            self.step(case, EventRow(at, "reject", "", "rejected", forum=forum,
                                     note="ไม่อยู่ในกลุ่มเป้าหมาย ตามมติ{forum}"))
        else:
            self.step(case, EventRow(self.after(case.opened_at, 10), "reject", "", "rejected",
                                     note="ลงพื้นที่ตรวจสอบแล้ว ไม่อยู่ในกลุ่มเป้าหมาย"))

    def duplicate(self, case: CaseRow, home: list[CaseRow]) -> None:
        """The same need reported again: of a case of the household, else of
        the subdistrict, that is kept."""
        kept = [c for c in home if c.status != "duplicate"] or [
            c for c in self.done if c.status != "duplicate"]
        target = kept[-1] if kept else None
        if self.rng.random() < 0.1 and not case.urgent:
            self.verify(case, 1)
        note = f"ซ้ำกับกรณีเลขที่ {target.reference}" if target else "ซ้ำกับกรณีที่แจ้งไว้แล้ว"
        case.duplicate_of = target
        self.step(case, EventRow(self.after(case.events[-1].at, 7), "mark_duplicate", "",
                                 "duplicate", duplicate_of=target, note=note))

    def verify(self, case: CaseRow, deadline: int) -> None:
        rng = self.rng
        by_office = case.urgent or case.coverage_hole or (
            case.source in ("officer", "hotline") and rng.random() < 0.3)
        day = None if by_office else self.forum_after(case.opened_at, deadline)
        if day is not None:
            at, forum = self.decide(case, day, "verified")
            self.step(case, EventRow(at, "verify", "", "verified", forum=forum,
                                     note="รับรองใน{forum}"))
        else:
            at = self.after(case.opened_at, 0.5 if case.urgent else 6)
            self.step(case, EventRow(at, "verify", "", "verified",
                                     note="เจ้าหน้าที่ลงพื้นที่ตรวจสอบแล้ว เป็นกลุ่มเป้าหมาย"))

    def assign(self, case: CaseRow, p: PersonRow, account: int | None) -> None:
        keeps = case.status in CARING  # a closed case gave its place back
        over: tuple[str, ...] = ()
        volunteer = account if account is not None else self.volunteer_for(p)
        if volunteer is not None:
            network = self.volunteers[volunteer].network_key
            if keeps:
                self.vol_left[volunteer] -= 1
        else:
            network, over = self.network_for()
        if network is not None and keeps:
            self.net_left[network] -= 1
        case.network_key, case.volunteer_key = network, volunteer
        at = self.after(case.events[-1].at, 2 if case.urgent else 6)
        note = ("ไม่มีผู้ดูแลในพื้นที่ที่ยังรับเพิ่มได้ จึงมอบหมายเกินขีดความสามารถ"
                if over else "")
        self.step(case, EventRow(at, "assign", "", "assigned", carer=True, over_capacity=over,
                                 note=note))

    def volunteer_for(self, p: PersonRow) -> int | None:
        """The active volunteer covering the subdistrict with the most room whose
        network has room too, one who helps with the person's needs first."""
        needs = {n for n, _s in p.needs}
        best, best_key = None, (False, 0)
        for i in self.vols_by_sd.get(self.sd, ()):
            net = self.volunteers[i].network_key
            if self.vol_left[i] <= 0 or (net is not None and self.net_left[net] <= 0):
                continue
            key = (bool(needs & self.vol_needs[i]), self.vol_left[i])
            if best is None or key > best_key:
                best, best_key = i, key
        return best

    def network_for(self) -> tuple[int | None, tuple[str, ...]]:
        """A network covering the subdistrict with room (members before the
        lead); else the least full, over capacity; in a hole, a lead network
        of the province."""
        local = self.by_sd.get(self.sd) or self.leads
        if not local:
            return None, ()
        left = self.net_left
        best = max(local, key=lambda k: (left[k] > 0, not self.networks[k].is_lead, left[k]))
        return best, (() if left[best] > 0 else (self.networks[best].name,))

    def care(self, case: CaseRow, needs: list[str], *, closing: bool, overdue: bool) -> None:
        """Visits (``needs`` most severe first), then closing, or the next visit due."""
        rng = self.rng
        assigned = case.events[-1].at
        if rng.random() < 0.1:
            self.step(case, EventRow(self.after(assigned, 2), "start_care", "", "in_care"))
        interval = _INTERVALS[int(rng.random() * len(_INTERVALS))]
        first = self.after(case.events[-1].at, 5)
        # Visits until: closing (some days before today), a lag (overdue), or today.
        if closing:
            stop = first + (self.end - first) * (0.3 + 0.6 * rng.random())
        elif overdue:
            stop = self.end - timedelta(days=1 + int(rng.random() * 45))
        else:
            stop = self.end
        stop = max(stop, first)
        span = (stop.date() - first.date()).days
        step_days = max(interval, -(-span // MAX_VISITS))
        days = [first.date()]
        while len(days) < MAX_VISITS and days[-1] + timedelta(days=step_days) < stop.date():
            days.append(days[-1] + timedelta(days=step_days))
        if closing:
            days = days[:1 + int(rng.random() * MAX_VISITS)]
        by_volunteer = case.volunteer_key is not None
        met: set[str] = set()
        t = case.events[-1].at
        for i, day in enumerate(days):
            at = first if i == 0 else self.at_day(day, t)  # days before today: before the end
            last = i == len(days) - 1
            if not last:
                following: date | None = days[i + 1]
            elif closing:
                following = None
            elif overdue:
                following = min(day + timedelta(days=step_days), self.today - timedelta(days=1))
                following = following if following > day else None
            else:
                following = max(day + timedelta(days=step_days), self.today)
            changes = self.changes(needs, i, last and closing and rng.random() < 0.8, met)
            main = changes[0][0] if changes else needs[i % len(needs)]
            done = _DONE[main]
            visit = VisitRow(
                visited_on=at.date(), by_volunteer=by_volunteer,
                done=done[int(rng.random() * len(done))], next_visit_on=following,
                needs=changes, created_at=max(at, min(
                    at + timedelta(minutes=10 + int(rng.random() * 230)), self.end)))
            case.visits.append(visit)
            t = self.step(case, EventRow(at, "visit", "", "in_care", visit=visit,
                                         note=visit.done))
            case.next_visit_due = following
        if closing:
            roll = rng.random() * _CLOSE_CUM[-1]
            reason = next(r for r, cum in zip(_CLOSE_REASONS, _CLOSE_CUM, strict=True)
                          if roll < cum)
            at = self.after(t, 10)
            self.step(case, EventRow(at, "close", "", "closed", reason=reason,
                                     note=_CLOSE_NOTES[reason]))
            case.close_reason, case.closed_at, case.next_visit_due = reason, at, None

    def changes(self, needs: list[str], i: int, all_met: bool,
                met: set[str]) -> list[tuple[str, str]]:
        """How the needs looked at the ``i``-th visit: the one worked on (in turn,
        the most severe first), sometimes the next; a need met stays met."""
        rng = self.rng
        n = len(needs)
        chosen = [needs[i % n]]
        if n > 1 and rng.random() < 0.3:
            chosen.append(needs[(i + 1) % n])
        out = []
        better = 0.35 + 0.1 * i  # things improve as the visits go on
        for need in chosen:
            if need in met:
                continue
            roll = rng.random()
            change = "met" if all_met or roll >= 0.92 else "better" if roll < better else (
                "same" if roll < 0.8 else "worse")
            if change == "met":
                met.add(need)
            out.append((need, change))
        return out


def plan_casework(plan: ProvincePlan, *, seed: int, today: date) -> Iterator[SubdistrictWork]:
    """The province's households with one case per person, by subdistrict."""
    return _Planner(plan, seed=seed, today=today).chunks()


def flatten(chunks: Iterable[SubdistrictWork]) -> Iterator[tuple[PersonRow, CaseRow]]:
    """(person, case) pairs, for tests and figures."""
    for work in chunks:
        members = (m for h in work.households for m in h.members)
        yield from zip(members, work.cases, strict=True)
