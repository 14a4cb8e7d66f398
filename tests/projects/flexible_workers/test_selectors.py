"""Check-ups still owed: due 30 September, or 31 December with the exceptional reason; scoped."""

from datetime import date

import pytest
import time_machine

from projects.flexible_workers import services
from projects.flexible_workers.selectors import checkups_not_delivered, deliveries_visible_to

from .conftest import care_application, flexible_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed(tree, staff):
    plain = care_application(flexible_member(tree["street"]), reviewer=staff["street"])
    late = care_application(
        flexible_member(tree["street"]),
        reviewer=staff["street"],
        exceptional_delay_reason="夏季为快递旺季，体检安排在11月",
    )
    far = care_application(flexible_member(tree["other_street"]), reviewer=staff["other_street"])
    unpaid = care_application(flexible_member(tree["street"], paid_in_one_go=False), reviewer=staff["street"])
    pending = care_application(flexible_member(tree["street"]))
    return {"plain": plain, "late": late, "far": far, "unpaid": unpaid, "pending": pending}


def refs(rows):
    return [a.reference for a in rows]


def test_due_dates_follow_the_exceptional_reason(owed, staff):
    rows = {a.reference: a.checkup_due for a in checkups_not_delivered(user=staff["district"], policy_year=2021)}
    assert rows == {
        owed["plain"].reference: date(2021, 9, 30),
        owed["late"].reference: date(2021, 12, 31),
        owed["far"].reference: date(2021, 9, 30),
    }


def test_due_by_includes_what_is_due_then_and_before(owed, staff):
    assert set(refs(checkups_not_delivered(user=staff["district"], policy_year=2021, due_by=date(2021, 10, 1)))) == {
        owed["plain"].reference,
        owed["far"].reference,
    }
    assert len(checkups_not_delivered(user=staff["district"], policy_year=2021, due_by=date(2021, 9, 29))) == 0
    assert len(checkups_not_delivered(user=staff["district"], policy_year=2021, due_by=date(2021, 12, 31))) == 3


def test_a_recorded_checkup_leaves_the_list_other_deliveries_do_not(owed, staff):
    with time_machine.travel("2021-08-01 10:00 +0800", tick=False):
        services.five_services_record(
            user=staff["street"], application=owed["plain"], kind="checkup", delivered_on=date(2021, 7, 30)
        )
        services.five_services_record(
            user=staff["street"],
            application=owed["late"],
            kind="cooling_gift",
            delivered_on=date(2021, 7, 30),
            gift_form="goods",
        )
    assert refs(checkups_not_delivered(user=staff["street"], policy_year=2021)) == [owed["late"].reference]


def test_scoped(owed, staff):
    assert refs(checkups_not_delivered(user=staff["other_street"], policy_year=2021)) == [owed["far"].reference]
    assert refs(checkups_not_delivered(user=staff["grassroots"], policy_year=2021)) == []
    with time_machine.travel("2021-08-01 10:00 +0800", tick=False):
        services.five_services_record(
            user=staff["street"], application=owed["plain"], kind="checkup", delivered_on=date(2021, 7, 30)
        )
    assert deliveries_visible_to(staff["street"]).count() == 1
    assert deliveries_visible_to(staff["other_street"]).count() == 0
    assert deliveries_visible_to(staff["district"]).count() == 1
