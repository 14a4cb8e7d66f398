"""Places are never overbooked: conditional UPDATE, released on withdrawal or rejection."""

import pytest
import time_machine

from members import services as member_services
from projects.models import Application, ApplicationStatus, QuotaClaim, QuotaPool
from projects.procedures import PROCEDURES, Applicant
from projects.services.errors import QuotaFull, TransitionNotAllowed
from projects.services.submission import application_submit
from projects.services.transitions import application_transition
from subsidies.rules import registry
from subsidies.rules.data import load_policy_data
from tests.factories import MemberFactory
from tests.race import run_concurrently

DEF_KEY = "health_checkup:2021:DEF"


def book_checkup(member, plan="D"):
    return application_submit(
        user=member.user,
        rule_id="health_checkup",
        policy_year=2021,
        facts={"plan": plan, "checkup_date": "2021-02-20"},
        member=member,
    )


def members_with_logins(unit, count):
    members = []
    for _ in range(count):
        member = MemberFactory(organisation=unit)
        member_services.member_account_create(member=member, password="Kq7#vLm2-zX")
        members.append(member)
    return members


@pytest.fixture
def january_2021():
    with time_machine.travel("2021-01-10 09:00 +0800", tick=False):
        yield


def test_the_def_pool_takes_its_size_from_the_policy_data(tree, member, january_2021):
    book_checkup(member)
    pool = QuotaPool.objects.get(key=DEF_KEY)
    assert pool.capacity == load_policy_data(2021).value("sanatorium_checkup_def_district_places") == 6000
    assert pool.taken == 1


def test_plans_outside_def_take_no_district_place(tree, member, january_2021):
    book_checkup(member, plan="A")
    assert not QuotaPool.objects.exists()


def test_full_pool_refuses_with_a_clear_message_and_saves_nothing(tree, member, january_2021):
    QuotaPool.objects.create(
        key=DEF_KEY, project="sanatorium", policy_year=2021, label="D、E、F体检计划全区名额", capacity=6000, taken=6000
    )
    with pytest.raises(QuotaFull, match="名额已满（共6000个）"):
        book_checkup(member)
    assert not Application.objects.exists()


def test_cancelling_a_booking_gives_the_place_back_once(tree, member, january_2021):
    application = book_checkup(member)
    assert application.status == ApplicationStatus.APPROVED  # a booking: no review chain
    application_transition(user=member.user, application=application, action="cancel")
    assert QuotaPool.objects.get(key=DEF_KEY).taken == 0
    assert not QuotaClaim.objects.exists()
    with pytest.raises(TransitionNotAllowed):
        application_transition(user=member.user, application=application, action="cancel")
    assert QuotaPool.objects.get(key=DEF_KEY).taken == 0


def test_reviewed_applications_cannot_be_cancelled_once_approved(tree, member, staff):
    from projects.services.submission import application_submit as submit

    with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
        application = submit(
            user=member.user,
            rule_id="legal_aid",
            policy_year=2019,
            facts={"has_valid_member_card": True},
            member=member,
        )
    application_transition(user=staff["district"], application=application, action="approve")
    with pytest.raises(TransitionNotAllowed):
        application_transition(user=member.user, application=application, action="cancel")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_bookings_for_the_last_five_places(tree, january_2021):
    QuotaPool.objects.create(
        key=DEF_KEY, project="sanatorium", policy_year=2021, label="D、E、F体检计划全区名额", capacity=6000, taken=5995
    )
    members = members_with_logins(tree["unit"], 50)
    results = run_concurrently(book_checkup, [(m,) for m in members], workers=50)
    succeeded = [r for ok, r in results if ok]
    refused = [r for ok, r in results if not ok]
    assert len(succeeded) == 5
    assert all(isinstance(exc, QuotaFull) for exc in refused), refused[:3]
    assert QuotaPool.objects.get(key=DEF_KEY).taken == 6000
    assert QuotaClaim.objects.count() == 5
    assert Application.objects.exclude(status=ApplicationStatus.DRAFT).count() == 5
    assert Application.objects.count() == 5  # the refused left nothing behind


def test_every_rule_has_a_flow_and_every_quota_param_exists():
    rule_ids = {r.rule_id for r in registry.all_rules()}
    assert rule_ids <= set(PROCEDURES), sorted(rule_ids - set(PROCEDURES))
    for rule in registry.all_rules():
        procedure = PROCEDURES[rule.rule_id]
        if procedure.quotas is None:
            continue
        for choice_fact in [f for f in rule.schema if f.kind == "choice"]:
            for value, _ in choice_fact.choices:
                for spec in procedure.quotas(Applicant(1, None, rule.policy_year), {choice_fact.name: value}):
                    if spec.capacity_param:
                        assert spec.capacity_param in rule.data.params, (rule, spec)


def test_a_pool_cannot_shrink_below_the_places_taken(tree, member, staff, client, january_2021):
    from django.urls import reverse

    book_checkup(member)
    pool = QuotaPool.objects.get(key=DEF_KEY)
    client.force_login(staff["district"])
    url = reverse("admin:projects_quotapool_change", args=[pool.pk])
    data = {"key": pool.key, "project": pool.project, "policy_year": pool.policy_year, "label": pool.label}
    response = client.post(url, {**data, "capacity": "0"})
    assert response.status_code == 200 and "名额不能少于已占用的1个。" in response.content.decode()
    assert client.post(url, {**data, "capacity": "6500", "reason": "市总增加全区名额"}).status_code == 302
    pool.refresh_from_db()
    assert (pool.capacity, pool.taken) == (6500, 1)
