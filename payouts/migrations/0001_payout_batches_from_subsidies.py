"""Payout batches move from subsidies to their own app. Step 1: the models enter this app's
state over the existing tables (no data is copied); subsidies.0007 drops them from its state;
0002 renames the tables and moves the content types (and so the permissions)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("projects", "0008_application_batched_status"),
        ("subsidies", "0006_batched_applications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HistoricalPayoutBatch",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("reference", models.CharField(db_index=True, max_length=24, verbose_name="批次编号")),
                        (
                            "status",
                            models.CharField(
                                choices=[("prepared", "待复核"), ("confirmed", "已确认给付"), ("cancelled", "已作废")],
                                default="prepared",
                                max_length=16,
                                verbose_name="状态",
                            ),
                        ),
                        ("total", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="合计（元）")),
                        ("prepared_at", models.DateTimeField(blank=True, editable=False, verbose_name="制单时间")),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="复核时间")),
                        ("note", models.CharField(blank=True, max_length=300, verbose_name="说明")),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.TextField(null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "confirmed_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="复核人",
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "prepared_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="制单人",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "subsidies_historicalpayoutbatch",
                        "verbose_name": "给付批次变更记录",
                        "verbose_name_plural": "historical 给付批次",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="PayoutBatch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reference", models.CharField(max_length=24, unique=True, verbose_name="批次编号")),
                        (
                            "status",
                            models.CharField(
                                choices=[("prepared", "待复核"), ("confirmed", "已确认给付"), ("cancelled", "已作废")],
                                default="prepared",
                                max_length=16,
                                verbose_name="状态",
                            ),
                        ),
                        ("total", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="合计（元）")),
                        ("prepared_at", models.DateTimeField(auto_now_add=True, verbose_name="制单时间")),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="复核时间")),
                        ("note", models.CharField(blank=True, max_length=300, verbose_name="说明")),
                        (
                            "confirmed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="复核人",
                            ),
                        ),
                        (
                            "prepared_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="制单人",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "subsidies_payoutbatch",
                        "verbose_name": "给付批次",
                        "verbose_name_plural": "给付批次",
                        "ordering": ["-prepared_at"],
                    },
                ),
                migrations.CreateModel(
                    name="PayoutItem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="金额（元）")),
                        ("route", models.CharField(blank=True, max_length=24, verbose_name="给付途径")),
                        ("live", models.BooleanField(default=True, editable=False)),
                        (
                            "application",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="payout_items",
                                to="projects.application",
                            ),
                        ),
                        (
                            "batch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="items",
                                to="payouts.payoutbatch",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "subsidies_payoutitem",
                        "verbose_name": "给付明细",
                        "verbose_name_plural": "给付明细",
                    },
                ),
                migrations.AddConstraint(
                    model_name="payoutbatch",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("confirmed_by__isnull", True),
                            models.Q(("confirmed_by", models.F("prepared_by")), _negated=True),
                            _connector="OR",
                        ),
                        name="payout_batch_checker_is_not_maker",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="payoutbatch",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("confirmed_at__isnull", False),
                                ("confirmed_by__isnull", False),
                                ("status", "confirmed"),
                            ),
                            models.Q(("status", "confirmed"), _negated=True),
                            _connector="OR",
                        ),
                        name="payout_batch_confirmed_together",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="payoutitem",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("live", True)),
                        fields=("application",),
                        name="payout_item_once_per_application",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="payoutitem",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("amount__gt", 0)), name="payout_item_positive"
                    ),
                ),
            ]
        ),
    ]
