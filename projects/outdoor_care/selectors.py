"""Reads for the care stations: the public list, and staff's scoped list."""

from __future__ import annotations

from django.db.models import QuerySet

from members.models import Organisation, User
from members.selectors import scope_for

from .models import SERVICE_FIELDS, CareStation


def care_stations_public(*, street_id: int | None = None, service: str | None = None) -> QuerySet[CareStation]:
    """Open stations, by street/town and name; optionally one street and one service."""
    stations = CareStation.objects.filter(is_active=True).select_related("street")
    if street_id is not None:
        stations = stations.filter(street_id=street_id)
    if service:
        stations = stations.filter(**{SERVICE_FIELDS[service]: True})
    return stations.order_by("street__code", "name")


def streets_with_stations() -> QuerySet[Organisation]:
    """Streets/towns that have at least one open station (the public filter's choices)."""
    return Organisation.objects.filter(pk__in=CareStation.objects.filter(is_active=True).values("street_id")).order_by(
        "code"
    )


def care_stations_visible_to(user: User) -> QuerySet[CareStation]:
    """Staff: their street's stations (district: all)."""
    return scope_for(user).filter(CareStation.objects.select_related("street"), organisation="street", street="street")
