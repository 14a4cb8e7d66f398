"""Reconciliation: the confirmation file that comes back, previewed, then applied all or nothing;
failed payments into the next batch; the report per payer and period matches the ledger."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from payouts import reconciliation as rec
from payouts.models import Payment, PayoutBatchStatus
from payouts.selectors import payout_report
from payouts.services import (
    NOTHING_FAILED,
    payout_batch_confirm,
    payout_batch_prepare,
    payout_batch_prepare_failed,
)
from projects.models import Application
from tests.payouts.test_batches import approved_award

HEADER = ["给付编号", "金额（元）", "结果", "回单流水号", "失败原因"]


@pytest.fixture
def sent(tree, staff, django_capture_on_commit_callbacks):
    awards = [approved_award(tree, staff) for _ in range(3)]
    batch = payout_batch_prepare(user=staff["district"], applications=awards)
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_confirm(user=staff["district2"], batch=batch)
    return list(batch.payments.order_by("pk"))


def _csv(rows, name="回单.csv", encoding="utf-8-sig"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding))


def _xlsx(rows, name="回单.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "明细"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_preview_lists_mismatches_unknowns_and_duplicates_and_changes_nothing(sent, staff):
    a, b, c = sent
    upload = _csv(
        [
            [a.reference, "1000.00", "成功", "BK001", ""],
            [b.reference, "999.00", "成功", "BK002", ""],  # amount differs
            ["ZF9999999999", "1000.00", "成功", "BK003", ""],  # unknown
            [c.reference, "1000.00", "失败", "BK004", "账户已注销"],
            [c.reference, "1000.00", "成功", "BK005", ""],  # duplicate: neither row counts
        ]
    )
    preview = rec.reconciliation_preview(user=staff["district"], upload=upload)
    assert [ch["reference"] for ch in preview.changes] == [a.reference]
    problems = {(p["row"], p["reference"]): p["problem"] for p in preview.problems}
    assert problems[(3, b.reference)] == rec.AMOUNT_DIFFERS.format(theirs="999.00", ours="1,000.00")
    assert problems[(4, "ZF9999999999")] == rec.UNKNOWN
    assert (5, c.reference) in problems and (6, c.reference) in problems
    assert set(Payment.objects.values_list("status", flat=True)) == {"sent"}  # a preview writes nothing


def test_a_bank_csv_in_gbk_is_read_with_its_chinese_headers_and_reasons(sent, staff):
    a, b, _c = sent
    upload = _csv(
        [[a.reference, "1000.00", "成功", "BK001", ""], [b.reference, "1000.00", "失败", "", "账户已注销"]],
        encoding="gbk",
    )
    preview = rec.reconciliation_preview(user=staff["district"], upload=upload)
    assert {ch["reference"] for ch in preview.changes} == {a.reference, b.reference}
    assert preview.problems == []


def test_apply_confirms_and_fails_all_at_once_then_failed_ones_go_into_the_next_batch(
    sent, staff, django_capture_on_commit_callbacks
):
    a, b, c = sent
    upload = _xlsx(
        [
            [a.reference, 1000, "成功", "BK001", None],
            [b.reference, "1,000.00", "到账", "BK002", None],
            [c.reference, 1000, "退回", "BK003", "户名不符"],
        ]
    )
    preview = rec.reconciliation_preview(user=staff["district"], upload=upload)
    assert not preview.problems
    rec.reconciliation_apply(user=staff["district2"], reconciliation=preview)
    statuses = dict(Payment.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "confirmed", b.pk: "confirmed", c.pk: "returned"}
    assert Payment.objects.get(pk=c.pk).failure_reason == "户名不符"
    assert Payment.objects.get(pk=a.pk).bank_reference == "BK001"
    with pytest.raises(ValidationError, match=rec.NOT_PREVIEWED):
        rec.reconciliation_apply(user=staff["district2"], reconciliation=preview)
    retry = payout_batch_prepare_failed(user=staff["district"])
    assert list(retry.payments.values_list("pk", flat=True)) == [c.pk] and retry.total == Decimal("1000.00")
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_confirm(user=staff["district2"], batch=retry)
    retry.refresh_from_db()
    assert retry.status == PayoutBatchStatus.CONFIRMED
    assert Payment.objects.get(pk=c.pk).status == "sent" and Payment.objects.count() == 3
    actions = Application.objects.get(pk=c.application_id).events.order_by("pk").values_list("action", flat=True)
    assert list(actions)[-3:] == ["mark_paid", "payment_failed", "mark_repaid"]  # paid, failed, paid again
    with pytest.raises(ValidationError, match=NOTHING_FAILED):
        payout_batch_prepare_failed(user=staff["district"])


def test_a_payment_that_moved_after_the_preview_refuses_the_whole_file(sent, staff):
    a, b, _ = sent
    preview = rec.reconciliation_preview(
        user=staff["district"],
        upload=_csv([[a.reference, "1000", "成功", "", ""], [b.reference, "1000", "失败", "", "x"]]),
    )
    Payment.objects.filter(pk=b.pk).update(status="confirmed")
    with pytest.raises(ValidationError) as refused:
        rec.reconciliation_apply(user=staff["district2"], reconciliation=preview)
    assert b.reference in refused.value.messages[0]
    assert Payment.objects.get(pk=a.pk).status == "sent"


def test_a_file_without_the_header_or_a_bomb_is_refused_in_chinese(staff, db):
    with pytest.raises(ValidationError, match="给付编号"):
        rec.reconciliation_preview(user=staff["district"], upload=SimpleUploadedFile("x.csv", b"a,b\n1,2\n"))
    with pytest.raises(ValidationError):
        rec.reconciliation_preview(user=staff["district"], upload=SimpleUploadedFile("x.xlsx", b"not a zip"))
    with pytest.raises(ValidationError, match=".xlsx"):
        rec.reconciliation_preview(user=staff["district"], upload=SimpleUploadedFile("x.pdf", b"%PDF"))


def test_the_report_per_payer_matches_the_ledger(sent, staff, tree):
    approved_award(tree, staff)  # approved, not batched yet
    rec.reconciliation_apply(
        user=staff["district2"],
        reconciliation=rec.reconciliation_preview(
            user=staff["district"], upload=_csv([[sent[0].reference, "1000", "失败", "", "卡号错误"]])
        ),
    )
    (row,) = payout_report(
        start=timezone.localdate(sent[0].application.decided_at).replace(year=2000),
        end=timezone.localdate(sent[0].created_at),
    )
    assert row["payer"] == "市总工会"
    assert row["approved"] == [1, Decimal("1000.00")]
    assert row["sent"] == [2, Decimal("2000.00")] and row["failed"] == [1, Decimal("1000.00")]
    ledger_total = sum(p.amount for p in Payment.objects.all())
    assert sum(row[k][1] for k in ("pending", "sent", "confirmed", "failed", "returned", "cancelled")) == ledger_total


def test_the_admin_pages_upload_preview_apply_and_report(client, sent, staff):
    client.force_login(staff["district"])
    url = reverse("admin:payouts_payoutbatch_reconcile")
    page = client.post(
        url, {"file": _csv([[sent[0].reference, "1000", "成功", "BK1", ""], ["ZF1", "1", "成功", "", ""]])}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "将入账 1 笔" in text and rec.UNKNOWN in text
    preview = rec.Reconciliation.objects.get()
    client.force_login(staff["district2"])
    client.post(reverse("admin:payouts_payoutbatch_reconcile_apply", args=[preview.pk]))
    assert Payment.objects.get(pk=sent[0].pk).status == "confirmed"
    report = client.get(reverse("admin:payouts_payoutbatch_report") + "?start=2000-01-01").content.decode()
    assert "市总工会" in report and "city_union" not in report
    client.force_login(staff["street"])
    assert client.get(url).status_code == 403
