"""Issue 11: where each fact comes from — the record, the applicant, or a reviewer.

A record fact is never taken from what the applicant typed (form or API); a reviewer fact is
pending until the reviewer at its level supplies it on the review page, and the frozen
decision records who supplied what."""

import pytest
import time_machine
from django.urls import reverse

from projects.legal import services as legal_services
from projects.models import Application, ApplicationStatus
from projects.services.errors import ApplicationError, TransitionNotAllowed
from projects.services.submission import RECORD_MISSING, application_submit
from projects.services.transitions import application_transition
from subsidies.rules import registry
from tests.projects.conftest import without_proofs

S = ApplicationStatus


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: f"{r.rule_id}-{r.policy_year}")
def test_no_record_or_reviewer_fact_survives_from_the_applicants_input(rule):
    typed = {f.name: "从表单伪造" for f in rule.schema}
    kept = rule.schema.typed_by_applicant(typed)
    assert {rule.schema[n].source for n in kept} <= {"applicant"}
    assert set(kept) == {f.name for f in rule.schema.of_source("applicant")}


def test_every_reviewer_fact_names_a_level_of_its_rules_chain():
    from projects.procedures import PROCEDURES

    for rule in registry.all_rules():
        for fact in rule.schema.of_source("reviewer"):
            chain = PROCEDURES[rule.rule_id].chain
            levels = {lv for lv in (chain if not callable(chain) else ("grassroots", "district", "city"))}
            assert fact.reviewer in levels, (rule.rule_id, fact.name)


def test_an_employee_cannot_claim_flexible_worker_benefits_with_typed_coverage_dates(client, member):
    """The member reported: 10,000 元 claimed with coverage dates he typed himself."""
    client.force_login(member.user)
    with without_proofs("flexible_worker_benefit"), time_machine.travel("2019-12-01 10:00 +0800", tick=False):
        response = client.post(
            reverse("projects:apply", args=["flexible_worker_benefit", 2019]),
            {
                "benefit": "special_serious_illness",
                "event_date": "2019-11-01",
                "coverage_start": "2019-01-01",
                "coverage_end": "2019-12-31",
            },
        )
    assert response.status_code == 200 and not Application.objects.exists()
    text = response.content.decode()
    assert RECORD_MISSING.split("{")[0] in text and "起保日" in text


def test_a_member_without_basic_coverage_is_not_accepted_for_a_coverage_benefit(member):
    with without_proofs("member_coverage_benefit"), time_machine.travel("2021-06-01 10:00 +0800", tick=False):
        with pytest.raises(ApplicationError) as refused:
            application_submit(
                user=member.user,
                rule_id="member_coverage_benefit",
                policy_year=2021,
                member=member,
                facts={
                    "event": "critical_illness",
                    "event_date": "2021-05-01",
                    "plan_class": "B",
                    "coverage_start": "2021-01-01",
                    "coverage_end": "2021-12-31",
                    "enrolment": "unit",
                    "illness_in_plan": "true",
                },
            )
    assert "保障期起始日" in refused.value.message
    assert not Application.objects.exists()


@pytest.fixture
def february_2021():
    with time_machine.travel("2021-02-01 09:00 +0800", tick=False):
        yield


def test_reviewer_supplied_fact_end_to_end(client, tree, staff, february_2021):
    """A unit applies for the legal check-up; whether it is on the street's list is the street
    reviewer's fact: pending, then supplied on the review page with a preview, then frozen."""
    legal_services.legal_checkup_allocate(user=staff["district"], street=tree["street"], policy_year=2021, places=2)
    application = application_submit(
        user=staff["grassroots"],
        rule_id="legal_checkup",
        policy_year=2021,
        facts={"on_street_list": "true"},
        organisation=tree["unit"],
    )
    assert application.facts["on_street_list"] is None and application.decision["outcome"] == "pending_review"
    with pytest.raises(TransitionNotAllowed, match="请先填写"):
        application_transition(user=staff["street"], application=application, action="approve")

    client.force_login(staff["street"])
    page = client.get(reverse("admin:projects_application_change", args=[application.pk])).content.decode()
    assert "待本级填写的审核事实" in page and "已列入街镇总工会确定的“法律体检”企业名单" in page
    url = reverse("admin:projects_application_review_facts", args=[application.pk])
    preview = client.post(url, {"on_street_list": "true", "preview": "1"})
    assert preview.status_code == 200 and "确认保存" in preview.content.decode()
    assert Application.objects.get(pk=application.pk).facts["on_street_list"] is None  # a preview saves nothing
    client.post(url, {"on_street_list": "true", "confirm": "1", "comment": "已列入第一批名单"})

    application.refresh_from_db()
    assert application.facts["on_street_list"] is True and application.decision["outcome"] == "eligible"
    source = application.fact_sources["on_street_list"]
    assert (source["source"], source["level"], source["by"]) == ("reviewer", "street", staff["street"].pk)
    assert application.fact_sources["employee_count"] == {"source": "record"}
    event = application.events.get(action="supply_facts")
    assert event.actor == staff["street"] and event.data["facts"] == {"on_street_list": True}
    application_transition(user=staff["street"], application=application, action="approve")
    assert Application.objects.get(pk=application.pk).status == S.DISTRICT_REVIEW


def test_another_level_cannot_supply_the_street_fact(tree, staff, february_2021):
    from projects.services.review_facts import application_supply_facts

    legal_services.legal_checkup_allocate(user=staff["district"], street=tree["street"], policy_year=2021, places=2)
    application = application_submit(
        user=staff["grassroots"], rule_id="legal_checkup", policy_year=2021, facts={}, organisation=tree["unit"]
    )
    for who in ("district", "other_street", "grassroots"):
        with pytest.raises(ApplicationError):
            application_supply_facts(user=staff[who], application=application, facts={"on_street_list": "true"})
    assert Application.objects.get(pk=application.pk).facts["on_street_list"] is None
