"""Writes for policy data district staff maintain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from members.models import User
from members.selectors import is_district_staff
from subsidies.rules import registry
from subsidies.rules.data import PolicyDataError

from .models import PolicyOverride, PolicyOverrideKind, ReferenceValue
from .selectors import policy_data

DISTRICT_ONLY = "只有区总工会工作人员可以修改政策参数与表。"
REASON_REQUIRED = "请填写修改依据（文件、文号或会议纪要）。"


@transaction.atomic
def reference_value_set(*, series: str, effective_from: date, amount: Decimal, source: str = "") -> ReferenceValue:
    value, _ = ReferenceValue.objects.update_or_create(
        series=series, effective_from=effective_from, defaults={"amount": amount, "source": source}
    )
    value.full_clean()
    return value


@transaction.atomic
def policy_override_set(*, user: User, year: int, kind: str, name: str, value: Any, reason: str) -> PolicyOverride:
    """Correct one param or table of a policy year. Validated like the data files, and every
    rule of the year must still load with it; recorded with history; new decisions use it."""
    if not is_district_staff(user):
        raise PermissionDenied(DISTRICT_ONLY)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    current = policy_data(year)
    try:
        if kind == PolicyOverrideKind.PARAM:
            edited = current.with_overrides(params={name: value})
        else:
            edited = current.with_overrides(tables={name: value})
        for cls in registry.registrations().get(year, ()):
            cls(year, edited)  # a rule that cannot read the edited data refuses the edit
    except PolicyDataError as exc:
        raise ValidationError({"value": str(exc)}) from None
    override = PolicyOverride.objects.filter(policy_year=year, kind=kind, name=name).first() or PolicyOverride(
        policy_year=year, kind=kind, name=name
    )
    override.value, override.reason, override.updated_by = value, reason.strip(), user
    override._history_user = user  # the audit names the editor, in or out of a web request
    override.save()
    return override


@transaction.atomic
def policy_override_clear(*, user: User, override: PolicyOverride) -> None:
    """Go back to the shipped value (the history keeps the edit)."""
    if not is_district_staff(user):
        raise PermissionDenied(DISTRICT_ONLY)
    override._history_user = user
    override.delete()
