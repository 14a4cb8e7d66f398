"""Payout batches: maker-checker over approved benefits, each paid exactly once.

prepare (district staff A: approved → batched) → confirm (district staff B ≠ A: batched →
paid, every application through the workflow, in one transaction, all or none); or cancel
(batched → approved). Only a confirmed batch marks anything paid.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import User
from members.selectors import is_district_staff
from projects.models import Application, ApplicationStatus
from projects.selectors import payable_applications
from projects.services.transitions import application_payout_step

from .models import PayoutBatch, PayoutBatchStatus, PayoutItem

DISTRICT_ONLY = "只有区总工会工作人员可以办理给付批次。"
NOTHING_TO_PAY = "所选申请中没有可给付的已批准申请（须为已批准、金额大于0、未在其他批次中）。"
SAME_PERSON = "制单人不能复核自己制作的给付批次（职责分离）。"
NOT_PREPARED = "只有待复核的批次可以确认或作废。"
ALREADY_IN_BATCH = "有申请已在其他给付批次中，请刷新后重试。"
ITEMS_CHANGED = "以下申请的状态或金额与批次不一致，整批未确认：{references}。请作废本批次后重新制单。"


def _district_only(user: User) -> None:
    if not is_district_staff(user):
        raise PermissionDenied(DISTRICT_ONLY)


@transaction.atomic
def payout_batch_prepare(*, user: User, applications: Iterable, note: str = "") -> PayoutBatch:
    """Gather approved, positive, not-yet-batched applications into a batch for a colleague to
    confirm. Each application moves approved → batched (workflow), so nothing else can pay,
    recalculate or close it while the batch waits."""
    _district_only(user)
    ids = [a.pk for a in applications]
    payable = list(payable_applications().filter(pk__in=ids).select_for_update(of=("self",)).order_by("pk"))
    if not payable:
        raise ValidationError(NOTHING_TO_PAY)
    batch = PayoutBatch(
        total=sum((a.amount for a in payable), Decimal("0.00")), prepared_by=user, note=note, reference=""
    )
    batch._history_user = user
    batch.save()
    batch.reference = f"GF{timezone.localdate():%Y%m%d}{batch.pk:06d}"
    batch.save(update_fields=["reference"])
    try:
        with transaction.atomic():
            PayoutItem.objects.bulk_create(
                [
                    PayoutItem(batch=batch, application=a, amount=a.amount, route=a.decision.get("route") or "")
                    for a in payable
                ]
            )
    except IntegrityError:
        raise ValidationError(ALREADY_IN_BATCH) from None
    for application in payable:
        application_payout_step(
            user=user,
            application=application,
            action="batch",
            comment=f"给付批次 {batch.reference}",
            data={"batch": batch.reference},
        )
    return batch


@transaction.atomic
def payout_batch_confirm(*, user: User, batch: PayoutBatch) -> PayoutBatch:
    """The checker confirms: every application in the batch is marked paid (workflow), or none is.
    Refused as a whole if any item no longer matches its application (status or frozen amount)."""
    _district_only(user)
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != PayoutBatchStatus.PREPARED:
        raise ValidationError(NOT_PREPARED)
    if batch.prepared_by_id == user.pk:
        raise ValidationError(SAME_PERSON)
    items = list(batch.items.order_by("application_id"))
    locked = {
        a.pk: a
        for a in Application.objects.select_for_update(of=("self",))
        .filter(pk__in=[i.application_id for i in items])
        .order_by("pk")
    }
    mismatched = [
        locked[i.application_id].reference
        for i in items
        if locked[i.application_id].status != ApplicationStatus.BATCHED or locked[i.application_id].amount != i.amount
    ]
    if mismatched:
        raise ValidationError(ITEMS_CHANGED.format(references="、".join(mismatched)))
    for item in items:
        application_payout_step(
            user=user,
            application=locked[item.application_id],
            action="mark_paid",
            comment=f"给付批次 {batch.reference}",
            data={"batch": batch.reference},
        )
    batch.status = PayoutBatchStatus.CONFIRMED
    batch.confirmed_by, batch.confirmed_at = user, timezone.now()
    batch._history_user = user
    batch.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return batch


@transaction.atomic
def payout_batch_cancel(*, user: User, batch: PayoutBatch) -> PayoutBatch:
    """A prepared batch is withdrawn: its applications go back to approved, ready for another batch."""
    _district_only(user)
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != PayoutBatchStatus.PREPARED:
        raise ValidationError(NOT_PREPARED)
    for item in batch.items.select_related("application").order_by("application_id"):
        application_payout_step(
            user=user,
            application=item.application,
            action="unbatch",
            comment=f"给付批次 {batch.reference} 已作废",
            data={"batch": batch.reference},
        )
    batch.items.update(live=False)
    batch.status = PayoutBatchStatus.CANCELLED
    batch._history_user = user
    batch.save(update_fields=["status"])
    return batch
