import pytest
import time_machine

from projects.legal.models import CentreKind, Lawyer, LegalAidCentre
from projects.services.submission import application_submit
from projects.services.transitions import application_transition


@pytest.fixture
def june_2019():
    with time_machine.travel("2019-06-03 09:00 +0800", tick=False):
        yield


def submit_legal_aid(member):
    return application_submit(
        user=member.user, rule_id="legal_aid", policy_year=2019, facts={"claim_kind": "wages"}, member=member
    )


def approve(user, application):
    return application_transition(user=user, application=application, action="approve")


def accept_and_review(staff, application):
    """2019 §3: the centre accepts (受理, one district staff member) and reviews (审核, another: adjacent
    levels are never the same person); 指派 follows on the case."""
    approve(staff["district"], application)
    application.refresh_from_db()
    return approve(staff["district2"], application)


@pytest.fixture
def accepted(member, staff, june_2019):
    """A legal-aid application the district's centre has accepted and reviewed (approved)."""
    application = submit_legal_aid(member)
    accept_and_review(staff, application)
    application.refresh_from_db()
    return application


@pytest.fixture
def centre(db):
    return LegalAidCentre.objects.get(kind=CentreKind.DISTRICT_CENTRE)


@pytest.fixture
def court(db):
    return LegalAidCentre.objects.get(kind=CentreKind.COURT_WINDOW)


@pytest.fixture
def lawyer(centre):
    return Lawyer.objects.create(name="王明", centre=centre, phone="021-59990001", licence_number="13101200910123456")


@pytest.fixture
def court_lawyer(court):
    return Lawyer.objects.create(name="李华", centre=court, phone="021-59990002", licence_number="13101201110654321")
