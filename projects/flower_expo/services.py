"""Writes for “看花博”: a trip is registered when its application is approved (the
procedure's on_approved hook; the procedure has no review chain), and the application's
“visits so far” fact is the district's running total (locked_facts)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from members.models import Member, Organisation, User
from members.selectors import scope_for
from projects import workflow
from projects.models import Application
from projects.services.errors import ApplicationError

from .models import ExpoTrip, OrganisedAs
from .selectors import COUNTED, expo_visits_total

WRONG_RULE = "申请 {ref} 不是“看花博”活动申报。"
NOT_APPROVED = "申报 {ref} 尚未确认，不能登记活动。"
NOT_YOURS = "您无权修改这次看花博活动。"
HARDSHIP_OVER_VISITORS = "困难职工家庭成员人数（{n}）不能超过参观人次（{visitors}）。"
HARDSHIP_NEGATIVE = "困难职工家庭成员人数不能为负数。"
NOT_COUNTED = "申报 {ref} 已撤回，不能再修改活动信息。"
DATE_REQUIRED = "请填写参观日期。"


def flower_expo_locked_facts(
    member: Member | None, organisation: Organisation | None, policy_year: int, typed: dict | None = None
) -> dict[str, Any]:
    """The rule's “本次之前全区已累计参观人次”: the running total, never the applicant's figure."""
    return {"visits_so_far": expo_visits_total(policy_year)}


@transaction.atomic
def expo_trip_register(*, application: Application) -> ExpoTrip:
    """The trip of an approved application (idempotent). The rule's facts give the visitors; the visit
    date defaults to the day it is reported and the organiser may correct it (the document dates no visits)."""
    existing = ExpoTrip.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if application.rule_id != "flower_expo_visit":
        raise ApplicationError(WRONG_RULE.format(ref=application.reference))
    if application.status not in COUNTED:
        raise ApplicationError(NOT_APPROVED.format(ref=application.reference))
    facts = application.facts
    trip = ExpoTrip(
        organisation=application.applicant_organisation,
        organised_as=OrganisedAs(facts["organised_as"]),
        visit_date=timezone.localdate(),
        visitors=int(facts["visits_in_trip"]),
        # Unknown until the organiser says how many, if the trip includes hardship families; none otherwise.
        hardship_family_members=None if facts.get("includes_hardship_families") else 0,
        application=application,
    )
    trip._history_user = application.created_by
    trip.full_clean(exclude=["application"])
    trip.save()
    return trip


def on_flower_expo_approved(application: Application) -> None:
    expo_trip_register(application=application)


@transaction.atomic
def expo_trip_update(*, user: User, trip: ExpoTrip, visit_date: date, hardship_family_members: int | None) -> ExpoTrip:
    """The organiser (its own staff), its street/town union or the district complete the trip's details.
    The number of visitors is what the application was confirmed with and stays."""
    trip = ExpoTrip.objects.select_for_update(of=("self",)).select_related("application").get(pk=trip.pk)
    if scope_for(user).is_none or not workflow.in_scope(user, trip.application):
        raise ApplicationError(NOT_YOURS)
    if trip.application.status not in COUNTED:
        raise ApplicationError(NOT_COUNTED.format(ref=trip.application.reference))
    errors = {}
    if visit_date is None:
        errors["visit_date"] = DATE_REQUIRED
    if hardship_family_members is not None and hardship_family_members < 0:
        errors["hardship_family_members"] = HARDSHIP_NEGATIVE
    elif hardship_family_members is not None and hardship_family_members > trip.visitors:
        errors["hardship_family_members"] = HARDSHIP_OVER_VISITORS.format(
            n=hardship_family_members, visitors=trip.visitors
        )
    if errors:
        raise ValidationError(errors)
    trip.visit_date, trip.hardship_family_members = visit_date, hardship_family_members
    trip.full_clean(exclude=["application"])
    trip._history_user = user
    trip.save()
    return trip
