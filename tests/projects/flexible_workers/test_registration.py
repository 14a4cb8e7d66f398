"""2019 §4 (一): members who paid the 120 yuan dues in one go need no enrolment — the street union's
real-name registration starts their coverage on the 1st of the month after the upload. And claims
go through the union or straight to the district's service office (申请方式)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from projects.flexible_workers.models import RealNameRegistration
from projects.flexible_workers.registration import NOT_YOUR_MEMBER, flexible_worker_register
from projects.models import Application
from projects.services.errors import ApplicationError
from projects.services.submission import application_submit
from tests.factories import DuesRecordFactory
from tests.projects.conftest import without_proofs
from tests.projects.flexible_workers.conftest import flexible_member


@pytest.fixture
def paid_2019(tree):
    member = flexible_member(tree["street"])
    DuesRecordFactory(member=member, year=2019, paid_on=date(2019, 3, 1), paid_in_one_go=True)
    return member


@pytest.fixture
def may_2019():
    with time_machine.travel("2019-05-20 10:00 +0800", tick=False):
        yield


@pytest.mark.parametrize(
    "uploaded, start", [("2019-05-20", "2019-06-01"), ("2019-05-31", "2019-06-01"), ("2019-05-01", "2019-06-01")]
)
def test_registration_creates_the_coverage_from_the_1st_of_the_next_month(paid_2019, staff, uploaded, start):
    with time_machine.travel("2019-05-31 18:00 +0800", tick=False):
        registration = flexible_worker_register(
            user=staff["street"], member=paid_2019, uploaded_on=date.fromisoformat(uploaded)
        )
    coverage = registration.coverage
    assert coverage.status == "approved" and coverage.review_chain == []
    assert coverage.decision["dates"]["coverage_start"] == start
    assert coverage.amount == Decimal("80.00") and coverage.decision["split"][0]["payer"] == "project_fund"
    create = coverage.events.get(action="create")
    assert create.actor is None and create.data["granted_without_application"] is True
    assert "2019 §4" in create.comment


def test_the_member_never_applies_and_is_not_registered_twice(paid_2019, staff, may_2019):
    flexible_worker_register(user=staff["street"], member=paid_2019)
    with pytest.raises(ApplicationError, match="已于"):
        flexible_worker_register(user=staff["street"], member=paid_2019)
    with pytest.raises(ApplicationError):  # the member's own application: already enrolled in the period
        application_submit(
            user=paid_2019.user, rule_id="flexible_worker_coverage", policy_year=2019, facts={}, member=paid_2019
        )
    assert Application.objects.filter(rule_id="flexible_worker_coverage").count() == 1


def test_only_the_members_street_registers(paid_2019, staff, may_2019):
    for who in ("other_street", "grassroots"):
        with pytest.raises(ApplicationError, match=NOT_YOUR_MEMBER):
            flexible_worker_register(user=staff[who], member=paid_2019)
    assert not RealNameRegistration.objects.exists()


def test_members_who_did_not_pay_in_one_go_enrol_by_application_instead(tree, staff, may_2019):
    member = flexible_member(tree["street"], paid_in_one_go=False)
    DuesRecordFactory(member=member, year=2019, paid_on=date(2019, 3, 1), paid_in_one_go=False)
    with pytest.raises(ApplicationError, match="本年度未一次缴满年度会费"):
        flexible_worker_register(user=staff["street"], member=member)


def test_the_admin_add_page_registers_through_the_service(client, paid_2019, staff, may_2019):
    from members.roles import group_for

    staff["street"].groups.set([group_for("street")])
    client.force_login(staff["street"])
    url = reverse("admin:flexible_workers_realnameregistration_add")
    assert client.get(url).status_code == 200
    response = client.post(url, {"member": paid_2019.pk, "uploaded_on": "2019-05-20"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert RealNameRegistration.objects.get().coverage.status == "approved"
    staff["other_street"].groups.set([group_for("street")])
    client.force_login(staff["other_street"])
    response = client.post(url, {"member": paid_2019.pk, "uploaded_on": "2019-05-21"})
    assert response.status_code == 200 and RealNameRegistration.objects.count() == 1


@pytest.mark.parametrize("channel, chain", [("union", ["street", "district"]), ("district_office", ["district"])])
def test_a_claim_goes_through_the_union_or_straight_to_the_district_office(paid_2019, staff, channel, chain):
    with time_machine.travel("2019-05-20 10:00 +0800", tick=False):
        flexible_worker_register(user=staff["street"], member=paid_2019)
    with without_proofs("flexible_worker_benefit"), time_machine.travel("2019-09-01 10:00 +0800", tick=False):
        claim = application_submit(
            user=paid_2019.user,
            rule_id="flexible_worker_benefit",
            policy_year=2019,
            member=paid_2019,
            facts={"benefit": "special_serious_illness", "event_date": "2019-08-20", "claim_channel": channel},
        )
    assert claim.review_chain == chain
    assert claim.facts["coverage_start"] == "2019-06-01" and claim.amount == Decimal("10000.00")


def test_a_member_the_rule_does_not_cover_is_a_form_error_not_a_500(client, tree, staff, may_2019):
    from members.roles import group_for

    member = flexible_member(tree["street"], birth_date=date(1950, 1, 1))  # past 60
    DuesRecordFactory(member=member, year=2019, paid_on=date(2019, 3, 1), paid_in_one_go=True)
    staff["street"].groups.set([group_for("street")])
    client.force_login(staff["street"])
    response = client.post(
        reverse("admin:flexible_workers_realnameregistration_add"), {"member": member.pk, "uploaded_on": "2019-05-20"}
    )
    assert response.status_code == 200
    assert "不符合灵活就业会员专享保障的条件" in response.content.decode()
    assert not RealNameRegistration.objects.exists()
