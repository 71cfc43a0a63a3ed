"""The giving side (ศูนย์ประสานงานอาสาสมัครและการให้): offers of time and skills,
goods, services and pledges from anyone; the goods catalogue of each
province; stock held by networks; and what was given to whom."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.cases.models import new_reference


class OfferKind(models.TextChoices):
    TIME = "time", _("Time and skills")
    GOODS = "goods", _("Goods")
    SERVICE = "service", _("A service")
    PLEDGE = "pledge", _("Money pledged to a fund")


class OfferStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONTACTED = "contacted", _("Contacted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    USED = "used", _("Used: it reached people")


class GiverKind(models.TextChoices):
    PERSON = "person", _("A person")
    ORGANISATION = "organisation", _("An organisation (company, temple, school, group)")


class Skill(models.TextChoices):
    VISITING = "visiting", _("Visiting people at home")
    DRIVING = "driving", _("Driving people to care")
    COOKING = "cooking", _("Cooking")
    CARING = "caring", _("Caring for the bedridden")
    REPAIRS = "repairs", _("Repairing homes")
    TUTORING = "tutoring", _("Tutoring")
    COUNSELLING = "counselling", _("Counselling")
    OTHER = "other", _("Something else")


# Which national needs (registry taxonomy codes) each skill helps with: an
# accepted volunteer is matched on these.
SKILL_NEEDS = {
    Skill.VISITING: ("daily_care",), Skill.DRIVING: ("health",),
    Skill.COOKING: ("daily_care",), Skill.CARING: ("daily_care", "health"),
    Skill.REPAIRS: ("housing",), Skill.TUTORING: ("education",),
    Skill.COUNSELLING: ("mental_health",), Skill.OTHER: (),
}


class DeclineReason(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed in this area now")
    UNREACHABLE = "unreachable", _("The giver could not be reached")
    UNSUITABLE = "unsuitable", _("Not suitable (checks, condition of goods)")
    WITHDRAWN = "withdrawn", _("The giver withdrew")
    OTHER = "other", _("Other")


class GoodsItem(models.Model):
    """One line of a province's goods catalogue (national lines have no province)."""

    code = models.SlugField(_("code"), max_length=40)
    name_th = models.CharField(_("Thai name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    unit_th = models.CharField(_("unit (Thai)"), max_length=40, default="ชิ้น")
    unit_en = models.CharField(_("unit (English)"), max_length=40, default="pieces")
    # The need it answers: allocations meet this need of a person.
    need = models.ForeignKey("registry.Need", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("need it answers"))
    province_code = models.CharField(_("province"), max_length=2, blank=True, db_index=True)
    active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("goods item")
        verbose_name_plural = _("goods catalogue")
        ordering = ["sort", "name_th"]
        constraints = [models.UniqueConstraint(fields=["province_code", "code"],
                                               name="uniq_goods_item_code")]

    def __str__(self) -> str:
        return self.name_th

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_th if (get_language() or "th").startswith("th") or not self.name_en \
            else self.name_en

    @property
    def unit(self) -> str:
        from django.utils.translation import get_language

        return self.unit_th if (get_language() or "th").startswith("th") or not self.unit_en \
            else self.unit_en


class Offer(models.Model):
    """An offer of help. The giver's name, phone and e-mail are personal data:
    read only by the roles that route offers, each look audited."""

    reference = models.CharField(_("reference number"), max_length=11, unique=True,
                                 default=new_reference, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=OfferKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices,
                              default=OfferStatus.RECEIVED)
    # The giver (personal data).
    giver_kind = models.CharField(_("giver"), max_length=12, choices=GiverKind.choices,
                                  default=GiverKind.PERSON)
    giver_name = models.CharField(_("giver's name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    giver_phone = models.CharField(_("giver's phone"), max_length=20)
    giver_email = models.EmailField(_("giver's e-mail"), blank=True)
    consent_at = models.DateTimeField(_("consent to be contacted"), null=True, blank=True)
    # Where the help can reach: a subdistrict, or a whole district.
    area_code = models.CharField(_("area"), max_length=6, db_index=True)
    subdistrict = models.ForeignKey("geo.Subdistrict", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="offers",
                                    verbose_name=_("subdistrict"))
    district_code = models.CharField(max_length=4, editable=False, db_index=True)
    province_code = models.CharField(max_length=2, editable=False, db_index=True)
    # What is offered.
    skills = models.JSONField(_("skills"), default=list, blank=True)
    when = models.CharField(_("when"), max_length=200, blank=True)
    goods_item = models.ForeignKey(GoodsItem, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="offers", verbose_name=_("goods"))
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("people it can serve"), null=True, blank=True)
    # What is left of an accepted service to allocate (never below zero).
    capacity_left = models.PositiveIntegerField(null=True, blank=True)
    fund = models.ForeignKey("networks.Fund", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="pledges", verbose_name=_("fund"))
    amount = models.DecimalField(_("amount pledged (baht)"), max_digits=12, decimal_places=2,
                                 null=True, blank=True)
    description = models.TextField(_("what you offer"), max_length=1000, blank=True)
    # Routing: the lead network of the area, or none (a hole: the provincial office).
    network = models.ForeignKey("networks.Network", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="offers",
                                verbose_name=_("routed to"))
    coverage_hole = models.BooleanField(_("no network covers the area"), default=False)
    # Outcome.
    decline_reason = models.CharField(_("reason declined"), max_length=12,
                                      choices=DeclineReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    volunteer = models.ForeignKey("networks.Volunteer", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="offers")
    # A pledge counts as money received only once the fund recorded it.
    fund_transaction = models.ForeignKey("networks.FundTransaction", on_delete=models.SET_NULL,
                                         null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    contacted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["province_code", "status", "created_at"],
                                name="offer_province_status")]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__isnull=True) |
                                   models.Q(quantity__gt=0), name="offer_quantity_positive"),
            models.CheckConstraint(condition=models.Q(amount__isnull=True) |
                                   models.Q(amount__gt=0), name="offer_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def inbox_label(self) -> str:
        """How the API's inbox names the offer: what and where, not who."""
        what = str(self.get_kind_display())
        if self.goods_item_id and self.goods_item:
            what += f": {self.goods_item.name} × {self.quantity}"
        return f"{self.reference} · {what} · {self.area_code}"


class Stock(models.Model):
    """Goods a network holds for people in need. Never below zero: the
    database refuses it, the services lock the row before taking from it."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE,
                                related_name="stock", verbose_name=_("network"))
    item = models.ForeignKey(GoodsItem, on_delete=models.PROTECT, related_name="stock",
                             verbose_name=_("goods"))
    province_code = models.CharField(max_length=2, editable=False, db_index=True)
    quantity = models.IntegerField(_("quantity"), default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        ordering = ["network", "item"]
        constraints = [
            models.UniqueConstraint(fields=["network", "item"], name="uniq_stock_network_item"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0),
                                   name="stock_never_below_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class Allocation(models.Model):
    """Goods or a service given to a person for one of their needs; recorded on
    their case as a support event too."""

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE,
                               related_name="allocations")
    need = models.ForeignKey("registry.Need", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="allocations")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="allocations")
    quantity = models.PositiveIntegerField(_("quantity"))
    subdistrict_code = models.CharField(max_length=6, db_index=True)
    province_code = models.CharField(max_length=2, db_index=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0),
                                              name="allocation_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.quantity}"
