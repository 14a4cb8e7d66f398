"""Writes for health service points and their schedule.

Street/town union staff keep their street's points (the street union signs the
agreement with the community health centre); district staff keep all. A patrol
or lecture whose notice was posted outside the rule's 1–2 week window is
refused with the rule's own message.
"""

from __future__ import annotations

from datetime import date, time

from django.db import transaction
from django.utils import timezone

from members.models import Organisation, User
from projects.services import permissions
from projects.services.errors import ApplicationError
from projects.services.permissions import check_street_keeper

from .models import HealthServicePoint, ServiceEvent
from .selectors import notice_failure

POINT_INACTIVE = "该服务点已停止运行，不能新增服务安排。"
NOTICE_IN_FUTURE = "公示日期不能晚于今天：请在公示后再填写。"

# The shared messages, as this app's users read them (tests assert on these).
NOT_MANAGER = permissions.NOT_MANAGER.format(thing="健康服务点")
NOT_YOUR_STREET = permissions.NOT_YOUR_STREET.format(thing="健康服务点")
NOT_A_STREET = permissions.NOT_A_STREET


def check_point_manager(*, user: User, street: Organisation) -> None:
    """May this user keep this street's 健康服务点? Raises ApplicationError naming the field."""
    check_street_keeper(user=user, street=street, thing="健康服务点")


@transaction.atomic
def health_point_save(*, user: User, point: HealthServicePoint) -> HealthServicePoint:
    """Create or update a point from an instance the caller filled in (the admin's form).
    On update the stored street is checked too: street staff cannot take over another street's point."""
    if point.pk is not None:
        stored = HealthServicePoint.objects.select_for_update(of=("self",)).select_related("street").get(pk=point.pk)
        check_point_manager(user=user, street=stored.street)
    point.full_clean()  # by field; a missing street stops here
    check_point_manager(user=user, street=point.street)
    point.save()
    return point


def check_event(
    *, user: User, point: HealthServicePoint, kind: str, event_date: date, notice_posted_on: date | None, creating: bool
) -> None:
    """Scope, state and the notice rule for an event. Raises ApplicationError naming the field."""
    check_point_manager(user=user, street=point.street)
    if creating and not point.is_active:
        raise ApplicationError(POINT_INACTIVE, field="point")
    if notice_posted_on is not None and notice_posted_on > timezone.localdate():
        raise ApplicationError(NOTICE_IN_FUTURE, field="notice_posted_on")
    failure = notice_failure(kind=kind, event_date=event_date, notice_posted_on=notice_posted_on)
    if failure:
        raise ApplicationError(failure, field="notice_posted_on", reasons=[failure])


def _fill_event(
    event: ServiceEvent,
    *,
    point: HealthServicePoint,
    kind: str,
    event_date: date,
    start_time: time,
    end_time: time,
    topic: str,
    venue: str,
    doctor: str,
    notice_posted_on: date | None,
) -> ServiceEvent:
    event.point, event.kind, event.date = point, kind, event_date
    event.start_time, event.end_time = start_time, end_time
    event.topic, event.venue, event.doctor = topic.strip(), venue.strip(), doctor.strip()
    event.notice_posted_on = notice_posted_on
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def service_event_create(
    *,
    user: User,
    point: HealthServicePoint,
    kind: str,
    event_date: date,
    start_time: time,
    end_time: time,
    topic: str = "",
    venue: str = "",
    doctor: str = "",
    notice_posted_on: date | None = None,
) -> ServiceEvent:
    check_event(
        user=user, point=point, kind=kind, event_date=event_date, notice_posted_on=notice_posted_on, creating=True
    )
    return _fill_event(
        ServiceEvent(),
        point=point,
        kind=kind,
        event_date=event_date,
        start_time=start_time,
        end_time=end_time,
        topic=topic,
        venue=venue,
        doctor=doctor,
        notice_posted_on=notice_posted_on,
    )


@transaction.atomic
def service_event_update(
    *,
    user: User,
    event: ServiceEvent,
    point: HealthServicePoint,
    kind: str,
    event_date: date,
    start_time: time,
    end_time: time,
    topic: str = "",
    venue: str = "",
    doctor: str = "",
    notice_posted_on: date | None = None,
) -> ServiceEvent:
    """Change an event (e.g. record the day its notice went up). The stored point must be in scope too."""
    locked = ServiceEvent.objects.select_for_update(of=("self",)).select_related("point__street").get(pk=event.pk)
    check_point_manager(user=user, street=locked.point.street)
    check_event(
        user=user,
        point=point,
        kind=kind,
        event_date=event_date,
        notice_posted_on=notice_posted_on,
        creating=point.pk != locked.point_id,
    )
    return _fill_event(
        locked,
        point=point,
        kind=kind,
        event_date=event_date,
        start_time=start_time,
        end_time=end_time,
        topic=topic,
        venue=venue,
        doctor=doctor,
        notice_posted_on=notice_posted_on,
    )
