"""2019 §9 “嘉缘会” and the 2021 singles project, clause by clause."""

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome, Route
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

# 40th birthday on 2019-06-01.
BASE = dict(
    is_shanghai_member=True,
    marital_status="single",
    birth_date="1979-06-01",
    application_date="2019-05-20",
    channel="wechat_event",
)
BASE_2021 = dict(BASE, application_date="2021-05-20", birth_date="1981-06-01", channel="union_event")
YEARS = [(2019, BASE), (2021, BASE_2021)]


@pytest.mark.parametrize("year, base", YEARS)
def test_eligible_single_member_is_free_of_charge_and_pays_nothing(year, base):
    decision = decide("singles_event", year, base)
    assert_eligible(decision, "0.00")
    assert decision.split == ()


class TestAge:
    """“40周岁以下”：以下含本数 — 40 may take part, 41 may not."""

    @pytest.mark.parametrize("year, base", YEARS)
    @pytest.mark.parametrize("age, ok", [(39, True), (40, True), (41, False)])
    def test_age_on_the_application_date(self, year, base, age, ok):
        birth_year = int(base["application_date"][:4]) - age
        decision = decide("singles_event", year, base, birth_date=f"{birth_year}-05-20")  # birthday = application day
        assert decision.eligible is ok
        if not ok:
            assert_ineligible(decision, "age.over_40")

    def test_the_day_before_the_41st_birthday_is_still_40(self):
        assert_eligible(decide("singles_event", 2019, BASE, birth_date="1978-05-21"))
        assert_ineligible(decide("singles_event", 2019, BASE, birth_date="1978-05-20"), "age.over_40")

    def test_age_is_taken_on_the_event_date_when_given(self):
        # 40 on the application date (2019-05-20), 41 on the event date (2019-06-01).
        late = dict(BASE, birth_date="1978-06-01")
        assert_eligible(decide("singles_event", 2019, late))
        decision = decide("singles_event", 2019, late, event_date="2019-06-01")
        assert_ineligible(decision, "age.over_40")
        assert dict(decision.details)["age_basis"] == "活动日期"
        assert "活动日为41周岁" in next(r.message for r in decision.failed)

    @pytest.mark.parametrize(
        "on, ok",
        [
            ("2020-02-29", True),  # leap year: 36th birthday, still far below
            ("2024-02-29", True),  # 40th birthday in a leap year: 40
            ("2025-02-27", True),  # 40
            ("2025-02-28", False),  # common year: the 41st year completes on 28 February (project convention)
            ("2025-03-01", False),  # 41
        ],
    )
    def test_interpretation_29_february_birthday(self, on, ok):
        decision = decide("singles_event", 2019, BASE, birth_date="1984-02-29", application_date=on)
        assert decision.eligible is ok
        if not ok:
            assert "报名日为41周岁" in next(r.message for r in decision.failed)

    @pytest.mark.parametrize(
        "birth, on, age",
        [
            ("1984-02-29", "2024-02-28", 39),
            ("1984-02-29", "2024-02-29", 40),
            ("1984-02-29", "2025-02-28", 41),
            ("1984-02-29", "2100-02-28", 116),  # 2100 is a common year
            ("1979-06-01", "2019-05-31", 39),
            ("1979-06-01", "2019-06-01", 40),
        ],
    )
    def test_local_age_helper(self, birth, on, age):
        from datetime import date

        from subsidies.rules.singles import age_on

        assert age_on(date.fromisoformat(birth), date.fromisoformat(on)) == age


class TestSingle:
    @pytest.mark.parametrize("status", ["single", "divorced", "widowed"])
    def test_single_divorced_and_widowed_count_as_single(self, status):
        assert_eligible(decide("singles_event", 2019, BASE, marital_status=status))

    @pytest.mark.parametrize("year, base", YEARS)
    def test_married_is_not_single(self, year, base):
        decision = decide("singles_event", year, base, marital_status="married")
        assert_ineligible(decision, "single")
        assert "已婚" in next(r.message for r in decision.failed)

    def test_unregistered_status_is_to_be_confirmed(self):
        decision = decide("singles_event", 2019, BASE, marital_status="unknown")
        assert decision.outcome is Outcome.INCOMPLETE
        assert "single" in codes(decision, None)


@pytest.mark.parametrize("year, base", YEARS)
def test_must_be_a_shanghai_union_member(year, base):
    assert_ineligible(decide("singles_event", year, base, is_shanghai_member=False), "member.shanghai")


class TestChannels2019:
    def test_online_platform_needs_the_member_card(self):
        online = dict(BASE, channel="online_platform")
        assert decide("singles_event", 2019, online).outcome is Outcome.INCOMPLETE
        assert_eligible(decide("singles_event", 2019, online, has_valid_member_card=True))
        assert_ineligible(decide("singles_event", 2019, online, has_valid_member_card=False), "card.valid")

    def test_shengongshe_needs_card_bound_to_shengongshe(self):
        app = dict(BASE, channel="shengongshe_event", has_valid_member_card=True, bound_to_shengongshe=True)
        decision = decide("singles_event", 2019, app)
        assert_eligible(decision)
        assert decision.route is Route.APP
        assert_ineligible(decide("singles_event", 2019, app, bound_to_shengongshe=False), "card.bound")
        assert_ineligible(decide("singles_event", 2019, app, has_valid_member_card=False), "card.valid")

    @pytest.mark.parametrize("channel", ["wechat_event", "union_event"])
    def test_interpretation_card_not_required_where_the_text_does_not_ask_for_it(self, channel):
        decision = decide("singles_event", 2019, BASE, channel=channel, has_valid_member_card=False)
        assert_eligible(decision)
        assert decision.route is None

    def test_full_event_is_refused(self):
        app = dict(BASE, channel="shengongshe_event", has_valid_member_card=True, bound_to_shengongshe=True)
        assert_ineligible(decide("singles_event", 2019, app, places_left=0), "places.full")
        assert_eligible(decide("singles_event", 2019, app, places_left=1))

    def test_wechat_channel_cites_page_23_clause(self):
        decision = decide("singles_event", 2019, BASE)
        reason = next(r for r in decision.reasons if r.code == "channel.wechat")
        assert reason.clause.section == "§9 参加方式（一）线上平台运用 2"


class TestChannels2021:
    def test_the_2021_text_has_no_wechat_channel(self):
        from subsidies.rules.facts import FactsError

        with pytest.raises(FactsError):
            decide("singles_event", 2021, BASE_2021, channel="wechat_event")

    def test_huiyuan_mini_program_needs_card_and_real_name_verification(self):
        online = dict(BASE_2021, channel="online_platform", has_valid_member_card=True)
        assert decide("singles_event", 2021, online).outcome is Outcome.INCOMPLETE
        assert_eligible(decide("singles_event", 2021, online, real_name_verified=True))
        assert_ineligible(decide("singles_event", 2021, online, real_name_verified=False), "real_name")
        assert_ineligible(
            decide("singles_event", 2021, online, real_name_verified=True, has_valid_member_card=False), "card.valid"
        )

    def test_shengongshe_route(self):
        app = dict(BASE_2021, channel="shengongshe_event", has_valid_member_card=True, bound_to_shengongshe=True)
        assert decide("singles_event", 2021, app).route is Route.APP


class TestInterpretation2021KeepsThe2019TargetGroup:
    def test_age_and_single_conditions_cite_the_2019_document(self):
        decision = decide("singles_event", 2021, BASE_2021)
        by_code = {r.code: r for r in decision.reasons}
        for code in ("age.over_40", "single", "member.shanghai"):
            assert by_code[code].clause.document == "2019"
            assert by_code[code].clause.section == "§9 服务对象"
        assert by_code["channel.union"].clause.document == "2021"

    def test_a_reason_says_the_2021_text_does_not_restate_the_target_group(self):
        decision = decide("singles_event", 2021, BASE_2021)
        note = next(r for r in decision.reasons if r.code == "scope.2019_criteria")
        assert "2021年文件未重述服务对象" in note.message and note.clause.document == "2021"
        rule = registry.get("singles_event", 2021)
        assert any("未重述" in text for text, _ in rule.interpretations)

    def test_max_age_param_is_40_in_both_years(self):
        for year in (2019, 2021):
            assert registry.get("singles_event", year).data.value("singles_max_age") == 40


def test_every_2019_reason_cites_section_9():
    decision = decide("singles_event", 2019, BASE, channel="online_platform", has_valid_member_card=True)
    assert all(r.clause.document == "2019" and r.clause.section.startswith("§9") for r in decision.reasons)
