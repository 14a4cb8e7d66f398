"""Finding 9.5: every number a person types is bounded; an amount above a booking's ceiling is
never approved on submission; nothing overflows into a 500."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from projects.models import Application
from subsidies.rules import registry
from subsidies.rules.facts import Fact, FactsError

RESORT = {"resort": "shajiabang", "room_type": "landscape", "check_in_date": "2019-06-01"}


@pytest.fixture
def card_member(member):
    from datetime import date

    member.card_issued_on = date(2018, 1, 1)
    member.save(update_fields=["card_issued_on"])
    return member


def _apply(client, member, **facts):
    client.force_login(member.user)
    with time_machine.travel("2019-05-20 10:00 +0800", tick=False):
        return client.post(reverse("projects:apply", args=["resort_room_subsidy", 2019]), {**RESORT, **facts})


@pytest.mark.parametrize("nights, rooms", [("999", "999"), ("99999", "99999"), ("1E+40", "1")])
def test_implausible_counts_are_refused_at_the_field_and_nothing_is_saved(client, card_member, nights, rooms):
    response = _apply(client, card_member, nights=nights, rooms=rooms)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "nights" in errors and ("不能大于" in errors["nights"][0] or "整数" in errors["nights"][0])
    assert not Application.objects.exists()


def test_an_amount_above_the_bookings_ceiling_waits_for_the_district(client, card_member):
    _apply(client, card_member, nights="31", rooms="50")
    application = Application.objects.get()
    assert application.status == "district_review" and application.review_chain == ["district"]


def test_a_small_booking_is_still_approved_on_submission(client, card_member):
    _apply(client, card_member, nights="2", rooms="1")
    assert Application.objects.get().status == "approved"


@pytest.mark.parametrize("raw", [1e40, "1E+40", 1e-21, "0.000000000000000000001", "12.345"])
def test_decimal_facts_refuse_exponents_and_more_than_two_places(raw):
    fact = Fact("income", "decimal", "收入", minimum=Decimal("0"), maximum=Decimal("1000000"))
    with pytest.raises(ValueError):
        fact.coerce(raw)


def test_every_numeric_fact_of_every_rule_has_bounds():
    for rule in registry.all_rules():
        for fact in rule.schema:
            if fact.kind in ("int", "decimal"):
                assert fact.minimum is not None and fact.maximum is not None, (rule.rule_id, fact.name)


def test_a_numeric_fact_without_bounds_cannot_be_declared():
    with pytest.raises(ValueError, match="minimum and a maximum"):
        Fact("nights", "int", "晚数", minimum=1)


def test_json_numbers_through_the_schema_are_bounded_too():
    rule = registry.get("resort_room_subsidy", 2019)
    with pytest.raises(FactsError) as refused:
        rule.schema.parse({**RESORT, "has_valid_member_card": True, "nights": 1e40, "rooms": 1})
    assert "nights" in refused.value.errors
