"""The payment ledger: one row per application × benefit × payer, written set-based; confirmation
queues a thin task that pays in chunks through the workflow's bulk step, exactly once however
often it runs; the payment files per route, with their checksums."""

import csv
import hashlib
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from payouts.models import Payment, PaymentFile, PayoutBatchStatus
from payouts.selectors import payable_applications
from payouts.services import (
    ALREADY_PAID,
    payout_batch_cancel,
    payout_batch_confirm,
    payout_batch_prepare,
    payout_batch_process,
)
from projects import workflow
from projects.models import Application, ApplicationEvent, Notification
from projects.services.errors import TransitionNotAllowed
from projects.services.transitions import applications_payout_step_in_bulk
from tests.payouts.test_batches import approved_award


@pytest.fixture
def awards(tree, staff):
    return [approved_award(tree, staff) for _ in range(3)]


def confirmed(staff, awards, django_capture_on_commit_callbacks=None):
    batch = payout_batch_prepare(user=staff["district"], applications=awards)
    payout_batch_confirm(user=staff["district2"], batch=batch)
    return batch


def test_prepare_writes_one_payment_per_application_and_payer_from_the_frozen_split(awards, staff):
    batch = payout_batch_prepare(user=staff["district"], applications=Application.objects.filter(status="approved"))
    payments = list(batch.payments.order_by("application_id"))
    assert [p.application_id for p in payments] == sorted(a.pk for a in awards)
    shares = {(s.application_id, s.payer): s.amount for a in awards for s in a.shares.all()}
    assert {(p.application_id, p.payer): p.amount for p in payments} == shares
    assert {p.status for p in payments} == {"pending"} and {p.route for p in payments} == {"member_card"}
    assert {p.benefit for p in payments} == {"skill_promotion_award"}
    assert batch.total == sum(shares.values())
    # the applications stay approved, held by their pending payments: nothing else can touch them
    for application in Application.objects.all():
        assert application.status == "approved"
        assert workflow.is_held(application) == batch.reference
    assert not payable_applications().exists()  # a second batch finds nothing to take


def test_the_database_refuses_a_second_payment_of_a_benefit(awards, staff):
    batch = payout_batch_prepare(user=staff["district"], applications=awards[:1])
    payment = batch.payments.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            application=payment.application,
            benefit=payment.benefit,
            payer=payment.payer,
            amount=payment.amount,
            route=payment.route,
            batch=batch,
            created_at=payment.created_at,
        )


def test_confirmation_queues_the_task_and_returns_at_once(awards, staff, django_capture_on_commit_callbacks):
    batch = payout_batch_prepare(user=staff["district"], applications=awards)
    with django_capture_on_commit_callbacks() as callbacks:
        payout_batch_confirm(user=staff["district2"], batch=batch)
    batch.refresh_from_db()
    assert batch.status == PayoutBatchStatus.PAYING and len(callbacks) == 1
    assert set(Application.objects.values_list("status", flat=True)) == {"approved"}  # nothing paid yet
    callbacks[0]()  # the worker (eager here: no REDIS_URL)
    batch.refresh_from_db()
    assert batch.status == PayoutBatchStatus.CONFIRMED
    assert set(Application.objects.values_list("status", flat=True)) == {"paid"}
    assert set(batch.payments.values_list("status", flat=True)) == {"sent"}


def test_the_task_pays_in_chunks_and_a_second_run_changes_nothing(awards, staff, django_capture_on_commit_callbacks):
    batch = payout_batch_prepare(user=staff["district"], applications=awards)
    with django_capture_on_commit_callbacks():
        payout_batch_confirm(user=staff["district2"], batch=batch)
    assert payout_batch_process(batch_id=batch.pk, chunk=1)
    snapshot = (
        ApplicationEvent.objects.count(),
        Application.history.count(),
        Notification.objects.count(),
        PaymentFile.objects.count(),
    )
    assert payout_batch_process(batch_id=batch.pk, chunk=1)  # again: the batch is done, nothing is written
    batch.payments.update(status="pending")  # even rows put back to pending move no application twice
    batch.status = PayoutBatchStatus.PAYING
    batch.save(update_fields=["status"])
    payout_batch_process(batch_id=batch.pk, chunk=2)
    assert ApplicationEvent.objects.count() == snapshot[0] and Application.history.count() == snapshot[1]
    assert Notification.objects.count() == snapshot[2] and PaymentFile.objects.count() == snapshot[3]
    for application in Application.objects.all():
        paid = application.events.get(action="mark_paid")
        assert paid.actor == staff["district2"] and paid.from_status == "approved" and paid.to_status == "paid"
        assert application.paid_at is not None
        assert application.history.latest().history_user == staff["district2"]
        note = Notification.objects.get(application=application, title__endswith="已给付。")
        assert note.title == f"您的申请 {application.reference} 已给付。"
        assert note.recipient == application.applicant_member.user


def test_the_bulk_step_keeps_the_transition_table(awards, staff):
    with pytest.raises(TransitionNotAllowed):
        applications_payout_step_in_bulk(
            user=staff["street"], applications=Application.objects.all(), action="mark_paid"
        )
    with pytest.raises(ValueError):
        workflow.allowed_in_bulk(workflow.TRANSITIONS["approve"])
    Application.objects.filter(pk=awards[0].pk).update(amount=Decimal("0.00"))  # the guard: nothing to pay
    moved = applications_payout_step_in_bulk(
        user=staff["district"], applications=Application.objects.all(), action="mark_paid"
    )
    assert sorted(moved.values_list("pk", flat=True)) == sorted(a.pk for a in awards[1:])
    assert Application.objects.get(pk=awards[0].pk).status == "approved"
    # mark_repaid only from payment_failed: the paid rows are left alone
    moved = applications_payout_step_in_bulk(
        user=staff["district"], applications=Application.objects.all(), action="mark_repaid"
    )
    assert not moved.exists() and Application.objects.filter(status="paid").count() == 2


def test_a_cancelled_batch_leaves_one_ledger_row_that_the_next_batch_moves(awards, staff):
    first = payout_batch_prepare(user=staff["district"], applications=awards)
    payout_batch_cancel(user=staff["district2"], batch=first)
    assert set(first.payments.values_list("status", flat=True)) == {"cancelled"}
    assert set(Application.objects.values_list("status", flat=True)) == {"approved"}
    second = payout_batch_prepare(user=staff["district"], applications=awards)
    assert Payment.objects.count() == 3 and second.payments.count() == 3 and first.payments.count() == 0


def test_a_payment_already_on_its_way_refuses_the_whole_batch(awards, staff, django_capture_on_commit_callbacks):
    batch = payout_batch_prepare(user=staff["district"], applications=awards[:1])
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_confirm(user=staff["district2"], batch=batch)
    # Someone forces the paid application back to approved: the ledger still refuses to pay it again.
    Application.objects.filter(pk=awards[0].pk).update(status="approved")
    with pytest.raises(Exception) as refused:
        payout_batch_prepare(user=staff["district"], applications=awards)
    assert ALREADY_PAID.split("：")[0] in str(refused.value) and awards[0].reference in str(refused.value)
    assert Payment.objects.count() == 1


def test_payment_files_per_route_with_summary_checksum_and_full_id_only_in_the_file(
    client, awards, staff, django_capture_on_commit_callbacks
):
    batch = payout_batch_prepare(user=staff["district"], applications=awards)
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_confirm(user=staff["district2"], batch=batch)
    files = {f.kind: f for f in PaymentFile.objects.filter(batch=batch, route="member_card")}
    assert set(files) == {"xlsx", "csv"}
    member = awards[0].applicant_member
    for record in files.values():
        content = record.file.open("rb").read()
        assert hashlib.sha256(content).hexdigest() == record.sha256
        assert record.rows == 3 and record.total == Decimal("3000.00")
    rows = list(csv.reader(io.StringIO(files["csv"].file.open("rb").read().decode("utf-8-sig"))))
    assert rows[0][:6] == ["给付编号", "申请编号", "会员服务卡号", "收款人", "身份证号码", "金额（元）"]
    assert [member.card_number, member.name, member.id_number] == rows[1][2:5]
    workbook = load_workbook(io.BytesIO(files["xlsx"].file.open("rb").read()), read_only=True)
    assert workbook.sheetnames == ["汇总", "明细"]
    summary = [tuple(r) for r in workbook["汇总"].iter_rows(values_only=True)]
    assert ("市总工会", 3, 3000) in summary or any(r and r[0] == "本文件合计" and r[1] == 3 for r in summary)
    assert set(Payment.objects.values_list("file", flat=True)) == {files["xlsx"].pk}
    client.force_login(staff["district"])
    page = client.get(reverse("admin:payouts_payoutbatch_change", args=[batch.pk])).content.decode()
    assert member.id_number not in page and files["xlsx"].sha256 in page and "已处理 3 / 3 笔" in page
    download = client.get(reverse("admin:payouts_payoutbatch_file", args=[batch.pk, files["xlsx"].pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == files["xlsx"].file.open("rb").read()
    client.force_login(staff["street"])
    assert client.get(reverse("admin:payouts_payoutbatch_file", args=[batch.pk, files["xlsx"].pk])).status_code in (
        403,
        404,
        302,
    )


def test_beat_resumes_only_a_batch_whose_task_went_quiet(awards, staff, django_capture_on_commit_callbacks):
    import time_machine

    from payouts.selectors import stalled_batches

    batch = payout_batch_prepare(user=staff["district"], applications=awards)
    with time_machine.travel("2026-11-02 09:00 +0800", tick=False):
        with django_capture_on_commit_callbacks():  # confirmed; its task never ran (the worker died)
            payout_batch_confirm(user=staff["district2"], batch=batch)
        assert stalled_batches() == []  # just confirmed: its task may be at work
    with time_machine.travel("2026-11-02 09:03 +0800", tick=False):
        assert stalled_batches() == [batch.pk]
        batch.payments.filter(pk=batch.payments.first().pk).update(status="sent", sent_at=timezone.now())
        assert stalled_batches() == []  # a chunk was just sent: a task is at work
