"""Offerings: places per offering, one booking per member per offering, fixed facts."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from projects.models import QuotaPool
from projects.services.errors import ApplicationError, QuotaFull
from projects.services.offerings import OFFERING_NOT_OPEN, OFFERING_REQUIRED, offering_create
from projects.services.submission import application_submit
from projects.services.transitions import application_transition
from tests.projects.conftest import _member

SHANGHAI = ZoneInfo("Asia/Shanghai")
SINGLE = {
    "is_shanghai_member": True,
    "marital_status": "single",
    "channel": "shengongshe_event",
    "bound_to_shengongshe": True,
}


@pytest.fixture
def event(tree, staff):
    with time_machine.travel("2021-04-01 09:00 +0800", tick=False):
        yield offering_create(
            user=staff["district"],
            rule_id="singles_event",
            policy_year=2021,
            title="嘉缘会·春日交友",
            starts_at=datetime(2021, 5, 1, 14, tzinfo=SHANGHAI),
            capacity=2,
            organiser=tree["district"],
            location="嘉定区工人文化宫",
            facts={"event_date": "2021-05-01"},
        )


def book(member, event):
    return application_submit(
        user=member.user, rule_id="singles_event", policy_year=2021, facts=SINGLE, member=member, offering=event
    )


def test_the_offering_fixes_its_facts_and_takes_a_place(member, event):
    application = book(member, event)
    assert application.status == "approved"  # a booking: no review chain
    assert application.facts["event_date"] == "2021-05-01"
    assert QuotaPool.objects.get(pk=event.quota_id).taken == 1


def test_one_booking_per_member_per_offering(member, event):
    book(member, event)
    with pytest.raises(ApplicationError, match="不能重复申请"):
        book(member, event)


def test_full_offering_refuses_and_a_cancellation_frees_a_place(tree, event):
    first, second, third = (_member(tree["unit"], marital_status="single") for _ in range(3))
    booked = book(first, event)
    book(second, event)
    with pytest.raises(QuotaFull, match="名额已满（共2个）"):
        book(third, event)
    application_transition(user=first.user, application=booked, action="cancel")
    assert book(third, event).status == "approved"


def test_a_offering_is_required_and_must_not_have_started(member, event):
    with pytest.raises(ApplicationError, match=OFFERING_REQUIRED):
        application_submit(user=member.user, rule_id="singles_event", policy_year=2021, facts=SINGLE, member=member)
    with time_machine.travel("2021-05-01 14:00 +0800", tick=False):
        with pytest.raises(ApplicationError, match=OFFERING_NOT_OPEN):
            book(member, event)


def test_only_district_or_street_staff_publish_offerings(tree, staff):
    with pytest.raises(ApplicationError):
        offering_create(
            user=staff["grassroots"],
            rule_id="singles_event",
            policy_year=2021,
            title="x",
            starts_at=datetime(2021, 5, 1, 14, tzinfo=SHANGHAI),
            capacity=5,
            organiser=tree["unit"],
        )


def test_the_project_page_lists_open_offerings_with_places_left(client, member, event):
    book(member, event)
    html = client.get("/projects/singles/").content.decode()
    assert "嘉缘会·春日交友" in html and "<td>1</td>" in html
    assert member.name not in html  # nobody's booking is shown
