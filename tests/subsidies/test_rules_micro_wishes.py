"""2021 “助力困难职工实现‘微心愿’”项目, clause by clause."""

import pytest

from subsidies.rules import registry
from subsidies.rules.core import Outcome, Route
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

HARDSHIP = dict(is_district_member=True, is_hardship_member=True, in_service=True, channel="personal", category="item")
VULNERABLE = dict(
    is_district_member=True,
    is_hardship_member=False,
    is_special_vulnerable=True,
    channel="collective",
    category="service",
)


def test_certified_in_service_hardship_worker_publishes_personally():
    decision = decide("micro_wish", 2021, HARDSHIP)
    assert_eligible(decision, "0.00")
    assert decision.route is Route.APP
    assert "target.hardship" in codes(decision, True)


def test_special_vulnerable_group_worker_collective_upload():
    decision = decide("micro_wish", 2021, VULNERABLE)
    assert_eligible(decision, "0.00")
    assert decision.route is None
    assert "申工通" in dict(decision.details)["channel"]


def test_must_be_a_district_member():
    assert_ineligible(decide("micro_wish", 2021, HARDSHIP, is_district_member=False), "member.district")


def test_neither_hardship_nor_vulnerable_refused():
    decision = decide("micro_wish", 2021, HARDSHIP, is_hardship_member=False, is_special_vulnerable=False)
    assert_ineligible(decision, "target")


def test_interpretation_retired_hardship_worker_is_not_in_service():
    assert_ineligible(decide("micro_wish", 2021, HARDSHIP, in_service=False, is_special_vulnerable=False), "target")
    # ... unless certified as a special vulnerable group worker
    assert_eligible(decide("micro_wish", 2021, HARDSHIP, in_service=False, is_special_vulnerable=True))


def test_interpretation_both_groups_must_be_certified_by_a_union():
    labels = {f.name: f.label for f in registry.get("micro_wish", 2021).schema}
    assert labels["is_hardship_member"].startswith("经各级工会认定")
    assert labels["is_special_vulnerable"].startswith("经各级工会认定")


def test_an_uncertified_member_waits_for_the_street_to_certify():
    decision = decide("micro_wish", 2021, HARDSHIP, is_hardship_member=False)
    assert decision.outcome is Outcome.PENDING_REVIEW and [r.reviewer for r in decision.pending] == ["street"]


@pytest.mark.parametrize(
    "category, label", [("item", "实物类"), ("service", "服务类"), ("offline_activity", "线下活动类")]
)
def test_three_categories(category, label):
    decision = decide("micro_wish", 2021, HARDSHIP, category=category)
    assert_eligible(decision, "0.00")
    assert dict(decision.details)["category"] == label


def test_interpretation_amount_not_stated_is_zero():
    decision = decide("micro_wish", 2021, HARDSHIP)
    assert decision.amount == 0 and decision.split == ()
    assert "文件未载明金额" in next(r.message for r in decision.reasons if r.code == "category")


def test_interpretation_open_all_year_no_date_fact():
    rule = registry.get("micro_wish", 2021)
    assert not any(f.kind == "date" for f in rule.schema)
    note = next(r for r in decide("micro_wish", 2021, HARDSHIP).reasons if r.code == "channel.personal")
    assert "全年开放" in note.message


def test_interpretation_collective_wishes_still_need_the_target_group():
    assert_ineligible(decide("micro_wish", 2021, VULNERABLE, is_special_vulnerable=False), "target")


def test_every_reason_cites_the_2021_micro_wish_project():
    decision = decide("micro_wish", 2021, HARDSHIP)
    assert all(
        r.clause.document == "2021" and r.clause.section.startswith("「助力困难职工实现‘微心愿’」")
        for r in decision.reasons
    )


def test_not_a_2019_project():
    assert registry.years_of("micro_wish") == [2021]
