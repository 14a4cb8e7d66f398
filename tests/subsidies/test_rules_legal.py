"""2019 §3 legal aid (any one of six conditions) and the 2021 legal check-up, clause by clause."""

from decimal import Decimal

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome
from subsidies.rules.reference import load_reference_data
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

# A worker meeting none of the six conditions (each fact known and false).
NONE_OF_SIX = dict(
    application_date="2019-06-01",
    household_low_income_certified=False,
    monthly_income="8000",
    has_valid_member_card=False,
    employment_type="employee",
    claim_kind="other",
    workers_involved=1,
    union_cadre_harmed=False,
)


def aid(**overrides):
    return decide("legal_aid", 2019, NONE_OF_SIX, **overrides)


FOCUS, GENERAL, UNKNOWN = "重点服务对象", "非重点服务对象（零门槛受理）", "待确认是否为重点服务对象"


def priority(decision):
    return dict(decision.details)["priority"]


def is_focus(decision):
    """The six conditions mark priority; "零门槛": the rule accepts every worker for the centre's review."""
    assert_eligible(decision, "0.00")
    return priority(decision) == FOCUS


class TestLegalAidZeroThreshold:
    """The union's reading (docs/rules.md, legal_aid_zero_threshold): priority, not a gate."""

    @pytest.mark.parametrize(
        "facts, expected, code",
        [
            (NONE_OF_SIX, GENERAL, "priority.none"),
            (dict(NONE_OF_SIX, has_valid_member_card=True), FOCUS, "priority.focus"),
            (dict(application_date="2019-06-01"), UNKNOWN, "priority.unknown"),
            (dict(NONE_OF_SIX, workers_involved=None), UNKNOWN, "priority.unknown"),
        ],
    )
    def test_every_worker_is_accepted_with_a_priority_flag(self, facts, expected, code):
        decision = decide("legal_aid", 2019, facts)
        assert_eligible(decision, "0.00")
        assert priority(decision) == expected
        assert code in codes(decision, True)
        assert decision.failed == () and decision.unknown == ()

    def test_a_worker_meeting_none_is_told_the_centre_reviews_and_cited_零门槛(self):
        reason = next(r for r in aid().reasons if r.code == "priority.none")
        assert "仍予受理" in reason.message and "零门槛" in reason.clause.quote

    def test_staff_see_which_conditions_made_the_worker_a_focus_object(self):
        decision = aid(has_valid_member_card=True, workers_involved=12)
        reason = next(r for r in decision.reasons if r.code == "priority.focus")
        assert "③、⑤" in reason.message
        assert {"condition.member_card", "condition.group_dispute"} <= codes(decision, True)


class TestLegalAidSixConditions:
    @pytest.mark.parametrize(
        "overrides, code",
        [
            (dict(household_low_income_certified=True), "condition.low_income"),
            (dict(monthly_income="3000"), "condition.income_limit"),
            (dict(has_valid_member_card=True), "condition.member_card"),
            (dict(employment_type="migrant_worker", claim_kind="wages"), "condition.migrant_claim"),
            (dict(employment_type="migrant_worker", claim_kind="work_injury"), "condition.migrant_claim"),
            (dict(workers_involved=12), "condition.group_dispute"),
            (dict(union_cadre_harmed=True), "condition.union_cadre"),
        ],
    )
    def test_any_one_condition_makes_a_focus_object(self, overrides, code):
        decision = aid(**overrides)
        assert is_focus(decision)
        assert code in codes(decision, True)

    def test_one_known_condition_is_enough_even_when_the_rest_are_unknown(self):
        decision = decide("legal_aid", 2019, dict(application_date="2019-06-01", has_valid_member_card=True))
        assert is_focus(decision)

    @pytest.mark.parametrize(
        "on, income, ok",
        [
            ("2019-04-01", "3720.00", True),
            ("2019-04-01", "3720.01", False),  # 2480 x 1.5
            ("2019-03-31", "3630.00", True),
            ("2019-03-31", "3630.01", False),  # 2420 x 1.5
            ("2021-07-01", "3885.00", True),
            ("2021-07-01", "3885.01", False),  # 2590 x 1.5
        ],
    )
    def test_income_not_above_one_and_a_half_minimum_wages_on_the_application_date(self, on, income, ok):
        decision = aid(application_date=on, monthly_income=income)
        assert is_focus(decision) is ok
        if ok:
            assert "condition.income_limit" in codes(decision, True)

    def test_no_minimum_wage_before_the_series_starts_leaves_priority_open(self):
        decision = aid(application_date="2018-03-31", monthly_income="100")
        assert priority(decision) == UNKNOWN and decision.eligible
        assert "最低工资标准" in next(r for r in decision.reasons if r.code == "priority.unknown").message

    @pytest.mark.parametrize("workers, ok", [(9, False), (10, True), (11, True)])
    def test_group_dispute_ten_or_more_includes_ten(self, workers, ok):
        assert is_focus(aid(workers_involved=workers)) is ok

    @pytest.mark.parametrize(
        "employment_type, claim_kind, ok",
        [
            ("migrant_worker", "wages", True),
            ("migrant_worker", "other", False),
            ("employee", "wages", False),
            ("flexible_worker", "work_injury", False),
        ],
    )
    def test_migrant_worker_claiming_wages_or_injury_compensation(self, employment_type, claim_kind, ok):
        assert is_focus(aid(employment_type=employment_type, claim_kind=claim_kind)) is ok

    def test_migrant_worker_with_claim_unknown_leaves_priority_open(self):
        assert priority(aid(employment_type="migrant_worker", claim_kind=None)) == UNKNOWN


class TestLegalAidLowIncome:
    def test_certified_household_meets_condition_one(self):
        assert "condition.low_income" in codes(aid(household_low_income_certified=True), True)

    def test_income_without_a_standard_entered_leaves_priority_open(self):
        # the low-income series ships empty: cannot compare
        decision = aid(household_low_income_certified=None, household_income_per_capita="1000")
        assert priority(decision) == UNKNOWN and decision.eligible
        assert "尚未录入" in next(r for r in decision.reasons if r.code == "priority.unknown").message

    @pytest.mark.parametrize("income, ok", [("2000.00", True), ("2000.01", False)])
    def test_income_at_or_below_the_standard_once_staff_enter_it(self, income, ok):
        refs = load_reference_data().with_overrides({"low_income_per_capita": [("2019-01-01", "2000")]})
        rule = registry.get("legal_aid", 2019)
        facts = dict(NONE_OF_SIX, household_low_income_certified=None, household_income_per_capita=income)
        decision = rule.evaluate(facts, refs=refs)
        assert is_focus(decision) is ok


class TestLegalAidService:
    def test_free_service_with_places_to_apply(self):
        decision = aid(has_valid_member_card=True)
        assert decision.amount == Decimal("0.00") and decision.split == ()
        details = dict(decision.details)
        for place in ("区总工会职工法律援助中心", "街镇分中心", "区法院", "区仲裁院"):
            assert place in details["places"]
        assert details["process"] == "受理→审核→指派"
        assert "零门槛" in details["fee"]
        assert "service.free" in codes(decision, True)

    def test_no_application_window(self):
        for on in ("2019-01-01", "2019-12-31", "2021-06-30"):
            assert_eligible(aid(application_date=on, has_valid_member_card=True))

    def test_every_reason_cites_section_3_of_2019(self):
        for decision in (aid(), aid(has_valid_member_card=True, monthly_income="100")):
            assert all(r.clause.document == "2019" and r.clause.section.startswith("§3 ") for r in decision.reasons)


CHECKUP = dict(unit_type="enterprise", employee_count=120, union_established=True, on_street_list=True)


def checkup(**overrides):
    return decide("legal_checkup", 2021, CHECKUP, **overrides)


class TestLegalCheckup:
    def test_enterprise_with_union_on_the_street_list(self):
        assert_eligible(checkup(), "0.00")

    @pytest.mark.parametrize("count, ok", [(79, False), (80, True), (81, True)])
    def test_80_employees_or_more(self, count, ok):
        decision = checkup(employee_count=count)
        assert decision.eligible is ok
        if not ok:
            assert_ineligible(decision, "employees.minimum")

    def test_fewer_than_80_only_with_the_street_unions_exception_reason(self):
        decision = checkup(employee_count=50, exception_reason="园区重点企业，劳动争议多发")
        assert_eligible(decision)
        exception = next(r for r in decision.reasons if r.code == "employees.exception")
        assert "50" in exception.message and "劳动争议多发" in exception.message

    def test_blank_exception_reason_is_no_reason(self):
        assert_ineligible(checkup(employee_count=50, exception_reason="  "), "employees.minimum")

    def test_union_established_or_ready_for_the_three_basic_works(self):
        assert_eligible(checkup(union_established=False, three_basic_works_ready=True))
        assert_ineligible(checkup(union_established=False, three_basic_works_ready=False), "union.ready")
        assert checkup(union_established=False).outcome is Outcome.INCOMPLETE

    @pytest.mark.parametrize("unit_type", ["government", "institution", "social_organisation"])
    def test_enterprises_only(self, unit_type):
        assert_ineligible(checkup(unit_type=unit_type), "unit.enterprise")

    def test_street_union_decides_the_list(self):
        assert checkup(on_street_list=None).outcome is Outcome.PENDING_REVIEW  # the street reviewer's fact
        assert_ineligible(checkup(on_street_list=False), "street.list")

    @pytest.mark.parametrize("taken, ok", [(2, True), (3, False)])
    def test_street_quota_allocated_by_the_district(self, taken, ok):
        decision = checkup(street_quota=3, street_places_taken=taken)
        assert decision.eligible is ok
        if not ok:
            assert_ineligible(decision, "quota.street_full")
            assert "名额已满" in decision.failed[0].message

    @pytest.mark.parametrize("taken, ok", [(29, True), (30, False)])
    def test_thirty_enterprises_district_wide(self, taken, ok):
        decision = checkup(district_places_taken=taken)
        assert decision.eligible is ok
        if not ok:
            assert_ineligible(decision, "quota.district_full")

    def test_phases_training_implementation_evaluation(self):
        details = dict(checkup().details)
        assert details["phase_training"] == "开展培训：2021年1月1日—2021年3月31日"
        assert details["phase_implementation"] == "具体实施：2021年4月1日—2021年10月31日"
        assert details["phase_evaluation"] == "总结评估：2021年11月1日—2021年11月30日"

    def test_bought_service_no_money(self):
        decision = checkup()
        assert decision.amount == Decimal("0.00") and "service.provider" in codes(decision, True)

    def test_every_reason_cites_the_2021_project(self):
        decision = checkup(employee_count=60, exception_reason="x", district_places_taken=3)
        assert all(
            r.clause.document == "2021" and r.clause.section.startswith("「开展和谐劳动关系‘法律体检’服务」")
            for r in decision.reasons
        )
