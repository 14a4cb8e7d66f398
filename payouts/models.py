"""Payouts: batches of approved benefits, one district staff member preparing, another confirming.

Payouts consume applications through projects' selectors and services; projects never
import this app.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PayoutBatchStatus(models.TextChoices):
    PREPARED = "prepared", _("待复核")
    CONFIRMED = "confirmed", _("已确认给付")
    CANCELLED = "cancelled", _("已作废")


class PayoutBatch(models.Model):
    """A batch of approved benefits to pay: prepared by one district staff member, confirmed by another."""

    reference = models.CharField(_("批次编号"), max_length=24, unique=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=PayoutBatchStatus.choices, default=PayoutBatchStatus.PREPARED
    )
    total = models.DecimalField(_("合计（元）"), max_digits=14, decimal_places=2)
    prepared_by = models.ForeignKey(
        "members.User", verbose_name=_("制单人"), on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(_("制单时间"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        "members.User", verbose_name=_("复核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    history = HistoricalRecords(verbose_name=_("给付批次变更记录"))

    class Meta:
        verbose_name = _("给付批次")
        verbose_name_plural = _("给付批次")
        ordering = ["-prepared_at"]
        constraints = [
            # Maker-checker, in the database too: whoever prepared a batch does not confirm it.
            models.CheckConstraint(
                name="payout_batch_checker_is_not_maker",
                condition=models.Q(confirmed_by__isnull=True) | ~models.Q(confirmed_by=models.F("prepared_by")),
            ),
            models.CheckConstraint(
                name="payout_batch_confirmed_together",
                condition=models.Q(status="confirmed", confirmed_by__isnull=False, confirmed_at__isnull=False)
                | ~models.Q(status="confirmed"),
            ),
        ]

    def __str__(self):
        return self.reference


class PayoutItem(models.Model):
    """One approved benefit in a batch. An application is in at most one live batch (unique key)."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey("projects.Application", on_delete=models.PROTECT, related_name="payout_items")
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    route = models.CharField(_("给付途径"), max_length=24, blank=True)
    live = models.BooleanField(default=True, editable=False)  # False once its batch is cancelled

    class Meta:
        verbose_name = _("给付明细")
        verbose_name_plural = _("给付明细")
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(live=True), name="payout_item_once_per_application"
            ),
            models.CheckConstraint(name="payout_item_positive", condition=models.Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"{self.application_id} {self.amount}"
