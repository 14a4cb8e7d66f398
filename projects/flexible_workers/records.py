"""What the union's records say about a flexible worker's coverage (record facts of the rules).

Procedure.locked_facts hooks: the coverage a claim is made against, what was already paid
against it, whether the member pays dues and already holds a share — never typed by the member.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from members.models import Member, Organisation
from projects.selectors import claims_against, coverage_for_claim, holds_application, typed_date

from .models import RealNameRegistration

COVERAGE_RULE = "flexible_worker_coverage"
BENEFIT_RULE = "flexible_worker_benefit"
DISABILITY_BENEFITS = ("accident_disability", "accident_total_disability")


def coverage_locked_facts(
    member: Member | None, organisation: Organisation | None, policy_year: int, typed: dict | None = None
) -> dict[str, Any]:
    """Enrolment: a share already held in the period (dues paid come from the member's profile), and
    the date the union uploaded the member's real-name registration (the paid-in-one-go route)."""
    if member is None:
        return {}
    uploaded_on = None
    if member.employment_type == "flexible_worker":  # only they are registered
        uploaded_on = (
            RealNameRegistration.objects.filter(member=member, coverage__isnull=True)
            .order_by("-uploaded_on")
            .values_list("uploaded_on", flat=True)
            .first()
        )
    return {
        "already_enrolled_in_period": holds_application(member, COVERAGE_RULE, policy_year),
        "uploaded_on": uploaded_on,
    }


def benefit_locked_facts(
    member: Member | None, organisation: Organisation | None, policy_year: int, typed: dict | None = None
) -> dict[str, Any]:
    """A claim: the coverage holding the event (or accident) date, the hospital money already paid
    in that period and whether a disability benefit was paid."""
    if member is None:
        return {}
    typed = typed or {}
    coverage = coverage_for_claim(member, (COVERAGE_RULE,), typed_date(typed, "accident_date", "event_date"))
    if coverage is None:
        return {}
    earlier = claims_against(coverage, BENEFIT_RULE)
    return {
        "coverage_start": coverage.start,
        "coverage_end": coverage.end,
        "hospital_paid_in_period": sum(
            (a.amount for a in earlier if a.facts.get("benefit") == "hospital_days"), Decimal("0.00")
        ),
        "disability_paid_before": any(a.facts.get("benefit") in DISABILITY_BENEFITS for a in earlier),
    }
