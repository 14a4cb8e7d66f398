"""2021 “组织万名职工‘看花博’”: trip conditions and the district tally toward “超过10000人次”."""

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome
from subsidies.rules.data import load_policy_data
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

OUTING = dict(
    visits_so_far=2000,
    visits_in_trip=45,
    organised_as="spring_autumn_outing",
    same_day_return=True,
    entrusted_to_travel_agency=True,
    agency_agreement_signed=True,
)
SANATORIUM = dict(visits_so_far=2000, visits_in_trip=30, organised_as="sanatorium")


def test_outing_is_eligible_with_no_amount_and_tallies():
    decision = decide("flower_expo_visit", 2021, OUTING)
    assert_eligible(decision, "0.00")
    assert decision.split == ()
    details = dict(decision.details)
    assert details == {"running_total": "2045", "target": "10000", "target_met": "no", "visits_to_target": "7956"}


@pytest.mark.parametrize(
    "so_far, trip, total, met, to_go",
    [
        (9999, 1, 10000, "no", "1"),  # 10000 is not “超过10000”
        (9999, 2, 10001, "yes", "0"),
        (10000, 1, 10001, "yes", "0"),
        (0, 1, 1, "no", "10000"),
    ],
)
def test_interpretation_target_is_more_than_10000(so_far, trip, total, met, to_go):
    decision = decide("flower_expo_visit", 2021, OUTING, visits_so_far=so_far, visits_in_trip=trip)
    assert_eligible(decision)  # interpretation: the district target never decides a trip's eligibility
    details = dict(decision.details)
    assert details["running_total"] == str(total)
    assert details["target_met"] == met
    assert details["visits_to_target"] == to_go


def test_target_is_a_param():
    assert load_policy_data(2021).value("flower_expo_target_visits") == 10000


def test_outing_must_be_a_same_day_return():
    assert_ineligible(decide("flower_expo_visit", 2021, OUTING, same_day_return=False), "trip.same_day")
    assert decide("flower_expo_visit", 2021, OUTING, same_day_return=None).outcome is Outcome.INCOMPLETE


def test_travel_agency_needs_an_entrustment_agreement():
    assert_ineligible(decide("flower_expo_visit", 2021, OUTING, agency_agreement_signed=False), "agency.agreement")
    assert decide("flower_expo_visit", 2021, OUTING, agency_agreement_signed=None).outcome is Outcome.INCOMPLETE
    assert_eligible(
        decide("flower_expo_visit", 2021, OUTING, entrusted_to_travel_agency=False, agency_agreement_signed=None)
    )


def test_interpretation_outing_conditions_do_not_apply_to_sanatorium_trips():
    decision = decide(
        "flower_expo_visit",
        2021,
        SANATORIUM,
        same_day_return=False,
        entrusted_to_travel_agency=True,
        agency_agreement_signed=False,
    )
    assert_eligible(decision)
    note = next(r for r in decision.reasons if r.code == "organised_as")
    assert "疗休养" in note.message and "疗休养" in note.clause.quote


def test_interpretation_hardship_subsidy_is_noted_without_an_amount():
    decision = decide("flower_expo_visit", 2021, OUTING, includes_hardship_families=True)
    assert_eligible(decision, "0.00")
    note = next(r for r in decision.reasons if r.code == "hardship.subsidy")
    assert "未载明" in note.message
    assert "hardship.subsidy" not in codes(decide("flower_expo_visit", 2021, OUTING), True)


def test_interpretation_no_visit_date_is_checked():
    assert "visit_date" not in registry.get("flower_expo_visit", 2021).schema


def test_missing_tally_is_incomplete():
    decision = registry.get("flower_expo_visit", 2021).evaluate({"organised_as": "sanatorium"}, partial=True)
    assert decision.outcome is Outcome.INCOMPLETE
    assert dict(decision.details) == {"target": "10000"}


def test_every_reason_cites_the_flower_expo_project():
    for base in (OUTING, SANATORIUM):
        decision = decide("flower_expo_visit", 2021, base, includes_hardship_families=True)
        assert all(
            r.clause.document == "2021" and r.clause.section.startswith("「组织万名职工‘看花博’」")
            for r in decision.reasons
        )
