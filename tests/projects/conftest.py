import itertools
from contextlib import contextmanager
from dataclasses import replace

import pytest
import time_machine

from members import services as member_services
from members.models import StaffRole
from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory, StreetFactory, UnitFactory

PASSWORD = "Kq7#vLm2-zX"


@pytest.fixture
def tree(db):
    district = DistrictFactory()
    street = StreetFactory(parent=district)
    other_street = StreetFactory(parent=district)
    unit = UnitFactory(parent=street)
    other_unit = UnitFactory(parent=street)
    far_unit = UnitFactory(parent=other_street)
    return {
        "district": district,
        "street": street,
        "other_street": other_street,
        "unit": unit,
        "other_unit": other_unit,
        "far_unit": far_unit,
    }


def _member(unit, **kwargs):
    member = MemberFactory(organisation=unit, **kwargs)
    member_services.member_account_create(member=member, password=PASSWORD)
    return member


@pytest.fixture
def member(tree):
    return _member(tree["unit"])


@pytest.fixture
def other_member(tree):
    return _member(tree["unit"])


@pytest.fixture
def staff(tree):
    return {
        "grassroots": StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=tree["unit"]),
        "other_grassroots": StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=tree["other_unit"]),
        "street": StaffUserFactory(role=StaffRole.STREET, organisation=tree["street"]),
        "other_street": StaffUserFactory(role=StaffRole.STREET, organisation=tree["other_street"]),
        "district": StaffUserFactory(role=StaffRole.DISTRICT, organisation=tree["district"]),
        "district2": StaffUserFactory(role=StaffRole.DISTRICT, organisation=tree["district"]),
    }


@pytest.fixture
def in_first_skill_batch():
    """2019-03-20 10:00 Shanghai: inside the first skill-award batch (3/15–4/15)."""
    with time_machine.travel("2019-03-20 10:00 +0800", tick=False):
        yield


@contextmanager
def without_proofs(rule_id: str):
    """The rule's procedure minus its required uploads, for tests about something else than proofs."""
    from projects import procedures

    original = procedures.PROCEDURES[rule_id]
    procedures.PROCEDURES[rule_id] = replace(original, proofs=())
    try:
        yield
    finally:
        procedures.PROCEDURES[rule_id] = original


_certificates = itertools.count(1)


def certificate_number() -> str:
    """A distinct certificate number: a promotion award is once per certificate, across years."""
    return f"1931000{next(_certificates):09d}"


def submit_promotion(member, **facts):
    """A technician's promotion award, submitted on 2019-03-20 (first batch), proofs not required."""
    from projects.services.submission import application_submit

    with without_proofs("skill_promotion_award"), time_machine.travel("2019-03-20 09:00 +0800", tick=False):
        return application_submit(
            user=member.user,
            rule_id="skill_promotion_award",
            policy_year=2019,
            member=member,
            facts={
                "level_reached": "technician",
                "certificate_issued_on": "2018-01-01",
                "certificate_issuer": "shanghai_hrss",
                "certificate_number": certificate_number(),
                **facts,
            },
        )
