"""Reads of welfare: a person's schemes, the eligible who receive nothing,
overdue referrals, and the counts per scheme and area (read by the coverage
pages too)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lnob.registry.models import Person
from lnob.welfare.access import in_area
from lnob.welfare.evaluate import LEFT_OUT
from lnob.welfare.models import (
    OPEN_REFERRAL,
    Benefit,
    Eligibility,
    Referral,
    ReferralStatus,
    Result,
    Scheme,
    WelfareFacts,
)

# After a refusal the person leaves the list of referrals to make for this long.
REFUSAL_QUIET_DAYS = 180


def schemes() -> QuerySet[Scheme]:
    return Scheme.objects.filter(active=True).prefetch_related("versions")


@dataclass
class PersonWelfare:
    facts: WelfareFacts | None
    benefits: list[Benefit]
    eligibility: list[Eligibility]
    referrals: list[Referral]


def person_welfare(person: Person) -> PersonWelfare:
    """Everything welfare holds about a person the caller may read."""
    return PersonWelfare(
        facts=WelfareFacts.objects.filter(person=person).first(),
        benefits=list(Benefit.objects.filter(person=person).select_related("scheme")
                      .prefetch_related("changes").order_by("until", "scheme__code")),
        eligibility=list(Eligibility.objects.filter(person=person).select_related("scheme")
                         .order_by("scheme__code")),
        referrals=list(Referral.objects.filter(person=person).select_related("scheme")),
    )


def _referral_blocks(today: datetime.date) -> Exists:
    quiet = today - datetime.timedelta(days=REFUSAL_QUIET_DAYS)
    return Exists(Referral.objects.filter(
        person_id=OuterRef("person_id"), scheme_id=OuterRef("scheme_id")).filter(
        Q(status__in=(*OPEN_REFERRAL, ReferralStatus.APPROVED)) | Q(decided_on__gte=quiet)))


def to_refer(user: Any) -> QuerySet[Eligibility]:
    """The eligible in the user's areas who receive nothing of a scheme that
    suggests referrals, with no referral under way: referrals to make."""
    today = timezone.localdate()
    return Eligibility.objects.filter(
        in_area(user), result=Result.ELIGIBLE, receiving=False,
        scheme__referral_suggested=True).exclude(_referral_blocks(today)).exclude(
        person__status__in=LEFT_OUT).select_related(
        "person", "scheme").order_by("scheme__code", "person_id")


def overdue_referrals(user: Any) -> QuerySet[Referral]:
    return Referral.objects.filter(in_area(user), status__in=OPEN_REFERRAL,
                                   due_on__lt=timezone.localdate()).select_related(
        "person", "scheme").order_by("due_on", "id")


@dataclass
class SchemeCount:
    scheme: Scheme
    eligible: int = 0
    receiving: int = 0
    eligible_not_receiving: int = 0
    cannot_tell: int = 0
    referred: int = 0
    approved: int = 0

    @property
    def receiving_share(self) -> float | None:
        """Of the eligible, the share receiving (0–1); None without eligible."""
        if not self.eligible:
            return None
        return (self.eligible - self.eligible_not_receiving) / self.eligible


def _area_filter(area_code: str) -> Q:
    if not area_code:
        return Q()
    field = {2: "province_code", 4: "district_code", 6: "subdistrict_code"}[len(area_code)]
    return Q(**{field: area_code})


def counts(area_code: str = "") -> list[SchemeCount]:
    """Per scheme in an area ("" = the nation): eligible, receiving (whether
    or not the rules say eligible), eligible but not receiving, cannot tell,
    referred and approved. Aggregates only: no person is named."""
    by_scheme = {s.pk: SchemeCount(s) for s in Scheme.objects.filter(active=True)}
    where = _area_filter(area_code)
    for row in Eligibility.objects.filter(where).values("scheme_id").annotate(
            n_eligible=Count("pk", filter=Q(result=Result.ELIGIBLE)),
            n_receiving=Count("pk", filter=Q(receiving=True)),
            gap=Count("pk", filter=Q(result=Result.ELIGIBLE, receiving=False)),
            unknown=Count("pk", filter=Q(result=Result.CANNOT_TELL))):
        c = by_scheme.get(row["scheme_id"])
        if c is not None:
            c.eligible, c.receiving = row["n_eligible"], row["n_receiving"]
            c.eligible_not_receiving, c.cannot_tell = row["gap"], row["unknown"]
    for row in Referral.objects.filter(where).values("scheme_id").annotate(
            referred=Count("pk"),
            approved=Count("pk", filter=Q(status=ReferralStatus.APPROVED))):
        c = by_scheme.get(row["scheme_id"])
        if c is not None:
            c.referred, c.approved = row["referred"], row["approved"]
    return sorted(by_scheme.values(), key=lambda c: c.scheme.code)


def counts_by_child_area(area_code: str, scheme: Scheme) -> dict[str, dict[str, int]]:
    """For one scheme, the counts of each area one level down (provinces of the
    nation, districts of a province, subdistricts of a district)."""
    child = {0: "province_code", 2: "district_code", 4: "subdistrict_code"}[len(area_code)]
    out: dict[str, dict[str, int]] = {}
    for row in Eligibility.objects.filter(_area_filter(area_code), scheme=scheme).values(
            child).annotate(
            n_eligible=Count("pk", filter=Q(result=Result.ELIGIBLE)),
            n_receiving=Count("pk", filter=Q(receiving=True)),
            gap=Count("pk", filter=Q(result=Result.ELIGIBLE, receiving=False)),
            unknown=Count("pk", filter=Q(result=Result.CANNOT_TELL))).order_by(child):
        out[row[child]] = {"eligible": row["n_eligible"], "receiving": row["n_receiving"],
                           "gap": row["gap"], "unknown": row["unknown"]}
    return out


def public_counts_by_child_area(area_code: str, scheme: Scheme) -> dict[str, dict[str, int]]:
    """For one scheme, eligible, receiving, referred and approved in each area
    one level down (for the public dashboard, which suppresses them)."""
    child = {0: "province_code", 2: "district_code", 4: "subdistrict_code"}[len(area_code)]
    out: dict[str, dict[str, int]] = {}
    for code, c in counts_by_child_area(area_code, scheme).items():
        out[code] = {"eligible": c["eligible"], "receiving": c["receiving"],
                     "referred": 0, "approved": 0}
    for row in Referral.objects.filter(_area_filter(area_code), scheme=scheme).values(
            child).annotate(referred=Count("pk"), approved=Count(
                "pk", filter=Q(status=ReferralStatus.APPROVED))).order_by(child):
        out.setdefault(row[child], {"eligible": 0, "receiving": 0}).update(
            referred=row["referred"], approved=row["approved"])
    return out
