"""Properties every rule keeps, for any facts its schema admits (hypothesis).

Amounts are Decimal to the fen and never negative; the split by payer sums to
the amount; an eligible decision has no failed reason; every reason cites a
clause of a known document.
"""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subsidies.rules import registry
from subsidies.rules.core import DOCUMENTS, Decision, Outcome, Payer
from subsidies.rules.facts import Fact


def fact_values(fact: Fact):
    if fact.kind == "bool":
        return st.booleans()
    if fact.kind == "int":
        low = int(fact.minimum) if fact.minimum is not None else 0
        high = int(fact.maximum) if fact.maximum is not None else low + 400
        return st.integers(low, high)
    if fact.kind == "decimal":
        low = Decimal(fact.minimum) if fact.minimum is not None else Decimal(0)
        high = Decimal(fact.maximum) if fact.maximum is not None else Decimal(200000)
        return st.decimals(min_value=low, max_value=high, places=2, allow_nan=False, allow_infinity=False)
    if fact.kind == "date":
        return st.dates(min_value=date(1950, 1, 1), max_value=date(2027, 12, 31))
    if fact.kind == "choice":
        return st.sampled_from([value for value, _ in fact.choices])
    return st.text(min_size=1, max_size=min(20, fact.max_length)).filter(lambda text: text.strip())


def facts_for(rule):
    required = {f.name: fact_values(f) for f in rule.schema if f.required}
    optional = {f.name: fact_values(f) for f in rule.schema if not f.required}
    return st.fixed_dictionaries(required, optional=optional)


def check_invariants(decision: Decision) -> None:
    assert isinstance(decision.amount, Decimal)
    assert decision.amount >= 0
    assert decision.amount == decision.amount.quantize(Decimal("0.01"))
    assert all(isinstance(s.amount, Decimal) and s.amount > 0 for s in decision.split)
    assert all(isinstance(s.payer, Payer) for s in decision.split)
    if decision.split:
        assert sum(s.amount for s in decision.split) == decision.amount
    assert decision.reasons, "a decision always explains itself"
    assert all(r.clause.document in DOCUMENTS and r.clause.section for r in decision.reasons)
    if decision.outcome is Outcome.ELIGIBLE:
        assert not decision.failed and not decision.unknown
    if decision.outcome is Outcome.INELIGIBLE:
        assert decision.failed and decision.amount == 0
    for _, value in decision.dates:
        assert isinstance(value, date)


RULES = registry.all_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.rule_id}-{r.policy_year}")
def test_invariants_hold_for_any_admissible_facts(rule):
    @given(facts_for(rule))
    def check(facts):
        check_invariants(rule.evaluate(facts))

    check()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.rule_id}-{r.policy_year}")
def test_empty_profile_is_incomplete_not_a_crash(rule):
    decision = rule.evaluate({}, partial=True)
    assert decision.outcome in (Outcome.INCOMPLETE, Outcome.INELIGIBLE, Outcome.ELIGIBLE, Outcome.NOT_YET_OPEN)
    check_invariants(decision)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.rule_id}-{r.policy_year}")
def test_rule_is_described(rule):
    assert rule.title and rule.summary and rule.applicant in ("member", "organisation")
    assert rule.project, "rule must name its projects.catalogue code"
    from projects.catalogue import SERVICE_PROJECTS

    assert rule.project in {p.code for p in SERVICE_PROJECTS}
    assert all(f.label for f in rule.schema)
    for _, name in rule.interpretations:
        rule.data.clause(name)
