"""Payout batches: maker-checker, each benefit in one live batch, confirmation marks paid or nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from payouts.models import Payment, PayoutBatch
from payouts.services import (
    NOTHING_TO_PAY,
    SAME_PERSON,
    payout_batch_cancel,
    payout_batch_confirm,
    payout_batch_prepare,
)
from projects.models import Application
from projects.services.transitions import application_transition
from tests.projects.conftest import _member, submit_promotion


def approved_award(tree, staff):
    """A skill award (1000 yuan) through all three levels to approved."""
    application = submit_promotion(_member(tree["unit"]))
    for user in (staff["grassroots"], staff["district"], staff["district2"]):
        application_transition(user=user, application=application, action="approve")
    return application


@pytest.fixture
def two_awards(tree, staff):
    return [approved_award(tree, staff) for _ in range(2)]


def test_prepared_by_one_confirmed_by_another_marks_every_benefit_paid(
    two_awards, staff, django_capture_on_commit_callbacks
):
    batch = payout_batch_prepare(user=staff["district"], applications=two_awards)
    assert batch.total == Decimal("2000.00") and batch.payments.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_confirm(user=staff["district2"], batch=batch)
    assert set(Application.objects.values_list("status", flat=True)) == {"paid"}
    assert all(a.paid_at for a in Application.objects.all())
    assert batch.history.latest().history_user == staff["district2"]


def test_the_maker_cannot_check_their_own_batch(two_awards, staff):
    batch = payout_batch_prepare(user=staff["district"], applications=two_awards)
    with pytest.raises(ValidationError, match=SAME_PERSON):
        payout_batch_confirm(user=staff["district"], batch=batch)
    # nothing paid: the applications wait, approved, held by the batch's pending payments
    assert set(Application.objects.values_list("status", flat=True)) == {"approved"}
    assert set(batch.payments.values_list("status", flat=True)) == {"pending"}


def test_the_database_refuses_a_self_checked_batch_too(two_awards, staff):
    batch = payout_batch_prepare(user=staff["district"], applications=two_awards)
    batch.confirmed_by = staff["district"]
    with pytest.raises(IntegrityError):
        batch.save()


def test_each_benefit_is_in_one_live_batch_only(two_awards, staff):
    first = payout_batch_prepare(user=staff["district"], applications=two_awards[:1])
    second = payout_batch_prepare(user=staff["district"], applications=two_awards)
    assert list(second.payments.values_list("application_id", flat=True)) == [two_awards[1].pk]
    with pytest.raises(ValidationError, match=NOTHING_TO_PAY):
        payout_batch_prepare(user=staff["district"], applications=two_awards)
    payout_batch_cancel(user=staff["district"], batch=first)  # cancelling frees the benefit again
    assert payout_batch_prepare(user=staff["district"], applications=two_awards).payments.count() == 1
    # The cancelled batch's payment row moved into the new batch: still one row per benefit and payer.
    assert Payment.objects.count() == 2 and Payment.objects.filter(status="pending").count() == 2


def test_only_district_staff_handle_payouts(two_awards, staff):
    with pytest.raises(PermissionDenied):
        payout_batch_prepare(user=staff["street"], applications=two_awards)


def test_admin_prepare_then_confirm(client, two_awards, staff, django_capture_on_commit_callbacks):
    client.force_login(staff["district"])
    page = client.get(reverse("admin:payouts_payoutbatch_prepare")).content.decode()
    assert all(a.reference in page for a in two_awards)
    response = client.post(reverse("admin:payouts_payoutbatch_prepare"), {"application": [a.pk for a in two_awards]})
    batch = PayoutBatch.objects.get()
    assert response.status_code == 302
    client.post(reverse("admin:payouts_payoutbatch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "prepared"  # the maker's own confirmation was refused
    client.force_login(staff["district2"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:payouts_payoutbatch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "confirmed" and batch.confirmed_by == staff["district2"]


def test_the_batch_page_confirms_with_a_button_by_the_second_person(
    client, two_awards, staff, django_capture_on_commit_callbacks
):
    batch = payout_batch_prepare(user=staff["district"], applications=two_awards)
    client.force_login(staff["district2"])
    page = client.get(reverse("admin:payouts_payoutbatch_change", args=[batch.pk])).content.decode()
    assert "复核并确认给付" in page
    assert client.get(reverse("admin:payouts_payoutbatch_confirm", args=[batch.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:payouts_payoutbatch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "confirmed"


def test_street_staff_cannot_open_the_prepare_page(client, staff):
    client.force_login(staff["street"])
    assert client.get(reverse("admin:payouts_payoutbatch_prepare")).status_code == 403
    assert client.post(reverse("admin:payouts_payoutbatch_prepare"), {"application": [1]}).status_code == 403
