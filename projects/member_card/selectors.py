"""Reads for the unit coverage classes: scoped staff lists, a unit's class, its enrolments."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from members.models import Organisation, User
from members.selectors import scope_for
from projects.models import Application, ApplicationStatus
from projects.selectors import records_primed

from .models import UnitCoverageClass

BASIC_COVERAGE = "member_basic_coverage"
# An enrolment holds its class from submission on; drafts are re-checked when submitted.
NOT_ENROLLED = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED)


def _enrolments() -> QuerySet[Application]:
    return Application.objects.filter(rule_id=BASIC_COVERAGE).exclude(status__in=NOT_ENROLLED)


def unit_enrolments(*, unit: Organisation, policy_year: int) -> QuerySet[Application]:
    """The unit's members' basic-coverage enrolments of the year that hold their place."""
    return _enrolments().filter(policy_year=policy_year, organisation=unit)


# A scan over many members reads every unit's class once (`unit_coverage_classes_primed`); the
# reading is local to the caller's context, so a request or task running beside it is unaffected.
_PRIMED_CLASSES: ContextVar[dict[tuple[int, int], str] | None] = ContextVar("primed_unit_classes", default=None)


@contextmanager
def unit_coverage_classes_primed(policy_years: Iterable[int]) -> Iterator[None]:
    classes = {
        (unit_id, year): plan
        for unit_id, year, plan in UnitCoverageClass.objects.filter(policy_year__in=list(policy_years)).values_list(
            "unit_id", "policy_year", "plan_class"
        )
    }
    token = _PRIMED_CLASSES.set(classes)
    try:
        yield
    finally:
        _PRIMED_CLASSES.reset(token)


def unit_coverage_classes_column() -> str:
    """The member's unit's chosen classes ("2021:A,2022:B") as a column of the portal member's
    statement (projects.selectors.MemberExtra: the member is `pm`)."""
    from django.db import connection

    table = UnitCoverageClass._meta.db_table
    pair = "CAST(c.policy_year AS TEXT) || ':' || c.plan_class"
    joined = f"string_agg({pair}, ',')" if connection.vendor == "postgresql" else f"group_concat({pair}, ',')"
    return f"(SELECT coalesce({joined}, '') FROM {table} c WHERE c.unit_id = pm.organisation_id)"


def unit_coverage_classes_keep(member, value: str | None) -> None:
    member.unit_coverage_classes_now = dict(
        (int(year), plan) for year, plan in (pair.split(":", 1) for pair in (value or "").split(",") if pair)
    )


def unit_coverage_class_of(*, unit_id: int, policy_year: int, member=None) -> str | None:
    """The class the unit chose for the year, or None. `member` (the unit's member whose page is being
    made): what the member's statement brought, while the member's records are primed for the page."""
    primed = _PRIMED_CLASSES.get()
    if primed is not None:
        return primed.get((unit_id, policy_year))
    known = getattr(member, "unit_coverage_classes_now", None)
    if known is not None and member.organisation_id == unit_id and records_primed(member):
        return known.get(policy_year)
    # One small statement, not an ORM query compiled per page view (the entitlement page asks on each).
    from jiading_union.rawrows import fetch_one

    row = fetch_one(
        f"SELECT plan_class FROM {UnitCoverageClass._meta.db_table} WHERE unit_id = %s AND policy_year = %s LIMIT 1",
        [unit_id, policy_year],
    )
    return row[0] if row else None


def unit_coverage_classes_visible_to(user: User) -> QuerySet[UnitCoverageClass]:
    """Scoped, with how many of the unit's members are enrolled that year."""
    enrolled = (
        _enrolments()
        .filter(organisation_id=OuterRef("unit_id"), policy_year=OuterRef("policy_year"))
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = UnitCoverageClass.objects.select_related("unit", "unit__street", "chosen_by").annotate(
        enrolled=Coalesce(Subquery(enrolled, output_field=IntegerField()), Value(0))
    )
    return scope_for(user).filter(rows, organisation="unit", street="unit__street")
