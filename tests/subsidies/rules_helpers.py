"""Helpers for rule tests: evaluate by id with a base set of facts, read reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from subsidies.rules import registry
from subsidies.rules.core import Decision, Outcome


def decide(rule_id: str, year: int, base: dict[str, Any], **overrides: Any) -> Decision:
    facts = {**base, **overrides}
    facts = {k: v for k, v in facts.items() if v is not None}
    return registry.get(rule_id, year).evaluate(facts)


def codes(decision: Decision, ok: bool | None = False) -> set[str]:
    return {r.code for r in decision.reasons if r.ok is ok}


def assert_eligible(decision: Decision, amount: str | None = None) -> None:
    assert decision.outcome is Outcome.ELIGIBLE, [r.message for r in decision.reasons if r.ok is not True]
    if amount is not None:
        assert decision.amount == Decimal(amount)


def assert_ineligible(decision: Decision, code: str) -> None:
    assert decision.outcome is Outcome.INELIGIBLE
    assert code in codes(decision), codes(decision)
    assert decision.amount == Decimal("0.00") and decision.split == ()
