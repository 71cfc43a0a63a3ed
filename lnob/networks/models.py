"""Care capacity (ผู้ให้): networks and lead networks, volunteers, funds and
committees, with the areas they cover and how many people they can care for."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.registry.taxonomy import Need


class PartnerType(models.TextChoices):
    COMMUNITY = "community", _("Community organisation")
    LOCAL_GOVERNMENT = "local_government", _("Local government (อปท.)")
    PROVINCIAL_AGENCY = "provincial_agency", _("Provincial agency")
    CIVIL_SOCIETY = "civil_society", _("Civil society / NGO")
    BUSINESS = "business", _("Business")
    RELIGIOUS = "religious", _("Religious organisation")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health service")
    VOLUNTEER_GROUP = "volunteer_group", _("Volunteer group")
    SAVINGS_GROUP = "savings_group", _("Savings group / fund")


class Network(models.Model):
    name = models.CharField(_("name"), max_length=200)
    partner_type = models.CharField(_("partner type"), max_length=20, choices=PartnerType.choices)
    province_code = models.CharField(_("province"), max_length=2, db_index=True)
    is_lead = models.BooleanField(_("lead network (แม่ข่าย)"), default=False)
    lead_network = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="members", verbose_name=_("lead network"))
    leader_name = models.CharField(_("leader"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    subdistricts = models.ManyToManyField("geo.Subdistrict", blank=True, related_name="networks",
                                          verbose_name=_("subdistricts covered"))
    villages = models.ManyToManyField("geo.Village", blank=True, related_name="networks",
                                      verbose_name=_("villages covered"))
    capacity = models.PositiveIntegerField(_("people it can care for"), default=0)
    needs = models.ManyToManyField(Need, blank=True, related_name="networks",
                                   verbose_name=_("needs served"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["province_code", "-is_lead", "name"]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("surname"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_msdhs = models.BooleanField(_("MSDHS volunteer (อพม.)"), default=False)
    network = models.ForeignKey(Network, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="volunteers", verbose_name=_("network"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="volunteer",
                                verbose_name=_("sign-in account"))
    province_code = models.CharField(_("province"), max_length=2, db_index=True)
    subdistricts = models.ManyToManyField("geo.Subdistrict", blank=True,
                                          related_name="volunteers",
                                          verbose_name=_("subdistricts covered"))
    # Villages covered one by one (nearer than a whole subdistrict).
    villages = models.ManyToManyField("geo.Village", blank=True, related_name="volunteers",
                                      verbose_name=_("villages covered"))
    needs = models.ManyToManyField(Need, blank=True, related_name="volunteers",
                                   verbose_name=_("needs they help with"))
    capacity = models.PositiveSmallIntegerField(_("people they can follow"), default=5)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["province_code", "first_name", "last_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class FundKind(models.TextChoices):
    COMMUNITY_WELFARE = "community_welfare", _("Community welfare fund")
    SAVINGS_GROUP = "savings_group", _("Savings group")
    LOCAL_GOVERNMENT = "local_government", _("Local government fund")
    OTHER = "other", _("Other")


class Fund(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FundKind.choices)
    province_code = models.CharField(_("province"), max_length=2, db_index=True)
    area_code = models.CharField(_("area"), max_length=6)
    network = models.ForeignKey(Network, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="funds", verbose_name=_("network"))
    members = models.PositiveIntegerField(_("members"), default=0)
    # Kept equal to the sum of its transactions by the fund services.
    balance = models.DecimalField(_("balance (baht)"), max_digits=14, decimal_places=2,
                                  default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["province_code", "area_code", "name"]

    def __str__(self) -> str:
        return self.name


class FundTransaction(models.Model):
    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Contribution")
        DISBURSEMENT = "disbursement", _("Disbursement")

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="transactions")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount (baht)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0),
                                              name="fund_transaction_amount_positive")]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.amount}"


class CommitteeLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")


class Committee(models.Model):
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=CommitteeLevel.choices)
    area_code = models.CharField(_("area"), max_length=6, db_index=True)
    province_code = models.CharField(_("province"), max_length=2, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["province_code", "area_code", "name"]

    def __str__(self) -> str:
        return self.name


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("Chair (from civil society)")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=10, choices=CommitteeRole.choices)
    partner_type = models.CharField(_("partner type"), max_length=20, choices=PartnerType.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["committee"], condition=models.Q(role="chair"), name="one_chair_per_committee")]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class CommitteeMeeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.date}"
