"""Which rule applies to which policy year.

Each family module (found by walking this package) lists its rule classes per year
(RULES_2019, RULES_2021); the years are the data directories (data/<year>/). A new
family is a new module; earlier years' data and entries stay as they are.

Policy years district staff open themselves (subsidies.models.PolicyYear) are *held* years:
the Django layer hands the published ones in through `use_held_years` (this module imports
nothing from it). A held year names its rules; each rule's logic is the class of the latest
file year, not after it, that registers the rule, bound to the held year's data. Drafts are
never handed in: no member door resolves them.

Which year is in force on a day: a file year from 1 January of that year, a held year from
its effective date; the latest one whose date has come.
"""

from __future__ import annotations

import pkgutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import import_module
from typing import Any

from .base import Rule
from .data import PolicyData, available_years

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
def _file_rules() -> dict[tuple[str, int], Rule]:
    rules: dict[tuple[str, int], Rule] = {}
    for year, classes in registrations().items():
        for cls in classes:
            key = (cls.rule_id, year)
            if key in rules:
                raise ValueError(f"rule {key} registered twice")
            rules[key] = cls(year)
    return rules


@dataclass(frozen=True)
class HeldYear:
    """A published policy year district staff opened (held in the database, not in the files)."""

    year: int
    rule_ids: tuple[str, ...]
    data: PolicyData  # the year's data as opened and edited (overrides are applied when deciding)
    effective_from: date
    note: str = ""  # e.g. "演示年度：沿用2021年标准，非正式政策"


def rule_class(rule_id: str, year: int) -> type[Rule]:
    """The logic of `rule_id` in `year`: the class of the latest file year, not after it, that
    registers it (a new year needs code only when a rule's logic changes)."""
    found = None
    for file_year, classes in sorted(registrations().items()):
        if file_year > year:
            break
        found = next((cls for cls in classes if cls.rule_id == rule_id), found)
    if found is None:
        raise UnknownRule(rule_id, year)
    return found


def file_rule_ids(year: int) -> tuple[str, ...]:
    return tuple(cls.rule_id for cls in registrations().get(year, ()))


def bind_rules(year: int, rule_ids: Iterable[str], data: PolicyData) -> dict[str, Rule]:
    """Every rule of a held (or draft) year bound to its data; PolicyDataError when one cannot
    read it (a year that does not validate is not published)."""
    return {rule_id: rule_class(rule_id, year)(year, data) for rule_id in rule_ids}


# Held years: (probe, load) from the Django layer. `probe()` is cheap (a cache key) and changes
# when a held year is published or edited; `load()` reads them ({year: HeldYear}).
_HELD_CHECK_SECONDS = 1.0
_held: dict[str, Any] = {
    "source": None,
    "version": object(),
    "checked": None,
    "years": {},
    "rules": {},
    "generation": 0,  # counts every change of the held years in this process (see version())
}


def use_held_years(probe: Callable[[], Any], load: Callable[[], dict[int, HeldYear]]) -> None:
    _held.update(source=(probe, load), checked=None)


def refresh() -> None:
    """Read the held years again at the next look-up (after a publish, in this process)."""
    _held["checked"] = None
    _held["version"] = object()
    _held["generation"] += 1


def forget_held_years() -> None:
    """No held years until the probe changes (tests: each starts from the files alone)."""
    probe = _held["source"][0] if _held["source"] else (lambda: None)
    _held.update(version=probe(), checked=time.monotonic(), years={}, rules={}, generation=_held["generation"] + 1)


def _held_state() -> dict[str, Any]:
    source = _held["source"]
    if source is None:
        return _held
    now = time.monotonic()
    if _held["checked"] is not None and now - _held["checked"] < _HELD_CHECK_SECONDS:
        return _held
    probe, load = source
    version = probe()
    _held["checked"] = now
    if version != _held["version"]:
        years = load()
        rules = {}
        for held in years.values():
            for rule_id, rule in bind_rules(held.year, held.rule_ids, held.data).items():
                rules[(rule_id, held.year)] = rule
        _held.update(version=version, years=years, rules=rules, generation=_held["generation"] + 1)
    return _held


def version() -> int:
    """Changes whenever the held (published) years change in this process: a key for what callers
    keep per process (it only grows, so an old key never comes back)."""
    return _held_state()["generation"]


def held_years() -> dict[int, HeldYear]:
    return _held_state()["years"]


def _rules() -> dict[tuple[str, int], Rule]:
    held = _held_state()["rules"]
    if not held:
        return _file_rules()
    return {**_file_rules(), **held}


def years() -> tuple[int, ...]:
    """Every policy year a member may see: the file years and the published held years."""
    return tuple(sorted({*available_years(), *held_years()}))


def effective_from(year: int) -> date:
    held = held_years().get(year)
    return held.effective_from if held else date(year, 1, 1)


def get(rule_id: str, year: int) -> Rule:
    try:
        return _rules()[(rule_id, year)]
    except KeyError:
        raise UnknownRule(rule_id, year) from None


def all_rules(*, held: bool = True) -> list[Rule]:
    """Every rule of every year (`held=False`: the file years only, e.g. for docs/rules.md)."""
    rules = _rules() if held else _file_rules()
    return sorted(rules.values(), key=lambda r: (r.policy_year, r.project, r.rule_id))


def years_of(rule_id: str) -> list[int]:
    return sorted(year for rid, year in _rules() if rid == rule_id)


def _day(on: date | int | None) -> date | None:
    # A year number means "in force during that year" (its last day); a date, that day.
    return date(on, 12, 31) if isinstance(on, int) else on


def year_in_force(on: date | int | None = None, years_: Iterable[int] | None = None) -> int | None:
    """The policy year in force on a day: the latest whose effective date has come."""
    day = _day(on)
    candidates = [(effective_from(y), y) for y in (years_ if years_ is not None else years())]
    candidates = [c for c in candidates if day is None or c[0] <= day]
    return max(candidates)[1] if candidates else None


def latest(rule_id: str, on_year: date | int | None = None) -> Rule:
    """The rule in force on `on_year` (a date: from each year's effective date; a year number:
    during that year), else the newest."""
    year = year_in_force(on_year, years_of(rule_id))
    if year is None:
        raise UnknownRule(rule_id)
    return get(rule_id, year)


def current_rules(on_year: date | int | None = None) -> list[Rule]:
    """One rule per rule_id: the policy year in force."""
    found = []
    for rule_id in sorted({rid for rid, _ in _rules()}):
        try:
            found.append(latest(rule_id, on_year))
        except UnknownRule:
            continue
    return found


def for_project(project: str) -> list[Rule]:
    return [r for r in all_rules() if r.project == project]
