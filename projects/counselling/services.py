"""Writes for counselling: the confidential record of each booked appointment, and
the district's schedule for approved lecture requests (2019 §10).

Nothing here logs a member's name, a note or an ID number.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from members.models import Member, Organisation, OrganisationLevel, User
from members.selectors import is_district_staff
from projects.models import Application, ApplicationStatus
from projects.services.errors import ApplicationError
from projects.services.notifications import applicant_users, notify

from .models import LECTURE_RULE, CounsellingRecord, LectureSchedule
from .selectors import may_view_confidential, offering_date

NOT_COUNSELLOR = "只有获授权的心理咨询师可以查看和填写个案心理咨询记录。"
COUNSELLOR_NOT_AUTHORISED = "所选咨询师未获授权查看保密的咨询记录。"
BOOKING_CANCELLED = "该预约已取消，不能填写咨询记录。"
FOLLOW_UP_TOO_EARLY = "回访日期不能早于咨询日期（{date}）。"
NOT_SCHEDULER = "心理健康讲座由区总工会统一安排：只有区总工会工作人员可以安排。"
NOT_A_LECTURE = "只能为心理健康讲座申请安排讲座。"
NOT_APPROVED = "讲座申请审核通过后才能安排讲座。"
ALREADY_SCHEDULED = "该申请已安排讲座，请修改原安排。"
DATE_PASSED = "讲座日期不能早于今天。"
LECTURE_SCHEDULED = "您单位申请的心理健康讲座已安排：{date} {venue}"
LECTURE_RESCHEDULED = "您单位的心理健康讲座安排有变更：{date} {venue}"


# --- procedure hooks (projects.counselling.procedures) -----------------------------------------------------


def unit_facts(
    member: Member | None, organisation: Organisation | None, policy_year: int, typed: dict | None = None
) -> dict[str, Any]:
    """Procedure.locked_facts: a grassroots unit registered with the district union is a unit of the district
    (“本区…企事业单位”), so the applicant does not answer that question."""
    unit = member.organisation if member is not None else organisation
    if unit is not None and unit.level == OrganisationLevel.GRASSROOTS and unit.is_active:
        return {"unit_in_district": True}
    return {}


def counselling_record_open(application: Application) -> CounsellingRecord:
    """Procedure.on_approved for counselling_appointment: a booked slot opens an (empty) confidential record."""
    record, _ = CounsellingRecord.objects.get_or_create(application=application)
    return record


# --- counselling records -------------------------------------------------------------------------


def check_record_update(
    *, user: User, record: CounsellingRecord, counsellor: User | None, follow_up_on: date | None
) -> None:
    if not may_view_confidential(user):
        raise ApplicationError(NOT_COUNSELLOR)
    if counsellor is not None and not may_view_confidential(counsellor):
        raise ApplicationError(COUNSELLOR_NOT_AUTHORISED, field="counsellor")
    if record.application.status == ApplicationStatus.WITHDRAWN:
        raise ApplicationError(BOOKING_CANCELLED)
    held_on = offering_date(record.application)
    if follow_up_on is not None and held_on is not None and follow_up_on < held_on:
        raise ApplicationError(FOLLOW_UP_TOO_EARLY.format(date=f"{held_on:%Y-%m-%d}"), field="follow_up_on")


@transaction.atomic
def counselling_record_update(
    *, user: User, record: CounsellingRecord, counsellor: User | None, notes: str, follow_up_on: date | None
) -> CounsellingRecord:
    locked = (
        CounsellingRecord.objects.select_for_update(of=("self",))
        .select_related("application__offering")
        .get(pk=record.pk)
    )
    check_record_update(user=user, record=locked, counsellor=counsellor, follow_up_on=follow_up_on)
    locked.counsellor, locked.notes, locked.follow_up_on = counsellor, notes.strip(), follow_up_on
    locked.full_clean()
    locked.save()
    return locked


# --- lecture schedules ---------------------------------------------------------------------------


def check_lecture_schedule(
    *, user: User, application: Application, lecture_date: date, schedule: LectureSchedule | None = None
) -> None:
    """District staff schedule approved lecture requests; a new or moved lecture is not in the past."""
    if not is_district_staff(user):
        raise ApplicationError(NOT_SCHEDULER)
    if application.rule_id != LECTURE_RULE:
        raise ApplicationError(NOT_A_LECTURE, field="application")
    if schedule is None:
        if application.status != ApplicationStatus.APPROVED:
            raise ApplicationError(NOT_APPROVED, field="application")
        if LectureSchedule.objects.filter(application=application).exists():
            raise ApplicationError(ALREADY_SCHEDULED, field="application")
    moved = schedule is None or schedule.date != lecture_date
    if moved and lecture_date < timezone.localdate():
        raise ApplicationError(DATE_PASSED, field="date")


def _notify_unit(application: Application, template: str, schedule: LectureSchedule) -> None:
    notify(
        recipients=applicant_users(application),
        application=application,
        title=template.format(date=f"{schedule.date:%Y-%m-%d} {schedule.start_time:%H:%M}", venue=schedule.venue),
        body=f"{schedule.topic}（{schedule.lecturer}）",
    )


@transaction.atomic
def lecture_schedule_create(
    *,
    user: User,
    application: Application,
    lecture_date: date,
    start_time: time,
    venue: str,
    topic: str,
    lecturer: str,
    end_time: time | None = None,
) -> LectureSchedule:
    application = Application.objects.select_for_update().get(pk=application.pk)
    check_lecture_schedule(user=user, application=application, lecture_date=lecture_date)
    schedule = LectureSchedule(
        application=application,
        date=lecture_date,
        start_time=start_time,
        end_time=end_time,
        venue=venue.strip(),
        topic=topic.strip(),
        lecturer=lecturer.strip(),
        scheduled_by=user,
    )
    schedule.full_clean()
    schedule.save()
    _notify_unit(application, LECTURE_SCHEDULED, schedule)
    return schedule


@transaction.atomic
def lecture_schedule_update(
    *,
    user: User,
    schedule: LectureSchedule,
    lecture_date: date,
    start_time: time,
    venue: str,
    topic: str,
    lecturer: str,
    end_time: time | None = None,
) -> LectureSchedule:
    locked = LectureSchedule.objects.select_for_update(of=("self",)).select_related("application").get(pk=schedule.pk)
    check_lecture_schedule(user=user, application=locked.application, lecture_date=lecture_date, schedule=locked)
    moved = (locked.date, locked.start_time, locked.venue) != (lecture_date, start_time, venue.strip())
    locked.date, locked.start_time, locked.end_time = lecture_date, start_time, end_time
    locked.venue, locked.topic, locked.lecturer = venue.strip(), topic.strip(), lecturer.strip()
    locked.full_clean()
    locked.save()
    if moved:
        _notify_unit(locked.application, LECTURE_RESCHEDULED, locked)
    return locked
