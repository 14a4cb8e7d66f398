"""The outreach jobs' schedules, stored in django-celery-beat's tables (the DatabaseScheduler reads
them; district staff edit times and arguments in the admin). Created once, never overwritten: a
re-run keeps what staff changed."""

import json

from django.db import migrations

TIMEZONE = "Asia/Shanghai"
LEAD_DAYS = [7, 1, 0]  # operational: remind a week ahead, the day before and on the last day
WAITING_DAYS = 7  # operational: an application waiting longer at one level reaches its staff

SCHEDULES = (
    # name, task, kwargs, hour, minute
    ("outreach-scan-nightly", "outreach.tasks.scan_members", {}, "2", "0"),
    (
        "outreach-member-reminders-daily",
        "outreach.tasks.send_reminders",
        {"kinds": ["windows", "claims", "dated"], "lead_days": LEAD_DAYS},
        "8",
        "0",
    ),
    (
        "outreach-staff-digest-daily",
        "outreach.tasks.send_reminders",
        {"kinds": ["organisations", "payouts", "waiting"], "lead_days": LEAD_DAYS, "waiting_days": WAITING_DAYS},
        "8",
        "30",
    ),
)


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, kwargs, hour, minute in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone=TIMEZONE
        )
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab, kwargs=json.dumps(kwargs), enabled=True)
    # Tell a running beat to reload (what PeriodicTasks.changed does for the admin's edits).
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0001_reminders_findings_scan_runs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
