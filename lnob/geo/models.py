"""Thailand's administrative areas with their DOPA codes.

Codes are strings and primary keys: "10" Bangkok, "8405" Ko Pha-ngan district,
"840503" Ko Tao subdistrict, "84050301" its หมู่ที่ 1. Leading zeros matter and
a code's prefix is its parent, which is what area scoping relies on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lnob.core.i18n import localised


class Area(models.Model):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name_th = models.CharField(_("Thai name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    # geothai.normalize() of both names, so a search is one indexed LIKE on
    # SQLite and PostgreSQL alike.
    search_key = models.CharField(max_length=320, db_index=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Thai first)."""
        return localised(self.name_th, self.name_en)

    @property
    def level(self) -> str:
        return self._meta.model_name or ""


class Province(Area):
    class Meta(Area.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class District(Area):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts",
                                 verbose_name=_("province"))

    class Meta(Area.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Subdistrict(Area):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="subdistricts",
                                 verbose_name=_("district"))
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="subdistricts",
                                 verbose_name=_("province"))
    postal_codes = models.CharField(_("postal codes"), max_length=60, blank=True,
                                    help_text=_("Space-separated Thailand Post codes"))

    class Meta(Area.Meta):
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()


class Village(Area):
    """หมู่ที่ N of a subdistrict: code = subdistrict code + 2-digit number."""

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT,
                                    related_name="villages", verbose_name=_("subdistrict"))
    number = models.PositiveSmallIntegerField(_("village number (หมู่ที่)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Created from a file or a report that named a หมู่ที่ not yet recorded: numbered,
    # unnamed until a provincial officer confirms or corrects it.
    to_confirm = models.BooleanField(_("to confirm"), default=False, db_default=False)

    class Meta(Area.Meta):
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        constraints = [
            models.UniqueConstraint(fields=["subdistrict", "number"], name="uniq_village_number"),
        ]

    @property
    def name(self) -> str:
        number = _("Moo %(number)d") % {"number": self.number}
        base = super().name
        return f"{number} {base}".strip() if base else str(number)


class Population(models.Model):
    """Registered residents of a subdistrict in a year (DOPA's registered-
    population statistics, สถิติประชากรทางการทะเบียนราษฎร), loaded from its
    CSV by ``lnob load_population``. A ratio per resident (givers per 1,000)
    reads the latest year of each subdistrict; where one is missing the
    ratio is not computed at all."""

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT,
                                    related_name="population", verbose_name=_("subdistrict"))
    year = models.PositiveSmallIntegerField(_("year (CE)"))
    male = models.PositiveIntegerField(_("male"), null=True, blank=True)
    female = models.PositiveIntegerField(_("female"), null=True, blank=True)
    total = models.PositiveIntegerField(_("total"))
    source = models.CharField(_("source"), max_length=200)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registered population")
        verbose_name_plural = _("registered population")
        ordering = ["subdistrict", "-year"]
        constraints = [models.UniqueConstraint(fields=["subdistrict", "year"],
                                               name="uniq_population_subdistrict_year")]

    def __str__(self) -> str:
        return f"{self.subdistrict_id} {self.year}: {self.total}"
