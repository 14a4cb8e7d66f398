"""The 2021 skill awards: same classes as 2019, 2019 criteria and amounts, one 2021 batch."""

from datetime import date
from decimal import Decimal

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome, Payer, Route
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, decide

PROMOTION = dict(
    is_district_member=True,
    level_reached="technician",
    certificate_issued_on="2020-06-01",
    certificate_issuer="shanghai_hrss",
    certificate_number="1931000000000001",
    application_date="2021-03-20",
)
MENTOR = dict(
    is_district_member=True,
    agreement_signed_on="2019-03-01",
    agreement_stamped=True,
    apprentice_name="王徒弟",
    apprentice_id_number="310114199901010014",
    apprentice_level="technician",
    apprentice_certificate_issued_on="2020-05-01",
    apprentice_certificate_issuer="national_industry",
    application_date="2021-08-20",
)
PATENT = dict(
    is_district_member=True,
    is_first_inventor=True,
    is_frontline=True,
    is_full_time_rnd=False,
    unit_type="enterprise",
    patent_kind="invention",
    patent_number="ZL201810000000.0",
    granted_on="2020-11-11",
    invalidated=False,
    application_date="2021-10-15",
)
ALL = [("skill_promotion_award", PROMOTION), ("mentor_award", MENTOR), ("patent_award", PATENT)]


def test_the_three_awards_are_registered_for_2021():
    for rule_id, _ in ALL:
        assert registry.years_of(rule_id) == [2019, 2021]
        assert registry.get(rule_id, 2021).project == "skill_awards"


@pytest.mark.parametrize("level, amount", [("technician", "1000.00"), ("senior_technician", "2000.00")])
def test_promotion_amounts_as_2019(level, amount):
    decision = decide("skill_promotion_award", 2021, PROMOTION, level_reached=level)
    assert_eligible(decision, amount)
    assert decision.share(Payer.CITY_UNION) == Decimal(amount)


@pytest.mark.parametrize(
    "level, amount", [("senior_worker", "1000.00"), ("technician", "2000.00"), ("senior_technician", "3000.00")]
)
def test_mentor_amounts_as_2019(level, amount):
    assert_eligible(decide("mentor_award", 2021, MENTOR, apprentice_level=level), amount)


def test_patent_award_as_2019():
    assert_eligible(decide("patent_award", 2021, PATENT), "2000.00")


@pytest.mark.parametrize("rule_id, base", ALL)
@pytest.mark.parametrize(
    "application_date, outcome",
    [
        ("2020-12-31", Outcome.NOT_YET_OPEN),
        ("2021-01-01", Outcome.ELIGIBLE),
        ("2021-12-31", Outcome.ELIGIBLE),
        ("2022-01-01", Outcome.INELIGIBLE),
    ],
)
def test_interpretation_one_batch_2021_whole_year(rule_id, base, application_date, outcome):
    decision = decide(rule_id, 2021, base, application_date=application_date)
    assert decision.outcome is outcome
    assert decision.window.opens == date(2021, 1, 1) and decision.window.closes == date(2021, 12, 31)
    assert decision.window.label == "2021年度受理期"
    if outcome is Outcome.INELIGIBLE:
        assert_ineligible(decision, "window.closed")


def test_the_2019_batches_do_not_apply_in_2021():
    # 2021-04-16 falls between the 2019-style batches; in 2021 the whole year is open.
    assert_eligible(decide("skill_promotion_award", 2021, PROMOTION, application_date="2021-04-16"))


def test_batch_clause_cites_the_2021_heading_and_records_the_choice():
    clause = registry.get("patent_award", 2021).data.clause("skill_award_batches")
    assert clause.document == "2021"
    assert clause.section.startswith("「助推技能人才职业发展、奖励一线职工授权发明专利」")
    assert clause.quote == "按照市总工会相关政策措施，区总工会开展"  # the document's words only
    rule = registry.get("patent_award", 2021)
    assert any("2021年1月1日至12月31日" in text for text, name in rule.interpretations if name == "skill_award_batches")


@pytest.mark.parametrize("rule_id, base", ALL)
def test_criteria_and_amounts_cite_the_2019_document(rule_id, base):
    decision = decide(rule_id, 2021, base)
    for reason in decision.reasons:
        if reason.code.startswith("window"):
            assert reason.clause.document == "2021"
        else:
            assert reason.clause.document == "2019" and reason.clause.section.startswith("§1"), reason


def test_2021_data_matches_2019_numbers():
    data_2019, data_2021 = registry.get("patent_award", 2019).data, registry.get("patent_award", 2021).data
    for name in (
        "skill_certificate_issued_from",
        "patent_granted_from",
        "patent_award_amount",
        "skill_award_review_chain",
    ):
        assert data_2021.value(name) == data_2019.value(name)
    for name in ("skill_promotion_amounts", "mentor_award_amounts"):
        assert data_2021.table(name).rows == data_2019.table(name).rows


@pytest.mark.parametrize("issued, ok", [("2016-12-31", False), ("2017-01-01", True)])
def test_certificate_date_boundary_kept(issued, ok):
    assert decide("skill_promotion_award", 2021, PROMOTION, certificate_issued_on=issued).eligible is ok


def test_unit_route_review_chain_and_app_route_kept():
    assert dict(decide("mentor_award", 2021, MENTOR).details)["review_chain"] == "grassroots→district→city"
    assert_ineligible(decide("patent_award", 2021, PATENT, route="app"), "route.unit_only")
    app = dict(PROMOTION, route="app", assessed_by_shanghai_centre=True, has_valid_member_card=True)
    assert decide("skill_promotion_award", 2021, app).route is Route.APP
