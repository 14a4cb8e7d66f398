"""Load the shipped reference series (minimum wage) so district staff see and edit them."""

from django.db import migrations


def seed(apps, schema_editor):
    from subsidies.rules.reference import load_reference_data

    ReferenceValue = apps.get_model("subsidies", "ReferenceValue")
    for name, series in load_reference_data().series.items():
        for effective_from, amount in series.points:
            ReferenceValue.objects.get_or_create(
                series=name,
                effective_from=effective_from,
                defaults={"amount": amount, "source": series.clause.section},
            )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_reference_values")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
