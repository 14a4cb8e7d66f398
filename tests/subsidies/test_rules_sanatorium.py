"""2019 §6 (sanatorium plans, resort-room subsidy, check-up plans) and the 2021
“职工疗休养、健康体检” project, clause by clause and table row by table row."""

from datetime import date
from decimal import Decimal

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome, Payer
from subsidies.rules.data import load_policy_data
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

D = Decimal

# ----------------------------------------------------------------- 2019 plans

# (plan, site, duration, price, subsidy) exactly as printed in the two 2019 tables.
CITY_PLANS = [
    ("A", "沙家浜休养院", "二天一夜", "510", "170"),
    ("B", "沙家浜休养院", "三天二夜", "888", "296"),
    ("E", "西山休养院", "二天一夜", "537", "179"),
    ("F", "西山休养院", "三天二夜", "879", "293"),
    ("J", "黄山休养院", "四天三夜", "1269", "423"),
    ("K", "黄山休养院", "五天四夜", "1638", "546"),
    ("L", "杭州屏凤山工人疗养院", "三天二夜", "1800", "400"),
    ("N", "江苏扬州工人疗养院", "三天二夜", "1278", "426"),
    ("O", "江西庐山温泉工人疗养院", "四天三夜", "2448", "816"),
    ("P", "浙江宁波工人疗养院", "三天二夜", "1278", "426"),
]
DISTRICT_PLANS = [
    ("J1", "江苏扬州工人疗养院", "二天一夜", "720", "240"),
    ("J2", "江苏扬州工人疗养院", "三天二夜", "1278", "426"),
    ("J3", "江西庐山工人疗养院", "四天三夜", "2448", "816"),
    ("J4", "浙江宁波工人疗养院", "三天二夜", "1278", "426"),
    ("J5", "无锡工人太湖疗养院(带体检)", "二天一夜", "1204", "402"),
    ("J6", "无锡工人太湖疗养院(不带体检)", "二天一夜", "454", "152"),
    ("J7", "无锡工人太湖疗养院(带体检)", "三天二夜", "1510", "504"),
    ("J8", "无锡工人太湖疗养院(不带体检)", "三天二夜", "760", "254"),
    ("J9", "浙江省总工会疗养院(带体检)", "二天一夜", "1410", "470"),
    ("J10", "浙江省总工会疗养院(不带体检)", "二天一夜", "660", "220"),
    ("J11", "浙江省总工会疗养院(带体检)", "三天二夜", "1886", "629"),
    ("J12", "浙江省总工会疗养院(不带体检)", "三天二夜", "1136", "379"),
]


class TestSanatoriumPlan2019:
    @pytest.mark.parametrize("plan, site, duration, price, subsidy", [(*row,) for row in CITY_PLANS])
    def test_city_plans_subsidised_by_the_city_union(self, plan, site, duration, price, subsidy):
        decision = decide("sanatorium_plan", 2019, {}, plan=plan, participants=3)
        assert_eligible(decision, str(D(price) * 3))
        assert decision.share(Payer.CITY_UNION) == D(subsidy) * 3
        assert decision.share(Payer.UNIT_OR_PERSONAL) == (D(price) - D(subsidy)) * 3
        assert decision.share(Payer.DISTRICT_UNION) == 0
        details = dict(decision.details)
        assert (details["site"], details["duration"], details["plan_source"]) == (site, duration, "city")

    @pytest.mark.parametrize("plan, site, duration, price, subsidy", [(*row,) for row in DISTRICT_PLANS])
    def test_district_plans_subsidised_by_the_district_union(self, plan, site, duration, price, subsidy):
        decision = decide("sanatorium_plan", 2019, {}, plan=plan, participants=2)
        assert_eligible(decision, str(D(price) * 2))
        assert decision.share(Payer.DISTRICT_UNION) == D(subsidy) * 2
        assert decision.share(Payer.UNIT_OR_PERSONAL) == (D(price) - D(subsidy)) * 2
        assert decision.share(Payer.CITY_UNION) == 0
        details = dict(decision.details)
        assert (details["site"], details["duration"], details["plan_source"]) == (site, duration, "district")

    def test_plan_choices_are_exactly_the_printed_plans(self):
        rule = registry.get("sanatorium_plan", 2019)
        offered = {value for value, _ in rule.schema["plan"].choices}
        data = load_policy_data(2019)
        assert offered == {p for p, *_ in CITY_PLANS} | {p for p, *_ in DISTRICT_PLANS}
        assert set(data.table("sanatorium_city_plans").keys()) == {p for p, *_ in CITY_PLANS}
        assert set(data.table("sanatorium_district_plans").keys()) == {p for p, *_ in DISTRICT_PLANS}

    def test_one_participant_is_the_per_person_price(self):
        decision = decide("sanatorium_plan", 2019, {}, plan="A", participants=1)
        assert_eligible(decision, "510.00")
        assert [(s.payer, s.amount) for s in decision.split] == [
            (Payer.CITY_UNION, D("170.00")),
            (Payer.UNIT_OR_PERSONAL, D("340.00")),
        ]

    # The union's reading (docs/rules.md, sanatorium_plan_remainder_payer): not asserted as the member's.
    @pytest.mark.parametrize(
        "plan, participants, subsidy_payer, subsidy, remainder",
        [
            ("J5", 1, Payer.DISTRICT_UNION, "402.00", "802.00"),  # 1204 − 402
            ("A", 2, Payer.CITY_UNION, "340.00", "680.00"),  # (510 − 170) × 2
        ],
    )
    def test_interpretation_the_part_above_the_subsidy_is_the_unit_or_the_persons(
        self, plan, participants, subsidy_payer, subsidy, remainder
    ):
        decision = decide("sanatorium_plan", 2019, {}, plan=plan, participants=participants)
        assert decision.share(subsidy_payer) == D(subsidy)
        assert decision.share(Payer.UNIT_OR_PERSONAL) == D(remainder)
        assert decision.share(Payer.PERSONAL) == 0
        reason = next(r for r in decision.reasons if r.code == "payer.unit_or_personal")
        assert "单位或个人承担" in reason.message and reason.clause.quote == "价格(元/人) 补贴(元/人)"

    def test_interpretation_focus_groups_are_a_note_not_a_refusal(self):
        decision = decide("sanatorium_plan", 2019, {}, plan="B", participants=10)
        assert_eligible(decision, "8880.00")
        focus = next(r for r in decision.reasons if r.code == "focus_groups")
        assert focus.ok is True and focus.clause.section == "§6 休养对象"
        assert "participants" in registry.get("sanatorium_plan", 2019).schema
        assert "focus_group" not in registry.get("sanatorium_plan", 2019).schema

    def test_zero_participants_is_rejected_by_the_schema(self):
        from subsidies.rules.facts import FactsError

        with pytest.raises(FactsError):
            decide("sanatorium_plan", 2019, {}, plan="A", participants=0)

    def test_missing_participants_is_incomplete(self):
        decision = registry.get("sanatorium_plan", 2019).evaluate({"plan": "A"}, partial=True)
        assert decision.outcome is Outcome.INCOMPLETE and decision.amount == 0


# ------------------------------------------------------ 2019 resort-room subsidy

CARD = dict(has_valid_member_card=True, nights=1, rooms=1)

# (resort, room_type, a check-in date in the season, price, subsidy, personal), per room per night.
RESORT_ROWS = [
    ("shajiabang", "landscape", "2019-01-01", "150", "50", "100"),
    ("shajiabang", "landscape", "2019-04-01", "240", "80", "160"),
    ("xishan", "landscape", "2019-03-31", "150", "50", "100"),
    ("xishan", "landscape", "2019-12-31", "270", "90", "180"),
    ("shajiabang", "lake", "2019-02-15", "210", "70", "140"),
    ("shajiabang", "lake", "2019-07-01", "300", "100", "200"),
    ("xishan", "lake", "2019-03-01", "210", "70", "140"),
    ("xishan", "lake", "2019-04-30", "360", "120", "240"),
    ("huangshan", "standard", "2019-01-01", "225", "75", "150"),
    ("huangshan", "standard", "2019-12-31", "225", "75", "150"),
]


class TestResortRoomSubsidy2019:
    @pytest.mark.parametrize("resort, room_type, check_in, price, subsidy, personal", RESORT_ROWS)
    def test_every_row_of_the_reconstructed_table(self, resort, room_type, check_in, price, subsidy, personal):
        decision = decide("resort_room_subsidy", 2019, CARD, resort=resort, room_type=room_type, check_in_date=check_in)
        assert_eligible(decision, price)
        assert decision.share(Payer.CITY_UNION) == D(subsidy)
        assert decision.share(Payer.PERSONAL) == D(personal)

    def test_interpretation_reconstruction_subsidy_is_a_third_and_personal_the_rest(self):
        rows = load_policy_data(2019).table("sanatorium_resort_rooms").rows
        assert len(rows) == 9
        for row in rows:
            assert row["subsidy"] * 3 == row["price"], row
            assert row["price"] - row["subsidy"] == row["personal"], row

    def test_interpretation_the_unprinted_80_for_shajiabang_landscape_april_to_december(self):
        row = load_policy_data(2019).table("sanatorium_resort_rooms").get("shajiabang.landscape.4-12")
        assert (row["price"], row["subsidy"], row["personal"]) == (D("240.00"), D("80.00"), D("160.00"))

    @pytest.mark.parametrize("check_in, price", [("2019-03-31", "150.00"), ("2019-04-01", "240.00")])
    def test_season_boundary_31_march_and_1_april(self, check_in, price):
        decision = decide(
            "resort_room_subsidy", 2019, CARD, resort="shajiabang", room_type="landscape", check_in_date=check_in
        )
        assert_eligible(decision, price)

    # The union's reading (docs/rules.md, sanatorium_resort_season): each night by the month it falls in.
    @pytest.mark.parametrize(
        "resort, room_type, check_in, nights, rooms, amount, subsidy, season",
        [
            ("xishan", "lake", "2019-03-30", 2, 1, "420.00", "140.00", "1—3月"),  # 3/30, 3/31
            ("xishan", "lake", "2019-03-31", 2, 1, "570.00", "190.00", "1—3月、4—12月"),  # 3/31 → 4/2: 210 + 360
            ("xishan", "lake", "2019-03-31", 3, 1, "930.00", "310.00", "1—3月、4—12月"),  # 210 + 360 × 2
            ("xishan", "lake", "2019-04-01", 2, 1, "720.00", "240.00", "4—12月"),
            ("shajiabang", "landscape", "2019-03-31", 2, 2, "780.00", "260.00", "1—3月、4—12月"),  # (150 + 240) × 2
            ("huangshan", "standard", "2019-03-31", 2, 1, "450.00", "150.00", "1—12月"),  # one band all year
        ],
    )
    def test_each_night_is_priced_by_the_month_it_falls_in(
        self, resort, room_type, check_in, nights, rooms, amount, subsidy, season
    ):
        decision = decide(
            "resort_room_subsidy",
            2019,
            CARD,
            resort=resort,
            room_type=room_type,
            check_in_date=check_in,
            nights=nights,
            rooms=rooms,
        )
        assert_eligible(decision, amount)
        assert decision.share(Payer.CITY_UNION) == D(subsidy)
        assert decision.share(Payer.PERSONAL) == D(amount) - D(subsidy)
        assert dict(decision.details)["season"] == season

    @pytest.mark.parametrize("check_in, nights, ok", [("2019-12-31", 1, True), ("2019-12-31", 2, False)])
    def test_a_night_outside_the_2019_table_is_refused(self, check_in, nights, ok):
        decision = decide(
            "resort_room_subsidy",
            2019,
            CARD,
            resort="huangshan",
            room_type="standard",
            check_in_date=check_in,
            nights=nights,
        )
        if ok:
            assert_eligible(decision, "225.00")
        else:
            assert_ineligible(decision, "nights.year")
            assert "2020-01-01" in decision.failed[0].message

    def test_rooms_times_nights(self):
        decision = decide(
            "resort_room_subsidy",
            2019,
            CARD,
            resort="xishan",
            room_type="lake",
            check_in_date="2019-08-08",
            nights=2,
            rooms=3,
        )
        assert_eligible(decision, "2160.00")  # 360 × 6
        assert decision.share(Payer.CITY_UNION) == D("720.00")  # 120 × 6
        assert decision.share(Payer.PERSONAL) == D("1440.00")  # 240 × 6

    @pytest.mark.parametrize(
        "resort, room_type",
        [("shajiabang", "standard"), ("xishan", "standard"), ("huangshan", "landscape"), ("huangshan", "lake")],
    )
    def test_room_types_not_in_the_table_are_refused(self, resort, room_type):
        assert_ineligible(
            decide("resort_room_subsidy", 2019, CARD, resort=resort, room_type=room_type, check_in_date="2019-05-05"),
            "room.offered",
        )

    def test_interpretation_valid_member_card_required(self):
        decision = decide(
            "resort_room_subsidy",
            2019,
            CARD,
            has_valid_member_card=False,
            resort="huangshan",
            room_type="standard",
            check_in_date="2019-05-05",
        )
        assert_ineligible(decision, "member_card.valid")
        reason = next(r for r in decision.reasons if r.code == "member_card.valid")
        assert reason.clause.section == "§7 会员卡功能（三）"

    @pytest.mark.parametrize(
        "check_in, ok", [("2018-12-31", False), ("2019-01-01", True), ("2019-12-31", True), ("2020-01-01", False)]
    )
    def test_interpretation_2019_table_covers_2019_check_ins_only(self, check_in, ok):
        decision = decide(
            "resort_room_subsidy", 2019, CARD, resort="huangshan", room_type="standard", check_in_date=check_in
        )
        assert decision.eligible is ok
        if not ok:
            assert_ineligible(decision, "check_in.year")


# ------------------------------------------------------------ 2019 check-ups

# (plan, price, city subsidy, sanatorium subsidy, personal) as printed in 体检计划汇总表(2019年).
CHECKUP_2019 = [
    ("A", "450", "150", "0", "300"),
    ("B", "660", "220", "0", "440"),
    ("C", "1200", "400", "0", "800"),
    ("D", "660", "220", "220", "220"),
    ("E", "1200", "400", "400", "400"),
    ("F", "1800", "600", "600", "600"),
    ("L1", "310", "155", "0", "155"),
    ("L2", "460", "230", "0", "230"),
    ("L3", "660", "330", "0", "330"),
    ("L4", "160", "80", "0", "80"),
    ("L5", "160", "80", "0", "80"),
    ("L6", "810", "405", "0", "405"),
]


class TestHealthCheckup2019:
    @pytest.mark.parametrize("plan, price, city, sanatorium, personal", CHECKUP_2019)
    def test_every_plan_split_city_sanatorium_personal(self, plan, price, city, sanatorium, personal):
        decision = decide("health_checkup", 2019, {}, plan=plan, persons=2)
        assert_eligible(decision, str(D(price) * 2))
        assert decision.share(Payer.CITY_UNION) == D(city) * 2
        assert decision.share(Payer.SANATORIUM) == D(sanatorium) * 2
        assert decision.share(Payer.PERSONAL) == D(personal) * 2

    def test_data_rows_price_equals_city_plus_sanatorium_plus_personal(self):
        table = load_policy_data(2019).table("sanatorium_checkup_plans_2019")
        assert set(table.keys()) == {p for p, *_ in CHECKUP_2019}
        for row in table.rows:
            assert row["price"] == row["city_subsidy"] + (row["sanatorium_subsidy"] or 0) + row["personal"], row

    def test_only_d_e_f_carry_a_sanatorium_subsidy(self):
        table = load_policy_data(2019).table("sanatorium_checkup_plans_2019")
        assert {r["plan"] for r in table.rows if r["sanatorium_subsidy"]} == {"D", "E", "F"}

    def test_interpretation_focus_groups_are_a_note(self):
        decision = decide("health_checkup", 2019, {}, plan="L4", persons=1)
        assert_eligible(decision, "160.00")
        focus = next(r for r in decision.reasons if r.code == "focus_groups")
        assert focus.ok is True and focus.clause.section == "§6 体检对象"

    def test_interpretation_personal_is_price_minus_subsidies(self):
        decision = decide("health_checkup", 2019, {}, plan="F", persons=1)
        assert [(s.payer, s.amount) for s in decision.split] == [
            (Payer.CITY_UNION, D("600.00")),
            (Payer.SANATORIUM, D("600.00")),
            (Payer.PERSONAL, D("600.00")),
        ]


def test_2019_reasons_cite_section_6_or_the_member_card_clause():
    decisions = [
        decide("sanatorium_plan", 2019, {}, plan="K", participants=4),
        decide("resort_room_subsidy", 2019, CARD, resort="xishan", room_type="landscape", check_in_date="2019-06-01"),
        decide("health_checkup", 2019, {}, plan="E", persons=1),
    ]
    for decision in decisions:
        for reason in decision.reasons:
            assert reason.clause.document == "2019"
            assert reason.clause.section.startswith(("§6 ", "§7 会员卡功能（三）")), reason


# ======================================================================= 2021

GROUP = dict(
    kind="group", organiser="city", site="shajiabang", attended_before=False, itinerary_has_paid_attractions=False
)
INDIVIDUAL = dict(kind="individual", site="huangshan", has_valid_member_card=True)

CITY_SITES = ["shajiabang", "xishan", "huangshan", "hangzhou_fengshan", "yangzhou", "ningbo", "jinhua", "yichun"]
DISTRICT_SITES = ["wuxi", "zhejiang_ftu", "yangzhou", "lushan", "ningbo", "jinhua", "yichun"]
INDIVIDUAL_SITES = ["shajiabang", "xishan", "huangshan", "hangzhou_fengshan"]
ALL_SITES = sorted(set(CITY_SITES) | set(DISTRICT_SITES))


class TestSanatoriumGroup2021:
    def test_group_stay_at_a_city_site_is_eligible_with_no_amount(self):
        decision = decide("sanatorium_group", 2021, GROUP)
        assert_eligible(decision, "0.00")
        assert decision.split == ()
        assert "amount.not_stated" in codes(decision, True)

    @pytest.mark.parametrize("site", ALL_SITES)
    def test_city_site_list(self, site):
        decision = decide("sanatorium_group", 2021, GROUP, site=site)
        assert decision.eligible is (site in CITY_SITES)
        if site not in CITY_SITES:
            assert_ineligible(decision, "site")

    @pytest.mark.parametrize("site", ALL_SITES)
    def test_district_site_list(self, site):
        decision = decide("sanatorium_group", 2021, GROUP, organiser="district", site=site)
        assert decision.eligible is (site in DISTRICT_SITES)

    @pytest.mark.parametrize("site", ALL_SITES)
    def test_individual_site_list(self, site):
        decision = decide("sanatorium_group", 2021, INDIVIDUAL, site=site)
        assert decision.eligible is (site in INDIVIDUAL_SITES)

    def test_site_tables_match_the_document(self):
        data = load_policy_data(2021)
        assert list(data.table("sanatorium_city_sites").keys()) == CITY_SITES
        assert list(data.table("sanatorium_district_sites").keys()) == DISTRICT_SITES
        assert list(data.table("sanatorium_individual_sites").keys()) == INDIVIDUAL_SITES

    def test_individual_holiday_needs_a_valid_member_card(self):
        assert_ineligible(
            decide("sanatorium_group", 2021, INDIVIDUAL, has_valid_member_card=False), "member_card.valid"
        )
        decision = decide("sanatorium_group", 2021, INDIVIDUAL, has_valid_member_card=None)
        assert decision.outcome is Outcome.INCOMPLETE

    def test_interpretation_not_repeated_unless_an_exception_is_approved(self):
        assert_ineligible(decide("sanatorium_group", 2021, GROUP, attended_before=True), "repeat")
        assert_ineligible(
            decide("sanatorium_group", 2021, GROUP, attended_before=True, exception_approved=False), "repeat"
        )
        decision = decide("sanatorium_group", 2021, GROUP, attended_before=True, exception_approved=True)
        assert_eligible(decision)
        assert "repeat.exception" in codes(decision, True)

    def test_no_paid_tourist_attractions(self):
        decision = decide("sanatorium_group", 2021, GROUP, itinerary_has_paid_attractions=True)
        assert_ineligible(decision, "itinerary.paid_attractions")
        reason = next(r for r in decision.reasons if r.code == "itinerary.paid_attractions")
        assert reason.clause.section.endswith("（三）休养内容")

    def test_interpretation_group_only_conditions_do_not_apply_to_individual_holidays(self):
        decision = decide(
            "sanatorium_group", 2021, INDIVIDUAL, attended_before=True, itinerary_has_paid_attractions=True
        )
        assert_eligible(decision)

    def test_interpretation_focus_groups_are_a_note(self):
        for focus in ("model_worker", "other", None):
            decision = decide("sanatorium_group", 2021, GROUP, focus_group=focus)
            assert_eligible(decision)
            assert "focus_group" in codes(decision, True)

    def test_interpretation_shared_site_codes_for_the_same_sanatoria(self):
        # 江苏扬州 / 浙江宁波 / 浙江金华 / 江西宜春 are on both lists under one code.
        for site in ("yangzhou", "ningbo", "jinhua", "yichun"):
            assert decide("sanatorium_group", 2021, GROUP, site=site).eligible
            assert decide("sanatorium_group", 2021, GROUP, organiser="district", site=site).eligible

    def test_missing_group_facts_are_incomplete(self):
        decision = decide("sanatorium_group", 2021, GROUP, organiser=None)
        assert decision.outcome is Outcome.INCOMPLETE
        decision = decide("sanatorium_group", 2021, GROUP, attended_before=None)
        assert decision.outcome is Outcome.INCOMPLETE

    def test_interpretation_no_2021_prices_and_no_2019_prices_reused(self):
        decision = decide("sanatorium_group", 2021, GROUP, site="xishan")
        assert decision.amount == D("0.00")
        reason = next(r for r in decision.reasons if r.code == "amount.not_stated")
        assert "未载明" in reason.message and reason.clause.document == "2021"


CHECKUP = dict(plan="A", checkup_date="2021-05-10")


class TestHealthCheckup2021:
    @pytest.mark.parametrize(
        "checkup_date, outcome",
        [
            ("2020-12-31", Outcome.NOT_YET_OPEN),
            ("2021-01-01", Outcome.ELIGIBLE),
            ("2021-02-28", Outcome.ELIGIBLE),
            ("2021-03-01", Outcome.INELIGIBLE),
        ],
    )
    @pytest.mark.parametrize("plan", ["D", "E", "F"])
    def test_d_e_f_only_in_january_and_february(self, plan, checkup_date, outcome):
        decision = decide("health_checkup", 2021, CHECKUP, plan=plan, checkup_date=checkup_date)
        assert decision.outcome is outcome
        assert decision.window.opens == date(2021, 1, 1) and decision.window.closes == date(2021, 2, 28)
        assert decision.date("window_opens") == date(2021, 1, 1)
        assert decision.date("window_closes") == date(2021, 2, 28)
        if outcome is Outcome.INELIGIBLE:
            assert "window.closed" in codes(decision)

    @pytest.mark.parametrize("plan", ["A", "B", "C", "L1", "L2", "L3", "L4", "L5", "L6"])
    @pytest.mark.parametrize("checkup_date", ["2021-01-01", "2021-03-01", "2021-12-31"])
    def test_other_plans_have_no_month_limit(self, plan, checkup_date):
        decision = decide("health_checkup", 2021, CHECKUP, plan=plan, checkup_date=checkup_date)
        assert_eligible(decision, str(load_policy_data(2019).table("sanatorium_checkup_plans_2019").get(plan)["price"]))
        assert decision.window is None
        assert dict(decision.details)["booking"] == "direct"

    @pytest.mark.parametrize("taken, ok", [(0, True), (5999, True), (6000, False), (6001, False)])
    def test_6000_district_places_for_d_e_f_first_come(self, taken, ok):
        decision = decide(
            "health_checkup", 2021, CHECKUP, plan="E", checkup_date="2021-02-01", district_places_taken=taken
        )
        assert decision.eligible is ok
        if ok:
            assert dict(decision.details)["district_places_left"] == str(6000 - taken)
        else:
            assert_ineligible(decision, "quota.full")
            assert any("名额已满" in r.message for r in decision.failed)

    def test_quota_is_a_param(self):
        assert load_policy_data(2021).value("sanatorium_checkup_def_district_places") == 6000

    def test_direct_booking_until_full(self):
        assert_ineligible(decide("health_checkup", 2021, CHECKUP, plan="L3", plan_full=True), "quota.full")
        assert_eligible(decide("health_checkup", 2021, CHECKUP, plan="L3", plan_full=False))

    def test_booking_route_in_details(self):
        direct = dict(decide("health_checkup", 2021, CHECKUP, plan="C").details)
        quota = dict(decide("health_checkup", 2021, CHECKUP, plan="D", checkup_date="2021-01-15").details)
        assert direct["booking"] == "direct" and "仅申请市总工会补贴" in direct["booking_label"]
        assert direct["site"] == "上海市工人疗养院"
        assert quota["booking"] == "district_quota" and quota["district_places"] == "6000"
        assert dict(decide("health_checkup", 2021, CHECKUP, plan="L1").details)["site"] == "市工疗流动体检车"

    # The union's reading (docs/rules.md, sanatorium_checkup_prices): 2021 prints no prices, the latest printed
    # (2019) ones apply, shown as 沿用2019年标准 with the 2019 clause.
    @pytest.mark.parametrize(
        "plan, checkup_date, price, city, sanatorium, personal",
        [
            ("A", "2021-05-10", "450.00", "150.00", "0.00", "300.00"),
            ("F", "2021-01-20", *(None,) * 4),  # every D/E/F row as printed in 2019
            ("L6", "2021-05-10", *(None,) * 4),
        ],
    )
    def test_interpretation_2021_prices_carry_over_the_2019_table(
        self, plan, checkup_date, price, city, sanatorium, personal
    ):
        row = load_policy_data(2019).table("sanatorium_checkup_plans_2019").get(plan)
        price = D(price) if price else row["price"]
        city = D(city) if city else row["city_subsidy"]
        sanatorium = D(sanatorium) if sanatorium else (row["sanatorium_subsidy"] or D("0"))
        personal = D(personal) if personal else row["personal"]
        decision = decide("health_checkup", 2021, CHECKUP, plan=plan, checkup_date=checkup_date)
        assert_eligible(decision, str(price))
        assert decision.share(Payer.CITY_UNION) == city
        assert decision.share(Payer.SANATORIUM) == sanatorium
        assert decision.share(Payer.PERSONAL) == personal
        amount = next(r for r in decision.reasons if r.code == "amount")
        assert "沿用2019年标准" in amount.message
        assert amount.clause.carried_from == 2019 and amount.clause.document == "2019"
        assert amount.clause.citation.startswith("沿用2019年标准：《2019年")
        assert dict(decision.details)["carried_from"] == "沿用2019年标准"

    def test_district_staff_can_change_a_carried_price_in_the_2021_tables(self):
        rule = registry.get("health_checkup", 2021)
        rows = rule.data.table("sanatorium_checkup_prices").to_json_rows()
        for row in rows:
            if row["plan"] == "A":
                row.update(price="480", personal="330")
        data = rule.data.with_overrides(tables={"sanatorium_checkup_prices": rows})
        decision = rule.evaluate(CHECKUP, data=data)
        assert_eligible(decision, "480.00")
        assert decision.share(Payer.PERSONAL) == D("330.00")
        assert registry.get("health_checkup", 2019).evaluate({"plan": "A", "persons": 1}).amount == D("450.00")

    def test_interpretation_focus_groups_are_a_note(self):
        decision = decide("health_checkup", 2021, CHECKUP)
        focus = next(r for r in decision.reasons if r.code == "focus_groups")
        assert focus.ok is True and focus.clause.section.endswith("（二）体检对象")

    def test_is_a_member_rule(self):
        assert registry.get("health_checkup", 2021).applicant == "member"


def test_2021_reasons_cite_the_2021_project():
    decisions = [
        decide("sanatorium_group", 2021, GROUP),
        decide("sanatorium_group", 2021, INDIVIDUAL),
        decide("health_checkup", 2021, CHECKUP, plan="D", checkup_date="2021-01-04"),
    ]
    for decision in decisions:
        for reason in decision.reasons:
            if reason.clause.carried_from == 2019:  # a number 2021 does not print: the 2019 clause, said so
                assert reason.clause.document == "2019" and "沿用2019年标准" in reason.clause.citation
                continue
            assert reason.clause.document == "2021"
            assert reason.clause.section.startswith("「职工疗休养、健康体检」"), reason
