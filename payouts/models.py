"""Payouts: batches of approved benefits, one district staff member preparing, another confirming.

Payouts consume applications through projects' selectors and services; projects never
import this app.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PayoutBatchStatus(models.TextChoices):
    PREPARED = "prepared", _("待复核")
    PAYING = "paying", _("已复核，给付处理中")
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
                condition=models.Q(
                    status__in=["paying", "confirmed"], confirmed_by__isnull=False, confirmed_at__isnull=False
                )
                | ~models.Q(status__in=["paying", "confirmed"]),
            ),
        ]

    def __str__(self):
        return self.reference


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("待发出")
    SENT = "sent", _("已发出")
    CONFIRMED = "confirmed", _("已到账")
    FAILED = "failed", _("失败")
    RETURNED = "returned", _("退回")
    CANCELLED = "cancelled", _("已作废")


class PaymentRoute(models.TextChoices):
    """Where the money goes (subsidies.rules.core.Route's paying routes; the rest pay to the member's card)."""

    MEMBER_CARD = "member_card", _("划入会员服务卡")
    DISTRICT_ACCOUNT = "district_account", _("划入区总工会指定账户")
    UNIT_ACCOUNT = "unit_account", _("划入单位账户")


class Payment(models.Model):
    """The ledger: one row per application × benefit × payer, ever (unique in the database). A
    cancelled batch's payment, or a failed one, is put into a later batch by moving this row, never
    by writing a second one. Written set-based by payouts.services, never through a form."""

    # Indexes: none names status or sent_at, and the table keeps room on each page (fillfactor,
    # migration 0005), so paying (pending → sent) and reconciling are HOT updates. The application
    # and batch foreign keys have no index of their own: payment_once and (batch, application) start
    # with them.
    application = models.ForeignKey(
        "projects.Application",
        verbose_name=_("申请"),
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,
    )
    benefit = models.CharField(_("给付项目"), max_length=64)  # the application's rule
    payer = models.CharField(_("出资方"), max_length=24)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    route = models.CharField(_("给付途径"), max_length=24, choices=PaymentRoute.choices)
    status = models.CharField(_("状态"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    batch = models.ForeignKey(
        PayoutBatch, verbose_name=_("给付批次"), on_delete=models.PROTECT, related_name="payments", db_index=False
    )
    file = models.ForeignKey(
        "PaymentFile",
        verbose_name=_("给付文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    bank_reference = models.CharField(_("回单流水号"), max_length=64, blank=True)
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    # A failed or returned payment sent again (payout_batch_prepare_failed): what it was before, so
    # cancelling that re-payment batch gives it back its own outcome.
    resent_from = models.CharField(
        _("重新给付前状态"), max_length=16, choices=PaymentStatus.choices, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(_("生成时间"))
    sent_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    settled_at = models.DateTimeField(_("对账时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("给付明细")
        verbose_name_plural = _("给付明细")
        constraints = [
            models.UniqueConstraint(fields=["application", "benefit", "payer"], name="payment_once"),
            models.CheckConstraint(name="payment_positive", condition=models.Q(amount__gt=0)),
        ]
        indexes = [models.Index(fields=["batch", "application"], name="payment_batch_application")]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """The payment's reference in the files and in the confirmation that comes back."""
        return payment_reference(self.pk)


def payment_reference(pk: int) -> str:
    return f"ZF{pk:010d}"


def payment_file_path(instance: PaymentFile, filename: str) -> str:
    return f"payouts/{instance.batch.reference}/{filename}"


class PaymentFileKind(models.TextChoices):
    XLSX = "xlsx", _("Excel 文件")
    CSV = "csv", _("CSV 文件")


class PaymentFile(models.Model):
    """A batch's file for one route, for the payer's bank or the card issuer (full ID numbers are in
    the file only). Made once per batch, route and kind; its checksum is recorded."""

    batch = models.ForeignKey(PayoutBatch, verbose_name=_("给付批次"), on_delete=models.PROTECT, related_name="files")
    route = models.CharField(_("给付途径"), max_length=24, choices=PaymentRoute.choices)
    kind = models.CharField(_("格式"), max_length=8, choices=PaymentFileKind.choices)
    file = models.FileField(_("文件"), upload_to=payment_file_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("笔数"))
    total = models.DecimalField(_("合计（元）"), max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("给付文件")
        verbose_name_plural = _("给付文件")
        ordering = ["batch", "route", "kind"]
        constraints = [models.UniqueConstraint(fields=["batch", "route", "kind"], name="payment_file_once")]

    def __str__(self):
        return f"{self.batch.reference} {self.get_route_display()} {self.get_kind_display()}"


class ReconciliationStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    APPLIED = "applied", _("已入账")
    REFUSED = "refused", _("未入账")


def reconciliation_path(instance: Reconciliation, filename: str) -> str:
    return f"payouts/reconciliations/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()[:8]}"


class Reconciliation(models.Model):
    """A confirmation file that came back from a bank or the card issuer: read and checked into a
    preview (what would change, and every row that changes nothing and why), then applied all or
    nothing by district staff."""

    file = models.FileField(_("回单文件"), upload_to=reconciliation_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=16, choices=ReconciliationStatus.choices, default=ReconciliationStatus.PREVIEWED
    )
    # [{"payment": id, "outcome": "confirmed" | "failed" | "returned", "bank_reference", "reason"}]
    changes = models.JSONField(_("将入账的行"), default=list)
    # [{"row": n, "reference": "…", "problem": "…"}]: listed, change nothing
    problems = models.JSONField(_("不入账的行"), default=list)
    uploaded_by = models.ForeignKey(
        "members.User", verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    applied_by = models.ForeignKey(
        "members.User", verbose_name=_("入账人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("入账时间"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("对账变更记录"))

    class Meta:
        verbose_name = _("对账回单")
        verbose_name_plural = _("对账回单")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.original_name
