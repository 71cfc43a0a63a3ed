"""``lnob demo``: a ready-to-use demo database. Safe to run again: it keeps
what exists and only adds what is missing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.geo.models import Subdistrict, Village
from lnob.geo.services import village_create

DEMO_PASSWORD = "lnob-demo-2549"  # noqa: S105 — demo only; production refuses to run this

# username, first name, last name, role, area code (DOPA), phone
DEMO_USERS: list[tuple[str, str, str, Role, str, str]] = [
    ("admin", "ผู้ดูแล", "ระบบ", Role.SYSTEM_ADMIN, "", ""),
    ("analyst", "วิชัย", "วิเคราะห์ดี", Role.NATIONAL_ANALYST, "", ""),
    ("officer.surat", "สมศรี", "ใจดี", Role.PROVINCIAL_OFFICER, "84", "077-000-001"),
    ("committee.surat", "ประเสริฐ", "ร่วมใจ", Role.COMMITTEE_MEMBER, "84", ""),
    ("coordinator.phangan", "มานพ", "รักถิ่น", Role.NETWORK_COORDINATOR, "8405", "081-000-0002"),
    ("volunteer.kotao", "สุดา", "เอื้ออารี", Role.VOLUNTEER, "840503", "089-000-0003"),
    ("officer.krabi", "อนันต์", "ทะเลงาม", Role.PROVINCIAL_OFFICER, "81", "075-000-004"),
]
DEMO_VILLAGES = [
    ("840503", 1, "บ้านแม่หาด"), ("840503", 2, "บ้านหาดทรายรี"), ("840503", 3, "บ้านโฉลกบ้านเก่า"),
]


class Command(BaseCommand):
    help = "Set up the demo database (migrations, geography, demo users) and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("lnob demo makes accounts with a published password; "
                               "it refuses to run with LNOB_MODE=production.")
        call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            created = self._users()
            self._villages()
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
