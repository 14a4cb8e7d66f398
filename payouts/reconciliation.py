"""Reconciliation: the confirmation file that comes back from the bank or the card issuer.

reconciliation_preview reads the file (.xlsx through jiading_union.spreadsheets, which refuses
decompression bombs, or CSV), matches rows by payment reference (给付编号) and records what would
change: sent payments becoming confirmed (到账), failed or returned, with the bank's reference and
reason (the applications of failed and returned payments move paid → payment_failed, 支付失败，待重新给付).
Unknown references, duplicates, amounts that differ, payments not waiting for a
confirmation and unreadable results are listed and change nothing. reconciliation_apply writes
the previewed changes in one transaction, all or nothing: if any payment moved since the preview,
the whole file is refused and nothing changes.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from jiading_union.spreadsheets import SpreadsheetError, open_table_safely, open_xlsx_safely
from members.models import User
from members.selectors import is_district_staff
from projects.models import Application
from projects.services.transitions import applications_payout_step_in_bulk

from .models import Payment, PaymentStatus, Reconciliation, ReconciliationStatus

DISTRICT_ONLY = "只有区总工会工作人员可以办理对账。"
NOT_A_FILE = "请上传银行或发卡机构返回的回单文件（.xlsx 或 .csv）。"
NO_HEADER = "回单文件中找不到“给付编号”列：请使用给付文件的表头（给付编号、金额（元）、结果、回单流水号、失败原因）。"
TOO_BIG = "回单文件超过 {limit} MB，请分成几个文件上传。"
NOT_PREVIEWED = "这份回单已处理过，不能再次入账。"
MOVED = "预览之后有给付状态已改变（{references}），整份回单未入账，请重新上传预览。"
NOTHING_TO_APPLY = "这份回单没有可入账的行。"

UNKNOWN = "给付编号不存在"
DUPLICATE = "给付编号在文件中重复（第 {first} 行已出现），两行均不入账"
AMOUNT_DIFFERS = "金额不符：回单 {theirs} 元，给付 {ours} 元"
NOT_SENT = "该笔给付当前为“{status}”，不在待对账状态"
BAD_RESULT = "结果“{value}”无法识别（应为 成功/到账、失败 或 退回）"
BAD_AMOUNT = "金额“{value}”无法识别"

MAX_BYTES = 20 * 1024 * 1024
RESULTS = {
    "成功": PaymentStatus.CONFIRMED,
    "到账": PaymentStatus.CONFIRMED,
    "已到账": PaymentStatus.CONFIRMED,
    "失败": PaymentStatus.FAILED,
    "退回": PaymentStatus.RETURNED,
    "退票": PaymentStatus.RETURNED,
}
COLUMNS = {
    "reference": "给付编号",
    "amount": "金额（元）",
    "result": "结果",
    "bank": "回单流水号",
    "reason": "失败原因",
}
REFERENCE = re.compile(r"^ZF(\d{10})$")


def _district_only(user: User) -> None:
    if not is_district_staff(user):
        raise PermissionDenied(DISTRICT_ONLY)


def _rows(content: bytes, name: str):
    if name.lower().endswith(".csv"):
        # The shared reader: UTF-8 or GB 18030 (a bank's CSV is often GBK), with the row and time limits.
        for row in open_table_safely(content, name=name).rows:
            yield ["" if v is None else v for v in row]
        return
    with open_xlsx_safely(content, name=name) as reader:
        for row in reader.rows(reader.sheet("明细")):
            yield ["" if v is None else v for v in row]


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(content: bytes, name: str) -> list[tuple[int, dict]]:
    header, parsed = None, []
    for number, row in enumerate(_rows(content, name), start=1):
        cells = [_text(v) for v in row]
        if header is None:
            if COLUMNS["reference"] in cells:
                header = {key: cells.index(title) for key, title in COLUMNS.items() if title in cells}
            continue
        if not any(cells):
            continue
        parsed.append((number, {key: cells[i] if i < len(cells) else "" for key, i in header.items()}))
    if header is None:
        raise ValidationError(NO_HEADER)
    return parsed


@transaction.atomic
def reconciliation_preview(*, user: User, upload) -> Reconciliation:
    """Read and check the file; record the preview. Nothing in the ledger changes yet."""
    _district_only(user)
    if upload is None or not upload.name.lower().endswith((".xlsx", ".csv")):
        raise ValidationError(NOT_A_FILE)
    if upload.size > MAX_BYTES:
        raise ValidationError(TOO_BIG.format(limit=MAX_BYTES // (1024 * 1024)))
    content = upload.read()
    try:
        rows = _parse(content, upload.name)
    except SpreadsheetError as exc:
        raise ValidationError(str(exc)) from None
    ids = {int(m.group(1)) for _, r in rows if (m := REFERENCE.match(r.get("reference", "")))}
    payments = {p.pk: p for p in Payment.objects.filter(pk__in=ids)}
    seen: dict[str, int] = {}
    changes, problems, duplicates = [], [], set()
    for number, row in rows:
        reference = row.get("reference", "")
        if reference in seen:
            duplicates.add(reference)
            problems.append({"row": number, "reference": reference, "problem": DUPLICATE.format(first=seen[reference])})
            continue
        seen[reference] = number
        match = REFERENCE.match(reference)
        payment = payments.get(int(match.group(1))) if match else None
        problem = None
        outcome = RESULTS.get(row.get("result", ""))
        if payment is None:
            problem = UNKNOWN
        elif payment.status != PaymentStatus.SENT:
            problem = NOT_SENT.format(status=payment.get_status_display())
        elif outcome is None:
            problem = BAD_RESULT.format(value=row.get("result", ""))
        else:
            try:
                theirs = Decimal(row.get("amount", "").replace(",", "").replace("元", "")).quantize(Decimal("0.01"))
            except InvalidOperation:
                problem = BAD_AMOUNT.format(value=row.get("amount", ""))
            else:
                if theirs != payment.amount:
                    problem = AMOUNT_DIFFERS.format(theirs=f"{theirs:,.2f}", ours=f"{payment.amount:,.2f}")
        if problem:
            problems.append({"row": number, "reference": reference, "problem": problem})
            continue
        changes.append(
            {
                "row": number,
                "payment": payment.pk,
                "reference": reference,
                "outcome": outcome.value,
                "bank_reference": row.get("bank", "")[:64],
                "reason": row.get("reason", "")[:200],
            }
        )
    # A reference that appears twice changes nothing, not even on its first row.
    for change in [c for c in changes if c["reference"] in duplicates]:
        changes.remove(change)
        problems.append(
            {"row": change["row"], "reference": change["reference"], "problem": DUPLICATE.format(first=change["row"])}
        )
    problems.sort(key=lambda p: p["row"])
    record = Reconciliation(
        original_name=upload.name[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        changes=changes,
        problems=problems,
        uploaded_by=user,
    )
    record.file.save(upload.name, ContentFile(content), save=False)
    record._history_user = user
    record.save()
    return record


@transaction.atomic
def reconciliation_apply(*, user: User, reconciliation: Reconciliation) -> Reconciliation:
    """Write the previewed changes, all or none."""
    _district_only(user)
    record = Reconciliation.objects.select_for_update().get(pk=reconciliation.pk)
    if record.status != ReconciliationStatus.PREVIEWED:
        raise ValidationError(NOT_PREVIEWED)
    if not record.changes:
        raise ValidationError(NOTHING_TO_APPLY)
    ids = sorted(c["payment"] for c in record.changes)
    locked = {p.pk: p for p in Payment.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    moved = [
        c["reference"]
        for c in record.changes
        if locked.get(c["payment"]) is None or locked[c["payment"]].status != PaymentStatus.SENT
    ]
    if moved:
        raise ValidationError(MOVED.format(references="、".join(moved[:20])))
    now = timezone.now()
    updated = []
    for change in record.changes:
        payment = locked[change["payment"]]
        payment.status = change["outcome"]
        payment.bank_reference = change["bank_reference"]
        payment.failure_reason = change["reason"] if change["outcome"] != PaymentStatus.CONFIRMED else ""
        payment.settled_at = now
        updated.append(payment)
    Payment.objects.bulk_update(updated, ["status", "bank_reference", "failure_reason", "settled_at"], batch_size=2000)
    # The money did not arrive: the applications of failed and returned payments say so (paid →
    # payment_failed through the workflow's bulk step, one event and history row each), in this
    # same transaction as the ledger, so the file is applied all or nothing.
    failed = sorted({c["payment"] for c in record.changes if c["outcome"] != PaymentStatus.CONFIRMED})
    # An application closed (办结) after it was paid is reopened the same way: its money did not arrive.
    if failed:
        for action in ("payment_failed", "payment_failed_closed"):
            applications_payout_step_in_bulk(
                user=user,
                applications=Application.objects.filter(
                    Exists(Payment.objects.filter(application=OuterRef("pk"), pk__in=failed))
                ),
                action=action,
                comment=f"对账回单 {record.original_name}：给付失败或退回，待重新给付",
                data={"reconciliation": record.pk},
            )
    record.status = ReconciliationStatus.APPLIED
    record.applied_by, record.applied_at = user, now
    record._history_user = user
    record.save(update_fields=["status", "applied_by", "applied_at"])
    return record
