"""Flexible workers: 2019 §4 (enrolment, benefit claims) and the 2021 “五送” project, clause by clause."""

from datetime import date
from decimal import Decimal

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome, Payer, Route
from subsidies.rules.vocabulary import FLEXIBLE_INDUSTRIES
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

COVERAGE = dict(
    birth_date="1980-05-10",
    flexible_industry="food_delivery",
    has_city_medical_insurance=False,
    voluntary_member_paying_dues=True,
    already_enrolled_in_period=False,
)
FULL_DUES = dict(COVERAGE, paid_full_dues_in_one_go=True, uploaded_on="2019-05-20")
OTHER = dict(COVERAGE, paid_full_dues_in_one_go=False, application_date="2019-05-20")

BENEFIT = dict(coverage_start="2019-07-01", coverage_end="2020-06-30", claim_date="2020-08-01")
HOSPITAL = dict(BENEFIT, benefit="hospital_days", event_date="2020-03-02", hospital_days=10)
ACCIDENT = dict(BENEFIT, accident_date="2020-01-10", outcome_date="2020-03-01", claim_date="2020-05-01")

CARE = dict(
    birth_date="1985-03-01",
    flexible_industry="construction_casual",
    joined_union_voluntarily=True,
    paid_full_dues_in_one_go=True,
    application_date="2021-04-01",
)

LIST_2019 = {
    "express_logistics",
    "food_delivery",
    "real_estate_agency",
    "care_worker",
    "freight_driver",
    "security_cleaning",
    "mall_information",
    "domestic_service",
}
LIST_2021 = {
    "express_logistics",
    "food_delivery",
    "real_estate_agency",
    "care_worker",
    "freight_driver",
    "property_security",
    "mall_information",
    "domestic_service",
    "construction_casual",
    "farm_casual",
    "cleaning_sanitation",
    "street_employee",
    "platform_gig",
}


def coverage(base, **overrides):
    return decide("flexible_worker_coverage", 2019, base, **overrides)


def benefit(base, **overrides):
    return decide("flexible_worker_benefit", 2019, base, **overrides)


def care(base=CARE, **overrides):
    return decide("flexible_worker_care", 2021, base, **overrides)


# ---------------------------------------------------------------------------------------------
# 2019 §4 enrolment: 保障对象, 缴费标准, 参保方式和保障生效
# ---------------------------------------------------------------------------------------------


class TestCoverageFee:
    def test_full_dues_route_fee_80_paid_by_the_project_fund(self):
        decision = coverage(FULL_DUES)
        assert_eligible(decision, "80.00")
        assert decision.split == (decision.split[0],) and decision.share(Payer.PROJECT_FUND) == Decimal("80.00")
        assert decision.route is Route.GROUP_ENROLMENT

    def test_other_route_district_half_personal_half(self):
        decision = coverage(OTHER)
        assert_eligible(decision, "80.00")
        assert decision.share(Payer.DISTRICT_UNION) == Decimal("40.00")
        assert decision.share(Payer.PERSONAL) == Decimal("40.00")
        assert decision.share(Payer.UNIT) == Decimal("0.00") and len(decision.split) == 2

    @pytest.mark.parametrize(
        "top_up, unit, personal",
        [("10", "10.00", "30.00"), ("15.5", "15.50", "24.50"), ("40", "40.00", "0.00"), ("0", "0.00", "40.00")],
    )
    def test_street_or_employer_top_up_comes_off_the_personal_half(self, top_up, unit, personal):
        decision = coverage(OTHER, top_up=top_up)
        assert_eligible(decision, "80.00")
        assert decision.share(Payer.DISTRICT_UNION) == Decimal("40.00")
        assert decision.share(Payer.UNIT) == Decimal(unit)
        assert decision.share(Payer.PERSONAL) == Decimal(personal)

    def test_top_up_cannot_exceed_the_personal_half(self):
        rule = registry.get("flexible_worker_coverage", 2019)
        data = rule.data.with_overrides(params={"flexible_fee": "60"})  # personal half 30
        facts = {**OTHER, "top_up": "35"}
        assert "top_up.exceeds" in codes(rule.evaluate(facts, data=data))
        assert rule.evaluate(dict(facts, top_up="30"), data=data).share(Payer.UNIT) == Decimal("30.00")

    @pytest.mark.parametrize(
        "fee, top_up, ok",
        [("80", "40", True), ("80", "40.01", False), ("100", "50", True), ("100", "50.01", False)],
    )
    def test_the_top_up_limit_is_derived_from_the_fee_not_a_literal(self, fee, top_up, ok):
        rule = registry.get("flexible_worker_coverage", 2019)
        data = rule.data.with_overrides(params={"flexible_fee": fee})
        decision = rule.evaluate({**OTHER, "top_up": top_up}, data=data)
        assert ("top_up.exceeds" not in codes(decision)) is ok
        if ok:
            assert decision.share(Payer.UNIT) == Decimal(top_up) and decision.share(Payer.PERSONAL) == 0

    def test_top_up_is_ignored_when_the_project_fund_pays(self):
        decision = coverage(FULL_DUES, top_up="20")
        assert decision.split[0].payer is Payer.PROJECT_FUND and len(decision.split) == 1

    def test_unknown_dues_route_is_incomplete(self):
        rule = registry.get("flexible_worker_coverage", 2019)
        decision = rule.evaluate(dict(COVERAGE, application_date="2019-05-20"), partial=True)
        assert decision.outcome is Outcome.INCOMPLETE
        assert "dues.full_in_one_go" in codes(decision, None)


class TestCoverageStart:
    @pytest.mark.parametrize(
        "uploaded, start",
        [
            ("2019-05-01", date(2019, 6, 1)),
            ("2019-05-20", date(2019, 6, 1)),
            ("2019-05-31", date(2019, 6, 1)),
            ("2019-12-31", date(2020, 1, 1)),
        ],
    )
    def test_full_dues_route_starts_on_the_first_of_the_month_after_upload(self, uploaded, start):
        """Interpretation (lead): “上传…日期的次日1日” means 次月1日, whatever the day of upload (even the 25th+)."""
        decision = coverage(FULL_DUES, uploaded_on=uploaded)
        assert decision.date("coverage_start") == start

    def test_full_dues_upload_on_the_25th_is_still_next_month(self):
        assert coverage(FULL_DUES, uploaded_on="2019-05-25").date("coverage_start") == date(2019, 6, 1)

    @pytest.mark.parametrize(
        "applied, start",
        [
            ("2019-05-01", date(2019, 6, 1)),
            ("2019-05-24", date(2019, 6, 1)),  # before the 25th: next month
            ("2019-05-25", date(2019, 7, 1)),  # the 25th: the month after next (“25日及之后”)
            ("2019-05-26", date(2019, 7, 1)),
            ("2019-05-31", date(2019, 7, 1)),
            ("2019-11-25", date(2020, 1, 1)),
            ("2019-12-24", date(2020, 1, 1)),  # December rollover
            ("2019-12-25", date(2020, 2, 1)),
            ("2019-12-31", date(2020, 2, 1)),
        ],
    )
    def test_other_route_cut_off_on_the_25th(self, applied, start):
        decision = coverage(OTHER, application_date=applied)
        assert_eligible(decision)
        assert decision.date("coverage_start") == start

    def test_missing_upload_date_is_incomplete(self):
        decision = coverage(FULL_DUES, uploaded_on=None)
        assert decision.outcome is Outcome.INCOMPLETE and "coverage.start" in codes(decision, None)
        assert decision.date("coverage_start") is None

    @pytest.mark.parametrize(
        "base, start, end",
        [
            (FULL_DUES, date(2019, 6, 1), date(2020, 5, 31)),
            (dict(OTHER, application_date="2019-12-26"), date(2020, 2, 1), date(2021, 1, 31)),
            (dict(OTHER, application_date="2019-01-10"), date(2019, 2, 1), date(2020, 1, 31)),
        ],
    )
    def test_coverage_lasts_one_year(self, base, start, end):
        """Interpretation: 保障期一年 ends the day before the anniversary of the start."""
        decision = coverage(base)
        assert decision.date("coverage_start") == start and decision.date("coverage_end") == end

    def test_no_waiting_period_is_stated(self):
        assert "enrolment.group" in codes(coverage(OTHER), True)


class TestCoverageConditions:
    @pytest.mark.parametrize("code", sorted(LIST_2019))
    def test_2019_listed_industries_accepted(self, code):
        assert_eligible(coverage(OTHER, flexible_industry=code))

    @pytest.mark.parametrize("code", ["construction_casual", "farm_casual", "street_employee", "platform_gig"])
    def test_industries_added_only_in_2021_are_refused_in_2019(self, code):
        assert_ineligible(coverage(OTHER, flexible_industry=code), "industry.listed")

    @pytest.mark.parametrize("code", ["property_security", "cleaning_sanitation"])
    def test_2021_split_of_security_and_cleaning_counts_as_2019_security_cleaning(self, code):
        """Interpretation: 物业保安 and 保洁环卫 belong to the 2019 list's 保安保洁."""
        assert_eligible(coverage(OTHER, flexible_industry=code))

    def test_the_2019_list_lives_in_the_data_file(self):
        rule = registry.get("flexible_worker_coverage", 2019)
        accepted = set(rule.data.value("flexible_industries"))
        assert accepted == LIST_2019 | {"property_security", "cleaning_sanitation"}
        assert accepted <= set(FLEXIBLE_INDUSTRIES)

    @pytest.mark.parametrize(
        "birth, ok",
        [
            ("1959-05-21", True),  # 59 on 2019-05-20, turns 60 the next day
            ("1959-05-20", False),  # 60th birthday on the application day: no longer “未滿60周岁”
            ("1959-05-19", False),
        ],
    )
    def test_under_60_on_the_application_date(self, birth, ok):
        decision = coverage(OTHER, birth_date=birth)
        assert decision.eligible is ok
        if not ok:
            assert "age.under_60" in codes(decision)

    def test_full_dues_route_counts_age_on_the_upload_date(self):
        """Interpretation: the paid-120 route has no application; age is taken on the upload date."""
        base = dict(FULL_DUES, birth_date="1959-06-01", application_date="2019-05-20")
        assert_eligible(coverage(base, uploaded_on="2019-05-31"))
        assert_ineligible(coverage(base, uploaded_on="2019-06-01"), "age.under_60")

    def test_city_basic_medical_insurance_excludes(self):
        assert_ineligible(coverage(OTHER, has_city_medical_insurance=True), "medical.no_city_insurance")

    def test_must_join_voluntarily_and_pay_dues(self):
        assert_ineligible(coverage(OTHER, voluntary_member_paying_dues=False), "member.voluntary_dues")

    def test_one_share_per_period(self):
        """Interpretation: a second share in the same period is refused (“超出份数无效”)."""
        assert_ineligible(coverage(FULL_DUES, already_enrolled_in_period=True), "share.one_per_period")

    def test_profile_only_is_incomplete(self):
        rule = registry.get("flexible_worker_coverage", 2019)
        decision = rule.evaluate(
            {"birth_date": "1980-01-01", "flexible_industry": "food_delivery", "has_city_medical_insurance": False},
            partial=True,
        )
        assert decision.outcome is Outcome.INCOMPLETE

    def test_claim_deadlines_are_listed(self):
        """Interpretation: claim_deadline = two years after the period ends; the others are in details."""
        decision = coverage(FULL_DUES)  # coverage 2019-06-01 .. 2020-05-31
        assert decision.date("claim_deadline") == date(2022, 5, 31)
        details = dict(decision.details)
        assert "2020-11-30" in details["claim_deadline.illness_death"]
        assert "180天" in details["claim_deadline.accident_disability"]
        assert "10800元" in details["benefits"]

    def test_every_reason_cites_2019_section_4(self):
        decision = coverage(OTHER, top_up="5")
        assert all(r.clause.document == "2019" and r.clause.section.startswith("§4") for r in decision.reasons)


# ---------------------------------------------------------------------------------------------
# 2019 §4 benefits: 保障责任 and 给付申请提交截止时间
# ---------------------------------------------------------------------------------------------


class TestBenefitAmounts:
    @pytest.mark.parametrize(
        "days, amount", [(1, "60.00"), (10, "600.00"), (180, "10800.00"), (181, "10800.00"), (366, "10800.00")]
    )
    def test_hospital_60_a_day_at_most_10800(self, days, amount):
        decision = benefit(HOSPITAL, hospital_days=days)
        assert_eligible(decision, amount)
        assert decision.split[0].payer is Payer.CITY_MUTUAL_AID

    @pytest.mark.parametrize(
        "paid, days, amount",
        [("10500", 10, "300.00"), ("10740", 1, "60.00"), ("0", 10, "600.00"), ("10799.50", 3, "0.50")],
    )
    def test_hospital_cap_is_per_coverage_period(self, paid, days, amount):
        """Interpretation: earlier hospital payouts in the same period reduce what is left of 10,800."""
        assert_eligible(benefit(HOSPITAL, hospital_paid_in_period=paid, hospital_days=days), amount)

    @pytest.mark.parametrize("paid", ["10800", "12000"])
    def test_hospital_cap_reached(self, paid):
        assert_ineligible(benefit(HOSPITAL, hospital_paid_in_period=paid), "hospital.cap_reached")

    def test_special_serious_illness_10000(self):
        assert_eligible(benefit(BENEFIT, benefit="special_serious_illness", event_date="2019-09-01"), "10000.00")

    def test_special_serious_illness_claims_follow_the_table_row_for_major_illness(self):
        """Interpretation: the deadline table's “重大疾病保障” is 保障责任（二）“特种重病保障”; no illness list is checked."""
        decision = benefit(BENEFIT, benefit="special_serious_illness", event_date="2019-09-01")
        deadline = next(r for r in decision.reasons if r.code == "claim.deadline")
        assert deadline.clause.quote == "保障期满之日起两年内"
        assert decision.date("claim_deadline") == date(2022, 6, 30)
        assert "illness" not in " ".join(registry.get("flexible_worker_benefit", 2019).schema.names)

    def test_illness_death_10000(self):
        assert_eligible(
            benefit(BENEFIT, benefit="illness_death", event_date="2020-06-30", claim_date="2020-12-30"), "10000.00"
        )

    @pytest.mark.parametrize(
        "kind, assessed, amount",
        [
            ("accident_disability", "12000", "12000.00"),
            ("accident_disability", "15000", "15000.00"),
            ("accident_disability", "20000", "15000.00"),
            ("accident_total_disability", "45000.50", "45000.50"),
            ("accident_total_disability", "80000", "60000.00"),
        ],
    )
    def test_disability_pays_the_assessed_amount_up_to_the_cap(self, kind, assessed, amount):
        """Interpretation: the assessed amount is paid, capped at 15,000 (partial) / 60,000 (total)."""
        assert_eligible(benefit(ACCIDENT, benefit=kind, assessed_amount=assessed), amount)

    def test_disability_without_assessed_amount_waits_for_the_district(self):
        """The 市职保会's assessed amount is a reviewer fact: pending (the district enters it), not unknown."""
        decision = benefit(ACCIDENT, benefit="accident_disability")
        assert decision.outcome is Outcome.PENDING_REVIEW and "amount.assessed" in codes(decision, None)
        assert [r.reviewer for r in decision.pending] == ["district"]

    def test_accident_death_60000_when_no_disability_paid(self):
        assert_eligible(benefit(ACCIDENT, benefit="accident_death", disability_paid_before=False), "60000.00")

    def test_accident_death_refused_after_a_disability_payout(self):
        """Interpretation: the document sets no amount for a death after a disability payout: refused."""
        assert_ineligible(
            benefit(ACCIDENT, benefit="accident_death", disability_paid_before=True), "accident.no_disability_paid"
        )

    def test_accident_death_unknown_prior_payout_is_incomplete(self):
        assert benefit(ACCIDENT, benefit="accident_death").outcome is Outcome.INCOMPLETE


class TestBenefitConditions:
    @pytest.mark.parametrize("kind", ["accident_disability", "accident_total_disability", "accident_death"])
    @pytest.mark.parametrize(
        "outcome_date, ok",
        [
            ("2020-01-10", True),  # same day (day 0)
            ("2020-07-08", True),  # day 180: the last day
            ("2020-07-09", False),  # day 181
            ("2020-01-09", False),  # before the accident
        ],
    )
    def test_disability_or_death_within_180_days_of_the_accident(self, kind, outcome_date, ok):
        """Interpretation: the accident day is day 0, day 180 is the last day."""
        facts = dict(
            ACCIDENT,
            benefit=kind,
            outcome_date=outcome_date,
            assessed_amount="1000",
            disability_paid_before=False,
            claim_date="2020-07-08",
        )
        decision = benefit(facts)
        assert decision.eligible is ok
        if not ok:
            assert "accident.within_180_days" in codes(decision)

    @pytest.mark.parametrize(
        "event, ok", [("2019-06-30", False), ("2019-07-01", True), ("2020-06-30", True), ("2020-07-01", False)]
    )
    def test_event_must_fall_within_coverage(self, event, ok):
        """Interpretation: both the start and the end day are covered."""
        decision = benefit(HOSPITAL, event_date=event)
        assert decision.eligible is ok
        if not ok:
            assert "event.in_coverage" in codes(decision)

    @pytest.mark.parametrize("accident, ok", [("2019-06-30", False), ("2019-07-01", True), ("2020-06-30", True)])
    def test_accident_must_happen_within_coverage(self, accident, ok):
        facts = dict(
            ACCIDENT,
            benefit="accident_death",
            accident_date=accident,
            outcome_date=accident,
            disability_paid_before=False,
        )
        assert benefit(facts).eligible is ok

    def test_coverage_end_before_start_refused(self):
        assert_ineligible(benefit(HOSPITAL, coverage_end="2019-06-30"), "coverage.period")


class TestClaimDeadlines:
    """给付申请提交截止时间（逾期不予受理）: the last day is accepted, the next day refused."""

    @pytest.mark.parametrize(
        "facts, last_day",
        [
            (HOSPITAL, date(2022, 6, 30)),  # 保障期满之日起两年内
            (dict(BENEFIT, benefit="special_serious_illness", event_date="2019-09-01"), date(2022, 6, 30)),
            (dict(ACCIDENT, benefit="accident_death", disability_paid_before=False), date(2022, 6, 30)),
            (dict(BENEFIT, benefit="illness_death", event_date="2020-06-01"), date(2020, 12, 30)),  # 6个月内
            (dict(ACCIDENT, benefit="accident_disability", assessed_amount="5000"), date(2020, 7, 8)),  # 180天内
            (dict(ACCIDENT, benefit="accident_total_disability", assessed_amount="5000"), date(2020, 7, 8)),
        ],
    )
    def test_last_day_accepted_next_day_refused(self, facts, last_day):
        on_time = benefit(facts, claim_date=last_day.isoformat())
        assert_eligible(on_time)
        assert on_time.date("claim_deadline") == last_day
        late = benefit(facts, claim_date=date.fromordinal(last_day.toordinal() + 1).isoformat())
        assert_ineligible(late, "claim.deadline")

    def test_two_years_from_a_29_february_end_is_28_february(self):
        facts = dict(HOSPITAL, coverage_start="2019-03-01", coverage_end="2020-02-29", event_date="2019-05-01")
        assert benefit(facts).date("claim_deadline") == date(2022, 2, 28)

    def test_missing_claim_date_is_incomplete(self):
        rule = registry.get("flexible_worker_benefit", 2019)
        decision = rule.evaluate({k: v for k, v in HOSPITAL.items() if k != "claim_date"}, partial=True)
        assert decision.outcome is Outcome.INCOMPLETE and "claim.deadline" in codes(decision, None)

    def test_every_reason_cites_2019_section_4(self):
        decision = benefit(dict(ACCIDENT, benefit="accident_disability", assessed_amount="20000"))
        assert all(r.clause.document == "2019" and r.clause.section.startswith("§4") for r in decision.reasons)


# ---------------------------------------------------------------------------------------------
# 2021 “五送”
# ---------------------------------------------------------------------------------------------


class TestCare2021:
    def test_full_dues_members_get_the_five_services_and_class_d(self):
        decision = care()
        assert_eligible(decision, "0.00")
        details = dict(decision.details)
        assert details["coverage_class"] == "D"
        assert "送健康体检" in details["services"] and "送清凉慰问品" in details["services"]
        assert decision.date("checkup_due") == date(2021, 9, 30)
        assert decision.split == ()

    def test_other_members_get_class_c_from_the_city_union(self):
        decision = care(paid_full_dues_in_one_go=False)
        assert_eligible(decision, "0.00")
        assert dict(decision.details)["coverage_class"] == "C"
        assert decision.date("checkup_due") is None

    def test_exceptional_case_moves_the_checkup_to_31_december(self):
        """Interpretation: a stated reason for the delay extends the check-up deadline to 2021-12-31."""
        decision = care(exceptional_delay_reason="外地务工，9月底前无法返沪")
        assert decision.date("checkup_due") == date(2021, 12, 31)

    @pytest.mark.parametrize("form", ["transport_card", "phone_card", "online_voucher", "goods", "pickup_voucher"])
    def test_the_120_may_be_given_in_kind(self, form):
        assert_eligible(care(distribution_form=form))

    def test_the_120_is_never_paid_in_cash(self):
        decision = care(distribution_form="cash")
        assert_ineligible(decision, "distribution.no_cash")
        assert "不可发放现金" in next(r.message for r in decision.failed)

    @pytest.mark.parametrize("code", sorted(LIST_2021))
    def test_2021_listed_industries_accepted(self, code):
        assert_eligible(care(flexible_industry=code))

    def test_the_2021_list_lives_in_the_data_file(self):
        assert set(registry.get("flexible_worker_care", 2021).data.value("flexible_care_industries")) == LIST_2021

    def test_2019_security_cleaning_code_asks_which_2021_industry(self):
        """Interpretation: 保安保洁 is split in 2021; ask rather than refuse."""
        decision = care(flexible_industry="security_cleaning")
        assert decision.outcome is Outcome.INCOMPLETE and "industry.listed" in codes(decision, None)

    @pytest.mark.parametrize("birth, ok", [("1961-04-02", True), ("1961-04-01", False)])
    def test_under_60_on_the_application_date(self, birth, ok):
        decision = care(birth_date=birth)
        assert decision.eligible is ok
        if not ok:
            assert "age.under_60" in codes(decision)

    def test_must_join_the_union_voluntarily(self):
        assert_ineligible(care(joined_union_voluntarily=False), "member.voluntary")

    def test_2021_does_not_ask_about_medical_insurance(self):
        """Interpretation: the 2021 适用对象 drops the 2019 medical-insurance condition."""
        assert "has_city_medical_insurance" not in registry.get("flexible_worker_care", 2021).schema

    def test_no_2021_coverage_rule_and_no_2019_care_rule(self):
        assert registry.years_of("flexible_worker_care") == [2021]
        assert registry.years_of("flexible_worker_coverage") == [2019]

    def test_every_reason_cites_the_2021_project(self):
        decision = care(distribution_form="goods")
        assert all(
            r.clause.document == "2021" and r.clause.section.startswith("「灵活就业人员“五送”关爱」")
            for r in decision.reasons
        )
