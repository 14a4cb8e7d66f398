"""A payout batch holds its applications by its pending payments, not by a status: what a colleague
does meanwhile either waits for the batch or keeps the application out of it; the applications
held the old way (status "batched") are released by the migration, their payments keeping them."""

import importlib
import threading
import time

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connections, transaction

from payouts.models import Payment
from payouts.services import NOTHING_TO_PAY, payout_batch_cancel, payout_batch_prepare
from projects import workflow
from projects.models import Application
from projects.services.transitions import application_transition
from tests.payouts.test_batches import approved_award

release = importlib.import_module("payouts.migrations.0006_batches_hold_by_ledger").release


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_close_holding_its_application_keeps_it_out_of_a_batch_prepared_meanwhile(tree, staff):
    closing, other = approved_award(tree, staff), approved_award(tree, staff)
    locked = threading.Event()

    def close():
        try:
            with transaction.atomic():
                Application.objects.select_for_update().get(pk=closing.pk)  # the lock a close takes first
                locked.set()
                time.sleep(0.5)  # the batch is prepared meanwhile, and waits for this lock
                application_transition(user=staff["district2"], application=closing, action="close")
        finally:
            connections.close_all()

    closer = threading.Thread(target=close)
    closer.start()
    assert locked.wait(10)
    chosen = Application.objects.filter(pk__in=[closing.pk, other.pk])
    batch = payout_batch_prepare(user=staff["district"], applications=chosen)
    closer.join(10)
    assert Application.objects.get(pk=closing.pk).status == "closed"
    assert list(batch.payments.values_list("application_id", flat=True)) == [other.pk]
    assert batch.total == other.amount


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_close_after_a_batch_took_its_application_is_refused(tree, staff):
    award = approved_award(tree, staff)
    batch = payout_batch_prepare(user=staff["district"], applications=[award])
    with pytest.raises(Exception, match=f"已列入给付批次 {batch.reference}"):
        application_transition(user=staff["district2"], application=award, action="close")
    with pytest.raises(ValidationError, match=NOTHING_TO_PAY[:10]):  # nor can a second batch take it
        payout_batch_prepare(user=staff["district2"], applications=[award])
    payout_batch_cancel(user=staff["district2"], batch=batch)
    assert workflow.is_held(Application.objects.get(pk=award.pk)) is None


@pytest.mark.django_db
def test_the_migration_releases_applications_held_by_their_status(tree, staff):
    first, resent, paid = (approved_award(tree, staff) for _ in range(3))
    batch = payout_batch_prepare(user=staff["district"], applications=[first, resent])
    Payment.objects.filter(application=resent).update(resent_from="failed")
    Application.objects.filter(pk__in=[first.pk, resent.pk]).update(status="batched")
    Application.objects.filter(pk=paid.pk).update(status="paid")
    release(apps, None)
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "approved", resent.pk: "payment_failed", paid.pk: "paid"}
    for application, to_status in ((first, "approved"), (resent, "payment_failed")):
        event = application.events.get(action="ledger_hold")
        assert (event.from_status, event.to_status) == ("batched", to_status)
        assert workflow.is_held(Application.objects.get(pk=application.pk)) == batch.reference
    assert not paid.events.filter(action="ledger_hold").exists()
