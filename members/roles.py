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
    G: [
        "members.view_member",
        "members.change_member",
        "members.view_organisation",
        "members.view_duesrecord",
        "members.add_duesrecord",
        "members.change_duesrecord",
        "members.import_member",
    ],
    S: [
        "members.view_member",
        "members.change_member",
        "members.import_member",
        "members.view_organisation",
        "members.change_organisation",
        "members.view_duesrecord",
    ],
    D: [
        "members.view_member",
        "members.add_member",
        "members.import_member",
        "members.change_member",
        "members.view_organisation",
        "members.add_organisation",
        "members.change_organisation",
        "members.view_duesrecord",
        "members.add_duesrecord",
        "members.change_duesrecord",
        "members.view_user",
        "members.add_user",
        "members.change_user",
    ],
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


def sync_role_groups(using: str = "default", strict: bool = False) -> dict[str, int]:
    """Create or update one group per role with exactly its permissions.

    Runs after every app migrates; a permission whose app has not migrated yet is
    picked up by a later run (strict=True raises instead, for the sync_roles command).
    """
    existing = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    counts = {}
    for role, perms in collect_role_permissions().items():
        missing = sorted(p for p in perms if p not in existing)
        if missing and strict:
            raise LookupError(f"unknown permissions for {role}: {missing}")
        group, _ = Group.objects.using(using).get_or_create(name=ROLE_GROUPS[role])
        group.permissions.set([existing[p] for p in perms if p in existing])
        counts[role] = len(perms) - len(missing)
    return counts


def group_for(role: str) -> Group | None:
    name = ROLE_GROUPS.get(role)
    return Group.objects.get_or_create(name=name)[0] if name else None
