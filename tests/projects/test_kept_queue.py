"""The review queue kept whole for a repeat view (jiading_union.kept_lists, issue 12): whatever the
page shows changes on the next request, and a kept page is never another reviewer's."""

import re

import pytest
import time_machine
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from members.models import Member, StaffRole
from projects.services.transitions import application_transition
from tests.factories import StaffUserFactory
from tests.projects.conftest import _member, submit_promotion

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:projects_application_changelist") + "?queue=mine"
LATER = "2019-03-25 10:00 +0800"


def queue(client, when=LATER) -> str:
    with time_machine.travel(when, tick=False):
        response = client.get(QUEUE)
    assert response.status_code == 200
    return response.content.decode()


def csrf_tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.fixture
def reviewer(client, staff):
    client.force_login(staff["grassroots"])
    return client


def test_a_new_application_shows_at_once(reviewer, tree):
    first = submit_promotion(_member(tree["unit"]))
    before = queue(reviewer)
    assert without_tokens(queue(reviewer)) == without_tokens(before)  # kept
    second = submit_promotion(_member(tree["unit"]))
    after = queue(reviewer)
    assert first.reference in before and second.reference not in before and second.reference in after


def test_a_decision_takes_the_row_off_at_once(reviewer, tree, staff):
    application = submit_promotion(_member(tree["unit"]))
    assert application.reference in queue(reviewer)
    with time_machine.travel(LATER, tick=False):
        application_transition(user=staff["grassroots"], application=application, action="approve")
    assert application.reference not in queue(reviewer)


def test_a_renamed_applicant_shows_at_once(reviewer, tree):
    member = _member(tree["unit"])
    submit_promotion(member)
    assert member.name in queue(reviewer)
    Member.objects.filter(pk=member.pk).update(name="更名后的会员")
    html = queue(reviewer)
    assert "更名后的会员" in html and member.name not in html


def test_one_more_day_of_waiting_shows_at_the_minute_it_is_reached(reviewer, tree):
    submit_promotion(_member(tree["unit"]))  # waiting since 2019-03-20 09:00
    assert "1 天" in queue(reviewer, "2019-03-22 08:59 +0800")
    assert "2 天" in queue(reviewer, "2019-03-22 09:01 +0800")


def test_another_reviewer_of_the_same_unit_never_gets_the_first_ones_page(tree):
    submit_promotion(_member(tree["unit"]))
    pages = []
    for username in ("甲审核员", "乙审核员"):
        client = Client()
        client.force_login(StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=tree["unit"], username=username))
        pages.append(queue(client))
    assert "甲审核员" in pages[0] and "乙审核员" not in pages[0] and "乙审核员" in pages[1]


def test_a_kept_page_carries_this_requests_csrf_token_and_it_works(tree, staff):
    submit_promotion(_member(tree["unit"]))
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (first, second):
        client.force_login(staff["grassroots"])
    one, two = queue(first), queue(second)  # the second is the first's page, kept
    assert csrf_tokens(one) and csrf_tokens(one)[0] != csrf_tokens(two)[0] and "\x00" not in one + two
    assert second.post(reverse("admin:logout"), {"csrfmiddlewaretoken": csrf_tokens(two)[0]}).status_code in (200, 302)
    assert second.get(QUEUE).status_code == 302  # signed out: the token was this browser's own


def test_a_message_shows_on_the_kept_queue_once(reviewer, tree):
    submit_promotion(_member(tree["unit"]))
    kept = queue(reviewer)
    reviewer.cookies[CookieStorage.cookie_name] = CookieStorage(HttpRequest())._encode(
        [Message(constants.SUCCESS, "已批量审核通过 3 份申请")]
    )
    shown, after = queue(reviewer), queue(reviewer)
    assert "已批量审核通过 3 份申请" in shown and "已批量审核通过 3 份申请" not in kept + after
