"""The roles of LNOB and what each one may do. Pure data, no database."""

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


# Roles whose holders work with named people's records in their area. The
# national analyst and the committee see aggregates only (PRODUCT.md).
PERSONAL_DATA_ROLES = frozenset(
    {Role.PROVINCIAL_OFFICER, Role.NETWORK_COORDINATOR, Role.VOLUNTEER, Role.SYSTEM_ADMIN}
)
# Roles that may read the audit log of their area.
AUDIT_READER_ROLES = frozenset({Role.PROVINCIAL_OFFICER, Role.SYSTEM_ADMIN})
# Roles that may add villages and other area data.
AREA_EDITOR_ROLES = frozenset({Role.PROVINCIAL_OFFICER, Role.SYSTEM_ADMIN})
# Roles that import spreadsheets into a province.
IMPORT_ROLES = frozenset({Role.PROVINCIAL_OFFICER, Role.SYSTEM_ADMIN})
# Roles that may be granted nationally (an empty area code).
NATIONAL_ROLES = frozenset({Role.NATIONAL_ANALYST, Role.HOTLINE_OPERATOR, Role.SYSTEM_ADMIN})
# Roles that file reports of people in need (the public page needs none).
REPORTER_ROLES = frozenset({Role.HOTLINE_OPERATOR, Role.PROVINCIAL_OFFICER,
                            Role.NETWORK_COORDINATOR, Role.VOLUNTEER, Role.SYSTEM_ADMIN})
# Roles that start matching runs (officers for a province; national roles for all).
MATCHING_ROLES = frozenset({Role.PROVINCIAL_OFFICER, Role.NATIONAL_ANALYST, Role.SYSTEM_ADMIN})
