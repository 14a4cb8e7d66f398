import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from members.roles import ROLE_GROUPS, collect_role_permissions

pytestmark = pytest.mark.django_db


def test_every_declared_permission_exists_and_groups_hold_exactly_them():
    call_command("sync_roles", stdout=open("/dev/null", "w"))  # strict: an unknown codename fails here
    for role, perms in collect_role_permissions().items():
        group = Group.objects.get(name=ROLE_GROUPS[role])
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == perms


def test_no_role_may_delete_applications_or_members_except_by_policy():
    perms = collect_role_permissions()
    for role in ("grassroots", "street"):
        assert not any(p.split(".")[1].startswith("delete_") for p in perms[role]), role
    assert "projects.delete_application" not in perms["district"]
