from datetime import date

import pytest
import time_machine

from members import services as member_services
from members.roles import group_for
from projects.services.submission import application_submit
from projects.services.transitions import application_transition
from tests.factories import DuesRecordFactory, MemberFactory
from tests.projects.conftest import PASSWORD


def flexible_member(street, *, paid_in_one_go: bool = True, **kwargs):
    """A flexible worker belongs to the street (park, industry) union directly."""
    member = MemberFactory(
        organisation=street,
        employment_type="flexible_worker",
        flexible_industry="express_logistics",
        has_city_medical_insurance=False,
        **kwargs,
    )
    member_services.member_account_create(member=member, password=PASSWORD)
    DuesRecordFactory(member=member, year=2021, paid_on=date(2021, 1, 5), paid_in_one_go=paid_in_one_go)
    return member


def care_application(member, *, reviewer=None, when="2021-03-01 09:00 +0800", **facts):
    """A 2021 “五送” registration, approved by `reviewer` (street staff) when given."""
    with time_machine.travel(when, tick=False):
        application = application_submit(
            user=member.user,
            rule_id="flexible_worker_care",
            policy_year=2021,
            facts={"joined_union_voluntarily": True, **facts},
            member=member,
        )
        if reviewer is not None:
            application = application_transition(user=reviewer, application=application, action="approve")
    return application


@pytest.fixture
def flex(tree):
    return flexible_member(tree["street"])


@pytest.fixture
def other_flex(tree):
    return flexible_member(tree["other_street"])


@pytest.fixture
def approved(flex, staff):
    return care_application(flex, reviewer=staff["street"])


@pytest.fixture
def in_groups(staff):
    """Staff with their role's Django permissions (as staff_user_create gives them)."""
    for user in staff.values():
        user.groups.set([group_for(user.role)])
    return staff


@pytest.fixture
def on_a_summer_day():
    with time_machine.travel("2021-07-15 10:00 +0800", tick=False):
        yield
