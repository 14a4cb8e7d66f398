"""2019 §1: skill promotion, mentor and patent awards, clause by clause."""

from datetime import date
from decimal import Decimal

import pytest

from subsidies.rules.core import Outcome, Payer, Route
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

PROMOTION = dict(
    is_district_member=True,
    level_reached="technician",
    certificate_issued_on="2018-06-01",
    certificate_issuer="shanghai_hrss",
    certificate_number="1931000000000001",
    application_date="2019-03-20",
)
MENTOR = dict(
    is_district_member=True,
    agreement_signed_on="2017-03-01",
    agreement_stamped=True,
    apprentice_name="王徒弟",
    apprentice_id_number="310114199901010014",
    apprentice_level="technician",
    apprentice_certificate_issued_on="2018-05-01",
    apprentice_certificate_issuer="national_industry",
    application_date="2019-08-20",
)
PATENT = dict(
    is_district_member=True,
    is_first_inventor=True,
    is_frontline=True,
    is_full_time_rnd=False,
    unit_type="enterprise",
    patent_kind="invention",
    patent_number="ZL201810000000.0",
    granted_on="2018-11-11",
    invalidated=False,
    application_date="2019-09-15",
)


@pytest.mark.parametrize("level, amount", [("technician", "1000.00"), ("senior_technician", "2000.00")])
def test_promotion_amounts_by_level(level, amount):
    decision = decide("skill_promotion_award", 2019, PROMOTION, level_reached=level)
    assert_eligible(decision, amount)
    assert decision.split[0].payer is Payer.CITY_UNION and decision.split[0].amount == Decimal(amount)
    assert decision.route is Route.UNIT


@pytest.mark.parametrize(
    "level, amount", [("senior_worker", "1000.00"), ("technician", "2000.00"), ("senior_technician", "3000.00")]
)
def test_mentor_amounts_by_apprentice_level(level, amount):
    assert_eligible(decide("mentor_award", 2019, MENTOR, apprentice_level=level), amount)


def test_patent_award_is_2000():
    assert_eligible(decide("patent_award", 2019, PATENT), "2000.00")


@pytest.mark.parametrize(
    "application_date, outcome",
    [
        ("2019-03-14", Outcome.NOT_YET_OPEN),  # day before the first batch
        ("2019-03-15", Outcome.ELIGIBLE),  # first day
        ("2019-04-15", Outcome.ELIGIBLE),  # last day
        ("2019-04-16", Outcome.NOT_YET_OPEN),  # between batches: the second batch is still ahead
        ("2019-08-15", Outcome.ELIGIBLE),
        ("2019-09-15", Outcome.ELIGIBLE),
        ("2019-09-16", Outcome.INELIGIBLE),  # both batches over
    ],
)
def test_two_batches_first_and_last_days(application_date, outcome):
    decision = decide("skill_promotion_award", 2019, PROMOTION, application_date=application_date)
    assert decision.outcome is outcome
    if outcome is Outcome.NOT_YET_OPEN:
        assert decision.window.opens in (date(2019, 3, 15), date(2019, 8, 15))
        assert decision.amount == Decimal("0.00")  # nothing payable outside the window (issue 11)


@pytest.mark.parametrize("issued, ok", [("2016-12-31", False), ("2017-01-01", True)])
def test_certificate_date_boundary_includes_1_january_2017(issued, ok):
    decision = decide("skill_promotion_award", 2019, PROMOTION, certificate_issued_on=issued)
    assert decision.eligible is ok
    if not ok:
        assert "certificate.date" in codes(decision)


def test_certificate_from_another_issuer_refused():
    assert_ineligible(
        decide("skill_promotion_award", 2019, PROMOTION, certificate_issuer="other"), "certificate.issuer"
    )


def test_non_district_member_refused():
    assert_ineligible(decide("patent_award", 2019, PATENT, is_district_member=False), "member.district")


class TestRoutes:
    def test_app_route_needs_shanghai_centre_certificate_and_valid_card(self):
        app = dict(PROMOTION, route="app", assessed_by_shanghai_centre=True, has_valid_member_card=True)
        decision = decide("skill_promotion_award", 2019, app)
        assert_eligible(decision)
        assert decision.route is Route.APP
        assert_ineligible(decide("skill_promotion_award", 2019, app, has_valid_member_card=False), "route.app")
        assert_ineligible(
            decide("skill_promotion_award", 2019, app, certificate_issuer="national_industry"), "route.app"
        )

    @pytest.mark.parametrize("rule_id, base", [("mentor_award", MENTOR), ("patent_award", PATENT)])
    def test_only_promotions_may_use_the_app(self, rule_id, base):
        assert_ineligible(decide(rule_id, 2019, base, route="app"), "route.unit_only")

    def test_unit_route_reviews_grassroots_district_city(self):
        decision = decide("mentor_award", 2019, MENTOR)
        assert dict(decision.details)["review_chain"] == "grassroots→district→city"


class TestMentor:
    def test_agreement_must_be_stamped(self):
        assert_ineligible(decide("mentor_award", 2019, MENTOR, agreement_stamped=False), "agreement.stamped")

    @pytest.mark.parametrize("issued, ok", [("2017-03-01", False), ("2017-03-02", True)])
    def test_apprentice_promoted_after_the_agreement(self, issued, ok):
        decision = decide("mentor_award", 2019, MENTOR, apprentice_certificate_issued_on=issued)
        assert decision.eligible is ok


class TestPatent:
    @pytest.mark.parametrize("kind", ["utility_model", "design"])
    def test_only_invention_patents(self, kind):
        assert_ineligible(decide("patent_award", 2019, PATENT, patent_kind=kind), "patent.invention")

    def test_invalidated_patent_refused(self):
        assert_ineligible(decide("patent_award", 2019, PATENT, invalidated=True), "patent.valid")

    def test_full_time_researchers_excluded(self):
        assert_ineligible(decide("patent_award", 2019, PATENT, is_full_time_rnd=True), "patent.frontline")

    def test_must_be_first_inventor(self):
        assert_ineligible(decide("patent_award", 2019, PATENT, is_first_inventor=False), "patent.first_inventor")

    @pytest.mark.parametrize("unit_type", ["government", "institution"])
    def test_government_and_institution_staff_need_worker_status(self, unit_type):
        assert_ineligible(
            decide("patent_award", 2019, PATENT, unit_type=unit_type, has_worker_status=False), "patent.worker_status"
        )
        assert_eligible(decide("patent_award", 2019, PATENT, unit_type=unit_type, has_worker_status=True))

    @pytest.mark.parametrize("granted, ok", [("2016-12-31", False), ("2017-01-01", True)])
    def test_grant_date_boundary(self, granted, ok):
        assert decide("patent_award", 2019, PATENT, granted_on=granted).eligible is ok


def test_every_reason_cites_a_2019_clause():
    decision = decide("mentor_award", 2019, MENTOR)
    assert all(r.clause.document == "2019" and r.clause.section.startswith("§1") for r in decision.reasons)
