"""Writes for the caravan: open a visit when the district approves a request, schedule it,
record who came. Only district staff schedule (2019 §11: 区总工会将“大篷车”开进…)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from members.models import Organisation, User
from members.selectors import is_district_staff
from members.services import organisation_street
from projects.models import Application
from projects.services.errors import ApplicationError
from projects.services.notifications import applicant_users, notify

from .models import CaravanService, CaravanVisit, HostKind

NOT_DISTRICT = "“大篷车”活动由区总工会统一安排：只有区总工会工作人员可以操作。"
DATE_PASSED = "活动日期不能早于今天。"
NO_SERVICES = "请至少选择一项服务内容。"
UNKNOWN_SERVICE = "未知的服务内容：{codes}。"
NOT_SCHEDULED = "活动尚未安排日期，不能登记实际参加人数。"
NOT_HELD_YET = "活动尚未举行（{date}），不能登记实际参加人数。"
LOCATION_REQUIRED = "请填写活动地点。"
VISIT_SCHEDULED = "“大篷车”活动已安排：{date}，{location}"


def _check_district(user: User) -> None:
    if not is_district_staff(user):
        raise ApplicationError(NOT_DISTRICT)


def clean_services(services: Iterable[str]) -> list[str]:
    """Service codes in the policy's order; ValidationError naming the field on none or unknown codes."""
    codes = set(services)
    unknown = sorted(codes - set(CaravanService.values))
    if unknown:
        raise ValidationError({"services": UNKNOWN_SERVICE.format(codes="、".join(unknown))})
    if not codes:
        raise ValidationError({"services": NO_SERVICES})
    return [code for code in CaravanService.values if code in codes]


# --- procedure hook (projects.caravan.procedures) -------------------------------------------------------


def caravan_visit_open(application: Application) -> CaravanVisit:
    """Procedure.on_approved for caravan_visit: the approved host gets a visit awaiting its date.
    All the services of §11 are offered unless the district narrows them when scheduling."""
    host = application.applicant_organisation
    kind = application.facts.get("host_kind") or HostKind.UNIT
    visit, _ = CaravanVisit.objects.get_or_create(
        application=application,
        defaults={
            "host": host,
            "street": application.street,
            "host_kind": kind,
            "services": list(CaravanService.values),
        },
    )
    return visit


# --- scheduling ---------------------------------------------------------------------------------


def check_schedule(*, user: User, visit_date: date, location: str, previous_date: date | None = None) -> None:
    _check_district(user)
    if not location.strip():
        raise ApplicationError(LOCATION_REQUIRED, field="location")
    if visit_date != previous_date and visit_date < timezone.localdate():
        raise ApplicationError(DATE_PASSED, field="visit_date")


def _fill_schedule(
    visit: CaravanVisit,
    *,
    user: User,
    visit_date: date,
    location: str,
    services: Iterable[str],
    start_time: time | None,
    end_time: time | None,
    expected_attendance: int | None,
    notes: str,
) -> None:
    visit.visit_date, visit.start_time, visit.end_time = visit_date, start_time, end_time
    visit.location = location.strip()
    visit.services = clean_services(services)
    visit.expected_attendance = expected_attendance
    visit.notes = notes.strip()
    visit.scheduled_by = user


@transaction.atomic
def caravan_visit_schedule(
    *,
    user: User,
    visit: CaravanVisit,
    visit_date: date,
    location: str,
    services: Iterable[str],
    start_time: time | None = None,
    end_time: time | None = None,
    expected_attendance: int | None = None,
    notes: str = "",
) -> CaravanVisit:
    """Set (or move) a visit's date, place and services; the requesting unit is notified when it changes."""
    locked = CaravanVisit.objects.select_for_update(of=("self",)).select_related("host").get(pk=visit.pk)
    check_schedule(user=user, visit_date=visit_date, location=location, previous_date=locked.visit_date)
    before = (locked.visit_date, locked.start_time, locked.location)
    _fill_schedule(
        locked,
        user=user,
        visit_date=visit_date,
        location=location,
        services=services,
        start_time=start_time,
        end_time=end_time,
        expected_attendance=expected_attendance,
        notes=notes,
    )
    locked.full_clean()
    locked.save()
    if locked.application_id and before != (locked.visit_date, locked.start_time, locked.location):
        when = f"{visit_date:%Y-%m-%d}" + (f" {start_time:%H:%M}" if start_time else "")
        notify(
            recipients=applicant_users(locked.application),
            application=locked.application,
            title=VISIT_SCHEDULED.format(date=when, location=locked.location),
            body="、".join(locked.service_labels),
        )
    return locked


@transaction.atomic
def caravan_visit_create(
    *,
    user: User,
    host: Organisation,
    host_kind: str,
    visit_date: date,
    location: str,
    services: Iterable[str],
    start_time: time | None = None,
    end_time: time | None = None,
    expected_attendance: int | None = None,
    notes: str = "",
) -> CaravanVisit:
    """A visit the district plans on its own initiative (no application)."""
    check_schedule(user=user, visit_date=visit_date, location=location)
    visit = CaravanVisit(host=host, street=organisation_street(host), host_kind=host_kind)
    _fill_schedule(
        visit,
        user=user,
        visit_date=visit_date,
        location=location,
        services=services,
        start_time=start_time,
        end_time=end_time,
        expected_attendance=expected_attendance,
        notes=notes,
    )
    visit.full_clean()
    visit.save()
    return visit


# --- attendance ---------------------------------------------------------------------------------


def check_attendance(*, user: User, visit_date: date | None) -> None:
    _check_district(user)
    if visit_date is None:
        raise ApplicationError(NOT_SCHEDULED, field="actual_attendance")
    if visit_date > timezone.localdate():
        raise ApplicationError(NOT_HELD_YET.format(date=f"{visit_date:%Y-%m-%d}"), field="actual_attendance")


@transaction.atomic
def caravan_visit_record_attendance(*, user: User, visit: CaravanVisit, actual_attendance: int | None) -> CaravanVisit:
    locked = CaravanVisit.objects.select_for_update().get(pk=visit.pk)
    check_attendance(user=user, visit_date=locked.visit_date)
    locked.actual_attendance = actual_attendance
    locked.full_clean()
    locked.save(update_fields=["actual_attendance"])
    return locked
