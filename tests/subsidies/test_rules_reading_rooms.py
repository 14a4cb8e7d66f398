"""2019 §12: workers' reading rooms (demo points and self-built points), clause by clause."""

from decimal import Decimal

import pytest

from subsidies.rules.core import Outcome
from tests.subsidies.rules_helpers import assert_eligible, assert_ineligible, codes, decide

DEMO = dict(point_type="demo", books=2000, periodicals=10, audio_video=50)
SELF_BUILT = dict(point_type="self_built", books=1000, periodicals=5, audio_video=30)


@pytest.mark.parametrize(
    "base, fact, below, at, code",
    [
        (DEMO, "books", 1999, 2000, "standard.books"),  # “藏书量2000册” read as at least 2000
        (DEMO, "periodicals", 9, 10, "standard.periodicals"),  # “10种以上” includes 10
        (DEMO, "audio_video", 49, 50, "standard.audio_video"),  # “不少于50种” includes 50
        (SELF_BUILT, "books", 999, 1000, "standard.books"),
        (SELF_BUILT, "periodicals", 4, 5, "standard.periodicals"),
        (SELF_BUILT, "audio_video", 29, 30, "standard.audio_video"),
    ],
)
def test_standards_boundaries(base, fact, below, at, code):
    assert_ineligible(decide("reading_room", 2019, base, **{fact: below}), code)
    assert_eligible(decide("reading_room", 2019, base, **{fact: at}), "0.00")


def test_books_2000_is_a_minimum_interpretation():
    assert_eligible(decide("reading_room", 2019, DEMO, books=5000))
    assert_ineligible(decide("reading_room", 2019, DEMO, books=1999), "standard.books")


def test_self_built_stock_does_not_make_a_demo_point():
    decision = decide("reading_room", 2019, SELF_BUILT, point_type="demo")
    assert decision.outcome is Outcome.INELIGIBLE
    assert {"standard.books", "standard.periodicals", "standard.audio_video"} <= codes(decision)


@pytest.mark.parametrize("base, taken_ok, taken_full", [(DEMO, 9, 10), (SELF_BUILT, 19, 20)])
def test_2019_targets_are_quotas_10_demo_and_20_self_built(base, taken_ok, taken_full):
    assert_eligible(decide("reading_room", 2019, base, places_taken=taken_ok))
    decision = decide("reading_room", 2019, base, places_taken=taken_full)
    assert_ineligible(decision, "quota.full")
    assert "名额已满" in decision.failed[0].message


def test_quota_reported_without_places_taken():
    decision = decide("reading_room", 2019, DEMO)
    assert any(r.code == "quota" and "10" in r.message for r in decision.reasons)


@pytest.mark.parametrize("site_kind, frontline", [("other", False), ("community", False), (None, None)])
def test_focus_units_are_a_note_not_an_exclusion(site_kind, frontline):
    decision = decide("reading_room", 2019, SELF_BUILT, site_kind=site_kind, frontline_concentrated=frontline)
    assert_eligible(decision)
    assert "focus.other" in codes(decision, True)


def test_frontline_site_noted_as_focus():
    decision = decide("reading_room", 2019, SELF_BUILT, site_kind="key_project_site", frontline_concentrated=True)
    assert "focus.unit" in codes(decision, True)


def test_no_amount_in_the_document():
    decision = decide("reading_room", 2019, DEMO)
    assert decision.amount == Decimal("0.00") and decision.split == ()
    assert "amount.none" in codes(decision, True)


def test_demo_point_may_go_on_to_city_and_national_selection():
    assert "demo.promotion" in codes(decide("reading_room", 2019, DEMO), True)
    assert "demo.promotion" not in codes(decide("reading_room", 2019, SELF_BUILT), True)


def test_every_reason_cites_section_12_of_2019():
    decision = decide("reading_room", 2019, DEMO, places_taken=3)
    assert all(r.clause.document == "2019" and r.clause.section.startswith("§12 ") for r in decision.reasons)
