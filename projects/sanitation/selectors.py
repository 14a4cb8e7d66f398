"""Reads for the sanitation rosters, scoped with members.selectors.scope_for."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from members.models import User
from members.selectors import scope_for

from .models import RosterEntry, SanitationRoster

RULE_ID = "sanitation_worker_insurance"


def rosters_visible_to(user: User) -> QuerySet[SanitationRoster]:
    rosters = (
        SanitationRoster.objects.filter(rule_id=RULE_ID)
        .select_related("applicant_organisation", "street")
        .annotate(entry_count=Count("roster_entries"))
    )
    return scope_for(user).filter(rosters)


def roster_entries_visible_to(user: User) -> QuerySet[RosterEntry]:
    return scope_for(user).filter(
        RosterEntry.objects.select_related("application"),
        organisation="application__organisation",
        street="application__street",
    )
