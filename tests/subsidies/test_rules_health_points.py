"""2021 “建立园区（楼宇、商圈）职工健康服务点”: the “四固三定” creation standard, clause by clause."""

from datetime import date, timedelta

import pytest

from subsidies.rules.core import Outcome
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

POINT = dict(
    in_cluster_area=True,
    built_on_existing_station=True,
    has_private_area=True,
    has_basic_equipment=True,
    plaque_displayed=True,
    service_notice_posted=True,
    cooperation_agreement_signed=True,
    gp_team_assigned=True,
    has_manager=True,
    offers_consultation_services=True,
    consultation_by_appointment=True,
    consultation_half_days_per_week=1,
    patrols_per_month=1,
    lectures_per_year=6,
)
EVENT = date(2021, 6, 15)


def test_a_point_meeting_the_standard_is_eligible_with_no_amount():
    decision = decide("health_service_point", 2021, POINT)
    assert_eligible(decision, "0.00")
    assert "amount.not_stated" in codes(decision, True)
    assert decision.dates == ()


@pytest.mark.parametrize(
    "fact, code",
    [
        ("in_cluster_area", "site.cluster_area"),
        ("built_on_existing_station", "site.existing_station"),
        ("has_private_area", "site.private_area"),
        ("has_basic_equipment", "site.equipment"),
        ("plaque_displayed", "site.plaque"),
        ("service_notice_posted", "site.service_notice"),
        ("cooperation_agreement_signed", "staff.agreement"),
        ("gp_team_assigned", "staff.gp_team"),
        ("has_manager", "staff.manager"),
        ("offers_consultation_services", "consultation.services"),
        ("consultation_by_appointment", "consultation.appointment"),
    ],
)
def test_each_fixed_site_staff_and_consultation_condition(fact, code):
    decision = decide("health_service_point", 2021, POINT, **{fact: False})
    assert_ineligible(decision, code)
    assert codes(decision) == {code}


@pytest.mark.parametrize("half_days, ok", [(0, False), (1, True), (2, True), (3, False)])
def test_consultations_one_to_two_half_days_a_week(half_days, ok):
    decision = decide("health_service_point", 2021, POINT, consultation_half_days_per_week=half_days)
    assert decision.eligible is ok
    if not ok:
        assert_ineligible(decision, "consultation.half_days")


def test_interpretation_more_than_two_half_days_only_with_approval_and_zero_never():
    decision = decide(
        "health_service_point", 2021, POINT, consultation_half_days_per_week=3, consultation_exception_approved=True
    )
    assert_eligible(decision)
    assert "consultation.half_days.exception" in codes(decision, True)
    assert_ineligible(
        decide(
            "health_service_point", 2021, POINT, consultation_half_days_per_week=0, consultation_exception_approved=True
        ),
        "consultation.half_days",
    )


@pytest.mark.parametrize("patrols, ok", [(0, False), (1, True), (2, True)])
def test_interpretation_a_half_day_patrol_at_least_once_a_month(patrols, ok):
    decision = decide("health_service_point", 2021, POINT, patrols_per_month=patrols)
    assert decision.eligible is ok
    if not ok:
        assert_ineligible(decision, "patrol.monthly")


@pytest.mark.parametrize("lectures, ok", [(5, False), (6, True), (7, True)])
def test_interpretation_six_lectures_a_year_at_least(lectures, ok):
    decision = decide("health_service_point", 2021, POINT, lectures_per_year=lectures)
    assert decision.eligible is ok
    if not ok:
        assert_ineligible(decision, "lecture.yearly")


def test_notice_range_for_an_event_is_14_to_7_days_before():
    decision = decide("health_service_point", 2021, POINT, event_kind="lecture", event_date=EVENT.isoformat())
    assert decision.date("notice_from") == date(2021, 6, 1)
    assert decision.date("notice_by") == date(2021, 6, 8)
    assert_eligible(decision)
    assert "notice.range" in codes(decision, True)


@pytest.mark.parametrize("days_ahead, ok", [(6, False), (7, True), (14, True), (15, False), (-1, False)])
@pytest.mark.parametrize("kind", ["patrol", "lecture"])
def test_interpretation_notice_posted_one_to_two_weeks_ahead_inclusive(kind, days_ahead, ok):
    posted = EVENT - timedelta(days=days_ahead)
    decision = decide(
        "health_service_point",
        2021,
        POINT,
        event_kind=kind,
        event_date=EVENT.isoformat(),
        notice_posted_on=posted.isoformat(),
    )
    assert decision.eligible is ok
    assert decision.date("notice_from") == EVENT - timedelta(days=14)
    assert decision.date("notice_by") == EVENT - timedelta(days=7)
    if not ok:
        assert_ineligible(decision, "notice.ahead")


def test_interpretation_manager_only_needs_to_exist():
    decision = decide("health_service_point", 2021, POINT)
    reason = next(r for r in decision.reasons if r.code == "staff.manager")
    assert reason.ok is True and "兼任" in reason.clause.quote


def test_interpretation_all_five_items_of_the_standard_are_checked():
    decision = decide("health_service_point", 2021, POINT)
    sections = {r.clause.section for r in decision.reasons}
    for item in ("（一）固定场所", "（二）固定人员", "（三）定期问诊", "（四）定期巡诊", "（五）定期讲座"):
        assert any(item in s for s in sections), item


def test_partial_profile_is_incomplete():
    from subsidies.rules import registry

    facts = {k: v for k, v in POINT.items() if k != "patrols_per_month"}
    decision = registry.get("health_service_point", 2021).evaluate(facts, partial=True)
    assert decision.outcome is Outcome.INCOMPLETE
    assert "patrol.monthly" in codes(decision, None)


def test_every_reason_cites_the_health_point_project():
    decision = decide("health_service_point", 2021, POINT, event_date=EVENT.isoformat(), notice_posted_on="2021-06-05")
    assert all(
        r.clause.document == "2021" and r.clause.section.startswith("「建立园区（楼宇、商圈）职工健康服务点」")
        for r in decision.reasons
    )
