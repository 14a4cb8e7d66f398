"""Reads for the “五送” deliveries: staff lists (scoped), the member's own page, check-ups still owed."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, DateField, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When

from members.models import Member, User
from members.selectors import scope_for
from projects.models import Application
from subsidies.selectors import policy_data

from .models import CARE_RULE, ServiceDelivery, ServiceKind
from .services import HELD


def deliveries_visible_to(user: User) -> QuerySet[ServiceDelivery]:
    return scope_for(user).filter(
        ServiceDelivery.objects.select_related("member", "street", "application", "recorded_by")
    )


def care_applications_of_member(member: Member) -> QuerySet[Application]:
    """The member's own “五送” registrations, newest year first, with what was delivered."""
    return (
        Application.objects.filter(applicant_member=member, rule_id=CARE_RULE)
        .select_related("street")
        .prefetch_related(
            Prefetch("service_deliveries", queryset=ServiceDelivery.objects.order_by("delivered_on", "pk"))
        )
        .order_by("-policy_year", "-created_at")
    )


def care_application_of_member(member: Member, reference: str) -> Application | None:
    """One of the member's own registrations, or None — never someone else's."""
    return care_applications_of_member(member).filter(reference=reference).first()


def _has_exceptional_reason() -> Q:
    # Facts store a missing reason as JSON null; a blank one never survives parsing, but be safe.
    return (
        Q(facts__exceptional_delay_reason__isnull=False)
        & ~Q(facts__exceptional_delay_reason=None)
        & ~Q(facts__exceptional_delay_reason="")
    )


def checkups_not_delivered(*, user: User, policy_year: int, due_by: date | None = None) -> QuerySet[Application]:
    """Approved “五送” members (120 yuan paid in one go) in the user's scope whose check-up is not recorded.

    Each row is annotated with `checkup_due`: 30 September, or 31 December when the application's facts
    record the exceptional reason (「五送」一（一）1). With `due_by`, only those due on or before it
    (overdue ones included) — what the district reminds the street unions about.
    """
    data = policy_data(policy_year)
    normal, exceptional = data.value("flexible_care_checkup_due"), data.value("flexible_care_checkup_due_exceptional")
    delivered = ServiceDelivery.objects.filter(application=OuterRef("pk"), kind=ServiceKind.CHECKUP)
    rows = (
        Application.objects.filter(
            rule_id=CARE_RULE, policy_year=policy_year, status__in=HELD, facts__paid_full_dues_in_one_go=True
        )
        .filter(~Exists(delivered))
        .annotate(
            checkup_due=Case(
                When(_has_exceptional_reason(), then=Value(exceptional)),
                default=Value(normal),
                output_field=DateField(),
            )
        )
        .select_related("applicant_member", "street")
        .order_by("checkup_due", "street_id", "applicant_member__name")
    )
    if due_by is not None:
        rows = rows.filter(checkup_due__lte=due_by)
    return scope_for(user).filter(rows)
