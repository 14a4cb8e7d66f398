"""Reads for the caravan: the public list of coming visits, staff's scoped list."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from members.models import User
from members.selectors import scope_for

from .models import CaravanVisit


def upcoming_visits(*, today: date) -> QuerySet[CaravanVisit]:
    """Scheduled visits from today on, soonest first (the public page)."""
    return (
        CaravanVisit.objects.filter(visit_date__gte=today)
        .select_related("host")
        .order_by("visit_date", "start_time", "pk")
    )


def caravan_visits_visible_to(user: User) -> QuerySet[CaravanVisit]:
    """Staff: visits hosted in their scope (the host unit, its street, the district)."""
    return scope_for(user).filter(
        CaravanVisit.objects.select_related("host", "street"), organisation="host", street="street"
    )


def visits_to_schedule() -> QuerySet[CaravanVisit]:
    """Approved requests still waiting for the district to set a date."""
    return CaravanVisit.objects.filter(visit_date__isnull=True).select_related("host").order_by("created_at")
