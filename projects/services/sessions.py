"""Sessions: dated offerings with places (departures, events, classes, slots)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction

from members.models import Organisation, User
from members.selectors import organisations_visible_to
from projects.models import QuotaPool, Session
from subsidies.rules import registry

from .errors import ApplicationError

SESSION_REQUIRED = "请选择场次。"
SESSION_NOT_OPEN = "该场次已截止报名或已开始。"
SESSION_WRONG_RULE = "该场次不属于本事项。"
NOT_ORGANISER = "只有区总工会或街镇工会工作人员可以发布场次。"
NOT_YOUR_SESSION = "您只能发布或修改本工会（及所属单位）主办的场次。"
SESSION_EDITABLE = frozenset({"title", "starts_at", "ends_at", "location", "is_open", "notes"})


def check_organiser(user: User, organiser: Organisation) -> None:
    if not (user.is_superuser or user.role in ("district", "street")):
        raise ApplicationError(NOT_ORGANISER)
    if not organisations_visible_to(user).filter(pk=organiser.pk).exists():
        raise ApplicationError(NOT_YOUR_SESSION, field="organiser")


def may_change_session(user: User, session: Session) -> bool:
    try:
        check_organiser(user, session.organiser)
    except ApplicationError:
        return False
    return True


@transaction.atomic
def session_create(*, user: User, rule_id: str, policy_year: int, title: str, starts_at: datetime,
                   capacity: int, organiser: Organisation, location: str = "", ends_at: datetime | None = None,
                   facts: dict[str, Any] | None = None, notes: str = "") -> Session:
    check_organiser(user, organiser)
    rule = registry.get(rule_id, policy_year)
    # The session's fixed facts must be facts the rule knows, of the right type.
    rule.schema.parse(facts or {}, partial=True, strict=True)
    pool = QuotaPool.objects.create(key=f"session:{rule_id}:{uuid.uuid4().hex}", project=rule.project,
                                    policy_year=policy_year, label=title, capacity=capacity)
    session = Session(project=rule.project, rule_id=rule_id, policy_year=policy_year, title=title,
                      starts_at=starts_at, ends_at=ends_at, location=location, organiser=organiser, quota=pool,
                      facts=facts or {}, notes=notes)
    session.full_clean(exclude=["quota"])
    session.save()
    return session


CAPACITY_BELOW_TAKEN = "名额不能少于已报名的{taken}个。"


@transaction.atomic
def session_update(*, user: User, session: Session, capacity: int, **fields) -> Session:
    """Edit a session of one's own scope: its title, times, place, notes, whether it is open, and its
    capacity (which may grow, or shrink down to the places already taken). Its rule, year, organiser
    and fixed facts are what people booked: they never change."""
    unknown = set(fields) - SESSION_EDITABLE
    if unknown:
        raise TypeError(f"session_update: not editable: {sorted(unknown)}")
    session = Session.objects.select_for_update().select_related("organiser").get(pk=session.pk)
    check_organiser(user, session.organiser)
    for name, value in fields.items():
        setattr(session, name, value)
    pool = QuotaPool.objects.select_for_update().get(pk=session.quota_id)
    if capacity < pool.taken:
        raise ApplicationError(CAPACITY_BELOW_TAKEN.format(taken=pool.taken), field="capacity")
    pool.capacity = capacity
    pool.label = session.title
    pool.save(update_fields=["capacity", "label"])
    session.full_clean(exclude=["quota"])
    session.save()
    return session


def check_session(*, session: Session | None, rule_id: str, policy_year: int, required: bool, now: datetime) -> None:
    if session is None:
        if required:
            raise ApplicationError(SESSION_REQUIRED, field="session")
        return
    if session.rule_id != rule_id or session.policy_year != policy_year:
        raise ApplicationError(SESSION_WRONG_RULE, field="session")
    if not session.is_open or session.starts_at <= now:
        raise ApplicationError(SESSION_NOT_OPEN, field="session")
