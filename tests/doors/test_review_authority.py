"""Findings 9.6 (the applicant's side never reviews its own application) and 9.7 (segregation of
duties is between adjacent levels of the same round, not across rounds)."""

import pytest
import time_machine
from django.urls import reverse

from projects.legal import services as legal_services
from projects.models import Application, ApplicationStatus
from projects.services.errors import TransitionNotAllowed
from projects.services.submission import application_resubmit, application_submit
from projects.services.transitions import application_transition
from projects.workflow import OWN_APPLICATION
from tests.projects.conftest import submit_promotion, without_proofs

S = ApplicationStatus


@pytest.fixture
def february_2021():
    with time_machine.travel("2021-02-01 09:00 +0800", tick=False):
        yield


def test_a_street_union_applying_for_its_unit_cannot_approve_it_itself(client, tree, staff, february_2021):
    legal_services.legal_checkup_allocate(user=staff["district"], street=tree["street"], policy_year=2021, places=2)
    application = application_submit(
        user=staff["street"],
        rule_id="legal_checkup",
        policy_year=2021,
        facts={"on_street_list": True},
        organisation=tree["other_unit"],
    )
    # The street level is skipped and says why; the district, not the applicant, reviews.
    assert application.status == S.DISTRICT_REVIEW
    route = application.events.get(action="route")
    assert route.data["skipped_levels"] == ["street"] and "本级不审核自己提出的申请" in route.comment
    client.force_login(staff["street"])
    client.post(reverse("admin:projects_application_transition", args=[application.pk, "approve"]))
    assert Application.objects.get(pk=application.pk).status == S.DISTRICT_REVIEW


def test_a_unit_applying_itself_still_goes_through_its_street(tree, staff, february_2021):
    legal_services.legal_checkup_allocate(user=staff["district"], street=tree["street"], policy_year=2021, places=2)
    application = application_submit(
        user=staff["grassroots"],
        rule_id="legal_checkup",
        policy_year=2021,
        facts={"on_street_list": True},
        organisation=tree["unit"],
    )
    assert application.status == S.STREET_REVIEW
    with pytest.raises(TransitionNotAllowed, match=OWN_APPLICATION):  # the unit's own staff apply
        application_transition(user=staff["grassroots"], application=application, action="approve")


def test_after_return_and_resubmit_the_same_grassroots_reviewer_approves_again(member, staff):
    application = submit_promotion(member)
    application_transition(user=staff["grassroots"], application=application, action="approve")
    application_transition(user=staff["district"], application=application, action="return", comment="补盖章")
    with without_proofs("skill_promotion_award"), time_machine.travel("2019-03-25 09:00 +0800", tick=False):
        application_resubmit(user=member.user, application=application, facts=dict(application.facts))
    application.refresh_from_db()
    assert application.status == S.GRASSROOTS_REVIEW
    application_transition(user=staff["grassroots"], application=application, action="approve")
    assert Application.objects.get(pk=application.pk).status == S.DISTRICT_REVIEW


def test_in_one_round_the_district_approver_may_not_approve_the_city_level(member, staff):
    application = submit_promotion(member)
    application_transition(user=staff["grassroots"], application=application, action="approve")
    application_transition(user=staff["district"], application=application, action="approve")
    with pytest.raises(TransitionNotAllowed, match="职责分离"):
        application_transition(user=staff["district"], application=application, action="approve")
    application_transition(user=staff["district2"], application=application, action="approve")
    assert Application.objects.get(pk=application.pk).status == S.APPROVED
