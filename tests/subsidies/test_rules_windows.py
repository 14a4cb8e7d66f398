"""A decision outside its window says when the window opens or closed and shows no payable amount
(issue 11, readings settled): the same for every rule, because Checks.decision applies it."""

from decimal import Decimal

import pytest

from subsidies.rules.core import Outcome
from tests.subsidies.rules_helpers import decide
from tests.subsidies.test_rules_skill_awards import PROMOTION

# (rule, year, facts, outcome, the window's code, words the reason must contain)
CASES = [
    (
        "skill_promotion_award",
        2019,
        dict(PROMOTION, application_date="2019-03-14"),
        Outcome.NOT_YET_OPEN,
        "window.not_yet_open",
        "2019年3月15日起受理",
    ),
    (
        "skill_promotion_award",
        2019,
        dict(PROMOTION, application_date="2019-04-16"),
        Outcome.NOT_YET_OPEN,
        "window.not_yet_open",
        "2019年8月15日起受理",
    ),
    (
        "skill_promotion_award",
        2019,
        dict(PROMOTION, application_date="2019-09-16"),
        Outcome.INELIGIBLE,
        "window.closed",
        "已于2019年9月15日截止",
    ),
]


@pytest.mark.parametrize("rule_id, year, facts, outcome, code, words", CASES)
def test_outside_its_window_a_decision_says_when_and_pays_nothing(rule_id, year, facts, outcome, code, words):
    decision = decide(rule_id, year, facts)
    assert decision.outcome is outcome
    assert decision.amount == Decimal("0.00") and decision.split == ()
    reason = next(r for r in decision.reasons if r.code == code)
    assert words in reason.message, reason.message


@pytest.mark.parametrize("day", ["2019-03-15", "2019-04-15", "2019-08-15", "2019-09-15"])
def test_inside_the_window_the_amount_is_payable(day):
    decision = decide("skill_promotion_award", 2019, dict(PROMOTION, application_date=day))
    assert decision.eligible and decision.amount == Decimal("1000.00")
