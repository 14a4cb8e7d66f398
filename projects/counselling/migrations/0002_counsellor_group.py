"""The group “心理咨询师”: the only holders of counselling.view_confidential (2019 §10:
“对职工的个人信息我们将严格保密”). District staff put the counselling team's accounts in it.

Permissions are normally created after migrate (post_migrate); this migration creates the
ones it needs itself, so the group is complete on a fresh database. Django's own
create_permissions later finds them and leaves them alone.
"""

from django.db import migrations

GROUP = "心理咨询师"
PERMISSIONS = (
    ("view_confidential", "查看个案心理咨询记录（保密）"),
    ("view_counsellingrecord", "Can view 个案心理咨询记录"),
    ("change_counsellingrecord", "Can change 个案心理咨询记录"),
)


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="counselling", model="counsellingrecord")
    permissions = [
        Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})[0]
        for codename, name in PERMISSIONS
    ]
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("counselling", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
