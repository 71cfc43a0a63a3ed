"""People in need (ผู้ต้องการความช่วยเหลือ), their households, needs, target
groups, consent and the history of every change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.registry.taxonomy import Need, TargetGroup

__all__ = ["CitizenIdProblem", "Consent", "Household", "Need", "Person", "PersonChange",
           "PersonNeed", "TargetGroup"]

TITLES = ["นาย", "นาง", "นางสาว", "เด็กชาย", "เด็กหญิง", "พระ", "พระภิกษุ", "สามเณร",
          "แม่ชี", "ว่าที่ร้อยตรี", "สิบเอก", "จ่าสิบเอก", "ร้อยตำรวจโท", "ดาบตำรวจ", "ดร."]


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    OTHER = "X", _("Other / not stated")


class NoCitizenIdReason(models.TextChoices):
    NOT_REGISTERED = "not_registered", _("Never registered (no civil-registration status)")
    STATELESS = "stateless", _("Stateless or awaiting nationality")
    LOST = "lost", _("Card lost; number not known")
    UNKNOWN = "unknown", _("Not known to the reporter")
    REFUSED = "refused", _("Person chose not to give it")


class CitizenIdProblem(models.TextChoices):
    """Why a citizen ID kept as written is not verified (empty: it is fine)."""

    CHECK_DIGIT = "check_digit", _("unverified — check digit fails")
    TWELVE_DIGITS = "12_digits", _("unverified — 12 digits")
    LENGTH = "length", _("unverified — wrong number of digits")


class Source(models.TextChoices):
    NETWORK = "network", _("Network")
    HOTLINE = "hotline", _("Hotline")
    PUBLIC = "public", _("Public report")
    FORUM = "forum", _("Community forum")
    IMPORT = "import", _("Spreadsheet import")
    OFFICER = "officer", _("Provincial office")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VERIFIED = "verified", _("Verified")
    ASSIGNED = "assigned", _("Assigned")
    IN_CARE = "in_care", _("In care")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


class Household(models.Model):
    subdistrict = models.ForeignKey("geo.Subdistrict", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("subdistrict"))
    village = models.ForeignKey("geo.Village", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("village"))
    house_number = models.CharField(_("house number"), max_length=30, blank=True)
    head = models.ForeignKey("Person", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("head of household"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"{self.house_number} {self.subdistrict_id}".strip()


class Person(models.Model):
    # Identity
    title = models.CharField(_("title"), max_length=40, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("surname"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.OTHER)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year_only = models.BooleanField(_("only the birth year is known"), default=False)
    citizen_id = models.CharField(_("citizen ID"), max_length=13, blank=True)
    no_citizen_id_reason = models.CharField(_("why there is no citizen ID"), max_length=20,
                                            choices=NoCitizenIdReason.choices, blank=True)
    # Set when the ID was kept as written although it is not a valid one: never
    # silently corrected, never a matching key until an officer fixes it.
    citizen_id_problem = models.CharField(_("citizen ID problem"), max_length=12,
                                          choices=CitizenIdProblem.choices, blank=True,
                                          default="", db_default="")
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Where the person lives now (may differ from the house registration).
    # The indexes are in Meta: as plain fields they would each get a second,
    # varchar_pattern_ops copy on PostgreSQL that no query uses (decision 0006).
    subdistrict = models.ForeignKey("geo.Subdistrict", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("subdistrict"),
                                    db_index=False)
    village = models.ForeignKey("geo.Village", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("village"), db_index=False)
    house_number = models.CharField(_("house number"), max_length=30, blank=True)
    address_text = models.CharField(_("address details"), max_length=255, blank=True)
    # Denormalised from the subdistrict code so that area scoping is an
    # equality on an indexed column at every level.
    province_code = models.CharField(max_length=2, editable=False)
    district_code = models.CharField(max_length=4, editable=False)
    household = models.ForeignKey(Household, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="members", verbose_name=_("household"))
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="persons",
                                           verbose_name=_("target groups"))
    # The highest severity of the person's needs (1–4), kept for filters and sorting.
    severity = models.PositiveSmallIntegerField(_("severity"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.REPORTED)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    source_network = models.ForeignKey("networks.Network", on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="reported_persons",
                                       verbose_name=_("reporting network"))
    source_note = models.CharField(_("source details"), max_length=255, blank=True)
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # Bumped on every change: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # PDPA (lnob.privacy): a restricted person is kept but left out of
    # matching, exports and reports; an erased one is anonymised (counts stay).
    restricted = models.BooleanField(_("processing restricted"), default=False,
                                     db_default=False)
    erased_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Lower-cased "first last" with single spaces, for partial name search.
    name_key = models.CharField(max_length=210, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["-severity", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["province_code", "-severity", "-created_at"],
                         name="person_province_list"),
            models.Index(fields=["district_code", "-severity"], name="person_district"),
            models.Index(fields=["subdistrict", "-severity"], name="person_subdistrict"),
            # A name search reads these covering indexes, not the table: part
            # of a name can be anywhere in it, so no index can seek to it.
            models.Index(fields=["province_code", "name_key"], name="person_province_name"),
            models.Index(fields=["district_code", "name_key"], name="person_district_name"),
            models.Index(fields=["citizen_id"], name="person_citizen_id"),
            models.Index(fields=["phone"], name="person_phone"),
            models.Index(fields=["status"], name="person_status"),
            models.Index(fields=["external_ref"], name="person_external_ref"),
            models.Index(fields=["village"], name="person_village"),
            # The few persons whose citizen ID was kept as written: the person
            # search counts them on every page (issue 21: a scan of the
            # province's persons each time, now a count of a small index).
            models.Index(fields=["province_code"], condition=~models.Q(citizen_id_problem=""),
                         name="person_province_id_problem"),
            models.Index(fields=["district_code"], condition=~models.Q(citizen_id_problem=""),
                         name="person_district_id_problem"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (f"{self.title}{self.first_name}", self.last_name) if p)

    @property
    def area_code(self) -> str:
        return str(self.subdistrict_id)

    def age(self, on: Any = None) -> int | None:
        if self.birth_date is None:
            return None
        today = on or timezone.localdate()
        years = today.year - self.birth_date.year
        if not self.birth_year_only and (today.month, today.day) < (
                self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class PersonNeed(models.Model):
    # Indexed by the unique (person, need) and the (need, severity) index.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="needs",
                               db_index=False)
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="+", db_index=False)
    severity = models.PositiveSmallIntegerField(_("severity"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "need"], name="uniq_person_need"),
            models.CheckConstraint(condition=models.Q(severity__gte=1, severity__lte=4),
                                   name="person_need_severity_1_4"),
        ]
        indexes = [models.Index(fields=["need", "severity"], name="person_need_lookup")]

    def __str__(self) -> str:
        return f"{self.need_id}:{self.severity}"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    UNABLE = "unable", _("Unable to give")


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent (PDPA s.19, s.26)")
    VITAL_INTEREST = "vital_interest", _(
        "Preventing danger to life or health (s.24(2), s.26(1)(a))")
    PUBLIC_TASK = "public_task", _("Public task of the ministry (s.24(4))")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (s.24(6))")
    SOCIAL_PROTECTION = "social_protection", _("Social protection law (s.26(5)(b))")


class Consent(models.Model):
    """One recorded answer; the latest is the person's current consent."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    status = models.CharField(_("consent"), max_length=10, choices=ConsentStatus.choices)
    purposes = models.JSONField(_("purposes"), default=list, blank=True)
    lawful_basis = models.CharField(_("lawful basis"), max_length=20, choices=LawfulBasis.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.status} ({self.lawful_basis})"


class ConsentPurpose(models.TextChoices):
    CARE = "care", _("Care and follow-up")
    SHARING = "sharing", _("Sharing with partner networks")
    WELFARE = "welfare", _("Checking state welfare rights")
    PUBLICATION = "publication", _("Publication in a good story")


class PersonChange(models.Model):
    """The person's history: who changed what, when, old → new."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes",
                               db_index=False)  # indexed by (person, at)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20)  # create | update | consent | needs | groups
    changes = models.JSONField(default=dict)  # field → [old, new]

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"], name="person_change_person")]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"
