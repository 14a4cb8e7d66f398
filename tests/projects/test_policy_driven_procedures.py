"""A number or chain district staff override drives both what members read and what the code does
(issue 10.4): the skill-award review chain routes from the policy data, the D/E/F first-come pool
comes from the plans table, summaries render from the current data."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import ApplicationStatus, QuotaPool
from projects.procedures import PROCEDURES, Applicant
from subsidies.rules.core import Decision, Outcome, Route
from subsidies.rules.data import load_policy_data
from subsidies.selectors import policy_data
from subsidies.services import policy_override_set
from tests.projects.conftest import without_proofs
from tests.projects.test_quotas import DEF_KEY, book_checkup
from tests.projects.test_workflow import submit_promotion


def override(staff, year, name, value, kind="param"):
    return policy_override_set(user=staff["district"], year=year, kind=kind, name=name, value=value, reason="测试")


class TestSkillAwardChain:
    def test_the_shipped_chain_routes_the_unit_route_and_the_app_route(self, member, in_first_skill_batch):
        with without_proofs("skill_promotion_award"):
            unit = submit_promotion(member)
        assert unit.review_chain == ["grassroots", "district", "city"]
        assert unit.decision["details"]["review_chain"] == "grassroots→district→city"
        app = Decision(rule_id="skill_promotion_award", policy_year=2019, outcome=Outcome.ELIGIBLE, route=Route.APP)
        assert PROCEDURES["skill_promotion_award"].review_chain(app, load_policy_data(2019)) == ("city",)

    def test_an_override_changes_the_message_and_the_routing_alike(self, member, staff, in_first_skill_batch):
        override(staff, 2019, "skill_award_review_chain", ["district", "city"])
        with without_proofs("skill_promotion_award"):
            application = submit_promotion(member)
        assert application.review_chain == ["district", "city"]
        assert application.status == ApplicationStatus.DISTRICT_REVIEW
        assert application.decision["details"]["review_chain"] == "district→city"
        notes = [r["message"] for r in application.decision["reasons"] if r["code"] == "route.unit"]
        assert notes == ["单位申报：区总工会初审、市总工会终审"]

    def test_the_apply_page_reads_the_overridden_chain(self, client, member, staff, in_first_skill_batch):
        override(staff, 2019, "skill_award_review_chain", ["district", "city"])
        client.force_login(member.user)
        page = client.get(reverse("projects:apply", args=["skill_promotion_award", 2019])).content.decode()
        assert "单位申报区总工会初审、市总工会终审" in page

    def test_a_chain_with_an_unknown_level_is_refused(self, staff):
        with pytest.raises(ValidationError, match="审核层级"):
            override(staff, 2019, "skill_award_review_chain", ["grassroots", "ministry"])


class TestFirstComeCheckups:
    def test_the_def_pool_follows_the_plans_table(self, tree, member, staff):
        with time_machine.travel("2021-01-10 09:00 +0800", tick=False):
            book_checkup(member)
        pool = QuotaPool.objects.get(key=DEF_KEY)
        assert (pool.label, pool.capacity, pool.first_come) == ("D、E、F体检计划全区名额", 6000, True)

    def test_a_plan_moved_to_direct_booking_takes_no_district_place(self, staff, tree):
        rows = load_policy_data(2021).table("sanatorium_checkup_plans_2021").to_json_rows()
        for row in rows:
            if row["plan"] == "D":
                row["booking"] = "direct"
        override(staff, 2021, "sanatorium_checkup_plans_2021", rows, kind="table")
        quotas = PROCEDURES["health_checkup"].quotas
        data = policy_data(2021)
        assert quotas(Applicant(1, None, 2021), {"plan": "D"}, data) == []
        (spec,) = quotas(Applicant(1, None, 2021), {"plan": "E"}, data)
        assert (spec.key, spec.label) == ("health_checkup:2021:EF", "E、F体检计划全区名额")

    def test_2019_has_no_district_pool(self):
        assert PROCEDURES["health_checkup"].quotas(Applicant(1, None, 2019), {"plan": "D"}) == []


class TestSummaries:
    def test_a_summary_reads_the_overridden_amount(self, client, staff, tree):
        override(staff, 2019, "patent_award_amount", "2500")
        page = client.get(reverse("projects:project", args=["skill_awards"])).content.decode()
        assert "一次性奖励2500元" in page

    def test_a_catalogue_summary_reads_the_overridden_quota(self, client, staff, tree):
        override(staff, 2021, "legal_checkup_enterprises", 35)
        assert "全区35家企业" in client.get(reverse("home")).content.decode()

    def test_an_override_the_summary_cannot_render_is_refused(self, staff):
        rows = [r for r in load_policy_data(2019).table("skill_promotion_amounts").to_json_rows()]
        with pytest.raises(ValidationError, match="说明无法用本年度政策数据生成"):
            override(staff, 2019, "skill_promotion_amounts", rows[:1], kind="table")


def test_page_texts_quote_the_current_data(staff):
    from django.template import Context, Template

    text = '{% load portal %}{% policy_value "flexible_worker_care" "flexible_care_full_dues" %}|{% policy_value 2021 "flexible_care_checkup_due" "md" %}'
    assert Template(text).render(Context()) == "120|9月30日"
    override(staff, 2021, "flexible_care_full_dues", "150")
    assert Template(text).render(Context()) == "150|9月30日"
