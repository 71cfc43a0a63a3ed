"""The roles of LNOB and what each one may do (the permission table). Pure data,
no database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NATIONAL_ANALYST = "national_analyst", _("National analyst")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial officer")
    NETWORK_COORDINATOR = "network_coordinator", _("Network coordinator")
    VOLUNTEER = "volunteer", _("Volunteer")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


_N, _O, _C, _V = (Role.NATIONAL_ANALYST, Role.PROVINCIAL_OFFICER, Role.NETWORK_COORDINATOR,
                  Role.VOLUNTEER)
_M, _H, _A = Role.COMMITTEE_MEMBER, Role.HOTLINE_OPERATOR, Role.SYSTEM_ADMIN

# The one permission table: permission → (what it allows, the roles that have it),
# each in the areas of its grant. Every app's role tuples come from here
# (``allowed``); docs/access.md shows it (lnob/core/tests/test_permissions.py
# checks that the page and the table agree).
PERMISSIONS: dict[str, tuple[str, frozenset[Role]]] = {
    "personal_data": ("work with named people's records (the others see aggregates)",
                      frozenset({_O, _C, _V, _A})),
    "persons.read_area": ("see every person of the area (a volunteer: only those "
                          "reported by or assigned to them)", frozenset({_O, _C, _A})),
    "persons.edit": ("register and edit persons", frozenset({_O, _C, _V, _A})),
    "persons.read_citizen_id": ("see a citizen ID unmasked (audited each time)",
                                frozenset({_O, _A})),
    "taxonomy.edit": ("edit the province's target groups and needs", frozenset({_O, _A})),
    "reports.file": ("file a report of someone in need", frozenset({_H, _O, _C, _V, _A})),
    "cases.read": ("see the cases of the area", frozenset({_O, _C, _V, _A})),
    "forums.run": ("hold community forums", frozenset({_O, _C, _A})),
    "transfers.handle": ("ask for and answer transfers of cases", frozenset({_O, _C, _A})),
    "records.merge": ("merge records of one person, decide duplicate pairs",
                      frozenset({_O, _A})),
    "matching.run": ("start matching runs", frozenset({_O, _N, _A})),
    "matching.accept": ("accept or reject a run's proposals", frozenset({_O, _A})),
    "imports.run": ("import spreadsheets into a province", frozenset({_O, _A})),
    "networks.read": ("see networks, funds and committees", frozenset(Role)),
    "volunteers.read": ("see volunteers' names and phones", frozenset({_O, _C, _A})),
    "networks.edit": ("edit networks and volunteers", frozenset({_O, _C, _A})),
    "funds.edit": ("edit funds and committees", frozenset({_O, _A})),
    "search_rounds.record": ("record search rounds", frozenset({_O, _C, _A})),
    "roadmap.edit": ("edit the province's roadmap", frozenset({_O, _A})),
    "roadmap.edit_national": ("edit the national roadmap", frozenset({_N, _A})),
    "privacy.handle": ("handle PDPA requests", frozenset({_O, _A})),
    "aars.read": ("read after-action reviews and official reports",
                  frozenset({_O, _C, _M, _N, _A})),
    "aars.write": ("write after-action reviews", frozenset({_O, _C, _A})),
    "stories.read": ("read good stories before they are published",
                     frozenset({_O, _C, _M, _A})),
    "stories.write": ("write good stories", frozenset({_O, _C, _A})),
    "stories.review": ("review good stories", frozenset({_O, _A})),
    "official_reports.province": ("ask for a province's official report", frozenset({_O, _A})),
    "official_reports.national": ("ask for the national official report", frozenset({_N, _A})),
    "audit.read": ("read the audit log", frozenset({_O, _A})),
    "areas.edit": ("add villages and other area data", frozenset({_O, _A})),
}


def allowed(permission: str) -> tuple[Role, ...]:
    """The roles that have ``permission``, in the order roles are declared."""
    roles = PERMISSIONS[permission][1]
    return tuple(role for role in Role if role in roles)


def permissions_markdown() -> str:
    """The table as docs/access.md shows it."""
    short = {_N: "N", _O: "O", _C: "C", _V: "V", _M: "M", _H: "H", _A: "A"}
    lines = ["| permission | what it allows | " + " | ".join(short[r] for r in Role) + " |",
             "| --- | --- | " + " | ".join("---" for _r in Role) + " |"]
    for name, (what, roles) in PERMISSIONS.items():
        marks = " | ".join("✓" if r in roles else "" for r in Role)
        lines.append(f"| `{name}` | {what} | {marks} |")
    return "\n".join(lines)


# Roles whose holders work with named people's records in their area. The
# national analyst and the committee see aggregates only (PRODUCT.md).
PERSONAL_DATA_ROLES = PERMISSIONS["personal_data"][1]
# Roles that may read the audit log of their area.
AUDIT_READER_ROLES = PERMISSIONS["audit.read"][1]
# Roles that may add villages and other area data.
AREA_EDITOR_ROLES = PERMISSIONS["areas.edit"][1]
# Roles that import spreadsheets into a province.
IMPORT_ROLES = PERMISSIONS["imports.run"][1]
# Roles that may be granted nationally (an empty area code).
NATIONAL_ROLES = frozenset({Role.NATIONAL_ANALYST, Role.HOTLINE_OPERATOR, Role.SYSTEM_ADMIN})
# Roles that file reports of people in need (the public page needs none).
REPORTER_ROLES = PERMISSIONS["reports.file"][1]
# Roles that start matching runs (officers for a province; national roles for all).
MATCHING_ROLES = PERMISSIONS["matching.run"][1]
