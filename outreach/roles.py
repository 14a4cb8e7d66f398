"""Which outreach models each staff role may see (rows: members.selectors.scope_for).

Street/town and district staff read the entitled non-applicants of their scope (政策找人) and export
them; grassroots unions do not. District staff edit the schedules of the daily jobs (reminders, the
scan) in django-celery-beat's tables: a periodic task's schedule, on/off and description — the task
and its arguments stay as the migration wrote them (outreach/admin.py) — and may pick or add a
crontab for it; nobody below the superuser adds or deletes a periodic task.
"""

from members.models import StaffRole

G, S, D = StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT

ROLE_PERMISSIONS = {
    S: ["outreach.view_finding"],
    D: [
        "outreach.view_finding",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.add_crontabschedule",
    ],
}
