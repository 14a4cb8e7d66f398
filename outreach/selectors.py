"""Reads of the outreach app: a person's reminders and channels; uptake per project and street."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ChannelPreference, Reminder


def reminders_of(user) -> QuerySet[Reminder]:
    return Reminder.objects.filter(recipient=user).order_by("-day", "-pk")


def reminder_of(user, pk: int) -> Reminder | None:
    """The user's own reminder, or None — never someone else's."""
    return Reminder.objects.filter(recipient=user, pk=pk).first()


def channel_preference(user) -> ChannelPreference:
    return ChannelPreference.objects.filter(user=user).first() or ChannelPreference(user=user)
