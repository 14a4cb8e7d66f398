"""Writes for the unit coverage class, and the member_basic_coverage procedure's hooks.

The unit's Organisation row is the lock both sides take: choosing (or changing) the
class and submitting an enrolment for that unit run one after the other, so a class
can never change under an enrolment, nor an enrolment slip in under a new class.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Member, Organisation, OrganisationLevel, User
from members.selectors import scope_for
from projects.models import Application
from projects.selectors import claims_against, coverage_for_claim, holds_application, typed_date
from projects.services.errors import ApplicationError
from subsidies.rules import registry
from subsidies.selectors import policy_data

from .models import UnitCoverageClass
from .selectors import BASIC_COVERAGE, unit_coverage_class_of, unit_enrolments

# Messages: constants the tests assert on.
NOT_YOUR_UNIT = "只有本单位基层工会工作人员或区总工会工作人员可以选定本单位的保障类别。"
NOT_A_UNIT = "保障类别由基层单位选定：“{name}”不是基层工会。"
NO_PLANS = "{year}年度没有会员专享基本保障计划。"
UNKNOWN_CLASS = "{year}年度没有“{plan}”类保障，可选：{choices}。"
CLASS_LOCKED = "本单位已有会员参加{year}年度{plan}类保障，保障类别不能再更改。"
OTHER_CLASS_ENROLLED = (
    "本单位已有会员参加{year}年度{plans}类保障；各基层单位任选并仅选其中一类参加，只能选定已参加的类别。"
)
PLAN_NOT_UNIT_CLASS = "本单位{year}年度选定的是{unit_class}类保障；各基层单位任选并仅选其中一类参加，不能参加{plan}类。"
CHOSEN_CONCURRENTLY = "本单位本年度的保障类别刚由他人选定，请刷新后查看。"


def may_choose(user: User, unit: Organisation) -> bool:
    scope = scope_for(user)
    if scope.level == "district":
        return True
    return scope.level == "grassroots" and scope.organisation_id == unit.pk


def plan_classes(policy_year: int) -> tuple[str, ...]:
    """The classes a policy year offers (its member_card_plan_benefits table)."""
    return tuple(policy_data(policy_year).table("member_card_plan_benefits").keys())


def check_unit_coverage_class(
    *, user: User, unit: Organisation, policy_year: int, plan_class: str, current: UnitCoverageClass | None = None
) -> None:
    """Raise ApplicationError (field named) unless this unit may take this class this year."""
    if not may_choose(user, unit):
        raise ApplicationError(NOT_YOUR_UNIT, field="unit")
    if unit.level != OrganisationLevel.GRASSROOTS:
        raise ApplicationError(NOT_A_UNIT.format(name=unit.name), field="unit")
    try:
        registry.get(BASIC_COVERAGE, policy_year)
    except registry.UnknownRule:
        raise ApplicationError(NO_PLANS.format(year=policy_year), field="policy_year") from None
    offered = plan_classes(policy_year)
    if plan_class not in offered:
        raise ApplicationError(
            UNKNOWN_CLASS.format(year=policy_year, plan=plan_class, choices="、".join(offered)), field="plan_class"
        )
    if current is not None and current.plan_class == plan_class:
        return
    enrolments = unit_enrolments(unit=unit, policy_year=policy_year)
    if current is not None and enrolments.exists():
        raise ApplicationError(CLASS_LOCKED.format(year=policy_year, plan=current.plan_class), field="plan_class")
    taken = sorted({c for c in enrolments.values_list("facts__plan_class", flat=True) if c} - {plan_class})
    if taken:
        raise ApplicationError(
            OTHER_CLASS_ENROLLED.format(year=policy_year, plans="、".join(taken)), field="plan_class"
        )


@transaction.atomic
def unit_coverage_class_choose(
    *, user: User, unit: Organisation, policy_year: int, plan_class: str
) -> UnitCoverageClass:
    """Choose (or, while none of the unit's members is enrolled, change) the unit's class for the year."""
    unit = Organisation.objects.select_for_update().get(pk=unit.pk)
    current = UnitCoverageClass.objects.filter(unit=unit, policy_year=policy_year).first()
    check_unit_coverage_class(user=user, unit=unit, policy_year=policy_year, plan_class=plan_class, current=current)
    if current is not None:
        if current.plan_class != plan_class:
            current.plan_class, current.chosen_by, current.chosen_at = plan_class, user, timezone.now()
            current._history_user = user  # the audit names who changed it, in or out of a web request
            current.save(update_fields=["plan_class", "chosen_by", "chosen_at"])
        return current
    chosen = UnitCoverageClass(unit=unit, policy_year=policy_year, plan_class=plan_class, chosen_by=user)
    chosen._history_user = user
    try:
        with transaction.atomic():
            chosen.save()
    except IntegrityError:
        raise ApplicationError(CHOSEN_CONCURRENTLY, field="plan_class") from None
    return chosen


# --------------------------------------------------------------------------- procedure hooks


def basic_coverage_locked_facts(
    member: Member | None, organisation: Organisation | None, policy_year: int, typed: dict | None = None
) -> dict[str, Any]:
    """The unit's chosen class, locked: 2021's unit_class fact and the member's plan_class
    (a member enrols in the class the unit chose, never another); and whether the member already
    holds a share this year (from the applications, not the form)."""
    if member is None:
        return {}
    facts: dict[str, Any] = {"already_has_share": holds_application(member, BASIC_COVERAGE, policy_year)}
    if member.organisation.level == OrganisationLevel.GRASSROOTS:
        chosen = unit_coverage_class_of(unit_id=member.organisation_id, policy_year=policy_year, member=member)
        if chosen:
            facts.update(unit_class=chosen, plan_class=chosen)
    return facts


def _coverage_facts(coverage) -> dict[str, Any]:
    if coverage is None:
        return {}
    return {
        "coverage_start": coverage.start,
        "coverage_end": coverage.end,
        "plan_class": coverage.application.facts.get("plan_class"),
        # 单位统一参保 when the coverage was enrolled through a unit's grassroots union.
        "enrolment": "unit"
        if coverage.application.organisation.level == OrganisationLevel.GRASSROOTS
        else "individual",
    }


def city_condolence_locked_facts(
    member: Member | None, organisation: Organisation | None, policy_year: int, typed: dict | None = None
) -> dict[str, Any]:
    """The basic coverage the member holds on the diagnosis date, and whether this year's
    condolence was already claimed — from the records, never typed."""
    if member is None:
        return {}
    coverage = coverage_for_claim(member, (BASIC_COVERAGE,), typed_date(typed or {}, "diagnosis_date"))
    facts = {
        "has_basic_coverage": coverage is not None,
        "already_paid_this_year": holds_application(member, "city_condolence_payment", policy_year),
    }
    if coverage is not None:
        facts.update(coverage_start=coverage.start, coverage_end=coverage.end)
    return facts


def district_condolence_locked_facts(
    member: Member | None, organisation: Organisation | None, policy_year: int, typed: dict | None = None
) -> dict[str, Any]:
    if member is None:
        return {}
    return {"already_paid_this_year": holds_application(member, "district_condolence_payment", policy_year)}


def coverage_benefit_locked_facts(
    member: Member | None, organisation: Organisation | None, policy_year: int, typed: dict | None = None
) -> dict[str, Any]:
    """A basic-coverage claim: the coverage holding the event date (class, period, how enrolled)
    and the hospital money already paid in that period."""
    if member is None:
        return {}
    coverage = coverage_for_claim(member, (BASIC_COVERAGE,), typed_date(typed or {}, "event_date"))
    facts = _coverage_facts(coverage)
    if coverage is not None:
        paid = [a for a in claims_against(coverage, "member_coverage_benefit") if a.facts.get("event") == "hospital"]
        facts["hospital_paid_in_period"] = sum((a.amount for a in paid), Decimal("0.00"))
    return facts


def basic_coverage_on_submit(application: Application) -> None:
    """Under the unit's lock: the enrolment's class must still be the unit's class."""
    if application.organisation.level != OrganisationLevel.GRASSROOTS:
        return  # flexible workers enrol through their street union: no unit class
    unit = Organisation.objects.select_for_update().get(pk=application.organisation_id)
    chosen = unit_coverage_class_of(unit_id=unit.pk, policy_year=application.policy_year)
    plan = application.facts.get("plan_class")
    if chosen is not None and plan != chosen:
        raise ApplicationError(
            PLAN_NOT_UNIT_CLASS.format(year=application.policy_year, unit_class=chosen, plan=plan), field="plan_class"
        )
