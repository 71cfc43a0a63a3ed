"""``lnob demo``: a ready-to-use demo database. Safe to run again: it keeps
what exists and only adds what is missing.

Besides the demo accounts it generates a synthetic province on the real
geography (planned by ``lnob.demo.generator`` and ``lnob.demo.casework``,
written by ``lnob.demo.writer``) — persons with their cases, forums and visits:
``--province 84 --persons 2000`` by default, or the whole country with
``--all-provinces`` (``--persons`` is then the national total, spread in
proportion to each province's subdistricts).
A province that already has generated persons is skipped, never wiped.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from lnob.core import audit
from lnob.core.bulk import analyze
from lnob.core.models import AuditAction, User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.demo.generator import VolunteerAccount
from lnob.demo.writer import ProvinceReport, generate_country, generate_province
from lnob.geo.models import Province, Subdistrict, Village
from lnob.geo.services import village_create
from lnob.networks.models import (
    Committee,
    CommitteeLevel,
    CommitteeMember,
    CommitteeRole,
    PartnerType,
)

DEMO_PASSWORD = "lnob-demo-2549"  # noqa: S105 — demo only; production refuses to run this
DEFAULT_PROVINCE = "84"  # Surat Thani: the demo users work there
DEFAULT_PERSONS = 2000
DEFAULT_SEED = 2549

# username, first name, last name, role, area code (DOPA), phone
DEMO_USERS: list[tuple[str, str, str, Role, str, str]] = [
    ("admin", "ผู้ดูแล", "ระบบ", Role.SYSTEM_ADMIN, "", ""),
    ("analyst", "วิชัย", "วิเคราะห์ดี", Role.NATIONAL_ANALYST, "", ""),
    ("officer.surat", "สมศรี", "ใจดี", Role.PROVINCIAL_OFFICER, "84", "077-000-001"),
    ("committee.surat", "ประเสริฐ", "ร่วมใจ", Role.COMMITTEE_MEMBER, "84", ""),
    ("coordinator.phangan", "มานพ", "รักถิ่น", Role.NETWORK_COORDINATOR, "8405", "081-000-0002"),
    ("volunteer.kotao", "สุดา", "เอื้ออารี", Role.VOLUNTEER, "840503", "089-000-0003"),
    ("officer.krabi", "อนันต์", "ทะเลงาม", Role.PROVINCIAL_OFFICER, "81", "075-000-004"),
    ("hotline", "กาญจนา", "รับสาย", Role.HOTLINE_OPERATOR, "", "1300"),
]
DEMO_VILLAGES = [
    ("840503", 1, "บ้านแม่หาด"), ("840503", 2, "บ้านหาดทรายรี"), ("840503", 3, "บ้านโฉลกบ้านเก่า"),
]
# Users who "entered" some of the generated persons of their area.
ENTERING_ROLES = (Role.PROVINCIAL_OFFICER, Role.NETWORK_COORDINATOR, Role.VOLUNTEER)
VOLUNTEER_USER, VOLUNTEER_AREA = "volunteer.kotao", "840503"
COORDINATOR_USER, COORDINATOR_AREA = "coordinator.phangan", "8405"
# The committee member who chairs the province's committee (approves its roadmap).
CHAIR_USER, CHAIR_PROVINCE = "committee.surat", "84"


class Command(BaseCommand):
    help = ("Set up the demo database (migrations, geography, demo users, a synthetic "
            "province) and print the logins.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", default=DEFAULT_PROVINCE, metavar="CODE",
                            help="2-digit DOPA code of the province to generate "
                                 f"(default {DEFAULT_PROVINCE}, Surat Thani).")
        parser.add_argument("--persons", type=int, default=DEFAULT_PERSONS, metavar="N",
                            help="Persons in need to generate; with --all-provinces the "
                                 f"national total (default {DEFAULT_PERSONS}; 0 = none).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"Random seed; the same seed gives the same data "
                                 f"(default {DEFAULT_SEED}).")
        parser.add_argument("--all-provinces", action="store_true",
                            help="Generate all 77 provinces, --persons spread in proportion "
                                 "to their subdistricts.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("lnob demo makes accounts with a published password; "
                               "it refuses to run with LNOB_MODE=production.")
        persons: int = options["persons"]
        province: str = options["province"]
        if persons < 0:
            raise CommandError("--persons must be 0 or more.")
        call_command("migrate", interactive=False, verbosity=0)
        if not options["all_provinces"] and not Province.objects.filter(code=province).exists():
            raise CommandError(f"Unknown province code {province!r}: give a 2-digit DOPA code "
                               "such as 84 (Surat Thani) or 10 (Bangkok).")
        with transaction.atomic():
            created = self._users()
            self._villages()
        if persons:
            self._generate(persons, province, options["seed"], options["all_provinces"])
        with transaction.atomic():
            self._care_accounts()
            self._committee_chair()
        # The coverage pages read roll-ups and snapshots; the learning pages
        # have a few reviews and stories to show.
        call_command("rollup", full=True, stdout=self.stdout)
        call_command("snapshot", all=True, stdout=self.stdout)
        # The planner's statistics of every table the demo filled
        # (lnob.core.bulk.analyze): the first pages are then read as fast
        # as a province's database that has lived for a while.
        analyze(apps.get_models())
        if not options["all_provinces"]:
            from lnob.dedup.demo import demo_dedup
            from lnob.learning.demo import demo_learning

            demo_learning(province)
            repeated = demo_dedup(province, seed=options["seed"]) if persons else None
            if repeated is not None:
                self.stdout.write(f"{repeated} people reported a second time; searched for "
                                  "duplicates.")
        self.stdout.write(self.style.SUCCESS(
            f"Demo ready ({created} new accounts). Open http://127.0.0.1:8000 and sign in:"))
        width = max(len(u[0]) for u in DEMO_USERS)
        for username, first, last, role, area, _phone in DEMO_USERS:
            self.stdout.write(f"  {username:<{width}}  {DEMO_PASSWORD}  "
                              f"{role.label} · {area or 'TH'} · {first} {last}")

    def _users(self) -> int:
        created = 0
        for username, first, last, role, area, phone in DEMO_USERS:
            user, is_new = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last,
                                             "phone": phone})
            if is_new:
                user.set_password(DEMO_PASSWORD)
                if role == Role.SYSTEM_ADMIN:
                    user.is_staff = user.is_superuser = True
                user.save()
                created += 1
            role_grant(actor=None, user=user, role=role, area_code=area)
        return created

    def _villages(self) -> None:
        officer = User.objects.get(username="officer.surat")
        for code, number, name in DEMO_VILLAGES:
            if not Village.objects.filter(subdistrict_id=code, number=number).exists():
                village_create(actor=officer, subdistrict=Subdistrict.objects.get(code=code),
                               number=number, name_th=name)

    def _generate(self, persons: int, province: str, seed: int, everywhere: bool) -> None:
        enterers: dict[str, list[int]] = {}
        users = dict(User.objects.filter(username__in=[u[0] for u in DEMO_USERS])
                     .values_list("username", "pk"))
        for username, _first, _last, role, area, _phone in DEMO_USERS:
            if role in ENTERING_ROLES and area:
                enterers.setdefault(area, []).append(users[username])
        today = timezone.localdate()
        keep = [VOLUNTEER_AREA]  # the demo volunteer's subdistrict is never a hole
        accounts = self._volunteer_accounts()
        if everywhere:
            self.stdout.write(f"Generating {persons:,} persons over all provinces "
                              f"(seed {seed})…")
            reports = generate_country(persons, seed=seed, today=today, enterers=enterers,
                                       never_holes=keep, accounts=accounts,
                                       progress=self._report)
            made = sum(r.persons for r in reports)
            cases = sum(r.cases for r in reports)
            seconds = sum(r.seconds for r in reports)
            skipped = sum(r.skipped for r in reports)
            self.stdout.write(f"{made:,} persons and {cases:,} cases generated in "
                              f"{seconds:,.1f} s"
                              + (f"; {skipped} provinces skipped (already generated)."
                                 if skipped else "."))
        else:
            self._report(generate_province(province, persons, seed=seed, today=today,
                                           enterers=enterers, never_holes=keep,
                                           accounts=accounts))

    def _committee_chair(self) -> None:
        """The demo committee member chairs the province's committee, so that the
        roadmap can be approved in the demo (only the chair approves it)."""
        user = User.objects.get(username=CHAIR_USER)
        committee = Committee.objects.filter(level=CommitteeLevel.PROVINCE,
                                             area_code=CHAIR_PROVINCE).order_by("pk").first()
        if committee is None:
            committee = Committee.objects.create(
                name="คณะกรรมการขับเคลื่อนสังคมไม่ทอดทิ้งกันจังหวัด"
                     + Province.objects.get(code=CHAIR_PROVINCE).name_th,
                level=CommitteeLevel.PROVINCE, area_code=CHAIR_PROVINCE,
                province_code=CHAIR_PROVINCE)
        chair = committee.members.filter(role=CommitteeRole.CHAIR).first()
        if chair is None:
            CommitteeMember.objects.create(
                committee=committee, name=f"{user.first_name} {user.last_name}",
                role=CommitteeRole.CHAIR, partner_type=PartnerType.CIVIL_SOCIETY, user=user)
        elif chair.user_id is None:
            chair.user = user
            chair.name = f"{user.first_name} {user.last_name}"
            chair.save(update_fields=["user", "name"])

    def _volunteer_accounts(self) -> list[VolunteerAccount]:
        """The demo volunteer, planned as a volunteer of Ko Tao with cases of their
        own (unless they already are one)."""
        user = User.objects.get(username=VOLUNTEER_USER)
        if hasattr(user, "volunteer"):
            return []
        return [VolunteerAccount(user=user.pk, first_name=user.first_name,
                                 last_name=user.last_name, phone=_digits(user.phone),
                                 subdistrict=VOLUNTEER_AREA, needs=("daily_care", "health"))]

    def _report(self, r: ProvinceReport) -> None:
        if r.skipped:
            self.stdout.write(f"  {r.province}: already has generated persons — skipped.")
            return
        self.stdout.write(
            f"  {r.province}: {r.persons:,} persons in {r.households:,} households, "
            f"{r.villages:,} villages added, {r.networks:,} networks, {r.volunteers:,} "
            f"volunteers, {r.funds:,} funds, {r.committees:,} committees, {r.holes:,} "
            f"subdistricts left uncovered; {r.cases:,} cases with {r.events:,} steps, "
            f"{r.visits:,} visits, {r.forums:,} community forums ({r.seconds:,.1f} s)")

    def _care_accounts(self) -> None:
        """The coordinator's district has a lead network led by them, and the demo
        volunteer account is a Volunteer in Ko Tao (made here when Surat Thani
        was not generated, so without cases)."""
        from lnob.networks.models import Network, Volunteer
        from lnob.registry.taxonomy import Need

        coordinator = User.objects.get(username=COORDINATOR_USER)
        area = Subdistrict.objects.filter(district_id=COORDINATOR_AREA).order_by("code")
        lead = (Network.objects.filter(is_lead=True, subdistricts__district_id=COORDINATOR_AREA)
                .order_by("pk").first())
        if lead is None:
            lead = Network.objects.create(
                name="เครือข่ายไม่ทอดทิ้งกันอำเภอเกาะพะงัน", partner_type="community",
                province_code=COORDINATOR_AREA[:2], is_lead=True, capacity=40)
            lead.subdistricts.set(area)
            audit.record(AuditAction.CREATE, obj=lead, area_code=COORDINATOR_AREA,
                         detail={"demo": True, "name": lead.name})
        leader = f"{coordinator.first_name} {coordinator.last_name}"
        if lead.leader_name != leader:
            lead.leader_name, lead.contact_phone = leader, _digits(coordinator.phone)
            lead.save(update_fields=["leader_name", "contact_phone"])

        user = User.objects.get(username=VOLUNTEER_USER)
        if Volunteer.objects.filter(user=user).exists():
            return
        network = (Network.objects.filter(subdistricts=VOLUNTEER_AREA, is_lead=False)
                   .order_by("pk").first()) or lead
        ko_tao = Subdistrict.objects.get(code=VOLUNTEER_AREA)
        if not network.subdistricts.filter(code=VOLUNTEER_AREA).exists():
            network.subdistricts.add(ko_tao)
        volunteer = Volunteer.objects.create(
            first_name=user.first_name, last_name=user.last_name, phone=_digits(user.phone),
            is_msdhs=True, network=network, user=user, province_code=VOLUNTEER_AREA[:2],
            capacity=5)
        volunteer.subdistricts.add(ko_tao)
        volunteer.needs.set(Need.objects.filter(province_code="",
                                                code__in=["daily_care", "health"]))
        audit.record(AuditAction.CREATE, obj=volunteer, area_code=VOLUNTEER_AREA,
                     detail={"demo": True, "user": user.username})


def _digits(phone: str) -> str:
    """Phones as the network services store them: digits only."""
    return "".join(ch for ch in phone if ch.isdigit())
