"""Finding 9.4: one-off awards are paid once for what is awarded — a certificate, an apprentice's
promotion, a patent — across policy years and applicants, enforced by the database."""

import pytest
import time_machine
from django.db import IntegrityError, transaction

from projects.models import Application
from projects.services.errors import ApplicationError
from projects.services.submission import application_submit
from tests.projects.conftest import _member, without_proofs

PROMOTION = {
    "level_reached": "technician",
    "certificate_issued_on": "2018-06-01",
    "certificate_issuer": "shanghai_hrss",
    "certificate_number": "1931000000012345",
}
MENTOR = {
    "agreement_signed_on": "2017-03-01",
    "agreement_stamped": True,
    "apprentice_name": "王徒弟",
    "apprentice_id_number": "310114199901010014",
    "apprentice_level": "technician",
    "apprentice_certificate_issued_on": "2018-05-01",
    "apprentice_certificate_issuer": "national_industry",
}
PATENT = {
    "is_first_inventor": True,
    "is_frontline": True,
    "is_full_time_rnd": False,
    "patent_kind": "invention",
    "patent_number": "ZL201810000000.0",
    "granted_on": "2018-11-11",
    "invalidated": False,
}
WHEN = {2019: "2019-03-20 10:00 +0800", 2021: "2021-03-20 10:00 +0800"}


def submit(member, rule_id, year, facts):
    with without_proofs(rule_id), time_machine.travel(WHEN[year], tick=False):
        return application_submit(user=member.user, rule_id=rule_id, policy_year=year, facts=facts, member=member)


@pytest.mark.parametrize(
    "rule_id, facts, variant",
    [
        ("skill_promotion_award", PROMOTION, {"certificate_number": "1931000000012345"}),
        ("mentor_award", MENTOR, {"apprentice_id_number": "310114199901010014"}),
        ("patent_award", PATENT, {"patent_number": "zl 201810000000.0"}),
    ],
)
def test_the_same_award_in_2021_is_refused_naming_the_2019_application(tree, rule_id, facts, variant):
    first = submit(_member(tree["unit"]), rule_id, 2019, facts)
    with pytest.raises(ApplicationError) as refused:
        submit(_member(tree["other_unit"]), rule_id, 2021, {**facts, **variant})
    assert first.reference in refused.value.message
    assert Application.objects.filter(rule_id=rule_id).count() == 1


def test_a_different_level_of_the_same_apprentice_is_a_new_award(tree):
    member = _member(tree["unit"])
    submit(member, "mentor_award", 2019, MENTOR)
    assert submit(
        member,
        "mentor_award",
        2021,
        {**MENTOR, "apprentice_level": "senior_technician", "apprentice_certificate_issued_on": "2020-05-01"},
    ).reference


def test_the_database_itself_refuses_a_second_live_key(tree):
    first = submit(_member(tree["unit"]), "patent_award", 2019, PATENT)
    twin = Application.objects.get(pk=first.pk)
    twin.pk, twin.reference, twin.policy_year = None, None, 2021
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
