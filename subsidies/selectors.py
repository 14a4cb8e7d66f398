"""Reads for policy data and rule decisions: the rules module plus district staff's edits."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from subsidies.rules import registry
from subsidies.rules.base import Rule
from subsidies.rules.core import Decision
from subsidies.rules.data import PolicyData, PolicyDataError, load_policy_data
from subsidies.rules.facts import Facts
from subsidies.rules.reference import ReferenceData, load_reference_data

from .models import PolicyOverride, PolicyOverrideKind, ReferenceValue

logger = logging.getLogger(__name__)

# Each process keeps a year's PolicyData until that year's overrides change.
_policy_cache: dict[int, tuple[tuple, PolicyData]] = {}


def reference_data() -> ReferenceData:
    """Shipped defaults, replaced series by series by the values staff keep in the database."""
    points: dict[str, list[tuple]] = defaultdict(list)
    for row in ReferenceValue.objects.order_by("series", "effective_from").values_list(
        "series", "effective_from", "amount"
    ):
        points[row[0]].append((row[1], row[2]))
    defaults = load_reference_data()
    return defaults.with_overrides(points) if points else defaults


def policy_version(year: int) -> tuple:
    """Changes whenever an override of the year is added, edited or removed (one small query)."""
    stats = PolicyOverride.objects.filter(policy_year=year).aggregate(
        n=Count("id"), last=Max("updated_at"), top=Max("id")
    )
    return stats["n"], stats["last"], stats["top"]


def policy_data(year: int) -> PolicyData:
    """A policy year's data file with district staff's overrides applied."""
    version = policy_version(year)
    cached = _policy_cache.get(year)
    if cached is not None and cached[0] == version:
        return cached[1]
    data = load_policy_data(year)
    for kind, name, value in PolicyOverride.objects.filter(policy_year=year).values_list("kind", "name", "value"):
        try:
            data = (
                data.with_overrides(params={name: value})
                if kind == PolicyOverrideKind.PARAM
                else data.with_overrides(tables={name: value})
            )
        except PolicyDataError:
            # Only subsidies.services writes overrides, validated; a row written around it (a shell,
            # a restore) must not take every member page down: it is ignored, loudly, and the policy
            # page flags it (invalid_overrides).
            logger.error("政策修改 %s %s %s 未通过校验，已忽略，沿用上一有效值", year, kind, name)
    _policy_cache[year] = (version, data)
    return data


def policy_data_by_year() -> dict[int, PolicyData]:
    """Every policy year's current data, for a page that renders texts of several years."""
    from subsidies.rules.data import available_years

    return {year: policy_data(year) for year in available_years()}


def invalid_overrides(year: int) -> list[PolicyOverride]:
    """Overrides of the year that do not validate (written around the service)."""
    data, bad = load_policy_data(year), []
    for override in PolicyOverride.objects.filter(policy_year=year):
        try:
            if override.kind == PolicyOverrideKind.PARAM:
                data.with_overrides(params={override.name: override.value})
            else:
                data.with_overrides(tables={override.name: override.value})
        except PolicyDataError:
            bad.append(override)
    return bad


@dataclass(frozen=True)
class PolicyEntry:
    """One param or table of a year as staff see it: shipped value, current value, clause."""

    year: int
    kind: str
    name: str
    clause: str
    quote: str
    shipped: Any
    current: Any
    override: PolicyOverride | None

    @property
    def overridden(self) -> bool:
        return self.override is not None


def _plain(value):
    from datetime import date
    from decimal import Decimal

    if isinstance(value, (date, Decimal)):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def policy_entries(year: int) -> list[PolicyEntry]:
    shipped, current = load_policy_data(year), policy_data(year)
    overrides = {
        (o.kind, o.name): o for o in PolicyOverride.objects.filter(policy_year=year).select_related("updated_by")
    }
    entries = []
    for name, param in shipped.params.items():
        entries.append(
            PolicyEntry(
                year,
                PolicyOverrideKind.PARAM,
                name,
                param.clause.citation,
                param.clause.quote,
                _plain(param.value),
                _plain(current.params[name].value),
                overrides.get((PolicyOverrideKind.PARAM, name)),
            )
        )
    for name, table in shipped.tables.items():
        entries.append(
            PolicyEntry(
                year,
                PolicyOverrideKind.TABLE,
                name,
                table.clause.citation,
                table.clause.quote,
                table.to_json_rows(),
                current.tables[name].to_json_rows(),
                overrides.get((PolicyOverrideKind.TABLE, name)),
            )
        )
    return sorted(entries, key=lambda e: (e.kind, e.name))


@dataclass(frozen=True)
class Decided:
    """A rule's Decision with the typed facts it was made on."""

    rule: Rule
    facts: Facts
    decision: Decision


def decide(
    *,
    rule_id: str,
    year: int,
    facts: Mapping[str, Any],
    locked: Mapping[str, Any] | None = None,
    partial: bool = False,
    strict: bool = True,
    data: PolicyData | None = None,
    refs: ReferenceData | None = None,
) -> Decided:
    """The one place a rule is decided, for every door (portal submission, calculator, entitlement
    scan, recalculation, CLI, API): parse the facts — `locked` ones (the record's, today's) over
    whatever was typed — and decide with the year's current policy data.

    Raises FactsError naming each bad field, or registry.UnknownRule. Pass `data`/`refs` when
    deciding many rules at once (they are read once per request, not per rule)."""
    rule = registry.get(rule_id, year)
    parsed = rule.schema.parse({**facts, **(locked or {})}, partial=partial, strict=strict)
    decision = rule.decide(parsed, rule.context(data or policy_data(year), refs or reference_data()))
    return Decided(rule, parsed, decision)
