"""Writes for the women's-care registries. The procedures' on_approved hooks create a
row from the approved grant application; district staff then keep it current."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import User
from members.selectors import is_district_staff
from projects.models import GRANTED_STATUSES, Application
from projects.services.errors import ApplicationError
from projects.workflow import approver_of

from .models import ClassType, MommyRoom, ParentChildStudio

NOT_DISTRICT = "只有区总工会工作人员可以维护女职工关爱阵地登记信息。"
WRONG_RULE = "申请 {ref} 不是“{title}”申请。"
NOT_APPROVED = "申请 {ref} 尚未批准，不能登记。"
NAME_REQUIRED = "请填写名称。"

HELD = GRANTED_STATUSES


def _unit_short_name(application: Application) -> str:
    name = application.applicant_organisation.name
    for suffix in ("工会委员会", "工会"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _check_approved(application: Application, rule_id: str, title: str) -> None:
    if application.rule_id != rule_id:
        raise ApplicationError(WRONG_RULE.format(ref=application.reference, title=title))
    if application.status not in HELD:
        raise ApplicationError(NOT_APPROVED.format(ref=application.reference))


def _check_district(user: User) -> None:
    if not is_district_staff(user):
        raise ApplicationError(NOT_DISTRICT)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": NAME_REQUIRED})
    return name


# --- 爱心妈咪小屋 ---------------------------------------------------------------------


@transaction.atomic
def mommy_room_register(*, application: Application) -> MommyRoom:
    """The registry row for an approved “爱心妈咪小屋” grant. Idempotent: a retried
    approval hook returns the existing row (application is one-to-one)."""
    existing = MommyRoom.objects.filter(application=application).first()
    if existing is not None:
        return existing
    _check_approved(application, "mommy_room_grant", "爱心妈咪小屋建屋补贴")
    unit = application.applicant_organisation
    room = MommyRoom(
        unit=unit,
        name=f"{_unit_short_name(application)}爱心妈咪小屋",
        address=unit.address,
        built_on=application.facts["built_on"],
        application=application,
    )
    room._history_user = approver_of(application)
    room.full_clean(exclude=["application"])
    room.save()
    return room


def on_mommy_room_approved(application: Application) -> None:
    mommy_room_register(application=application)


@transaction.atomic
def mommy_room_update(
    *,
    user: User,
    room: MommyRoom,
    name: str,
    address: str = "",
    area_sqm: Decimal | None = None,
    facilities: str = "",
    is_open: bool = True,
) -> MommyRoom:
    _check_district(user)
    room = MommyRoom.objects.select_for_update().get(pk=room.pk)
    room.name, room.address = _clean_name(name), (address or "").strip()
    room.area_sqm, room.facilities, room.is_open = area_sqm, (facilities or "").strip(), is_open
    room.full_clean()
    room._history_user = user
    room.save()
    return room


# --- 亲子工作室 ---------------------------------------------------------------------------


@transaction.atomic
def parent_child_studio_register(*, application: Application) -> ParentChildStudio:
    """The registry row for an approved “亲子工作室” grant (idempotent)."""
    existing = ParentChildStudio.objects.filter(application=application).first()
    if existing is not None:
        return existing
    _check_approved(application, "parent_child_studio_grant", "亲子工作室补贴")
    facts = application.facts
    class_type = ClassType(facts["class_type"])
    weeks = facts.get("weeks")
    studio = ParentChildStudio(
        unit=application.applicant_organisation,
        name=f"{_unit_short_name(application)}亲子工作室",
        built_on=facts["built_on"],
        class_type=class_type,
        children=int(facts["children"]),
        # The evening-class grant does not depend on weeks; keep them only when given.
        weeks=Decimal(str(weeks)) if weeks not in (None, "") else None,
        application=application,
    )
    studio._history_user = approver_of(application)
    studio.full_clean(exclude=["application"])
    studio.save()
    return studio


def on_parent_child_studio_approved(application: Application) -> None:
    parent_child_studio_register(application=application)


@transaction.atomic
def parent_child_studio_update(
    *, user: User, studio: ParentChildStudio, name: str, is_open: bool = True
) -> ParentChildStudio:
    """Name and whether it still runs; class type, children and weeks are what the grant was decided on."""
    _check_district(user)
    studio = ParentChildStudio.objects.select_for_update().get(pk=studio.pk)
    studio.name, studio.is_open = _clean_name(name), is_open
    studio.full_clean()
    studio._history_user = user
    studio.save()
    return studio
