"""Payout batches now belong to the payouts app (payouts.0001 took them over); only the state
changes here, the tables stay until payouts.0002 renames them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0006_batched_applications"),
        ("payouts", "0001_payout_batches_from_subsidies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PayoutItem"),
                migrations.DeleteModel(name="HistoricalPayoutBatch"),
                migrations.DeleteModel(name="PayoutBatch"),
            ]
        ),
    ]
