"""The entitlement scan: one member's profile against every rule in force.

Pure. The profile is a plain mapping of the attribute names facts declare with
`profile=` (see facts.Fact): birth_date, monthly_income, employment_type, ...
plus "today". Facts the profile cannot answer stay unknown, so a rule that
needs, say, a certificate date comes back INCOMPLETE ("apply with your
certificate") rather than wrongly ineligible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from .base import Rule
from .core import Decision
from .data import PolicyData
from .reference import ReferenceData


def facts_from_profile(rule: Rule, profile: Mapping[str, Any], today: date) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for fact in rule.schema:
        source = fact.profile
        if source is None:
            continue
        value = today if source == "today" else profile.get(source)
        if value is not None:
            facts[fact.name] = value
    return facts


def scan(
    rules: Iterable[Rule],
    profile: Mapping[str, Any],
    today: date,
    *,
    refs: ReferenceData | None = None,
    data: Mapping[int, PolicyData] | None = None,
) -> list[tuple[Rule, Decision]]:
    results = []
    for rule in rules:
        facts = facts_from_profile(rule, profile, today)
        decision = rule.evaluate(
            facts, partial=True, strict=False, refs=refs, data=data.get(rule.policy_year) if data else None
        )
        results.append((rule, decision))
    return results
