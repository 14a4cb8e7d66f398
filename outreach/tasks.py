"""Celery tasks: thin, the services decide. Their schedules live in django-celery-beat's tables
(outreach/migrations/0002_beat_schedules.py), editable in the admin."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from .reminders import DEFAULT_LEAD_DAYS, reminders_collect, reminders_deliver
from .services import outreach_scan


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else timezone.localdate()


@shared_task(acks_late=True, ignore_result=True)
def send_reminders(kinds=None, lead_days=DEFAULT_LEAD_DAYS, waiting_days=None, today: str | None = None) -> int:
    """Daily: collect today's reminders of these kinds and deliver every unsent one. Safe twice:
    the unique (subject, recipient, kind, day) and sent_at make a second run send nothing."""
    day = _day(today)
    reminders_collect(today=day, lead_days=lead_days, waiting_days=waiting_days, kinds=kinds)
    return reminders_deliver(today=day)


@shared_task(acks_late=True, ignore_result=True)
def scan_members(full: bool | None = None, today: str | None = None, run_id: int | None = None) -> int:
    """Nightly, and on demand from the admin (run_id: the request's ScanRun): the outreach scan
    (incremental after the first run)."""
    run = outreach_scan(today=_day(today), full=full, run_id=run_id)
    reminders_deliver(today=run.scan_day)  # the notices of newly found entitlements
    return run.pk
