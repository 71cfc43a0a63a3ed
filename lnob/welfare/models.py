"""Welfare schemes as data, what each person receives, the facts the rules
read, the stored eligibility of every person for every scheme, and the
referrals made to the providers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProviderKind(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("Local government (อปท.)")
    PROVINCIAL_OFFICE = "provincial_office", _("Provincial social development office")
    MINISTRY = "ministry", _("Ministry or national agency")
    HEALTH_SECURITY = "health_security", _("National Health Security Office")
    COMMUNITY_FUND = "community_fund", _("Community welfare fund")


class BenefitKind(models.TextChoices):
    MONTHLY_CASH = "monthly_cash", _("Cash every month")
    ONE_OFF = "one_off", _("One-off payment")
    IN_KIND = "in_kind", _("In kind")
    CARD = "card", _("A card with monthly credit")


class Scheme(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    provider_kind = models.CharField(_("provider"), max_length=20, choices=ProviderKind.choices)
    benefit_kind = models.CharField(_("benefit"), max_length=20, choices=BenefitKind.choices)
    # The documents the provider asks for, one per line (printed on the letter).
    documents = models.TextField(_("documents needed"), blank=True)
    # Entitlements the person only has to apply for: the eligible who do not
    # receive them go to the inbox as referrals to make. A discretionary relief
    # (an officer judges the crisis) is counted but not pushed.
    referral_suggested = models.BooleanField(_("suggest a referral to the eligible"),
                                             default=True)
    # Days the provider usually takes to decide; a referral older is overdue.
    decision_days = models.PositiveSmallIntegerField(_("days to a decision"), default=30)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("welfare scheme")
        verbose_name_plural = _("welfare schemes")

    def __str__(self) -> str:
        return self.name_th


class SchemeVersion(models.Model):
    """The rule and amounts of a scheme from one day on. Never edited once in
    force: a change is a new version, so past eligibility stays as it was."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="versions")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (BE)"))
    effective_from = models.DateField(_("in force from"))
    rule = models.JSONField(_("eligibility rule"))
    # [{"when": rule, "baht": n}, ...]: the first that holds gives the amount.
    amounts = models.JSONField(_("amounts by condition"), default=list, blank=True)
    amount_baht = models.PositiveIntegerField(_("amount (baht)"), null=True, blank=True)
    source = models.TextField(_("source of the figures"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["scheme", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["scheme", "effective_from"],
                                               name="uniq_scheme_version_day")]

    def __str__(self) -> str:
        return f"{self.scheme_id}@{self.effective_from}"


class YesNoUnknown(models.TextChoices):
    UNKNOWN = "", _("Not known")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class IncomeBand(models.TextChoices):
    """Household income per head, baht a year (the bands the schemes use)."""

    UNKNOWN = "", _("Not known")
    BELOW_30K = "lt30k", _("Below 30,000 baht a year per head")
    FROM_30K_TO_100K = "30k_100k", _("30,000 to 99,999 baht a year per head")
    FROM_100K = "ge100k", _("100,000 baht a year per head or more")


INCOME_RANGES: dict[str, tuple[int, int | None]] = {
    IncomeBand.BELOW_30K: (0, 30_000),
    IncomeBand.FROM_30K_TO_100K: (30_000, 100_000),
    IncomeBand.FROM_100K: (100_000, None),
}


class WelfareFacts(models.Model):
    """What the rules need that the registry does not hold (decision 0023).
    Sensitive (PDPA s.26: disability): read and written by area officers only."""

    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE,
                                  related_name="welfare_facts", primary_key=True)
    disability_registered = models.CharField(_("disability card"), max_length=3,
                                             choices=YesNoUnknown.choices, blank=True)
    income_band = models.CharField(_("household income per head"), max_length=8,
                                   choices=IncomeBand.choices, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.disability_registered}/{self.income_band}"


class BenefitSource(models.TextChoices):
    OFFICER = "officer", _("Recorded by an officer")
    AGENCY_LIST = "agency_list", _("Provider's list of recipients")
    IMPORT = "import", _("Spreadsheet import")
    API = "api", _("Another system (API)")


class Benefit(models.Model):
    """A scheme a person receives (or received: ``until`` set). Changes are
    kept in ``BenefitChange``; a record is ended, never deleted."""

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE,
                               related_name="benefits")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="benefits")
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    amount_baht = models.PositiveIntegerField(_("amount (baht)"), null=True, blank=True)
    source = models.CharField(_("source of the record"), max_length=12,
                              choices=BenefitSource.choices)
    source_note = models.CharField(_("source details"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["scheme", "-since"]
        constraints = [models.UniqueConstraint(
            fields=["person", "scheme"], condition=models.Q(until__isnull=True),
            name="uniq_current_benefit")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.scheme_id}"


class BenefitChange(models.Model):
    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="+")
    action = models.CharField(max_length=20)  # create | update | end
    changes = models.JSONField(default=dict)  # field → [old, new]
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


class Result(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    CANNOT_TELL = "cannot_tell", _("Cannot tell")


# The facts a rule may miss (rules.BIRTH_DATE …), as the pages name them.
MISSING_LABELS = {
    "birth_date": _("birth date"),
    "disability_registered": _("disability card"),
    "income": _("household income per head"),
    "household": _("household"),
}


class Eligibility(models.Model):
    """The latest evaluation of one person for one scheme (the version used is
    kept). Rewritten by ``evaluate.evaluate_persons`` only."""

    # No foreign-key constraints in the database (decision 0034): the table is
    # derived, written by the evaluator alone, and its full run writes millions
    # of rows, for which the database checked (and on PostgreSQL locked) the
    # person, scheme and version of every row — half the run. Deleting a
    # person or scheme still deletes their rows (Django's cascade), a version
    # in use still cannot be deleted (PROTECT), and a full run deletes any
    # row whose person is gone.
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE,
                               related_name="+", db_index=False, db_constraint=False)
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="+",
                                db_index=False, db_constraint=False)
    result = models.CharField(max_length=12, choices=Result.choices)
    missing = models.CharField(max_length=100, blank=True)  # comma-separated fact names
    amount_baht = models.PositiveIntegerField(null=True, blank=True)
    receiving = models.BooleanField(default=False)
    province_code = models.CharField(max_length=2)
    district_code = models.CharField(max_length=4)
    subdistrict_code = models.CharField(max_length=6)
    # The day this answer was written: a full run rewrites only the answers that
    # changed, so an answer it confirms keeps its earlier day (decision 0034).
    evaluated_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "scheme"],
                                               name="uniq_eligibility")]
        indexes = [
            models.Index(fields=["province_code", "scheme", "result"], name="elig_province"),
            models.Index(fields=["district_code", "scheme", "result"], name="elig_district"),
            models.Index(fields=["subdistrict_code", "scheme", "result"],
                         name="elig_subdistrict"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.scheme_id}={self.result}"

    @property
    def missing_labels(self) -> list[str]:
        return [str(MISSING_LABELS.get(m, m)) for m in self.missing.split(",") if m]


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received by the provider")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


OPEN_REFERRAL = (ReferralStatus.SENT, ReferralStatus.RECEIVED)
# The steps a referral may take: from → allowed next statuses.
REFERRAL_STEPS: dict[str, tuple[str, ...]] = {
    ReferralStatus.SENT: (ReferralStatus.RECEIVED, ReferralStatus.APPROVED,
                          ReferralStatus.REFUSED),
    ReferralStatus.RECEIVED: (ReferralStatus.APPROVED, ReferralStatus.REFUSED),
    ReferralStatus.APPROVED: (),
    ReferralStatus.REFUSED: (),
}


class Referral(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE,
                               related_name="welfare_referrals")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="referrals")
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT)
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)
    provider_address = models.CharField(_("provider's address"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    refused_reason = models.CharField(_("reason for refusal"), max_length=255, blank=True)
    province_code = models.CharField(max_length=2)
    district_code = models.CharField(max_length=4)
    subdistrict_code = models.CharField(max_length=6)
    sent_on = models.DateField(_("sent on"), default=timezone.localdate)
    due_on = models.DateField(_("decision expected by"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["province_code", "status", "due_on"],
                                name="referral_province")]

    def __str__(self) -> str:
        return f"{self.person_id}→{self.scheme_id} ({self.status})"


# Community welfare funds: their own module, registered with this app.
from lnob.welfare.funds.models import (  # noqa: E402, F401
    FundBenefit,
    FundBenefitKind,
    FundBenefitRate,
    FundContribution,
    FundMember,
)
