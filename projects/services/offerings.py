"""Offerings: dated offerings with places (departures, events, classes, slots)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction

from members.models import Organisation, User
from members.selectors import organisations_visible_to
from projects.models import Offering, QuotaPool
from subsidies.rules import registry

from .errors import ApplicationError

OFFERING_REQUIRED = "请选择场次。"
OFFERING_NOT_OPEN = "该场次已截止报名或已开始。"
OFFERING_WRONG_RULE = "该场次不属于本事项。"
NOT_ORGANISER = "只有区总工会或街镇工会工作人员可以发布场次。"
NOT_YOUR_OFFERING = "您只能发布或修改本工会（及所属单位）主办的场次。"
OFFERING_EDITABLE = frozenset({"title", "starts_at", "ends_at", "location", "is_open", "notes"})


def check_organiser(user: User, organiser: Organisation) -> None:
    if not (user.is_superuser or user.role in ("district", "street")):
        raise ApplicationError(NOT_ORGANISER)
    if not organisations_visible_to(user).filter(pk=organiser.pk).exists():
        raise ApplicationError(NOT_YOUR_OFFERING, field="organiser")


def may_change_offering(user: User, offering: Offering) -> bool:
    try:
        check_organiser(user, offering.organiser)
    except ApplicationError:
        return False
    return True


@transaction.atomic
def offering_create(
    *,
    user: User,
    rule_id: str,
    policy_year: int,
    title: str,
    starts_at: datetime,
    capacity: int,
    organiser: Organisation,
    location: str = "",
    ends_at: datetime | None = None,
    facts: dict[str, Any] | None = None,
    notes: str = "",
) -> Offering:
    check_organiser(user, organiser)
    rule = registry.get(rule_id, policy_year)
    # The offering's fixed facts must be facts the rule knows, of the right type.
    rule.schema.parse(facts or {}, partial=True, strict=True)
    pool = QuotaPool.objects.create(
        key=f"offering:{rule_id}:{uuid.uuid4().hex}",
        project=rule.project,
        policy_year=policy_year,
        label=title,
        capacity=capacity,
    )
    offering = Offering(
        project=rule.project,
        rule_id=rule_id,
        policy_year=policy_year,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        organiser=organiser,
        quota=pool,
        facts=facts or {},
        notes=notes,
    )
    offering.full_clean(exclude=["quota"])
    offering.save()
    return offering


CAPACITY_BELOW_TAKEN = "名额不能少于已报名的{taken}个。"


@transaction.atomic
def offering_update(*, user: User, offering: Offering, capacity: int, **fields) -> Offering:
    """Edit a offering of one's own scope: its title, times, place, notes, whether it is open, and its
    capacity (which may grow, or shrink down to the places already taken). Its rule, year, organiser
    and fixed facts are what people booked: they never change."""
    unknown = set(fields) - OFFERING_EDITABLE
    if unknown:
        raise TypeError(f"offering_update: not editable: {sorted(unknown)}")
    offering = Offering.objects.select_for_update().select_related("organiser").get(pk=offering.pk)
    check_organiser(user, offering.organiser)
    for name, value in fields.items():
        setattr(offering, name, value)
    pool = QuotaPool.objects.select_for_update().get(pk=offering.quota_id)
    if capacity < pool.taken:
        raise ApplicationError(CAPACITY_BELOW_TAKEN.format(taken=pool.taken), field="capacity")
    pool.capacity = capacity
    pool.label = offering.title
    pool.save(update_fields=["capacity", "label"])
    offering.full_clean(exclude=["quota"])
    offering.save()
    return offering


def check_offering(*, offering: Offering | None, rule_id: str, policy_year: int, required: bool, now: datetime) -> None:
    if offering is None:
        if required:
            raise ApplicationError(OFFERING_REQUIRED, field="offering")
        return
    if offering.rule_id != rule_id or offering.policy_year != policy_year:
        raise ApplicationError(OFFERING_WRONG_RULE, field="offering")
    if not offering.is_open or offering.starts_at <= now:
        raise ApplicationError(OFFERING_NOT_OPEN, field="offering")
