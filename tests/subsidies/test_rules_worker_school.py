"""2019 §2: “上海职工学堂” build grant, clause by clause."""

from datetime import date
from decimal import Decimal

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome, Payer
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

SCHOOL = dict(
    is_street_town_union=True,
    built_on="2019-03-01",
    asset_spend="100000",
    application_date="2019-08-01",
    on_site_check_passed=True,
)
CLAIM = dict(SCHOOL, claim_date="2019-08-25", claim_form_submitted=True, receipt_submitted=True)


@pytest.mark.parametrize(
    "spend, city, district",
    [
        ("100000", "50000.00", "50000.00"),  # the 10万 standard: 5万 + 5万
        ("60000", "30000.00", "30000.00"),  # below the standard: half each
        ("130000", "50000.00", "50000.00"),  # above the standard: capped at 10万
        ("100000.01", "50000.00", "50000.00"),
        ("1", "0.50", "0.50"),
    ],
)
def test_city_pays_half_of_eligible_spend_up_to_50000_and_district_matches(spend, city, district):
    decision = decide("worker_school_grant", 2019, SCHOOL, asset_spend=spend)
    assert_eligible(decision, str(Decimal(city) + Decimal(district)))
    assert decision.share(Payer.CITY_UNION) == Decimal(city)
    assert decision.share(Payer.DISTRICT_UNION) == Decimal(district)


def test_odd_fen_split_sums_to_eligible_spend_and_city_never_above_50000():
    decision = decide("worker_school_grant", 2019, SCHOOL, asset_spend="99999.99")
    assert decision.amount == Decimal("99999.99")
    assert decision.share(Payer.CITY_UNION) <= Decimal("50000.00")
    assert abs(decision.share(Payer.CITY_UNION) - decision.share(Payer.DISTRICT_UNION)) == Decimal("0.01")


def test_city_cap_binds_if_staff_raise_the_asset_standard():
    rule = registry.get("worker_school_grant", 2019)
    data = rule.data.with_overrides(params={"worker_school_asset_cap": "120000"})
    decision = rule.evaluate(dict(SCHOOL, asset_spend="120000"), data=data)
    assert decision.share(Payer.CITY_UNION) == Decimal("50000.00")
    assert decision.share(Payer.DISTRICT_UNION) == Decimal("50000.00")


@pytest.mark.parametrize(
    "built_on, ok",
    [("2018-08-31", False), ("2018-09-01", True), ("2019-08-31", True), ("2019-09-01", False)],
)
def test_built_between_1_september_2018_and_31_august_2019(built_on, ok):
    decision = decide("worker_school_grant", 2019, SCHOOL, built_on=built_on)
    assert decision.eligible is ok
    if not ok:
        assert_ineligible(decision, "built.period")


@pytest.mark.parametrize("applied, ok", [("2019-08-15", True), ("2019-08-16", False)])
def test_application_by_15_august_includes_the_15th(applied, ok):
    decision = decide("worker_school_grant", 2019, SCHOOL, application_date=applied)
    assert decision.eligible is ok
    if not ok:
        assert_ineligible(decision, "window.closed")
    assert decision.date("apply_by") == date(2019, 8, 15)
    assert decision.date("claim_by") == date(2019, 9, 1)


def test_school_built_after_the_application_deadline_may_still_have_applied_before_it():
    # interpretation: no "application after building" condition
    assert_eligible(decide("worker_school_grant", 2019, SCHOOL, built_on="2019-08-20", application_date="2019-08-10"))


def test_only_street_town_unions():
    assert_ineligible(
        decide("worker_school_grant", 2019, SCHOOL, is_street_town_union=False), "applicant.street_town_union"
    )


class TestOnSiteCheck:
    def test_pending_until_the_district_checks(self):
        decision = decide("worker_school_grant", 2019, SCHOOL, on_site_check_passed=None)
        assert decision.outcome is Outcome.PENDING_REVIEW
        assert "site_check" in codes(decision, None)
        assert decision.amount == Decimal("100000.00")  # what the school will get if it passes

    def test_failed_check_refuses(self):
        assert_ineligible(decide("worker_school_grant", 2019, SCHOOL, on_site_check_passed=False), "site_check")


class TestClaim:
    @pytest.mark.parametrize("claim_date, ok", [("2019-09-01", True), ("2019-09-02", False)])
    def test_claim_by_1_september_includes_the_1st(self, claim_date, ok):
        decision = decide("worker_school_grant", 2019, CLAIM, claim_date=claim_date)
        assert decision.eligible is ok
        if not ok:
            assert_ineligible(decision, "claim.on_time")

    @pytest.mark.parametrize(
        "missing, code", [("claim_form_submitted", "claim.form"), ("receipt_submitted", "claim.receipt")]
    )
    def test_claim_needs_summary_form_and_settlement_receipt(self, missing, code):
        assert_ineligible(decide("worker_school_grant", 2019, CLAIM, **{missing: False}), code)
        decision = decide("worker_school_grant", 2019, CLAIM, **{missing: None})
        assert decision.outcome is Outcome.INCOMPLETE and code in codes(decision, None)

    def test_documents_not_checked_before_the_claim_date_is_given(self):
        decision = decide("worker_school_grant", 2019, SCHOOL, claim_form_submitted=False)
        assert_eligible(decision)
        assert "claim.due" in codes(decision, True)


def test_spend_unknown_is_incomplete():
    decision = registry.get("worker_school_grant", 2019).evaluate(dict(SCHOOL, asset_spend=None), partial=True)
    assert decision.outcome is Outcome.INCOMPLETE and "amount.spend" in codes(decision, None)


def test_every_reason_cites_section_2_of_2019():
    decision = decide("worker_school_grant", 2019, CLAIM)
    assert all(r.clause.document == "2019" and r.clause.section.startswith("§2 ") for r in decision.reasons)
    match = next(r for r in decision.reasons if r.code == "amount.district")
    assert "1:1" in match.clause.quote
