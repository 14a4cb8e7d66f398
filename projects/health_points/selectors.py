"""Reads for the health service points: the rule's notice window and standard check,
staff's scoped lists and the public page."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from members.models import Organisation, User
from members.selectors import scope_for
from subsidies.rules import registry
from subsidies.rules.core import Decision
from subsidies.selectors import decide, policy_data

from .models import NOTICED_KINDS, EventKind, HealthServicePoint, ServiceEvent

RULE_ID = "health_service_point"
# How far ahead the public page lists a point's events.
UPCOMING_DAYS = 56


def rule_year(on: date) -> int:
    """The policy year of the creation standard in force on a date (the earliest one before it existed)."""
    try:
        return registry.latest(RULE_ID, on.year).policy_year
    except registry.UnknownRule:
        return registry.years_of(RULE_ID)[0]


def notice_decision(*, kind: str, event_date: date, notice_posted_on: date | None = None) -> Decision:
    """The rule on one patrol or lecture: its notice window (dates notice_from / notice_by) and,
    when the notice was posted, whether it was posted inside the window (reason "notice.ahead")."""
    return decide(
        rule_id=RULE_ID,
        year=rule_year(event_date),
        partial=True,
        facts={
            "event_kind": kind,
            "event_date": event_date,
            "notice_posted_on": notice_posted_on,
        },
    ).decision


@dataclass(frozen=True)
class NoticeWindow:
    opens: date  # earliest day to post (2 weeks ahead)
    closes: date  # latest day to post (1 week ahead)

    def __str__(self) -> str:
        return f"{self.opens:%Y-%m-%d} 至 {self.closes:%Y-%m-%d}"


def notice_window(event: ServiceEvent) -> NoticeWindow | None:
    """When a patrol's or lecture's notice must be posted; None for consultations."""
    if event.kind not in NOTICED_KINDS:
        return None
    decision = notice_decision(kind=event.kind, event_date=event.date)
    return NoticeWindow(decision.date("notice_from"), decision.date("notice_by"))


def notice_failure(*, kind: str, event_date: date, notice_posted_on: date | None) -> str | None:
    """The rule's message when a patrol's or lecture's notice was posted outside the window, else None."""
    if kind not in NOTICED_KINDS or notice_posted_on is None:
        return None
    decision = notice_decision(kind=kind, event_date=event_date, notice_posted_on=notice_posted_on)
    return next((r.message for r in decision.failed if r.code == "notice.ahead"), None)


def notice_days(on: date) -> tuple[int, int]:
    """(min, max) days ahead a notice is posted, from the policy data in force on a date."""
    data = policy_data(rule_year(on))
    return data.value("health_points_notice_min_days"), data.value("health_points_notice_max_days")


@dataclass(frozen=True)
class StandardCheck:
    """A point checked against the “四固三定” standard on a date: the rule's decision and the counts it used."""

    decision: Decision
    week: tuple[date, date]  # Monday–Sunday of the checked date
    consultations_in_week: int
    patrols_in_month: int
    lectures_in_year: int


def point_facts(point: HealthServicePoint, on: date) -> tuple[dict[str, Any], tuple[date, date], dict[str, int]]:
    monday = on - timedelta(days=on.weekday())
    week = (monday, monday + timedelta(days=6))
    month = (on.replace(day=1), on.replace(day=calendar.monthrange(on.year, on.month)[1]))
    year = (date(on.year, 1, 1), date(on.year, 12, 31))
    events = ServiceEvent.objects.filter(point=point)
    counts = {
        "consultations": events.filter(kind=EventKind.CONSULTATION, date__range=week).count(),
        "patrols": events.filter(kind=EventKind.PATROL, date__range=month).count(),
        "lectures": events.filter(kind=EventKind.LECTURE, date__range=year).count(),
    }
    facts = {
        "in_cluster_area": point.in_cluster_area,
        "built_on_existing_station": bool(point.built_on),
        "has_private_area": point.has_private_area,
        "has_basic_equipment": point.has_basic_equipment,
        "plaque_displayed": point.plaque_installed,
        "service_notice_posted": point.service_notice_posted,
        "cooperation_agreement_signed": point.agreement_signed_on is not None and point.agreement_signed_on <= on,
        "gp_team_assigned": bool(point.gp_team.strip()),
        "has_manager": bool(point.manager.strip()),
        "offers_consultation_services": point.offers_consultation_services,
        # Appointments need a number to call: a point without one does not take appointments.
        "consultation_by_appointment": bool(point.appointment_phone),
        "consultation_half_days_per_week": counts["consultations"],
        "consultation_exception_approved": point.consultation_exception_approved,
        "patrols_per_month": counts["patrols"],
        "lectures_per_year": counts["lectures"],
    }
    return facts, week, counts


def point_standard_check(point: HealthServicePoint, *, on: date) -> StandardCheck:
    """The point's record and its schedule (consultations in the week, patrols in the month and
    lectures in the year of `on`, scheduled or held) checked by the rule health_service_point."""
    facts, week, counts = point_facts(point, on)
    decision = decide(rule_id=RULE_ID, year=rule_year(on), facts=facts).decision
    return StandardCheck(decision, week, counts["consultations"], counts["patrols"], counts["lectures"])


# --- staff ----------------------------------------------------------------------------------


def points_visible_to(user: User) -> QuerySet[HealthServicePoint]:
    return scope_for(user).filter(
        HealthServicePoint.objects.select_related("street"), organisation="street", street="street"
    )


def events_visible_to(user: User) -> QuerySet[ServiceEvent]:
    return scope_for(user).filter(
        ServiceEvent.objects.select_related("point", "point__street"),
        organisation="point__street",
        street="point__street",
    )


def events_to_notice(events: QuerySet[ServiceEvent], *, today: date) -> QuerySet[ServiceEvent]:
    """Patrols and lectures still ahead whose notice window has opened and which are not posted yet."""
    _, most = notice_days(today)
    return events.filter(
        kind__in=NOTICED_KINDS, notice_posted_on__isnull=True, date__gte=today, date__lte=today + timedelta(days=most)
    )


def events_notice_overdue(events: QuerySet[ServiceEvent], *, today: date) -> QuerySet[ServiceEvent]:
    """Patrols and lectures still ahead whose last day to post has passed without a notice."""
    least, _ = notice_days(today)
    return events.filter(
        kind__in=NOTICED_KINDS, notice_posted_on__isnull=True, date__gte=today, date__lt=today + timedelta(days=least)
    )


# --- public ---------------------------------------------------------------------------------


def points_public(*, today: date, street_id: int | None = None) -> QuerySet[HealthServicePoint]:
    """Running points with their events of the coming weeks (prefetched as upcoming_events)."""
    upcoming = ServiceEvent.objects.filter(date__gte=today, date__lte=today + timedelta(days=UPCOMING_DAYS))
    points = (
        HealthServicePoint.objects.filter(is_active=True)
        .select_related("street")
        .prefetch_related(
            Prefetch("events", queryset=upcoming.order_by("date", "start_time"), to_attr="upcoming_events")
        )
    )
    if street_id is not None:
        points = points.filter(street_id=street_id)
    return points.order_by("street__code", "name")


def streets_with_points() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        Q(pk__in=HealthServicePoint.objects.filter(is_active=True).values("street_id"))
    ).order_by("code")
