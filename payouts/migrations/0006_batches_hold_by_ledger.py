"""A batch holds its applications by its pending payments, no longer by the status "batched": the
applications a prepared or paying batch held that way go back to where the batch found them —
approved, or payment_failed for a payment sent again (resent_from) — with an event saying why. Their
pending payments stay, and hold them."""

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone


def release(apps, schema_editor):
    Application = apps.get_model("projects", "Application")
    ApplicationEvent = apps.get_model("projects", "ApplicationEvent")
    Payment = apps.get_model("payouts", "Payment")
    now = timezone.now()
    resent = Payment.objects.filter(application=OuterRef("pk"), status="pending").exclude(resent_from="")
    for to_status, chosen in (
        ("payment_failed", Application.objects.filter(Exists(resent), status="batched")),
        ("approved", Application.objects.filter(status="batched")),
    ):
        ids = list(chosen.values_list("pk", flat=True))
        ApplicationEvent.objects.bulk_create(
            ApplicationEvent(
                application_id=pk,
                action="ledger_hold",
                from_status="batched",
                to_status=to_status,
                comment="给付批次改以台账记录锁定申请",
                data={},
                created_at=now,
            )
            for pk in ids
        )
        Application.objects.filter(pk__in=ids).update(status=to_status, status_changed_at=now, updated_at=now)


def hold_by_status(apps, schema_editor):
    Application = apps.get_model("projects", "Application")
    Payment = apps.get_model("payouts", "Payment")
    waiting = Payment.objects.filter(application=OuterRef("pk"), status="pending")
    Application.objects.filter(Exists(waiting), status__in=["approved", "payment_failed"]).update(status="batched")


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0005_payment_hot_updates"),
        ("projects", "0017_append_only_keys_unconstrained"),
    ]

    operations = [migrations.RunPython(release, hold_by_status)]
