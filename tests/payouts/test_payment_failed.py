"""A payment that reconciliation finds failed or returned: its application says the money did not
arrive (支付失败，待重新给付) until a new batch pays the same ledger row again."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from payouts import reconciliation as rec
from payouts.models import Payment, PayoutBatchStatus
from payouts.selectors import payout_report
from payouts.services import (
    ITEMS_CHANGED,
    payout_batch_cancel,
    payout_batch_confirm,
    payout_batch_prepare,
    payout_batch_prepare_failed,
)
from projects import workflow
from projects.models import Application, ApplicationStatus
from tests.payouts.test_batches import approved_award
from tests.payouts.test_reconciliation import _csv

FAILED_LABEL = "支付失败，待重新给付"


@pytest.fixture
def paid_two(tree, staff, django_capture_on_commit_callbacks):
    awards = [approved_award(tree, staff) for _ in range(2)]
    batch = payout_batch_prepare(user=staff["district"], applications=awards)
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_confirm(user=staff["district2"], batch=batch)
    return list(batch.payments.order_by("pk"))


def _reconcile(staff, rows):
    preview = rec.reconciliation_preview(user=staff["district"], upload=_csv(rows))
    return rec.reconciliation_apply(user=staff["district2"], reconciliation=preview)


def _status(payment):
    return Application.objects.get(pk=payment.application_id).status


def test_the_label_is_chinese():
    assert ApplicationStatus.PAYMENT_FAILED.label == FAILED_LABEL


def test_failing_one_of_two_payments_moves_only_its_application_with_one_event(paid_two, staff):
    ok, bad = paid_two
    _reconcile(staff, [[ok.reference, "1000", "成功", "BK1", ""], [bad.reference, "1000", "失败", "", "账户已注销"]])
    assert _status(ok) == "paid" and _status(bad) == "payment_failed"
    application = Application.objects.get(pk=bad.application_id)
    (event,) = application.events.filter(action="payment_failed")
    assert (event.from_status, event.to_status, event.actor) == ("paid", "payment_failed", staff["district2"])
    assert application.history.latest().status == "payment_failed"
    assert not Application.objects.get(pk=ok.application_id).events.filter(action="payment_failed").exists()
    (notice,) = application.applicant_member.user.notifications.filter(title__contains="未能到账")
    assert notice.application_id == application.pk


def test_a_returned_payment_moves_its_application_too(paid_two, staff):
    _ok, bad = paid_two
    _reconcile(staff, [[bad.reference, "1000", "退回", "BK9", "户名不符"]])
    assert _status(bad) == "payment_failed"


def test_a_refused_file_moves_no_application(paid_two, staff):
    ok, bad = paid_two
    preview = rec.reconciliation_preview(
        user=staff["district"],
        upload=_csv([[ok.reference, "1000", "成功", "", ""], [bad.reference, "1000", "失败", "", "x"]]),
    )
    Payment.objects.filter(pk=ok.pk).update(status="confirmed")  # moved after the preview
    with pytest.raises(ValidationError):
        rec.reconciliation_apply(user=staff["district2"], reconciliation=preview)
    assert _status(bad) == "paid" and Payment.objects.get(pk=bad.pk).status == "sent"


def test_rebatch_then_pay_marks_it_paid_again_on_the_same_ledger_row(
    paid_two, staff, django_capture_on_commit_callbacks
):
    ok, bad = paid_two
    _reconcile(staff, [[ok.reference, "1000", "成功", "BK1", ""], [bad.reference, "1000", "失败", "", "卡号错误"]])
    retry = payout_batch_prepare_failed(user=staff["district"])
    assert list(retry.payments.values_list("pk", flat=True)) == [bad.pk] and retry.total == Decimal("1000.00")
    # it waits as payment_failed, held by its pending payment in the re-payment batch
    assert _status(bad) == "payment_failed" and _status(ok) == "paid"
    assert workflow.is_held(Application.objects.get(pk=bad.application_id)) == retry.reference
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_confirm(user=staff["district2"], batch=retry)
    retry.refresh_from_db()
    assert retry.status == PayoutBatchStatus.CONFIRMED
    assert _status(bad) == "paid" and Payment.objects.get(pk=bad.pk).status == "sent"
    keys = list(Payment.objects.values_list("application", "benefit", "payer"))
    assert len(keys) == len(set(keys)) == 2  # exactly one row per application × benefit × payer
    actions = list(
        Application.objects.get(pk=bad.application_id).events.order_by("pk").values_list("action", flat=True)
    )
    assert actions[-3:] == ["mark_paid", "payment_failed", "mark_repaid"]
    # Paid again: the re-sent payment is confirmed by the next file, once.
    _reconcile(staff, [[bad.reference, "1000", "成功", "BK2", ""]])
    assert Payment.objects.get(pk=bad.pk).status == "confirmed" and _status(bad) == "paid"


def test_a_second_file_cannot_confirm_a_failed_payment(paid_two, staff):
    _ok, bad = paid_two
    _reconcile(staff, [[bad.reference, "1000", "失败", "", "卡号错误"]])
    preview = rec.reconciliation_preview(user=staff["district"], upload=_csv([[bad.reference, "1000", "成功", "", ""]]))
    assert preview.changes == []
    assert preview.problems[0]["problem"] == rec.NOT_SENT.format(status="失败")
    with pytest.raises(ValidationError, match=rec.NOTHING_TO_APPLY):
        rec.reconciliation_apply(user=staff["district2"], reconciliation=preview)
    assert Payment.objects.get(pk=bad.pk).status == "failed" and _status(bad) == "payment_failed"


def test_confirmation_accepts_only_applications_as_the_batch_found_them(paid_two, staff):
    _ok, bad = paid_two
    _reconcile(staff, [[bad.reference, "1000", "失败", "", "卡号错误"]])
    retry = payout_batch_prepare_failed(user=staff["district"])
    # As before this change: the application left paid while its payment waits to be sent again.
    Application.objects.filter(pk=bad.application_id).update(status="paid")
    with pytest.raises(ValidationError, match=ITEMS_CHANGED.split("：")[0]):
        payout_batch_confirm(user=staff["district2"], batch=retry)


def test_cancelling_a_repayment_batch_puts_it_back_to_waiting(paid_two, staff):
    _ok, bad = paid_two
    _reconcile(staff, [[bad.reference, "1000", "失败", "", "卡号错误"]])
    retry = payout_batch_prepare_failed(user=staff["district"])
    payout_batch_cancel(user=staff["district2"], batch=retry)
    assert _status(bad) == "payment_failed" and Payment.objects.get(pk=bad.pk).status == "failed"
    again = payout_batch_prepare_failed(user=staff["district"])
    assert list(again.payments.values_list("pk", flat=True)) == [bad.pk] and _status(bad) == "payment_failed"


def test_the_members_page_shows_the_new_status(paid_two, staff, client):
    _ok, bad = paid_two
    _reconcile(staff, [[bad.reference, "1000", "失败", "", "卡号错误"]])
    application = Application.objects.get(pk=bad.application_id)
    client.force_login(application.applicant_member.user)
    page = client.get(reverse("projects:my_applications")).content.decode()
    assert FAILED_LABEL in page and "payment_failed" not in page


def test_the_report_per_payer_still_matches_the_ledger(paid_two, staff):
    ok, bad = paid_two
    _reconcile(staff, [[ok.reference, "1000", "成功", "BK1", ""], [bad.reference, "1000", "失败", "", "卡号错误"]])
    payout_batch_prepare_failed(user=staff["district"])
    (row,) = payout_report(
        start=timezone.localdate(ok.created_at).replace(year=2000), end=timezone.localdate(ok.created_at)
    )
    assert row["confirmed"] == [1, Decimal("1000.00")] and row["pending"] == [1, Decimal("1000.00")]
    ledger_total = sum(p.amount for p in Payment.objects.all())
    assert sum(row[k][1] for k in ("pending", "sent", "confirmed", "failed", "returned", "cancelled")) == ledger_total


def test_a_payment_failed_application_is_no_longer_paid_at_a_time(paid_two, staff, django_capture_on_commit_callbacks):
    _ok, bad = paid_two
    assert Application.objects.get(pk=bad.application_id).paid_at is not None
    _reconcile(staff, [[bad.reference, "1000", "失败", "", "卡号错误"]])
    application = Application.objects.get(pk=bad.application_id)
    assert application.paid_at is None and application.history.latest().paid_at is None
    retry = payout_batch_prepare_failed(user=staff["district"])
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_confirm(user=staff["district2"], batch=retry)
    assert Application.objects.get(pk=bad.application_id).paid_at is not None  # paid again, when it was


def test_cancelling_a_repayment_batch_gives_a_returned_payment_back_as_returned(paid_two, staff):
    ok, bad = paid_two
    _reconcile(
        staff, [[ok.reference, "1000", "退回", "BK7", "户名不符"], [bad.reference, "1000", "失败", "", "卡号错误"]]
    )
    retry = payout_batch_prepare_failed(user=staff["district"])
    assert set(retry.payments.values_list("resent_from", flat=True)) == {"returned", "failed"}
    payout_batch_cancel(user=staff["district2"], batch=retry)
    assert Payment.objects.get(pk=ok.pk).status == "returned" and Payment.objects.get(pk=bad.pk).status == "failed"
    assert _status(ok) == _status(bad) == "payment_failed"
    assert Payment.objects.get(pk=ok.pk).failure_reason == "户名不符"


def test_an_application_closed_before_its_payment_failed_is_paid_again(
    paid_two, staff, django_capture_on_commit_callbacks
):
    from projects.services.transitions import application_transition

    _ok, bad = paid_two
    application_transition(
        user=staff["district"], application=Application.objects.get(pk=bad.application_id), action="close"
    )
    assert _status(bad) == "closed"
    _reconcile(staff, [[bad.reference, "1000", "失败", "", "卡号错误"]])
    assert _status(bad) == "payment_failed"  # not left closed with money that never arrived
    application = Application.objects.get(pk=bad.application_id)
    (event,) = application.events.filter(to_status="payment_failed")
    assert (event.from_status, event.actor) == ("closed", staff["district2"])
    assert application.applicant_member.user.notifications.filter(title__contains="未能到账").count() == 1
    retry = payout_batch_prepare_failed(user=staff["district"])
    assert list(retry.payments.values_list("pk", flat=True)) == [bad.pk]
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_confirm(user=staff["district2"], batch=retry)
    assert _status(bad) == "paid" and Payment.objects.get(pk=bad.pk).status == "sent"


def test_a_payment_failed_before_its_closed_application_was_moved_is_sent_again(paid_two, staff):
    """The ledger says failed and the application was closed without reconciliation's step (a failure
    recorded before this step existed): preparing the re-payment batch moves it first."""
    from projects.services.transitions import application_transition

    _ok, bad = paid_two
    application_transition(
        user=staff["district"], application=Application.objects.get(pk=bad.application_id), action="close"
    )
    Payment.objects.filter(pk=bad.pk).update(status="failed", failure_reason="卡号错误")
    retry = payout_batch_prepare_failed(user=staff["district"])
    assert list(retry.payments.values_list("pk", flat=True)) == [bad.pk] and _status(bad) == "payment_failed"
