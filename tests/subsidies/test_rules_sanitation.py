"""2019 §15 环卫职工“送保障”, clause by clause."""

from decimal import Decimal

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome, Payer, Route
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

UNIT = dict(
    is_sanitation_operator=True, unit_union_established=True, insured_workers=10, all_paying_social_insurance=True
)


def insurance(**overrides):
    return decide("sanitation_worker_insurance", 2019, UNIT, **overrides)


@pytest.mark.parametrize("workers, amount", [(1, "75.00"), (10, "750.00"), (123, "9225.00")])
def test_each_worker_one_hospital_share_65_and_one_accident_share_10(workers, amount):
    decision = insurance(insured_workers=workers)
    assert_eligible(decision, amount)
    assert decision.route is Route.UNIT


def test_the_district_union_pays():
    """Interpretation (lead): the document names no payer; “送保障” + district review -> district union."""
    decision = insurance()
    assert decision.split == (decision.split[0],)
    assert decision.split[0].payer is Payer.DISTRICT_UNION and decision.split[0].amount == Decimal("750.00")


@pytest.mark.parametrize(
    "fact, code",
    [
        ("is_sanitation_operator", "unit.sanitation_operator"),
        ("unit_union_established", "unit.union_established"),
        ("all_paying_social_insurance", "workers.social_insurance"),
    ],
)
def test_each_condition_of_the_target_group(fact, code):
    assert_ineligible(insurance(**{fact: False}), code)


@pytest.mark.parametrize("fact", ["hospital_shares_per_worker", "accident_shares_per_worker"])
@pytest.mark.parametrize("shares, ok", [(0, False), (1, True), (2, False)])
def test_one_share_of_each_plan_per_worker(fact, shares, ok):
    """Interpretation: “每人1份” — exactly one share of each plan; unset means one."""
    decision = insurance(**{fact: shares})
    assert decision.eligible is ok
    if not ok:
        assert {"shares.hospital", "shares.accident"} & codes(decision)


def test_zero_workers_is_not_admissible():
    rule = registry.get("sanitation_worker_insurance", 2019)
    with pytest.raises(ValueError):
        rule.evaluate(dict(UNIT, insured_workers=0))


def test_roster_size_unknown_is_incomplete():
    rule = registry.get("sanitation_worker_insurance", 2019)
    decision = rule.evaluate({k: v for k, v in UNIT.items() if k != "insured_workers"}, partial=True)
    assert decision.outcome is Outcome.INCOMPLETE and decision.amount == Decimal("0.00")


def test_review_chain_street_town_then_district():
    decision = insurance()
    assert dict(decision.details)["review_chain"] == "street_town→district"
    assert dict(decision.details)["per_worker"] == "75元"


def test_prices_follow_the_data():
    rule = registry.get("sanitation_worker_insurance", 2019)
    data = rule.data.with_overrides(params={"sanitation_hospital_share_price": "70"})
    assert rule.evaluate(UNIT, data=data).amount == Decimal("800.00")


def test_organisation_applies_and_only_2019():
    rule = registry.get("sanitation_worker_insurance", 2019)
    assert rule.applicant == "organisation" and rule.project == "sanitation_insurance"
    assert registry.years_of("sanitation_worker_insurance") == [2019]


def test_every_reason_cites_2019_section_15():
    decision = insurance()
    assert all(r.clause.document == "2019" and r.clause.section.startswith("§15") for r in decision.reasons)
