"""Reads for “看花博”: the district's running total against its target."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.utils import timezone

from members.models import User
from members.selectors import scope_for
from projects.models import GRANTED_STATUSES
from subsidies.rules import registry
from subsidies.rules.core import Clause
from subsidies.selectors import policy_data

from .models import ExpoTrip

RULE_ID = "flower_expo_visit"
TARGET_PARAM = "flower_expo_target_visits"
# Trips count while their application holds: a cancelled (withdrawn) booking drops out of the total.
COUNTED = GRANTED_STATUSES


def counted_trips(policy_year: int) -> QuerySet[ExpoTrip]:
    return ExpoTrip.objects.filter(application__policy_year=policy_year, application__status__in=COUNTED)


# A scan over many members asks for the running total once per year (`expo_visits_totals_primed`);
# local to the caller's context, so nothing running beside it reads a stale total.
_PRIMED_TOTALS: ContextVar[dict[int, int] | None] = ContextVar("primed_expo_totals", default=None)


@contextmanager
def expo_visits_totals_primed() -> Iterator[None]:
    token = _PRIMED_TOTALS.set({})
    try:
        yield
    finally:
        _PRIMED_TOTALS.reset(token)


def expo_visits_total(policy_year: int) -> int:
    primed = _PRIMED_TOTALS.get()
    if primed is not None:
        if policy_year not in primed:
            primed[policy_year] = _visits_total(policy_year)
        return primed[policy_year]
    return _visits_total(policy_year)


def _visits_total(policy_year: int) -> int:
    return counted_trips(policy_year).aggregate(total=Sum("visitors"))["total"] or 0


@dataclass(frozen=True)
class Progress:
    policy_year: int
    total: int
    target: int
    trips: int
    clause: Clause

    @property
    def met(self) -> bool:
        return self.total > self.target  # “超过10000人次”: 10000 is not yet more than 10000

    @property
    def remaining(self) -> int:
        return 0 if self.met else self.target + 1 - self.total

    @property
    def percent(self) -> int:
        return min(100, self.total * 100 // self.target) if self.target else 100


def expo_progress(policy_year: int | None = None) -> Progress:
    """Total approved visits, the target (the rule's param, with staff edits) and whether it is met."""
    year = policy_year if policy_year is not None else registry.latest(RULE_ID, timezone.localdate()).policy_year
    data = policy_data(year)
    trips = counted_trips(year)
    return Progress(
        policy_year=year,
        total=trips.aggregate(total=Sum("visitors"))["total"] or 0,
        target=data.value(TARGET_PARAM),
        trips=trips.count(),
        clause=data.clause(TARGET_PARAM),
    )


def expo_trips_visible_to(user: User) -> QuerySet[ExpoTrip]:
    return scope_for(user).filter(
        ExpoTrip.objects.select_related("organisation", "application"), street="organisation__street"
    )
