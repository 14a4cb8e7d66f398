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
# A scan reads the pending registrations of a whole chunk of members at once (registrations_primed)
# and leaves each member's latest upload date here; without it, one query for the member.
PRIMED_UPLOAD = "_primed_registration_upload"
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
        uploaded_on = getattr(member, PRIMED_UPLOAD, _UNREAD)
        if uploaded_on is _UNREAD:
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


_UNREAD = object()


def pending_uploads(member_ids: list[int]) -> dict[int, object]:
    """The latest upload date of each member's registration not yet turned into coverage, for many
    members in one query (what coverage_locked_facts reads for one)."""
    latest: dict[int, object] = {}
    for member_id, uploaded_on in RealNameRegistration.objects.filter(
        member_id__in=member_ids, coverage__isnull=True
    ).values_list("member_id", "uploaded_on"):
        if member_id not in latest or uploaded_on > latest[member_id]:
            latest[member_id] = uploaded_on
    return latest


def registrations_primed(members: list[Member]) -> None:
    """Set each flexible worker's latest pending upload date (or None) on the member: one query."""
    workers = [m for m in members if m.employment_type == "flexible_worker"]
    latest = pending_uploads([m.pk for m in workers]) if workers else {}
    for member in workers:
        setattr(member, PRIMED_UPLOAD, latest.get(member.pk))


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
