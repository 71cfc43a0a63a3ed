"""Transfers (การส่งต่อ): a case handed to another province or network, with
its history, next visit and open actions; the receiving side accepts or
declines. Accepted transfers count as out for one side and in for the other."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiving side")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Transfer(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="transfers")
    from_subdistrict = models.ForeignKey("geo.Subdistrict", on_delete=models.PROTECT,
                                         related_name="+")
    from_province_code = models.CharField(max_length=2, db_index=True)
    from_network = models.ForeignKey("networks.Network", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    # Where the case goes: the subdistrict the person now lives in, and
    # optionally the network asked to take it.
    to_subdistrict = models.ForeignKey("geo.Subdistrict", on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("to subdistrict"))
    to_province_code = models.CharField(max_length=2, db_index=True)
    to_network = models.ForeignKey("networks.Network", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="transfers_in",
                                   verbose_name=_("to network"))
    status = models.CharField(_("status"), max_length=10, choices=TransferStatus.choices,
                              default=TransferStatus.PENDING)
    note = models.TextField(_("why"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # At most one transfer of a case waits for an answer.
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="pending"),
                                    name="one_pending_transfer"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_subdistrict_id} ({self.status})"
