"""Staff roles as Django groups with model permissions.

Each app may declare ROLE_PERMISSIONS in its own roles.py ({role: [perm codename…]});
`sync_role_groups` (run after every migrate) makes each role's group hold exactly
the union. Scope (which rows) is members.selectors.scope_for; this is which models
and which actions. Deny by default: a permission no app grants, nobody has.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from .models import StaffRole

ROLE_GROUPS = {
    StaffRole.GRASSROOTS: "基层工会工作人员",
    StaffRole.STREET: "街镇工会工作人员",
    StaffRole.DISTRICT: "区总工会工作人员",
}

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT

ROLE_PERMISSIONS = {
    G: ["members.view_member", "members.change_member", "members.view_organisation", "members.view_duesrecord",
        "members.add_duesrecord", "members.change_duesrecord"],
    S: ["members.view_member", "members.change_member", "members.view_organisation", "members.change_organisation",
        "members.view_duesrecord"],
    D: ["members.view_member", "members.add_member", "members.change_member", "members.view_organisation",
        "members.add_organisation", "members.change_organisation", "members.view_duesrecord",
        "members.add_duesrecord", "members.change_duesrecord", "members.view_user", "members.add_user",
        "members.change_user"],
}


def collect_role_permissions() -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {role: set() for role in ROLE_GROUPS}
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.roles":
                raise
            continue
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            wanted[role].update(perms)
    return wanted


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def sync_role_groups(**kwargs) -> dict[str, int]:
    """Create or update one group per role with exactly its permissions."""
    counts = {}
    for role, perms in collect_role_permissions().items():
        group, _ = Group.objects.get_or_create(name=ROLE_GROUPS[role])
        group.permissions.set([_permission(p) for p in sorted(perms)])
        counts[role] = len(perms)
    return counts


def group_for(role: str) -> Group | None:
    name = ROLE_GROUPS.get(role)
    return Group.objects.get_or_create(name=name)[0] if name else None
