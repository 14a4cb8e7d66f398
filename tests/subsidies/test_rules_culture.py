"""2019 §10 counselling, §11 caravan, §13 classes and §14 tickets, clause by clause."""

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome, Route
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

WORKER = dict(
    unit_in_district=True, unit_type="enterprise", unit_union_established=True, in_service=True, channel="hotline"
)
LECTURE = dict(unit_in_district=True, unit_type="institution", unit_union_established=True, course_form_completed=True)
CARAVAN_UNIT = dict(host_kind="unit", host_in_district=True, unit_type="enterprise", unit_union_established=True)
CARAVAN_PARK = dict(host_kind="park", host_in_district=True, has_unionised_units=True)
PERSON = dict(booker="individual", booking_date="2019-05-10", birth_date="1990-01-01")
ORGANISATION = dict(
    booker="organisation",
    booking_date="2019-05-10",
    organisation_kind="union",
    form_completed=True,
    organisation_bookings_this_year=0,
)
BOOKINGS = ["culture_class_booking", "ticket_booking"]


class TestCounsellingAppointment:
    @pytest.mark.parametrize("unit_type", ["enterprise", "institution"])
    def test_in_service_worker_of_a_unionised_unit_in_the_district(self, unit_type):
        decision = decide("counselling_appointment", 2019, WORKER, unit_type=unit_type)
        assert_eligible(decision, "0.00")
        assert decision.split == ()

    @pytest.mark.parametrize(
        "fact, code",
        [
            ("unit_in_district", "unit.in_district"),
            ("unit_union_established", "unit.union"),
            ("in_service", "in_service"),
        ],
    )
    def test_each_part_of_the_target_group(self, fact, code):
        assert_ineligible(decide("counselling_appointment", 2019, WORKER, **{fact: False}), code)

    @pytest.mark.parametrize("unit_type", ["government", "social_organisation"])
    def test_interpretation_qishiye_means_enterprise_or_institution(self, unit_type):
        decision = decide("counselling_appointment", 2019, WORKER, unit_type=unit_type)
        assert_ineligible(decision, "unit.type")

    def test_interpretation_no_personal_union_membership_needed(self):
        assert "is_district_member" not in registry.get("counselling_appointment", 2019).schema

    def test_confidential_and_booking_channel_in_details(self):
        details = dict(decide("counselling_appointment", 2019, WORKER, channel="wechat").details)
        assert details["confidential"] == "对职工的个人信息严格保密"
        assert details["channel"] == "“嘉定工会”公众微信号"
        assert details["places"] == "嘉定工会职工心理咨询室、企事业单位、各街镇群团服务站"

    def test_interpretation_cost_not_stated(self):
        decision = decide("counselling_appointment", 2019, WORKER)
        note = next(r for r in decision.reasons if r.code == "cost.not_stated")
        assert "文件未载明收费标准" in note.message and note.clause.section == "§10 服务内容"

    def test_reasons_cite_section_10(self):
        decision = decide("counselling_appointment", 2019, WORKER)
        assert all(r.clause.document == "2019" and r.clause.section.startswith("§10") for r in decision.reasons)


class TestCounsellingLecture:
    def test_unit_union_applies_through_upper_union_to_district(self):
        decision = decide("counselling_lecture", 2019, LECTURE)
        assert_eligible(decision, "0.00")
        assert decision.route is Route.UNIT
        assert dict(decision.details)["review_chain"] == "unit_union→upper_union→district"
        assert registry.get("counselling_lecture", 2019).applicant == "organisation"

    def test_course_form_is_required(self):
        assert_ineligible(decide("counselling_lecture", 2019, LECTURE, course_form_completed=False), "lecture.form")

    def test_applying_around_the_upper_union_refused(self):
        assert_ineligible(
            decide("counselling_lecture", 2019, LECTURE, applied_to_upper_union=False), "lecture.upper_union"
        )
        assert_eligible(decide("counselling_lecture", 2019, LECTURE, applied_to_upper_union=True))

    def test_unit_without_a_union_cannot_apply(self):
        assert_ineligible(decide("counselling_lecture", 2019, LECTURE, unit_union_established=False), "unit.union")

    def test_interpretation_no_quota_on_lectures(self):
        rule = registry.get("counselling_lecture", 2019)
        assert not any(name.endswith(("quota", "per_year")) for name in rule.params)
        assert any("不设数量限制" in text for text, _ in rule.interpretations)


class TestCaravan:
    @pytest.mark.parametrize("base", [CARAVAN_UNIT, CARAVAN_PARK, dict(CARAVAN_PARK, host_kind="building")])
    def test_hosts(self, base):
        decision = decide("caravan_visit", 2019, base)
        assert_eligible(decision, "0.00")
        assert "理发、手机维修、配钥匙" in dict(decision.details)["services"]

    def test_outside_the_district_refused(self):
        assert_ineligible(decide("caravan_visit", 2019, CARAVAN_UNIT, host_in_district=False), "host.in_district")

    def test_unit_host_needs_a_union(self):
        assert_ineligible(decide("caravan_visit", 2019, CARAVAN_UNIT, unit_union_established=False), "unit.union")

    def test_interpretation_park_or_building_needs_unionised_units(self):
        assert_ineligible(
            decide("caravan_visit", 2019, CARAVAN_PARK, has_unionised_units=False), "host.unionised_units"
        )
        assert decide("caravan_visit", 2019, dict(CARAVAN_PARK, has_unionised_units=None)).outcome is Outcome.INCOMPLETE

    def test_interpretation_government_unit_not_a_qishiye_unit(self):
        assert_ineligible(decide("caravan_visit", 2019, CARAVAN_UNIT, unit_type="government"), "unit.type")

    def test_interpretation_schedule_not_stated(self):
        decision = decide("caravan_visit", 2019, CARAVAN_UNIT)
        assert "schedule.not_stated" in codes(decision, True)

    def test_four_services_from_the_clause(self):
        services = registry.get("caravan_visit", 2019).data.value("caravan_services")
        assert len(services) == 4 and services[0] == "免费提供帐篷"


@pytest.mark.parametrize("rule_id", BOOKINGS)
class TestBookings:
    def test_individual_books_free_via_wechat(self, rule_id):
        decision = decide(rule_id, 2019, PERSON)
        assert_eligible(decision, "0.00")
        assert dict(decision.details)["channel"] == "嘉定工会公众微信号"
        assert decision.route is None

    @pytest.mark.parametrize(
        "birth, ok",
        [
            ("2003-05-11", False),  # 15 on the booking date (16th birthday tomorrow)
            ("2003-05-10", True),  # 16th birthday on the booking date
            ("1930-01-01", True),  # no upper limit
        ],
    )
    def test_interpretation_working_age_from_16_no_upper_limit(self, rule_id, birth, ok):
        decision = decide(rule_id, 2019, PERSON, birth_date=birth)
        assert decision.eligible is ok
        if not ok:
            assert_ineligible(decision, "age.under_16")
            assert "预约日为15周岁" in next(r.message for r in decision.failed)

    def test_organisation_books_once_a_year(self, rule_id):
        decision = decide(rule_id, 2019, ORGANISATION)
        assert_eligible(decision, "0.00")
        assert decision.route is Route.UNIT
        assert_ineligible(
            decide(rule_id, 2019, ORGANISATION, organisation_bookings_this_year=1), "organisation.yearly_limit"
        )
        assert_ineligible(
            decide(rule_id, 2019, ORGANISATION, organisation_bookings_this_year=2), "organisation.yearly_limit"
        )

    def test_interpretation_yearly_limit_counts_the_calendar_year_of_the_booking(self, rule_id):
        decision = decide(rule_id, 2019, ORGANISATION, booking_date="2020-01-01", organisation_bookings_this_year=1)
        assert dict(decision.details)["booking_year"] == "2020年"
        assert "2020年已预约1次" in next(r.message for r in decision.failed)
        fact = registry.get(rule_id, 2019).schema["organisation_bookings_this_year"]
        assert "自然年" in fact.label

    def test_organisation_needs_the_form(self, rule_id):
        assert_ineligible(decide(rule_id, 2019, ORGANISATION, form_completed=False), "organisation.form")

    def test_organisation_must_be_an_enterprise_institution_or_union(self, rule_id):
        assert_ineligible(decide(rule_id, 2019, ORGANISATION, organisation_kind="other"), "organisation.kind")
        for kind in ("enterprise", "institution", "union"):
            assert_eligible(decide(rule_id, 2019, ORGANISATION, organisation_kind=kind))

    def test_unknown_bookings_count_is_incomplete(self, rule_id):
        decision = decide(rule_id, 2019, dict(ORGANISATION, organisation_bookings_this_year=None))
        assert decision.outcome is Outcome.INCOMPLETE

    def test_params_from_the_clause(self, rule_id):
        rule = registry.get(rule_id, 2019)
        prefix = "culture_class" if rule_id == "culture_class_booking" else "tickets"
        assert rule.data.value(f"{prefix}_org_bookings_per_year") == 1
        assert rule.data.value(f"{prefix}_min_working_age") == 16


def test_class_programmes_listed():
    decision = decide("culture_class_booking", 2019, PERSON, programme="art_class")
    assert dict(decision.details)["offerings"].startswith("二胡课、古典吉他课")
    decision = decide("culture_class_booking", 2019, PERSON, programme="iron_man")
    assert "太极拳" in dict(decision.details)["offerings"]


def test_ticket_programmes_listed():
    assert dict(decide("ticket_booking", 2019, PERSON, programme="drama").details)["source"] == "上海话剧艺术中心"


@pytest.mark.parametrize("rule_id, section", [("culture_class_booking", "§13"), ("ticket_booking", "§14")])
def test_booking_reasons_cite_their_own_section(rule_id, section):
    for base in (PERSON, ORGANISATION):
        decision = decide(rule_id, 2019, base)
        assert all(r.clause.document == "2019" and r.clause.section.startswith(section) for r in decision.reasons)
