"""Session → Offering (a dated offering with places; "Session" read as Django's session).
Renames in place: every row, booking and history record stays."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_search_indexes"),
        ("projects", "0008_application_batched_status"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="session", name="session_ends_after_start"),
        migrations.RenameModel(old_name="Session", new_name="Offering"),
        migrations.RenameModel(old_name="HistoricalSession", new_name="HistoricalOffering"),
        migrations.RenameField(model_name="application", old_name="session", new_name="offering"),
        migrations.RenameField(model_name="historicalapplication", old_name="session", new_name="offering"),
        migrations.AlterField(
            model_name="offering",
            name="organiser",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="offerings",
                to="members.organisation",
                verbose_name="主办工会",
            ),
        ),
        migrations.AlterField(
            model_name="offering",
            name="quota",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="offering",
                to="projects.quotapool",
                verbose_name="名额",
            ),
        ),
        migrations.RenameIndex(
            model_name="offering", new_name="projects_of_rule_id_1658db_idx", old_name="projects_se_rule_id_c4262c_idx"
        ),
        migrations.AddConstraint(
            model_name="offering",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__isnull", True), ("ends_at__gte", models.F("starts_at")), _connector="OR"),
                name="offering_ends_after_start",
            ),
        ),
    ]
