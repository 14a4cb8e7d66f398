"""Reads for the reading-room register."""

from __future__ import annotations

from django.db.models import QuerySet

from members.models import User
from members.selectors import scope_for

from .models import ReadingRoom


def public_reading_rooms() -> QuerySet[ReadingRoom]:
    """Public: rooms on the register, demonstration points first (no personal data)."""
    return (
        ReadingRoom.objects.filter(is_active=True)
        .select_related("unit", "unit__street")
        .order_by("point_type", "unit__street__code", "unit__code")
    )


def reading_rooms_visible_to(user: User) -> QuerySet[ReadingRoom]:
    return scope_for(user).filter(
        ReadingRoom.objects.select_related("unit", "application"), organisation="unit", street="unit__street"
    )
