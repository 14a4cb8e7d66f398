"""Member card (2019 §7 “工会会员服务卡”; 2021 “工会会员专享基本保障”), clause by clause."""

from datetime import date
from decimal import Decimal

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome, Payer, Route
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

COVERAGE = dict(
    plan_class="B", card_made_on="2019-03-01", already_insured_this_year=False, application_date="2019-03-01"
)
BENEFIT = dict(
    plan_class="B",
    event="critical_illness",
    event_date="2019-08-01",
    coverage_start="2019-03-02",
    coverage_end="2019-12-31",
    illness_in_plan=True,
)
CITY = dict(
    has_valid_member_card=True,
    has_basic_coverage=True,
    coverage_start="2019-03-02",
    coverage_end="2019-12-31",
    diagnosis_date="2019-08-01",
    first_diagnosis=True,
    hospital_level="city_secondary_tertiary",
    twelve_illnesses=True,
    hospitalised=True,
    already_paid_this_year=False,
)
DISTRICT_COMMON = dict(
    is_district_member=True,
    diagnosis_date="2019-08-01",
    twelve_illnesses=True,
    hospitalised=True,
    already_paid_this_year=False,
)
SITUATION_ONE = dict(
    DISTRICT_COMMON,
    has_valid_member_card=True,
    in_city_mutual_aid_plan=True,
    first_diagnosis=False,
    hospital_level="other_province_tertiary",
)
SITUATION_TWO = dict(DISTRICT_COMMON, no_card_coverage_objective_reason=True)
COVERAGE_2021 = dict(has_valid_member_card=True, plan_class="B+", already_has_share=False)
BENEFIT_2021 = dict(
    plan_class="B+",
    event="critical_illness",
    event_date="2021-08-01",
    coverage_start="2021-01-01",
    coverage_end="2021-12-31",
    enrolment="unit",
    illness_in_plan=True,
    materials_complete_on="2021-09-01",
)


def reason(decision, code):
    return next(r for r in decision.reasons if r.code == code)


# --------------------------------------------------------------------------- 2019 basic coverage


class TestBasicCoverage2019:
    @pytest.mark.parametrize(
        "plan, made, fee, city, district, unit",
        [
            ("A", "2019-06-29", "24.00", "12.00", "12.00", "0.00"),  # coverage from 30 June: more than half a year
            ("A", "2019-06-30", "12.00", "6.00", "6.00", "0.00"),  # coverage 1 July – 31 December: exactly half
            ("B", "2019-06-29", "70.00", "30.00", "12.00", "28.00"),
            ("B", "2019-06-30", "35.00", "15.00", "6.00", "14.00"),
        ],
    )
    def test_fee_and_split_by_class_and_half_year_boundary(self, plan, made, fee, city, district, unit):
        decision = decide("member_basic_coverage", 2019, COVERAGE, plan_class=plan, card_made_on=made)
        assert_eligible(decision, fee)
        assert decision.share(Payer.CITY_UNION) == Decimal(city)
        assert decision.share(Payer.DISTRICT_UNION) == Decimal(district)
        assert decision.share(Payer.UNIT) == Decimal(unit)
        assert Payer.PERSONAL not in {s.payer for s in decision.split}
        assert "fee" in codes(decision, True)

    def test_coverage_from_day_after_card_made_to_31_december(self):
        decision = decide("member_basic_coverage", 2019, COVERAGE, card_made_on="2019-06-29")
        assert decision.date("coverage_start") == date(2019, 6, 30)
        assert decision.date("coverage_end") == date(2019, 12, 31)

    def test_card_made_on_1_january_pays_full_fee(self):
        decision = decide("member_basic_coverage", 2019, COVERAGE, plan_class="A", card_made_on="2019-01-01")
        assert_eligible(decision, "24.00")
        assert decision.date("coverage_start") == date(2019, 1, 2)

    def test_card_made_on_30_december_is_one_day_of_coverage_at_the_half_fee(self):
        decision = decide(
            "member_basic_coverage", 2019, COVERAGE, card_made_on="2019-12-30", application_date="2019-12-30"
        )
        assert_eligible(decision, "35.00")
        assert decision.date("coverage_start") == decision.date("coverage_end") == date(2019, 12, 31)

    def test_card_made_on_31_december_has_no_coverage_this_year(self):
        decision = decide(
            "member_basic_coverage", 2019, COVERAGE, card_made_on="2019-12-31", application_date="2019-12-31"
        )
        assert_ineligible(decision, "coverage.none_this_year")
        assert "下一年度" in reason(decision, "coverage.none_this_year").message
        assert decision.date("coverage_start") is None

    def test_card_made_after_the_policy_year_is_not_a_2019_enrolee(self):
        assert_ineligible(decide("member_basic_coverage", 2019, COVERAGE, card_made_on="2020-01-01"), "card.after_year")

    def test_new_card_starts_after_card_made_whatever_the_application_date(self):
        decision = decide(
            "member_basic_coverage", 2019, COVERAGE, card_made_on="2019-03-01", application_date="2019-09-01"
        )
        assert_eligible(decision, "70.00")
        assert decision.date("coverage_start") == date(2019, 3, 2)

    @pytest.mark.parametrize(
        "applied, start, fee",
        [
            ("2019-06-29", date(2019, 6, 30), "70.00"),
            ("2019-06-30", date(2019, 7, 1), "35.00"),
            ("2019-01-01", date(2019, 1, 2), "70.00"),
        ],
    )
    def test_existing_card_holder_starts_the_day_after_applying(self, applied, start, fee):
        decision = decide("member_basic_coverage", 2019, COVERAGE, card_made_on="2017-05-01", application_date=applied)
        assert_eligible(decision, fee)
        assert decision.date("coverage_start") == start
        assert "coverage.existing_card" in codes(decision, True)

    def test_existing_card_holder_applying_on_31_december_has_no_coverage_this_year(self):
        assert_ineligible(
            decide("member_basic_coverage", 2019, COVERAGE, card_made_on="2017-05-01", application_date="2019-12-31"),
            "coverage.none_this_year",
        )

    def test_existing_card_holder_applying_early_is_not_yet_open_and_starts_1_january(self):
        decision = decide(
            "member_basic_coverage", 2019, COVERAGE, card_made_on="2017-05-01", application_date="2018-12-20"
        )
        assert decision.outcome is Outcome.NOT_YET_OPEN
        assert decision.date("coverage_start") == date(2019, 1, 1)
        assert decision.amount == Decimal("0.00") and decision.split == ()  # nothing payable before it opens

    @pytest.mark.parametrize(
        "applied, outcome",
        [
            ("2018-12-31", Outcome.NOT_YET_OPEN),
            ("2019-01-01", Outcome.ELIGIBLE),
            ("2019-12-31", Outcome.ELIGIBLE),
            ("2020-01-01", Outcome.INELIGIBLE),
        ],
    )
    def test_enrolment_window_first_and_last_day(self, applied, outcome):
        decision = decide("member_basic_coverage", 2019, COVERAGE, card_made_on="2019-01-05", application_date=applied)
        assert decision.outcome is outcome
        if outcome is Outcome.INELIGIBLE:
            assert "window.closed" in codes(decision)
        assert decision.window.opens == date(2019, 1, 1) and decision.window.closes == date(2019, 12, 31)

    def test_one_share_a_year(self):
        assert_ineligible(
            decide("member_basic_coverage", 2019, COVERAGE, already_insured_this_year=True), "share.one_per_year"
        )

    def test_benefit_table_listed_in_details(self):
        details = dict(decide("member_basic_coverage", 2019, COVERAGE).details)
        assert details["plan"] == "B类保障计划"
        assert "A类保障计划：四类重大疾病 10000元；意外伤害全残或身故 30000元" in details["benefits"]
        assert (
            "B类保障计划：十二类重大疾病 20000元；意外伤害全残或身故 30000元；疾病身故 10000元" in details["benefits"]
        )

    def test_unknown_card_date_is_incomplete(self):
        decision = registry.get("member_basic_coverage", 2019).evaluate(
            dict(plan_class="A", already_insured_this_year=False, application_date="2019-03-01"), partial=True
        )
        assert decision.outcome is Outcome.INCOMPLETE
        assert "coverage.start" in codes(decision, None)

    def test_fee_table_parts_sum_to_the_fee(self):
        for row in registry.get("member_basic_coverage", 2019).data.table("member_card_fees").rows:
            assert row["city"] + row["district"] + (row["unit"] or 0) == row["fee"]

    def test_reasons_cite_section_7_of_2019(self):
        decision = decide("member_basic_coverage", 2019, COVERAGE)
        assert all(r.clause.document == "2019" and r.clause.section.startswith("§7") for r in decision.reasons)


# --------------------------------------------------------------------------- 2019 benefits


class TestCoverageBenefit2019:
    @pytest.mark.parametrize(
        "plan, event, amount",
        [
            ("A", "critical_illness", "10000.00"),
            ("A", "accident_total_disability_or_death", "30000.00"),
            ("B", "critical_illness", "20000.00"),
            ("B", "accident_total_disability_or_death", "30000.00"),
            ("B", "illness_death", "10000.00"),
        ],
    )
    def test_benefit_by_class(self, plan, event, amount):
        decision = decide("member_coverage_benefit", 2019, BENEFIT, plan_class=plan, event=event)
        assert_eligible(decision, amount)
        assert decision.split[0].payer is Payer.CITY_MUTUAL_AID
        assert decision.route is Route.MEMBER_CARD

    def test_illness_death_only_under_b(self):
        assert_ineligible(
            decide("member_coverage_benefit", 2019, BENEFIT, plan_class="A", event="illness_death"), "event.in_plan"
        )

    @pytest.mark.parametrize(
        "day, ok", [("2019-03-01", False), ("2019-03-02", True), ("2019-12-31", True), ("2020-01-01", False)]
    )
    def test_event_within_coverage_both_ends_included(self, day, ok):
        decision = decide("member_coverage_benefit", 2019, BENEFIT, event_date=day)
        assert decision.eligible is ok
        if not ok:
            assert "event.in_coverage" in codes(decision)

    def test_critical_illness_must_be_in_the_plan_list(self):
        assert_ineligible(decide("member_coverage_benefit", 2019, BENEFIT, illness_in_plan=False), "illness.in_plan")
        decision = decide("member_coverage_benefit", 2019, BENEFIT, illness_in_plan=None)
        assert decision.outcome is Outcome.INCOMPLETE

    def test_accident_needs_no_illness_answer(self):
        assert_eligible(
            decide(
                "member_coverage_benefit",
                2019,
                BENEFIT,
                event="accident_total_disability_or_death",
                illness_in_plan=None,
            ),
            "30000.00",
        )

    def test_payer_interpretation_is_cited(self):
        decision = decide("member_coverage_benefit", 2019, BENEFIT)
        payer = reason(decision, "payer")
        assert "市职工保障互助会" not in payer.clause.quote  # the document's words only; the reading is ours:
        rule = registry.get("member_coverage_benefit", 2019)
        assert any(
            "市职工保障互助会" in text for text, name in rule.interpretations if name == "member_card_benefit_payer"
        )
        assert reason(decision, "route.member_card").clause.section == "§7 会员卡功能（五）金融服务功能"


# --------------------------------------------------------------------------- 2019 condolence payments


class TestCityCondolence:
    def test_1000_from_the_city_union_to_the_card(self):
        decision = decide("city_condolence_payment", 2019, CITY)
        assert_eligible(decision, "1000.00")
        assert decision.split[0].payer is Payer.CITY_UNION
        assert decision.route is Route.MEMBER_CARD

    @pytest.mark.parametrize(
        "fact, code",
        [
            ("has_valid_member_card", "card.valid"),
            ("has_basic_coverage", "coverage.has"),
            ("first_diagnosis", "diagnosis.first"),
            ("twelve_illnesses", "illness.twelve"),
            ("hospitalised", "illness.hospitalised"),
        ],
    )
    def test_each_condition(self, fact, code):
        assert_ineligible(decide("city_condolence_payment", 2019, CITY, **{fact: False}), code)

    def test_once_a_year(self):
        assert_ineligible(decide("city_condolence_payment", 2019, CITY, already_paid_this_year=True), "once.per_year")

    @pytest.mark.parametrize(
        "day, ok", [("2018-12-31", False), ("2019-01-01", True), ("2019-12-31", True), ("2020-01-01", False)]
    )
    def test_first_diagnosis_in_2019(self, day, ok):
        decision = decide(
            "city_condolence_payment",
            2019,
            CITY,
            diagnosis_date=day,
            coverage_start="2018-01-01",
            coverage_end="2020-12-31",
        )
        assert decision.eligible is ok
        if not ok:
            assert "diagnosis.in_year" in codes(decision)

    @pytest.mark.parametrize("day, ok", [("2019-03-01", False), ("2019-03-02", True), ("2019-12-31", True)])
    def test_first_diagnosis_within_coverage(self, day, ok):
        decision = decide("city_condolence_payment", 2019, CITY, diagnosis_date=day)
        assert decision.eligible is ok
        if not ok:
            assert "diagnosis.in_coverage" in codes(decision)

    @pytest.mark.parametrize(
        "hospital, ok",
        [
            ("city_secondary_tertiary", True),
            ("other_province_tertiary", True),
            ("recognised_other", True),
            ("other", False),
        ],
    )
    def test_hospitals(self, hospital, ok):
        decision = decide("city_condolence_payment", 2019, CITY, hospital_level=hospital)
        assert decision.eligible is ok
        if not ok:
            assert "hospital.level" in codes(decision)


class TestDistrictCondolence:
    @pytest.mark.parametrize("base", [SITUATION_ONE, SITUATION_TWO], ids=["situation_one", "situation_two"])
    def test_2000_from_the_district_union(self, base):
        decision = decide("district_condolence_payment", 2019, base)
        assert_eligible(decision, "2000.00")
        assert decision.split[0].payer is Payer.DISTRICT_UNION
        assert decision.route is Route.MEMBER_CARD

    @pytest.mark.parametrize(
        "fact, value, code",
        [
            ("has_valid_member_card", False, "card.valid"),
            ("in_city_mutual_aid_plan", False, "mutual_aid.plan"),
            ("first_diagnosis", True, "diagnosis.non_first"),
            ("hospital_level", "recognised_other", "hospital.level"),
            ("hospital_level", "other", "hospital.level"),
        ],
    )
    def test_situation_one_conditions(self, fact, value, code):
        decision = decide(
            "district_condolence_payment", 2019, SITUATION_ONE, no_card_coverage_objective_reason=False, **{fact: value}
        )
        assert_ineligible(decision, code)
        assert "situation.none" in codes(decision)

    def test_situation_two_needs_no_hospital_level_nor_non_first_diagnosis(self):
        assert_eligible(
            decide(
                "district_condolence_payment",
                2019,
                SITUATION_TWO,
                first_diagnosis=True,
                hospital_level="other",
                in_city_mutual_aid_plan=False,
            ),
            "2000.00",
        )

    def test_unknown_hospital_reads_cleanly(self):
        decision = registry.get("district_condolence_payment", 2019).evaluate(
            {k: v for k, v in SITUATION_ONE.items() if k != "hospital_level"}, partial=True
        )
        assert decision.outcome is Outcome.INCOMPLETE
        assert "本市二三级医院或外省市三级医院" in reason(decision, "hospital.level").message

    def test_situation_one_failing_and_situation_two_unknown_is_incomplete(self):
        decision = decide("district_condolence_payment", 2019, SITUATION_ONE, in_city_mutual_aid_plan=False)
        assert decision.outcome is Outcome.INCOMPLETE
        unknown = reason(decision, "coverage.objective_reason")
        assert unknown.ok is None and "未参加上海市在职职工互助保障计划" in unknown.message

    @pytest.mark.parametrize("base", [SITUATION_ONE, SITUATION_TWO], ids=["situation_one", "situation_two"])
    def test_both_situations_need_a_district_member(self, base):
        assert_ineligible(
            decide("district_condolence_payment", 2019, base, is_district_member=False), "member.district"
        )

    @pytest.mark.parametrize("base", [SITUATION_ONE, SITUATION_TWO], ids=["situation_one", "situation_two"])
    @pytest.mark.parametrize(
        "fact, code", [("twelve_illnesses", "illness.twelve"), ("hospitalised", "illness.hospitalised")]
    )
    def test_both_situations_need_a_hospitalised_twelve_illness(self, base, fact, code):
        assert_ineligible(decide("district_condolence_payment", 2019, base, **{fact: False}), code)

    @pytest.mark.parametrize("day, ok", [("2018-12-31", False), ("2019-01-01", True), ("2021-06-01", True)])
    def test_diagnosed_from_1_january_2019_without_end(self, day, ok):
        decision = decide("district_condolence_payment", 2019, SITUATION_ONE, diagnosis_date=day)
        assert decision.eligible is ok
        if not ok:
            assert "diagnosis.since" in codes(decision)

    def test_once_a_year(self):
        assert_ineligible(
            decide("district_condolence_payment", 2019, SITUATION_TWO, already_paid_this_year=True), "once.per_year"
        )


# --------------------------------------------------------------------------- 2021 basic coverage


class TestBasicCoverage2021:
    @pytest.mark.parametrize("plan", ["A", "B", "A+", "B+"])
    def test_four_classes_no_fee_stated(self, plan):
        decision = decide("member_basic_coverage", 2021, COVERAGE_2021, plan_class=plan)
        assert_eligible(decision, "0.00")
        assert decision.split == ()
        assert "fee.not_stated" in codes(decision, True)
        assert "period.not_stated" in codes(decision, True)
        assert decision.dates == () and decision.window is None

    def test_one_class_per_unit(self):
        assert_ineligible(decide("member_basic_coverage", 2021, COVERAGE_2021, unit_class="A+"), "plan.unit_class")
        assert_eligible(decide("member_basic_coverage", 2021, COVERAGE_2021, unit_class="B+"))

    def test_unit_without_a_class_yet_is_not_restricted(self):
        decision = decide("member_basic_coverage", 2021, COVERAGE_2021)
        assert_eligible(decision)
        assert "plan.unit_class" in codes(decision, True)

    def test_one_share_in_the_coverage_period(self):
        assert_ineligible(decide("member_basic_coverage", 2021, COVERAGE_2021, already_has_share=True), "share.one")

    def test_card_holders_only(self):
        assert_ineligible(
            decide("member_basic_coverage", 2021, COVERAGE_2021, has_valid_member_card=False), "card.valid"
        )

    def test_benefit_table_listed_in_details(self):
        benefits = dict(decide("member_basic_coverage", 2021, COVERAGE_2021).details)["benefits"]
        assert "A类保障：四类重大疾病（含原位癌） 10000元；意外伤害全残或身故 30000元。" in benefits
        assert (
            "B+类保障：二十二类重大疾病（含原位癌） 20000元；意外伤害全残或身故 30000元；疾病身故 10000元；"
            "住院 60元/天，最高 10800元"
        ) in benefits

    def test_reasons_cite_the_2021_project(self):
        decision = decide("member_basic_coverage", 2021, COVERAGE_2021, unit_class="B+")
        for r in decision.reasons:
            if r.code == "card.valid":  # 2021 states no condition for who is covered: the 2019 sentence, said so
                assert r.clause.carried_from == 2019 and r.clause.quote.startswith("持卡会员")
                continue
            assert r.clause.document == "2021" and r.clause.section.startswith("「工会会员专享基本保障」"), r


# --------------------------------------------------------------------------- 2021 benefits


class TestCoverageBenefit2021:
    @pytest.mark.parametrize(
        "plan, event, amount",
        [
            ("A", "critical_illness", "10000.00"),
            ("A+", "critical_illness", "10000.00"),
            ("B", "critical_illness", "20000.00"),
            ("B+", "critical_illness", "20000.00"),
            ("A", "accident_total_disability", "30000.00"),
            ("A", "accident_death", "30000.00"),
            ("B+", "accident_total_disability", "30000.00"),
            ("B+", "accident_death", "30000.00"),
            ("B", "illness_death", "10000.00"),
            ("B+", "illness_death", "10000.00"),
        ],
    )
    def test_benefit_by_class(self, plan, event, amount):
        decision = decide("member_coverage_benefit", 2021, BENEFIT_2021, plan_class=plan, event=event)
        assert_eligible(decision, amount)
        assert decision.split[0].payer is Payer.CITY_MUTUAL_AID

    @pytest.mark.parametrize(
        "plan, event", [("A", "illness_death"), ("A+", "illness_death"), ("A", "hospital"), ("B", "hospital")]
    )
    def test_events_outside_the_class(self, plan, event):
        assert_ineligible(
            decide("member_coverage_benefit", 2021, BENEFIT_2021, plan_class=plan, event=event, hospital_days=5),
            "event.in_plan",
        )

    @pytest.mark.parametrize(
        "days, paid, amount",
        [
            (10, None, "600.00"),
            (180, None, "10800.00"),
            (181, None, "10800.00"),  # capped
            (10, "10200", "600.00"),  # exactly reaches the cap
            (10, "10500", "300.00"),  # the rest of the cap
        ],
    )
    def test_hospital_60_a_day_capped_per_period(self, days, paid, amount):
        decision = decide(
            "member_coverage_benefit",
            2021,
            BENEFIT_2021,
            event="hospital",
            hospital_days=days,
            hospital_paid_in_period=paid,
        )
        assert_eligible(decision, amount)

    @pytest.mark.parametrize("paid", ["10800", "12000"])
    def test_hospital_cap_reached(self, paid):
        assert_ineligible(
            decide(
                "member_coverage_benefit",
                2021,
                BENEFIT_2021,
                plan_class="A+",
                event="hospital",
                hospital_days=3,
                hospital_paid_in_period=paid,
            ),
            "hospital.cap",
        )

    def test_hospital_needs_the_days(self):
        decision = decide("member_coverage_benefit", 2021, BENEFIT_2021, event="hospital")
        assert decision.outcome is Outcome.INCOMPLETE and "hospital.days" in codes(decision, None)

    @pytest.mark.parametrize(
        "event, due",
        [
            ("critical_illness", date(2021, 11, 30)),  # 1 September + 90 days
            ("accident_total_disability", date(2021, 10, 31)),  # + 60 days
            ("accident_death", date(2021, 10, 31)),
            ("illness_death", date(2021, 10, 31)),
            ("hospital", date(2021, 10, 1)),  # + 30 days
        ],
    )
    def test_payout_due(self, event, due):
        decision = decide("member_coverage_benefit", 2021, BENEFIT_2021, event=event, hospital_days=2)
        assert decision.date("payout_due") == due

    def test_no_payout_date_before_materials_are_complete(self):
        decision = decide("member_coverage_benefit", 2021, BENEFIT_2021, materials_complete_on=None)
        assert_eligible(decision)
        assert decision.date("payout_due") is None
        assert "90天内" in reason(decision, "payout.due").message

    def test_no_claim_deadline_is_set(self):
        decision = decide("member_coverage_benefit", 2021, BENEFIT_2021)
        assert decision.date("claim_deadline") is None and decision.date("claim_by") is None
        assert reason(decision, "claim.no_deadline").clause.section == "「工会会员专享基本保障」二、给付时限"

    def test_accident_and_illness_death_payouts_after_verification(self):
        decision = decide("member_coverage_benefit", 2021, BENEFIT_2021, event="accident_death")
        assert "经调查核实无误后" in reason(decision, "payout.due").message

    @pytest.mark.parametrize(
        "enrolment, event, route",
        [
            ("unit", "accident_death", Route.DISTRICT_ACCOUNT),
            ("unit", "illness_death", Route.DISTRICT_ACCOUNT),
            ("unit", "accident_total_disability", Route.MEMBER_CARD),
            ("unit", "critical_illness", Route.MEMBER_CARD),
            ("unit", "hospital", Route.MEMBER_CARD),
            ("individual", "accident_death", Route.MEMBER_CARD),
            ("individual", "illness_death", Route.MEMBER_CARD),
        ],
    )
    def test_routes(self, enrolment, event, route):
        decision = decide(
            "member_coverage_benefit", 2021, BENEFIT_2021, enrolment=enrolment, event=event, hospital_days=1
        )
        assert_eligible(decision)
        assert decision.route is route

    def test_unknown_enrolment_is_incomplete(self):
        facts = {k: v for k, v in BENEFIT_2021.items() if k != "enrolment"}
        decision = registry.get("member_coverage_benefit", 2021).evaluate(facts, partial=True)
        assert "route.enrolment" in codes(decision, None)
        assert decision.outcome is Outcome.INCOMPLETE and decision.route is None

    @pytest.mark.parametrize(
        "day, ok", [("2020-12-31", False), ("2021-01-01", True), ("2021-12-31", True), ("2022-01-01", False)]
    )
    def test_event_within_coverage(self, day, ok):
        decision = decide("member_coverage_benefit", 2021, BENEFIT_2021, event_date=day)
        assert decision.eligible is ok

    def test_critical_illness_must_be_in_the_plan_list(self):
        assert_ineligible(
            decide("member_coverage_benefit", 2021, BENEFIT_2021, illness_in_plan=False), "illness.in_plan"
        )

    def test_reasons_cite_the_2021_project(self):
        decision = decide("member_coverage_benefit", 2021, BENEFIT_2021, event="hospital", hospital_days=3)
        assert all(
            r.clause.document == "2021" and r.clause.section.startswith("「工会会员专享基本保障」")
            for r in decision.reasons
        )


def test_condolence_payments_are_2019_only():
    assert registry.years_of("city_condolence_payment") == [2019]
    assert registry.years_of("district_condolence_payment") == [2019]
    assert registry.years_of("member_basic_coverage") == [2019, 2021]
    assert registry.years_of("member_coverage_benefit") == [2019, 2021]


# The union's reading of the district condolence's three conditions (docs/rules.md,
# member_card_district_condolence_either): (1 and 2), or 3 with a diagnosis and hospitalisation, first or
# not; never condition 3 alone. Columns: card, mutual-aid plan, first diagnosis, hospital, condition 3
# (could not get card coverage), one of the twelve, hospitalised → payable?
CONDOLENCE_TABLE = [
    # (1 and 2)
    (True, True, False, "city_secondary_tertiary", False, True, True, True),
    (True, True, False, "other_province_tertiary", None, True, True, True),
    (True, True, True, "city_secondary_tertiary", False, True, True, False),  # first diagnosis: 2 fails
    (True, True, False, "other", False, True, True, False),  # hospital level: 2 fails
    (True, False, False, "city_secondary_tertiary", False, True, True, False),  # no mutual-aid plan: 1 fails
    (False, True, False, "city_secondary_tertiary", False, True, True, False),  # no card: 1 fails
    # 3 with the diagnosis and hospitalisation, first or not, any hospital
    (False, False, True, "other", True, True, True, True),
    (None, None, False, None, True, True, True, True),
    # 3 alone: never
    (False, False, None, None, True, False, True, False),
    (False, False, None, None, True, True, False, False),
    (False, False, None, None, True, False, False, False),
    # (1 and 2) met but not hospitalised: not payable either
    (True, True, False, "city_secondary_tertiary", False, True, False, False),
]


@pytest.mark.parametrize(
    "card, mutual_aid, first, hospital, condition_3, twelve, hospitalised, payable", CONDOLENCE_TABLE
)
def test_district_condolence_is_1_and_2_or_3_with_diagnosis_never_3_alone(
    card, mutual_aid, first, hospital, condition_3, twelve, hospitalised, payable
):
    facts = dict(
        is_district_member=True,
        diagnosis_date="2019-01-01",
        already_paid_this_year=False,
        has_valid_member_card=card,
        in_city_mutual_aid_plan=mutual_aid,
        first_diagnosis=first,
        hospital_level=hospital,
        no_card_coverage_objective_reason=condition_3,
        twelve_illnesses=twelve,
        hospitalised=hospitalised,
    )
    decision = decide("district_condolence_payment", 2019, facts)
    if payable:
        assert_eligible(decision, "2000.00")
    else:
        assert decision.outcome is Outcome.INELIGIBLE and decision.amount == 0
