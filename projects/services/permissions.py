"""Checks shared by the project apps."""

from __future__ import annotations

from members.models import Organisation, OrganisationLevel, User
from members.selectors import scope_for

from .errors import ApplicationError

NOT_MANAGER = "只有街镇工会或区总工会工作人员可以维护{thing}。"
NOT_YOUR_STREET = "您只能维护本街镇的{thing}。"
NOT_A_STREET = "所属街镇须为街镇（园区、行业）工会。"


def check_street_keeper(*, user: User, street: Organisation, thing: str) -> None:
    """Street/town staff keep their own street's records (stations, service points…); district staff
    keep everyone's. Raises ApplicationError naming the field."""
    scope = scope_for(user)
    if scope.level not in ("district", "street"):
        raise ApplicationError(NOT_MANAGER.format(thing=thing))
    if street.level != OrganisationLevel.STREET:
        raise ApplicationError(NOT_A_STREET, field="street")
    if scope.level == "street" and street.pk != scope.organisation_id:
        raise ApplicationError(NOT_YOUR_STREET.format(thing=thing), field="street")
