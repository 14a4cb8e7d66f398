"""Which rule applies to which policy year.

Each family module (found by walking this package) lists its rule classes per year
(RULES_2019, RULES_2021); the years are the data directories (data/<year>/). A new
family is a new module; earlier years' data and entries stay as they are.
"""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module

from .base import Rule
from .data import available_years

# Modules of the rules package that are the machinery, not rule families.
_MACHINERY = frozenset(
    {"base", "core", "data", "docs", "facts", "pieces", "prose", "reference", "registry", "scan", "vocabulary"}
)


@cache
def families() -> tuple:
    """Every rule family module of this package (one per project family), found, not listed."""
    package = import_module(__package__)
    return tuple(
        import_module(f"{__package__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if info.name not in _MACHINERY and not info.name.startswith("_")
    )


def registrations() -> dict[int, tuple[type[Rule], ...]]:
    """Each policy year with data (data/<year>/) → the rule classes its families register (RULES_<year>)."""
    return {
        year: tuple(cls for family in families() for cls in getattr(family, f"RULES_{year}", ()))
        for year in available_years()
    }


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
