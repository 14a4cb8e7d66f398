"""我可以申请的, card by card: each says in one line why it is where it is and in one line what the
member does next; unit-only projects are 由单位申请 cards (never a link to a refusal); projects for
flexible workers are never offered to an employee; no empty "待确认：" line anywhere."""

import re

import pytest
import time_machine
from django.urls import reverse

from projects.selectors import EntitlementState, entitlements, reason_says_something, unit_entitlements
from tests.projects.conftest import PASSWORD, _member

pytestmark = pytest.mark.django_db
DAY = "2019-06-01 09:00 +0800"
UNIT_RULES = ("caravan_visit", "counselling_lecture", "mommy_room_grant", "reading_room", "worker_school_grant")


def page(client, member) -> str:
    assert client.login(username=member.card_number, password=PASSWORD)
    with time_machine.travel(DAY, tick=False):
        return client.get(reverse("projects:my_entitlements")).content.decode()


def cards(html: str) -> dict[str, str]:
    return {
        m.group(1): html[m.start() : html.index("</li>", m.start())]
        for m in re.finditer(r'<li class="card[^"]*" id="entitlement-([\w]+)"', html)
    }


def visible(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


class TestByUnit:
    def test_unit_only_projects_are_cards_saying_what_to_tell_the_unit(self, client, member):
        found = cards(page(client, member))
        for rule_id in UNIT_RULES:
            card = found[rule_id]
            assert "by-unit" in found[rule_id] or "由单位" in card
            text = visible(card)
            assert "个人不能直接申请" in text
            assert f"请告诉所在单位工会（{member.organisation.name}）" in text
            assert reverse("projects:apply", args=[rule_id, 2019]) not in card
        assert "由单位申请" in page(client, member)

    def test_no_link_on_a_unit_card_leads_to_a_refusal(self, client, member):
        html = page(client, member)
        links = {href for rule_id in UNIT_RULES for href in re.findall(r'href="([^"]+)"', cards(html)[rule_id])}
        assert links
        with time_machine.travel(DAY, tick=False):
            for href in links:
                assert client.get(href).status_code == 200, href

    def test_unit_cards_come_after_the_members_own(self, client, member):
        html = page(client, member)
        order = list(cards(html))
        assert order.index("legal_aid") < min(order.index(r) for r in UNIT_RULES)

    def test_the_unit_rows_read_nothing_per_rule(self, member, django_assert_num_queries):
        with time_machine.travel(DAY, tick=False), django_assert_num_queries(0):
            rows = unit_entitlements(member, __import__("datetime").date(2019, 6, 1))
        assert {r.rule.rule_id for r in rows} >= set(UNIT_RULES)
        assert all(r.group == EntitlementState.BY_UNIT and not r.may_apply for r in rows)


class TestEmployment:
    FLEXIBLE = ("flexible_worker_coverage", "flexible_worker_benefit")

    def test_flexible_worker_rules_are_never_offered_to_an_employee(self, client, member):
        with time_machine.travel(DAY, tick=False):
            rows = {e.rule.rule_id: e for e in entitlements(member, __import__("datetime").date(2019, 6, 1))}
        found = cards(page(client, member))
        for rule_id in self.FLEXIBLE:
            assert not rows[rule_id].may_apply
            assert rows[rule_id].group == EntitlementState.NOT_ELIGIBLE
            text = visible(found[rule_id])
            assert "仅限灵活就业会员申请，您的会员档案登记为“在职职工”" in text
            assert "如会员档案有误，请联系所在工会" in text
            assert reverse("projects:apply", args=[rule_id, 2019]) not in found[rule_id]

    def test_a_flexible_worker_is_told_about_them_by_the_rules_not_by_the_type(self, client, tree):
        worker = _member(
            tree["unit"],
            employment_type="flexible_worker",
            flexible_industry="express_logistics",
            has_city_medical_insurance=False,
        )
        text = visible(cards(page(client, worker))["flexible_worker_coverage"])
        assert "仅限灵活就业会员" not in text


class TestOneLineEach:
    def test_every_card_has_one_why_and_one_next_line(self, client, member):
        for rule_id, card in cards(page(client, member)).items():
            whys = re.findall(r'<p class="reason why">(.*?)</p>', card, re.S)
            nexts = re.findall(r'<p class="next">(.*?)</p>', card, re.S)
            assert len(whys) == 1 and visible(whys[0]), rule_id
            assert len(nexts) == 1 and visible(nexts[0]), rule_id

    def test_no_empty_to_be_confirmed_line_anywhere(self, client, member):
        text = visible(page(client, member))
        assert not re.search(r"待确认：\s*(?=[^\w\u4e00-\u9fff“（]|$)", text)

    @pytest.mark.parametrize(
        ("message", "shown"), [("待确认：", False), ("待确认： ", False), ("", False), ("待确认：在职职工", True)]
    )
    def test_a_reason_without_words_is_not_shown(self, message, shown):
        assert reason_says_something(message) is shown

    def test_window_lines_say_what_to_do(self, client, member):
        found = cards(page(client, member))  # 6/1: the second skill-award batch opens 8/15
        text = visible(found["patent_award"])
        assert "8月15日起受理" in text and "受理开始后再来申请" in text

    def test_an_eligible_card_says_what_to_upload(self, client, member):
        with time_machine.travel("2019-03-20 10:00 +0800", tick=False):
            assert client.login(username=member.card_number, password=PASSWORD)
            found = cards(client.get(reverse("projects:my_entitlements")).content.decode())
        assert "需上传：医疗证明" in visible(found["district_condolence_payment"])
        assert "点“申请”" in visible(found["legal_aid"])
