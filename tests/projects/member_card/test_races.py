"""On PostgreSQL: a unit's class change and its members' enrolments never cross."""

import pytest

from members import services as member_services
from projects.member_card import services
from projects.member_card.models import UnitCoverageClass
from projects.models import Application, ApplicationStatus
from projects.services.submission import application_submit
from tests.factories import MemberFactory
from tests.projects.conftest import PASSWORD
from tests.race import run_concurrently


def enrol(member):
    return application_submit(
        user=member.user,
        rule_id="member_basic_coverage",
        policy_year=2021,
        facts={"plan_class": "A", "already_has_share": False},
        member=member,
    )


def change(user, unit):
    return services.unit_coverage_class_choose(user=user, unit=unit, policy_year=2021, plan_class="B")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_class_change_racing_enrolments_never_leaves_an_enrolment_in_another_class(tree, staff):
    services.unit_coverage_class_choose(user=staff["grassroots"], unit=tree["unit"], policy_year=2021, plan_class="A")
    members = []
    for _ in range(8):
        member = MemberFactory(organisation=tree["unit"])
        member_services.member_account_create(member=member, password=PASSWORD)
        members.append(member)
    calls = [(change, staff["grassroots"], tree["unit"]), *[(enrol, m) for m in members]]
    results = run_concurrently(lambda fn, *args: fn(*args), calls)
    chosen = UnitCoverageClass.objects.get(unit=tree["unit"], policy_year=2021)
    final = chosen.plan_class
    enrolled = Application.objects.filter(rule_id="member_basic_coverage").exclude(status=ApplicationStatus.DRAFT)
    assert all(a.facts["plan_class"] == final for a in enrolled), (final, [a.facts["plan_class"] for a in enrolled])
    changed_ok = results[0][0]
    assert changed_ok == (final == "B")
    if changed_ok:  # whoever enrolled did so after the change (in B); nobody enrolled in A before it
        assert all(a.submitted_at >= chosen.chosen_at for a in enrolled)
    else:
        assert enrolled.exists() and "不能再更改" in results[0][1].message
    assert Application.objects.count() == enrolled.count()  # refused enrolments left nothing behind
