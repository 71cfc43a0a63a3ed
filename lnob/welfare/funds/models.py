"""Community welfare funds (สวัสดิการชุมชน): a fund's members, their
contributions and the benefits the fund pays (decision 0027).

The fund itself, its balance and its dated transactions belong to
``networks`` (``Fund``, ``FundTransaction``); every contribution and every
benefit here is recorded there as the fund's transaction, through the
networks fund services, so the balance stays the sum of its transactions.
``Fund.members`` is computed from the rows of ``FundMember``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FundMember(models.Model):
    """A member of a fund. A member is a person of the registry when one is
    recorded (``person``), otherwise the name and ID are kept here: a fund's
    members are mostly not people left behind, and registering one as a
    person would open a case for them (everyone in the registry is in the
    flow). Personal data either way: read by area officers and coordinators,
    every look audited."""

    fund = models.ForeignKey("networks.Fund", on_delete=models.CASCADE,
                             related_name="welfare_members")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="fund_memberships")
    # Only when ``person`` is empty (a member not in the registry).
    title = models.CharField(_("title"), max_length=40, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("surname"), max_length=100, blank=True)
    citizen_id = models.CharField(_("citizen ID"), max_length=13, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    member_number = models.CharField(_("member number"), max_length=30, blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # Copied from the fund: the member list is scoped like the fund.
    province_code = models.CharField(max_length=2)
    area_code = models.CharField(max_length=6)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["fund", "member_number", "id"]
        verbose_name = _("fund member")
        verbose_name_plural = _("fund members")
        constraints = [
            models.UniqueConstraint(fields=["fund", "person"],
                                    condition=models.Q(left_on__isnull=True,
                                                       person__isnull=False),
                                    name="uniq_fund_member_person"),
            models.UniqueConstraint(fields=["fund", "member_number"],
                                    condition=~models.Q(member_number=""),
                                    name="uniq_fund_member_number"),
        ]
        indexes = [models.Index(fields=["area_code", "left_on"], name="fund_member_area")]

    def __str__(self) -> str:
        return f"{self.fund_id}#{self.member_number or self.pk}"

    @property
    def name(self) -> str:
        if self.person is not None:
            return self.person.full_name
        return " ".join(p for p in (f"{self.title}{self.first_name}", self.last_name) if p)

    def active_on(self, day: object) -> bool:
        return self.left_on is None or self.left_on > day  # type: ignore[operator]


class FundBenefitKind(models.Model):
    """What a fund pays for (birth, sickness, death, old age…): data, so a
    fund's committee can name another without a release."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("kind of fund benefit")
        verbose_name_plural = _("kinds of fund benefit")

    def __str__(self) -> str:
        return self.name_th


class FundBenefitRate(models.Model):
    """A fund's own rule: how much it pays for a kind of benefit."""

    fund = models.ForeignKey("networks.Fund", on_delete=models.CASCADE,
                             related_name="welfare_rates")
    kind = models.ForeignKey(FundBenefitKind, on_delete=models.PROTECT, related_name="+")
    amount_baht = models.PositiveIntegerField(_("amount (baht)"))
    note = models.CharField(_("conditions"), max_length=255, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["fund", "kind__order"]
        constraints = [models.UniqueConstraint(fields=["fund", "kind"],
                                               name="uniq_fund_benefit_rate")]

    def __str__(self) -> str:
        return f"{self.fund_id}:{self.kind_id}={self.amount_baht}"


class FundContribution(models.Model):
    """A member's contribution for a period (a month, ``YYYY-MM`` CE). Several
    (a month's bulk entry) share one fund transaction."""

    fund = models.ForeignKey("networks.Fund", on_delete=models.CASCADE,
                             related_name="welfare_contributions")
    member = models.ForeignKey(FundMember, on_delete=models.RESTRICT,
                               related_name="contributions")
    period = models.CharField(_("period"), max_length=7)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (baht)"), max_digits=12, decimal_places=2)
    transaction = models.ForeignKey("networks.FundTransaction", on_delete=models.RESTRICT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-period", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "period"],
                                    name="uniq_contribution_period"),
            models.CheckConstraint(condition=models.Q(amount__gt=0),
                                   name="fund_contribution_positive"),
        ]
        indexes = [models.Index(fields=["fund", "period"], name="contribution_fund_period")]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.period}={self.amount}"


class FundBenefit(models.Model):
    """A benefit the fund paid, to a member or a person of the member's
    household; recorded as the fund's disbursement."""

    fund = models.ForeignKey("networks.Fund", on_delete=models.CASCADE,
                             related_name="welfare_benefits")
    member = models.ForeignKey(FundMember, on_delete=models.RESTRICT, related_name="benefits")
    # The person who received it, when in the registry (the member or one of
    # the member's household).
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="fund_benefits")
    kind = models.ForeignKey(FundBenefitKind, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (baht)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=255, blank=True)
    transaction = models.OneToOneField("networks.FundTransaction", on_delete=models.RESTRICT,
                                       related_name="+")
    province_code = models.CharField(max_length=2)
    area_code = models.CharField(max_length=6)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0),
                                              name="fund_benefit_positive")]

    def __str__(self) -> str:
        return f"{self.fund_id}:{self.kind_id} {self.amount}"
