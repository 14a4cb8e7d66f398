"""Reads for the women's-care registries."""

from __future__ import annotations

from django.db.models import QuerySet

from members.models import Organisation, OrganisationLevel, User
from members.selectors import scope_for

from .models import MommyRoom, ParentChildStudio

SCOPE = {"organisation": "unit", "street": "unit__street"}


def open_mommy_rooms(*, street_id: int | None = None) -> QuerySet[MommyRoom]:
    """Public: open rooms with where to find them (no personal data), by street then unit."""
    rooms = MommyRoom.objects.filter(is_open=True).select_related("unit", "unit__street")
    if street_id is not None:
        rooms = rooms.filter(unit__street_id=street_id)
    return rooms.order_by("unit__street__code", "unit__code", "name")


def streets_with_open_mommy_rooms() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        level=OrganisationLevel.STREET, pk__in=MommyRoom.objects.filter(is_open=True).values("unit__street")
    ).order_by("code")


def mommy_rooms_visible_to(user: User) -> QuerySet[MommyRoom]:
    return scope_for(user).filter(MommyRoom.objects.select_related("unit", "application"), **SCOPE)


def parent_child_studios_visible_to(user: User) -> QuerySet[ParentChildStudio]:
    return scope_for(user).filter(ParentChildStudio.objects.select_related("unit", "application"), **SCOPE)
