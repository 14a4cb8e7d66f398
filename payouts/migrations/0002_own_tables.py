"""Payout batches, step 2: the tables take this app's names, and the content types (with their
permissions and admin log entries) move from subsidies to payouts."""

from django.db import migrations


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("payoutbatch", "payoutitem", "historicalpayoutbatch"):
        if ContentType.objects.filter(app_label="payouts", model=model).exists():
            continue
        ContentType.objects.filter(app_label="subsidies", model=model).update(app_label="payouts")


def back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="payouts").update(app_label="subsidies")


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0001_payout_batches_from_subsidies"),
        ("subsidies", "0007_payouts_moved_out"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="payoutbatch", table=None),
        migrations.AlterModelTable(name="historicalpayoutbatch", table=None),
        migrations.AlterModelTable(name="payoutitem", table=None),
        migrations.RunPython(move_content_types, back),
    ]
