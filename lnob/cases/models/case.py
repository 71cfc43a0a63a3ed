"""A case: one episode of care for a person, with its history."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.cases import workflow as wf
from lnob.registry.models import Source


class CaseStatus(models.TextChoices):
    REPORTED = wf.REPORTED, _("Reported")
    VERIFIED = wf.VERIFIED, _("Verified")
    REJECTED = wf.REJECTED, _("Rejected")
    DUPLICATE = wf.DUPLICATE, _("Duplicate")
    ASSIGNED = wf.ASSIGNED, _("Assigned")
    IN_CARE = wf.IN_CARE, _("In care")
    CLOSED = wf.CLOSED, _("Closed")


class CloseReason(models.TextChoices):
    SELF_RELIANT = "self_reliant", _("Self-reliant")
    MOVED_AWAY = "moved_away", _("Moved away")
    DIED = "died", _("Died")
    REFUSED_HELP = "refused_help", _("Refused help")
    TRANSFERRED = "transferred", _("Transferred to another province or agency")


class UrgentReason(models.TextChoices):
    VIOLENCE = "violence", _("Violence or abuse")
    ALONE_BEDRIDDEN = "alone_bedridden", _("Alone and bedridden")
    CHILD_AT_RISK = "child_at_risk", _("A child at risk")
    OTHER = "other", _("Other danger to life or health")


def new_reference() -> str:
    """A reference number a reporter can read over the phone: 10 characters
    from an alphabet without look-alikes (no 0/O, 1/I/L), about 48 bits of
    randomness, so guessing someone else's report is impractical."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


class Case(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("person"))
    # Where the case is handled (the person's subdistrict when opened).
    subdistrict = models.ForeignKey("geo.Subdistrict", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("subdistrict"))
    province_code = models.CharField(max_length=2, editable=False)
    district_code = models.CharField(max_length=4, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices,
                              default=CaseStatus.REPORTED)
    urgent = models.BooleanField(_("urgent"), default=False)
    urgent_reasons = models.JSONField(_("why it is urgent"), default=list, blank=True)
    # Intake: who reported it and how, what is wrong, and the public reference.
    reference = models.CharField(_("reference number"), max_length=11, unique=True,
                                 default=new_reference, editable=False)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices,
                              default=Source.OFFICER)
    summary = models.TextField(_("what is wrong"), blank=True)
    reporter_name = models.CharField(_("reporter's name"), max_length=150, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    # Routing: the lead networks covering the subdistrict when reported; none
    # means a hole in coverage (ช่องโหว่).
    routed_networks = models.ManyToManyField("networks.Network", blank=True,
                                             related_name="routed_cases",
                                             verbose_name=_("routed to"))
    coverage_hole = models.BooleanField(_("no network covers the area"), default=False)
    # The next visit the carers have set (from the last visit): overdue when past.
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=16,
                                    choices=CloseReason.choices, blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="duplicates", verbose_name=_("duplicate of"))
    network = models.ForeignKey("networks.Network", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="cases", verbose_name=_("network"))
    volunteer = models.ForeignKey("networks.Volunteer", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="cases",
                                  verbose_name=_("volunteer"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Bumped by every step: a step based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # The phone's key for a report filed offline (a UUID): a replay answers the
    # same case, never a second person.
    client_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-urgent", "-opened_at", "-id"]
        indexes = [
            # The inboxes: a status in an area, urgent first, oldest first — the
            # first ten read straight from the index, no sort of the area's cases.
            models.Index(fields=["province_code", "status", "-urgent", "opened_at", "id"],
                         name="case_province_inbox"),
            models.Index(fields=["district_code", "status", "-urgent", "opened_at", "id"],
                         name="case_district_inbox"),
            models.Index(fields=["province_code", "-urgent", "opened_at", "id"],
                         condition=models.Q(coverage_hole=True), name="case_hole_inbox"),
            # The case list ("open", the default): a page of an area's open
            # cases in the order shown, read from the index (the index above
            # per status sorted every open case of the province first).
            models.Index(fields=["province_code", "-urgent", "opened_at", "id"],
                         condition=models.Q(status__in=sorted(wf.OPEN_STATES)),
                         name="case_province_open"),
            models.Index(fields=["district_code", "-urgent", "opened_at", "id"],
                         condition=models.Q(status__in=sorted(wf.OPEN_STATES)),
                         name="case_district_open"),
            models.Index(fields=["subdistrict", "status"], name="case_subdistrict"),
            models.Index(fields=["status", "next_visit_due"], name="case_visit_due"),
            # The carers' load (the assign form, the capacity check under its
            # row lock, matching): the cases each network or volunteer cares
            # for now, counted from these alone — the province's networks'
            # count read every case of theirs, closed or not (9 ms at 20,000).
            models.Index(fields=["network"], condition=models.Q(
                status__in=sorted(wf.CARING)), name="case_caring_network"),
            models.Index(fields=["volunteer"], condition=models.Q(
                status__in=sorted(wf.CARING)), name="case_caring_volunteer"),
            # The inbox's counts of a province (lnob.cases.inbox.case_counts),
            # from the index alone: every open case's status, next visit and
            # coverage hole — the table read at random, 18,000 rows after a
            # flood, was 7 of its 11 ms.
            models.Index(fields=["province_code", "status", "next_visit_due", "coverage_hole",
                                 "id"],
                         condition=models.Q(status__in=sorted(wf.OPEN_STATES)),
                         name="case_province_counts"),
            # A district's overdue visits: its caring cases by due date (else
            # PostgreSQL read every caring case of the province to find them).
            models.Index(fields=["district_code", "next_visit_due"],
                         condition=models.Q(status__in=sorted(wf.CARING)),
                         name="case_district_due"),
        ]
        constraints = [
            # One person has at most one open case: the database, not only the
            # services, refuses a second (two doors opening at the same moment).
            models.UniqueConstraint(fields=["person"],
                                    condition=models.Q(status__in=sorted(wf.OPEN_STATES)),
                                    name="uniq_case_open_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.status}"

    @property
    def area_code(self) -> str:
        return str(self.subdistrict_id)

    @property
    def urgent_reason_labels(self) -> list[str]:
        labels = dict(UrgentReason.choices)
        return [str(labels.get(r, r)) for r in self.urgent_reasons]

    @property
    def visit_overdue(self) -> bool:
        return (self.next_visit_due is not None and self.status in (wf.ASSIGNED, wf.IN_CARE)
                and self.next_visit_due < timezone.localdate())


# How the history names each kind of event (workflow steps and the rest).
EVENT_LABELS = {
    "open": _("Reported"), "verify": _("Verified"), "reject": _("Rejected"),
    "mark_duplicate": _("Marked as a duplicate"), "assign": _("Carer assigned"),
    "start_care": _("Care started"), "release": _("Carer released"), "close": _("Closed"),
    "reopen": _("Reopened"),
    "reconsider": _("Reconsidered"), "visit": _("Visit"), "comment": _("Note"),
    "forum_more_info": _("Forum: needs more information"),
    "transfer_request": _("Transfer asked for"), "transfer_accept": _("Transfer accepted"),
    "transfer_decline": _("Transfer declined"), "transfer_cancel": _("Transfer cancelled"),
    "merge": _("Records merged"), "unmerge": _("Merge undone"),
    "report_again": _("Reported again"),
    "support": _("Help given"),  # goods or a service given (lnob.giving)
    # A visit the phone kept offline, arrived after the case closed (docs/offline.md).
    "visit_late": _("Visit logged after the case was closed"),
}


class CaseEvent(models.Model):
    """The case's history: who took which step, when and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))

    @property
    def from_label(self) -> str:
        return str(dict(CaseStatus.choices).get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        return str(dict(CaseStatus.choices).get(self.to_status, self.to_status))
