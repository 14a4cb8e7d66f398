"""2019 §8: “爱心妈咪小屋” and “亲子工作室” grants, clause by clause."""

from decimal import Decimal

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome, Payer
from subsidies.rules.facts import FactsError
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

ROOM = dict(built_on="2019-05-01", unit_type="enterprise")
HOLIDAY = dict(built_on="2019-05-01", location="park", class_type="holiday", children=30, weeks="4")
EVENING = dict(built_on="2019-05-01", location="government", class_type="evening", children=25)


class TestMommyRoom:
    def test_15340_city_10340_district_5000(self):
        decision = decide("mommy_room_grant", 2019, ROOM)
        assert_eligible(decision, "15340.00")
        assert decision.share(Payer.CITY_UNION) == Decimal("10340.00")
        assert decision.share(Payer.DISTRICT_UNION) == Decimal("5000.00")

    def test_340_newspaper_part_is_inside_the_city_share(self):
        decision = decide("mommy_room_grant", 2019, ROOM)
        assert dict(decision.details)["newspaper_subscription"] == "340.00"
        assert "劳动报" in dict(decision.details)["newspaper_note"]

    @pytest.mark.parametrize(
        "built_on, ok", [("2018-08-31", False), ("2018-09-01", True), ("2019-08-31", True), ("2019-09-01", False)]
    )
    def test_built_between_1_september_2018_and_31_august_2019(self, built_on, ok):
        decision = decide("mommy_room_grant", 2019, ROOM, built_on=built_on)
        assert decision.eligible is ok
        if not ok:
            assert_ineligible(decision, "built.period")

    @pytest.mark.parametrize("unit_type", ["government", "institution", "enterprise"])
    def test_government_bodies_and_enterprises_are_a_priority(self, unit_type):
        assert "priority.unit" in codes(decide("mommy_room_grant", 2019, ROOM, unit_type=unit_type), True)

    @pytest.mark.parametrize("unit_type", ["social_organisation", "other", None])
    def test_priority_is_not_an_exclusion(self, unit_type):
        decision = decide("mommy_room_grant", 2019, ROOM, unit_type=unit_type)
        assert_eligible(decision, "15340.00")
        assert "priority.other" in codes(decision, True)


class TestParentChildStudioHoliday:
    @pytest.mark.parametrize(
        "weeks, children, amount",
        [
            ("3", 1, "20000.00"),
            ("3", 19, "20000.00"),
            ("3", 20, "20000.00"),  # 20 is in “20人以下”
            ("3", 21, "40000.00"),
            ("3", 50, "40000.00"),
            ("3", 51, "60000.00"),
            ("3.99", 51, "60000.00"),
            ("4", 1, "40000.00"),
            ("4", 19, "40000.00"),
            ("4", 20, "40000.00"),  # 4 weeks is “4周及以上”
            ("4", 21, "60000.00"),
            ("4", 50, "60000.00"),
            ("4", 51, "80000.00"),
            ("8", 200, "80000.00"),
        ],
    )
    def test_table_by_weeks_and_children(self, weeks, children, amount):
        decision = decide("parent_child_studio_grant", 2019, HOLIDAY, weeks=weeks, children=children)
        assert_eligible(decision, amount)
        half = Decimal(amount) / 2
        assert decision.share(Payer.CITY_UNION) == half and decision.share(Payer.DISTRICT_UNION) == half

    def test_twenty_children_is_the_lowest_band_interpretation(self):
        assert decide("parent_child_studio_grant", 2019, HOLIDAY, weeks="2", children=20).amount == Decimal("20000.00")

    def test_four_weeks_is_four_weeks_and_above_interpretation(self):
        assert decide("parent_child_studio_grant", 2019, HOLIDAY, weeks="4", children=10).amount == Decimal("40000.00")
        assert decide("parent_child_studio_grant", 2019, HOLIDAY, weeks="3.5", children=10).amount == Decimal(
            "20000.00"
        )

    def test_weeks_needed_for_holiday_classes(self):
        decision = decide("parent_child_studio_grant", 2019, HOLIDAY, weeks=None)
        assert decision.outcome is Outcome.INCOMPLETE and "amount.band" in codes(decision, None)


class TestParentChildStudioEvening:
    @pytest.mark.parametrize(
        "children, amount",
        [(1, "60000.00"), (19, "60000.00"), (20, "120000.00"), (21, "120000.00"), (100, "120000.00")],
    )
    def test_evening_class_below_20_is_6_wan_20_and_above_12_wan(self, children, amount):
        decision = decide("parent_child_studio_grant", 2019, EVENING, children=children)
        assert_eligible(decision, amount)
        assert decision.share(Payer.CITY_UNION) == decision.share(Payer.DISTRICT_UNION) == Decimal(amount) / 2

    def test_twenty_children_is_20_and_above_interpretation(self):
        assert decide("parent_child_studio_grant", 2019, EVENING, children=20).amount == Decimal("120000.00")

    def test_weeks_do_not_matter_for_evening_classes(self):
        assert decide("parent_child_studio_grant", 2019, EVENING, weeks="1").amount == Decimal("120000.00")


class TestParentChildStudioConditions:
    @pytest.mark.parametrize("location", ["government", "enterprise", "institution", "park", "development_zone"])
    def test_located_in_government_enterprise_institution_park_or_zone(self, location):
        assert_eligible(decide("parent_child_studio_grant", 2019, HOLIDAY, location=location))

    def test_other_locations_refused(self):
        assert_ineligible(decide("parent_child_studio_grant", 2019, HOLIDAY, location="other"), "location")

    @pytest.mark.parametrize(
        "built_on, ok", [("2018-08-31", False), ("2018-09-01", True), ("2019-08-31", True), ("2019-09-01", False)]
    )
    def test_built_window(self, built_on, ok):
        assert decide("parent_child_studio_grant", 2019, EVENING, built_on=built_on).eligible is ok

    def test_one_class_type_per_decision_interpretation(self):
        # a studio running both class types is decided once per type; no combined type exists
        with pytest.raises(FactsError):
            decide("parent_child_studio_grant", 2019, EVENING, class_type="both")
        assert decide("parent_child_studio_grant", 2019, EVENING, children=20).amount == Decimal("120000.00")

    def test_no_children_is_not_a_class(self):
        with pytest.raises(FactsError):
            decide("parent_child_studio_grant", 2019, EVENING, children=0)

    def test_a_gap_left_by_edited_tables_is_refused_not_a_crash(self):
        rule = registry.get("parent_child_studio_grant", 2019)
        data = rule.data.with_overrides(
            tables={
                "womens_evening_class_grants": [
                    {"band": "20_up", "label": "20人及以上", "children_from": 20, "children_to": "", "amount": "120000"}
                ]
            }
        )
        assert_ineligible(rule.evaluate(dict(EVENING, children=5), data=data), "amount.band")


@pytest.mark.parametrize("rule_id", ["mommy_room_grant", "parent_child_studio_grant"])
def test_no_application_window_in_the_document(rule_id):
    rule = registry.get(rule_id, 2019)
    assert "application_date" not in rule.schema
    assert rule.evaluate(ROOM if rule_id == "mommy_room_grant" else HOLIDAY).window is None


def test_every_reason_cites_section_8_of_2019():
    for rule_id, base in (("mommy_room_grant", ROOM), ("parent_child_studio_grant", HOLIDAY)):
        decision = decide(rule_id, 2019, base)
        assert all(r.clause.document == "2019" and r.clause.section.startswith("§8 ") for r in decision.reasons)
