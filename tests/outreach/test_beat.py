"""The outreach schedules live in django-celery-beat's tables: beat's DatabaseScheduler loads them,
and what district staff change there (a time, an argument) is what beat runs."""

import json
from datetime import date

import pytest
import time_machine
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from jiading_union.celery import app

pytestmark = pytest.mark.django_db

NAMES = ("outreach-scan-nightly", "outreach-member-reminders-daily", "outreach-staff-digest-daily")


def loaded(at: str = "2021-06-01 08:10 +0800") -> dict:
    """django-celery-beat 2.9 loads the crontab entries due within two hours of now."""
    with time_machine.travel(at, tick=False):
        return DatabaseScheduler(app=app, lazy=True).all_as_schedule()


def test_beat_loads_the_outreach_schedules_from_the_database():
    schedule = {**loaded(), **loaded("2021-06-01 02:05 +0800")}
    assert set(NAMES) <= set(schedule)
    digest = schedule["outreach-staff-digest-daily"]
    assert digest.task == "outreach.tasks.send_reminders"
    assert digest.kwargs["kinds"] == ["organisations", "payouts", "waiting"]
    assert digest.schedule.hour == {8} and digest.schedule.minute == {30}
    assert schedule["outreach-scan-nightly"].task == "outreach.tasks.scan_members"


def test_an_edit_in_the_database_is_what_beat_runs():
    task = PeriodicTask.objects.get(name="outreach-staff-digest-daily")
    task.kwargs = json.dumps({"kinds": ["waiting"], "waiting_days": 3})
    task.crontab.hour = "7"
    task.crontab.save()
    task.save()
    entry = loaded("2021-06-01 06:50 +0800")["outreach-staff-digest-daily"]
    assert entry.kwargs == {"kinds": ["waiting"], "waiting_days": 3}
    assert loaded("2021-06-01 06:50 +0800")["outreach-staff-digest-daily"].schedule.hour == {7}


def test_the_scheduled_arguments_run_the_task(db):
    from outreach.tasks import send_reminders

    for name in NAMES[1:]:
        entry = loaded()[name]
        assert send_reminders(**entry.kwargs, today=date(2021, 6, 1).isoformat()) == 0
