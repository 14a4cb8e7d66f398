"""Findings 9.2 and 9.3: one payment path. Only the confirmation of a payout batch by a second
district user marks an application paid; history cannot undo a payment; a batched application
cannot be recalculated, closed or paid by anyone alone."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from payouts.models import Payment, PayoutBatch
from payouts.selectors import payable_applications
from payouts.services import ITEMS_CHANGED, payout_batch_cancel, payout_batch_confirm, payout_batch_prepare
from projects.models import Application
from projects.services.errors import ApplicationError
from projects.services.recalculation import application_recalculate
from projects.services.transitions import application_transition
from tests.projects.conftest import _member, submit_promotion


@pytest.fixture
def award(tree, staff):
    application = submit_promotion(_member(tree["unit"]))
    for user in (staff["grassroots"], staff["district"], staff["district2"]):
        application_transition(user=user, application=application, action="approve")
    return application


def _admin_post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def test_a_benefit_is_never_paid_twice_end_to_end_over_http(client, award, staff, django_capture_on_commit_callbacks):
    prepare = reverse("admin:payouts_payoutbatch_prepare")
    _admin_post(client, staff["district"], prepare, {"application": [award.pk]})
    batch = PayoutBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # the task runs in-process without Redis
        _admin_post(client, staff["district2"], reverse("admin:payouts_payoutbatch_confirm", args=[batch.pk]), {})
    assert Application.objects.get(pk=award.pk).status == "paid"
    # History cannot put the batch back to "prepared", nor the application back to "approved".
    for obj in (batch, award):
        opts = obj._meta
        oldest = obj.history.order_by("history_id").first()
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, oldest.history_id])
        assert client.post(url, {"status": "prepared" if obj is batch else "approved"}).status_code == 405
    _admin_post(client, staff["district"], reverse("admin:payouts_payoutbatch_cancel", args=[batch.pk]), {})
    _admin_post(client, staff["district"], prepare, {"application": [award.pk]})
    batch.refresh_from_db()
    assert batch.status == "confirmed" and PayoutBatch.objects.count() == 1
    assert Application.objects.get(pk=award.pk).status == "paid"
    assert Payment.objects.filter(application=award).count() == 1


def test_the_application_page_offers_no_mark_paid_and_a_post_is_refused(client, award, staff):
    client.force_login(staff["district"])
    page = client.get(reverse("admin:projects_application_change", args=[award.pk])).content.decode()
    assert "确认已给付" not in page
    client.post(reverse("admin:projects_application_transition", args=[award.pk, "mark_paid"]))
    assert Application.objects.get(pk=award.pk).status == "approved"


def test_a_batched_application_cannot_be_closed_recalculated_or_paid_alone(client, award, staff):
    batch = payout_batch_prepare(user=staff["district"], applications=[award])
    assert Application.objects.get(pk=award.pk).status == "approved"  # held by its pending payment
    with pytest.raises(ApplicationError, match=f"已列入给付批次 {batch.reference}，等待给付，不能办结"):
        application_transition(user=staff["district2"], application=award, action="close")
    for action in ("mark_paid", "mark_repaid"):
        with pytest.raises(ApplicationError):
            application_transition(user=staff["district2"], application=award, action=action)
    with pytest.raises(ApplicationError, match="等待给付，不能重新计算"):
        application_recalculate(user=staff["district2"], application=award)
    # the admin's doors too: the page says why and offers no close; its POSTs change nothing
    client.force_login(staff["district2"])
    page = client.get(reverse("admin:projects_application_change", args=[award.pk])).content.decode()
    assert f"已列入给付批次 {batch.reference}，等待给付：" in page and "action-close" not in page
    client.post(reverse("admin:projects_application_transition", args=[award.pk, "close"]))
    client.post(reverse("admin:projects_application_recalculate", args=[award.pk]), {"comment": "x"})
    assert Application.objects.get(pk=award.pk).status == "approved"
    assert not award.events.filter(action__in=["close", "recalculate"]).exists()
    # once the batch is cancelled the hold is gone: district staff may close it again
    payout_batch_cancel(user=staff["district2"], batch=batch)
    page = client.get(reverse("admin:projects_application_change", args=[award.pk])).content.decode()
    assert "held-by" not in page and "action-close" in page  # (the refused POST's message shows once)
    application_transition(user=staff["district2"], application=award, action="close")
    assert Application.objects.get(pk=award.pk).status == "closed"


def test_confirmation_refuses_the_whole_batch_when_an_amount_changed(tree, staff, award):
    other = submit_promotion(_member(tree["unit"]), level_reached="senior_technician")
    for user in (staff["grassroots"], staff["district"], staff["district2"]):
        application_transition(user=user, application=other, action="approve")
    batch = payout_batch_prepare(user=staff["district"], applications=[award, other])
    Payment.objects.filter(application=other).update(amount=Decimal("99999.00"))
    with pytest.raises(ValidationError) as refused:
        payout_batch_confirm(user=staff["district2"], batch=batch)
    assert other.reference in refused.value.messages[0]
    assert ITEMS_CHANGED.split("：")[0] in refused.value.messages[0]
    assert set(Application.objects.values_list("status", flat=True)) == {"approved"}


def test_cancelling_a_batch_returns_its_applications_to_approved(client, award, staff):
    batch = payout_batch_prepare(user=staff["district"], applications=[award])
    _admin_post(client, staff["district2"], reverse("admin:payouts_payoutbatch_cancel", args=[batch.pk]), {})
    assert Application.objects.get(pk=award.pk).status == "approved"
    assert set(batch.payments.values_list("status", flat=True)) == {"cancelled"}
    assert payable_applications().filter(pk=award.pk).exists()  # free for the next batch


def test_the_review_list_offers_no_batched_status_and_its_status_links_still_filter(client, award, staff):
    """ "batched" is history: no status filter choice leads to an empty list; the field filter's own
    parameter (the reminders' links) still filters."""
    client.force_login(staff["district"])
    changelist = reverse("admin:projects_application_changelist")
    page = client.get(changelist).content.decode()
    assert "已纳入给付批次" not in page and "?status__exact=approved" in page
    listed = client.get(changelist + "?status__exact=approved").context["cl"].result_list
    assert [a.pk for a in listed] == [award.pk]
    assert not client.get(changelist + "?status__exact=paid").context["cl"].result_list
