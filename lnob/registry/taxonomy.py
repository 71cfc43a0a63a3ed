"""Target groups and needs: national entries plus each province's own.

The seed gives no national definition beyond four groups, so the taxonomy is
data: a province adds sub-groups under the four and needs of its own.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lnob.core.i18n import localised


class Localised(models.Model):
    code = models.SlugField(_("code"), max_length=40)
    name_th = models.CharField(_("Thai name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    # "" for national entries, else the province's 2-digit code.
    province_code = models.CharField(_("province"), max_length=2, blank=True, db_index=True)
    active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveSmallIntegerField(default=100)

    class Meta:
        abstract = True
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self.name_th, self.name_en)


class TargetGroup(Localised):
    """One of the four national groups, or a province's sub-group under one."""

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="subgroups", verbose_name=_("national group"))
    criteria = models.TextField(_("criteria"), blank=True)

    class Meta(Localised.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        constraints = [models.UniqueConstraint(fields=["province_code", "code"],
                                               name="uniq_target_group_code")]


class Need(Localised):
    class Meta(Localised.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [models.UniqueConstraint(fields=["province_code", "code"],
                                               name="uniq_need_code")]


NATIONAL_GROUPS = [
    ("disadvantaged", "ผู้ด้อยโอกาส", "Disadvantaged"),
    ("in_hardship", "ผู้ยากลำบาก", "In hardship"),
    ("abandoned", "ผู้ถูกทอดทิ้ง", "Abandoned"),
    ("affected", "ผู้รับผลกระทบ", "Affected"),
]
NATIONAL_NEEDS = [
    ("health", "สุขภาพ", "Health"),
    ("daily_care", "การดูแลในชีวิตประจำวัน", "Daily living care"),
    ("housing", "ที่อยู่อาศัย", "Housing"),
    ("income", "รายได้และอาชีพ", "Income and work"),
    ("education", "การศึกษา", "Education"),
    ("legal_status", "สถานะทางทะเบียนและสิทธิ", "Legal status and rights"),
    ("disability_aids", "อุปกรณ์สำหรับคนพิการ", "Disability aids"),
    ("mental_health", "สุขภาพจิต", "Mental health"),
    ("protection", "การคุ้มครองจากความรุนแรง", "Protection from violence"),
]
