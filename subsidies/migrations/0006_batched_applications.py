"""Applications already waiting in a prepared payout batch take the new "batched" status."""

from django.db import migrations


def forwards(apps, schema_editor):
    Application = apps.get_model("projects", "Application")
    PayoutItem = apps.get_model("subsidies", "PayoutItem")
    waiting = PayoutItem.objects.filter(live=True, batch__status="prepared").values("application_id")
    Application.objects.filter(pk__in=waiting, status="approved").update(status="batched")


def backwards(apps, schema_editor):
    Application = apps.get_model("projects", "Application")
    Application.objects.filter(status="batched").update(status="approved")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0008_application_batched_status"),
        ("subsidies", "0005_payout_batches"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
