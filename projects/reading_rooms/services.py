"""Writes for the reading-room register: created on the district's approval
(the procedure's on_approved hook), kept current by district staff."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from members.models import User
from members.selectors import is_district_staff
from projects.models import GRANTED_STATUSES, Application
from projects.services.errors import ApplicationError
from projects.workflow import approver_of

from .models import PointType, ReadingRoom

NOT_DISTRICT = "只有区总工会工作人员可以维护职工书屋登记信息。"
WRONG_RULE = "申请 {ref} 不是职工书屋建设申请。"
NOT_APPROVED = "申请 {ref} 尚未批准，不能登记。"
NEGATIVE = "数量不能为负数。"

HELD = GRANTED_STATUSES


@transaction.atomic
def reading_room_register(*, application: Application) -> ReadingRoom:
    """The register row for an approved reading-room application (idempotent). Stock figures
    are those the application was judged on; the designation date is the approval date."""
    existing = ReadingRoom.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if application.rule_id != "reading_room":
        raise ApplicationError(WRONG_RULE.format(ref=application.reference))
    if application.status not in HELD:
        raise ApplicationError(NOT_APPROVED.format(ref=application.reference))
    facts = application.facts
    room = ReadingRoom(
        unit=application.applicant_organisation,
        point_type=PointType(facts["point_type"]),
        policy_year=application.policy_year,
        books=int(facts["books"]),
        periodicals=int(facts["periodicals"]),
        audio_video=int(facts["audio_video"]),
        designated_on=timezone.localdate(),
        application=application,
    )
    room._history_user = approver_of(application)
    room.full_clean(exclude=["application"])
    room.save()
    return room


def on_reading_room_approved(application: Application) -> None:
    reading_room_register(application=application)


@transaction.atomic
def reading_room_update(
    *, user: User, room: ReadingRoom, books: int, periodicals: int, audio_video: int, is_active: bool = True
) -> ReadingRoom:
    """Current stock and whether the room is still on the register. Its type (a quota place) stays."""
    if not is_district_staff(user):
        raise ApplicationError(NOT_DISTRICT)
    errors = {
        name: NEGATIVE
        for name, value in (("books", books), ("periodicals", periodicals), ("audio_video", audio_video))
        if value < 0
    }
    if errors:
        raise ValidationError(errors)
    room = ReadingRoom.objects.select_for_update().get(pk=room.pk)
    room.books, room.periodicals, room.audio_video, room.is_active = books, periodicals, audio_video, is_active
    room.full_clean()
    room._history_user = user
    room.save()
    return room
