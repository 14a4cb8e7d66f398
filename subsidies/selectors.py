"""Reads for policy data and rule decisions: the rules module plus district staff's edits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from subsidies.rules import registry
from subsidies.rules.core import Decision
from subsidies.rules.data import PolicyData, load_policy_data
from subsidies.rules.reference import ReferenceData, load_reference_data

from .models import ReferenceValue


def reference_data() -> ReferenceData:
    """Shipped defaults, replaced series by series by the values staff keep in the database."""
    points: dict[str, list[tuple]] = defaultdict(list)
    for row in ReferenceValue.objects.order_by("series", "effective_from").values_list(
        "series", "effective_from", "amount"
    ):
        points[row[0]].append((row[1], row[2]))
    defaults = load_reference_data()
    return defaults.with_overrides(points) if points else defaults


def policy_data(year: int) -> PolicyData:
    return load_policy_data(year)


def rule_decision(*, rule_id: str, year: int, facts: Mapping[str, Any], partial: bool = False,
                  strict: bool = True, refs: ReferenceData | None = None) -> Decision:
    """Evaluate one rule with the current policy data. Raises FactsError on bad facts,
    registry.UnknownRule on an unknown rule/year."""
    rule = registry.get(rule_id, year)
    return rule.evaluate(facts, data=policy_data(year), refs=refs or reference_data(), partial=partial,
                         strict=strict)
