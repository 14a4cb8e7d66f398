"""Reads for counselling. Counselling records are confidential: only users explicitly granted
counselling.view_confidential see them — a superuser flag alone is not a grant."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.utils import timezone

from members.models import Organisation, User
from members.selectors import scope_for
from projects.models import Application, ApplicationStatus, Offering
from projects.selectors import open_offerings
from subsidies.rules import registry

from .models import APPOINTMENT_RULE, LECTURE_RULE, CounsellingRecord, LectureSchedule

CONFIDENTIAL_APP_LABEL, CONFIDENTIAL_CODENAME = "counselling", "view_confidential"
CONFIDENTIAL_PERMISSION = f"{CONFIDENTIAL_APP_LABEL}.{CONFIDENTIAL_CODENAME}"


def may_view_confidential(user: User | None) -> bool:
    """True only if the permission was granted to the user or one of their groups.

    Deliberately not user.has_perm(): Django answers True for every active superuser,
    and the 2019 §10 promise (“对职工的个人信息我们将严格保密”) is need-to-know — a
    technical or district account sees a counselling record only once it is granted.
    Cached on the user object for the request, like Django's own permission cache."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_counselling_confidential", None)
    if cached is None:
        cached = (
            Permission.objects.filter(
                content_type__app_label=CONFIDENTIAL_APP_LABEL,
                codename=CONFIDENTIAL_CODENAME,
            )
            .filter(Q(user=user) | Q(group__user=user))
            .exists()
        )
        user._counselling_confidential = cached
    return cached


def counselling_records_visible_to(user: User) -> QuerySet[CounsellingRecord]:
    records = CounsellingRecord.objects.select_related(
        "application", "application__applicant_member", "application__offering", "counsellor"
    )
    return records if may_view_confidential(user) else records.none()


def counsellors() -> QuerySet[User]:
    """Active users holding the confidential permission (directly or through a group)."""
    return (
        User.objects.filter(
            Q(
                user_permissions__content_type__app_label=CONFIDENTIAL_APP_LABEL,
                user_permissions__codename=CONFIDENTIAL_CODENAME,
            )
            | Q(
                groups__permissions__content_type__app_label=CONFIDENTIAL_APP_LABEL,
                groups__permissions__codename=CONFIDENTIAL_CODENAME,
            ),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def offering_date(application: Application) -> date | None:
    """The local date of the booked counselling slot."""
    return timezone.localtime(application.offering.starts_at).date() if application.offering_id else None


# --- lectures ---------------------------------------------------------------------------------


def lecture_schedules_visible_to(user: User) -> QuerySet[LectureSchedule]:
    """Staff: schedules of lecture applications in their scope (the unit, its street, the district)."""
    return scope_for(user).filter(
        LectureSchedule.objects.select_related("application", "application__applicant_organisation"),
        organisation="application__organisation",
        street="application__street",
    )


def lectures_to_schedule() -> QuerySet[Application]:
    """Approved lecture applications the district has not scheduled yet."""
    return Application.objects.filter(
        rule_id=LECTURE_RULE, status=ApplicationStatus.APPROVED, lecture_schedule__isnull=True
    ).select_related("applicant_organisation")


def upcoming_lectures_of(organisation: Organisation, *, today: date) -> QuerySet[LectureSchedule]:
    """A unit's lectures from today on (shown to its members on the counselling page)."""
    return LectureSchedule.objects.filter(application__applicant_organisation=organisation, date__gte=today).order_by(
        "date", "start_time"
    )


def appointment_rule_year(on_year: int) -> int:
    """The policy year of the appointment rule in force (2019 §10 until a later year replaces it)."""
    return registry.latest(APPOINTMENT_RULE, on_year).policy_year


def open_counselling_slots(now: datetime) -> QuerySet[Offering]:
    """Counselling slots still taking bookings (title, time, place, places left — nothing about who booked)."""
    return open_offerings(APPOINTMENT_RULE, appointment_rule_year(timezone.localdate(now).year), now)
