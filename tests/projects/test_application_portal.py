"""The member's page of one application: the benefit, the policy year, the session booked (what,
when, where, places), the amount and who pays it, the current step and who acts next, and the
timeline in Asia/Shanghai time."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from projects import labels
from projects.models import Application, ApplicationEvent
from projects.services.transitions import application_transition
from tests.projects.conftest import PASSWORD, submit_promotion
from tests.projects.test_portal import legal_aid

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def page_text(client, member, application) -> str:
    assert client.login(username=member.card_number, password=PASSWORD)
    response = client.get(reverse("projects:my_application", args=[application.reference]))
    assert response.status_code == 200
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_amount_with_split_names_each_payer():
    split = [
        {"payer": "district_union", "amount": "1000.00"},
        {"payer": "unit", "amount": "1000.00"},
    ]
    assert labels.amount_with_split(Decimal("2000"), split) == (
        "2,000.00 元，区总工会支付 1,000.00 元，基层单位支付 1,000.00 元"
    )
    assert labels.amount_with_split("1000.00", split[:1]) == "1,000.00 元，区总工会支付"
    assert labels.amount_with_split("0", []) == "0.00 元"


class TestReviewedApplication:
    def test_names_benefit_year_amount_payer_and_who_acts_next(self, client, member):
        application = submit_promotion(member)  # grassroots → district → city; 市总工会 pays
        text = page_text(client, member, application)
        assert "技能晋升职工奖励" in text
        assert "2019年度政策" in text
        assert "1,000.00 元，市总工会支付" in text
        assert "待基层工会初审" in text
        assert f"等待基层工会审核（{member.organisation.name}）" in text

    def test_two_payers_are_both_named(self, client, member):
        application = submit_promotion(member)
        decision = {
            **application.decision,
            "split": [
                {"payer": "district_union", "amount": "1000.00"},
                {"payer": "unit", "amount": "1000.00"},
            ],
        }
        Application.objects.filter(pk=application.pk).update(amount=Decimal("2000.00"), decision=decision)
        text = page_text(client, member, application)
        assert "2,000.00 元，区总工会支付 1,000.00 元，基层单位支付 1,000.00 元" in text

    def test_the_next_step_moves_with_the_review(self, client, member, staff):
        application = submit_promotion(member)
        with time_machine.travel("2019-03-21 09:00 +0800", tick=False):
            application_transition(user=staff["grassroots"], application=application, action="approve")
        text = page_text(client, member, application)
        assert "等待区总工会审核" in text

    def test_legal_aid_waits_for_the_districts_intake(self, client, member):
        text = page_text(client, member, legal_aid(member))
        assert "等待区总工会受理" in text

    def test_a_returned_application_says_what_to_do(self, client, member, staff):
        application = submit_promotion(member)
        application_transition(user=staff["grassroots"], application=application, action="return", comment="补证书")
        text = page_text(client, member, application)
        assert "请按审核意见修改后重新提交" in text and "补证书" in text


class TestTimeline:
    def test_times_are_shanghai_local(self, client, member):
        application = legal_aid(member)  # submitted 2019-06-01 09:00 Shanghai = 01:00 UTC
        ApplicationEvent.objects.filter(application=application).update(
            created_at=datetime(2019, 6, 1, 1, 0, tzinfo=ZoneInfo("UTC"))
        )
        text = page_text(client, member, application)
        assert "2019-06-01 09:00" in text
        assert "2019-06-01 01:00" not in text
        assert "提交申请" in text  # actions by their labels, never their codes
        assert "submit" not in text.split("进度", 1)[1]

    def test_the_first_entry_says_the_application_was_made_not_that_it_was_a_draft(self, client, member):
        progress = page_text(client, member, legal_aid(member)).split("进度", 1)[1]
        assert "创建申请" in progress and "创建申请：草稿" not in progress


class TestSession:
    def test_a_booking_names_its_session_time_place_and_places(self, client, tree, member, staff):
        from projects.services.offerings import offering_create
        from projects.services.submission import application_submit

        with time_machine.travel("2021-01-10 09:00 +0800", tick=False):
            offering = offering_create(
                user=staff["district"],
                rule_id="health_checkup",
                policy_year=2021,
                title="A计划2月场",
                starts_at=datetime(2021, 2, 20, 8, tzinfo=SHANGHAI),
                ends_at=datetime(2021, 2, 20, 11, 30, tzinfo=SHANGHAI),
                location="嘉定区中心医院体检中心",
                capacity=10,
                organiser=tree["district"],
                facts={"plan": "A", "checkup_date": "2021-02-20"},
            )
            application = application_submit(
                user=member.user,
                rule_id="health_checkup",
                policy_year=2021,
                member=member,
                facts={"plan": "A", "checkup_date": "2021-02-20"},
                offering=offering,
            )
            text = page_text(client, member, application)
        assert "预约的场次" in text
        assert "A计划2月场" in text
        assert "2021-02-20 08:00 — 2021-02-20 11:30" in text
        assert "嘉定区中心医院体检中心" in text
        assert "1 个名额" in text
        assert "2021年度政策" in text
