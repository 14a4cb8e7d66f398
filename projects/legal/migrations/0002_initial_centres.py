"""The district's legal-aid centre and the court and arbitration windows (2019 §3 申请程序).

Street/town branches are added by district staff in the admin. Addresses and phone
numbers are not in the policy document: staff fill them in.
"""

from django.db import migrations

CENTRES = (
    ("district_centre", "嘉定区总工会职工法律援助中心"),
    ("court_window", "嘉定区人民法院工会职工法律援助接待窗口"),
    ("arbitration_window", "嘉定区劳动人事争议仲裁院工会职工法律援助接待窗口"),
)


def create_centres(apps, schema_editor):
    LegalAidCentre = apps.get_model("legal", "LegalAidCentre")
    for kind, name in CENTRES:
        if not LegalAidCentre.objects.filter(kind=kind).exists():
            LegalAidCentre.objects.create(kind=kind, name=name)


def remove_unused_centres(apps, schema_editor):
    LegalAidCentre = apps.get_model("legal", "LegalAidCentre")
    LegalAidCentre.objects.filter(kind__in=[k for k, _ in CENTRES], cases__isnull=True, lawyers__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]

    operations = [migrations.RunPython(create_centres, remove_unused_centres)]
