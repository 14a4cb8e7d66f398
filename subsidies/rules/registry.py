"""Which rule applies to which policy year.

Each family module lists its rule classes per year (RULES_2019, RULES_2021).
A new policy year adds its data directory (data/<year>/) and a RULES_<year>
tuple in the modules it touches; earlier years' data and entries stay as they are.
"""

from __future__ import annotations

from functools import cache

from . import (
    culture,
    flexible_workers,
    flower_expo,
    health_points,
    legal,
    member_card,
    micro_wishes,
    reading_rooms,
    sanatorium,
    sanitation,
    singles,
    skill_awards,
    womens_care,
    worker_school,
)
from .base import Rule

FAMILIES = (
    skill_awards, worker_school, legal, flexible_workers, sanitation, sanatorium, health_points, flower_expo,
    member_card, womens_care, reading_rooms, singles, culture, micro_wishes,
)
YEARS = (2019, 2021)


def registrations() -> dict[int, tuple[type[Rule], ...]]:
    return {year: tuple(cls for family in FAMILIES for cls in getattr(family, f"RULES_{year}", ())) for year in YEARS}


class UnknownRule(LookupError):
    def __init__(self, rule_id: str, year: int | None = None):
        self.rule_id, self.year = rule_id, year
        where = f"{year}年度" if year else ""
        super().__init__(f"没有{where}规则 {rule_id}。")


@cache
def _rules() -> dict[tuple[str, int], Rule]:
    rules: dict[tuple[str, int], Rule] = {}
    for year, classes in registrations().items():
        for cls in classes:
            key = (cls.rule_id, year)
            if key in rules:
                raise ValueError(f"rule {key} registered twice")
            rules[key] = cls(year)
    return rules


def get(rule_id: str, year: int) -> Rule:
    try:
        return _rules()[(rule_id, year)]
    except KeyError:
        raise UnknownRule(rule_id, year) from None


def all_rules() -> list[Rule]:
    return sorted(_rules().values(), key=lambda r: (r.policy_year, r.project, r.rule_id))


def years_of(rule_id: str) -> list[int]:
    return sorted(year for rid, year in _rules() if rid == rule_id)


def latest(rule_id: str, on_year: int | None = None) -> Rule:
    """The newest policy year's rule in force in `on_year` (the latest year not after it)."""
    years = [y for y in years_of(rule_id) if on_year is None or y <= on_year]
    if not years:
        raise UnknownRule(rule_id)
    return get(rule_id, years[-1])


def current_rules(on_year: int | None = None) -> list[Rule]:
    """One rule per rule_id: the newest policy year in force."""
    found = []
    for rule_id in sorted({rid for rid, _ in _rules()}):
        try:
            found.append(latest(rule_id, on_year))
        except UnknownRule:
            continue
    return found


def for_project(project: str) -> list[Rule]:
    return [r for r in all_rules() if r.project == project]
