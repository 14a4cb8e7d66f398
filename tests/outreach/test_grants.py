"""免申即享: the scan creates the benefits the documents give without an application, through
application_grant (system-created, with its clause), exactly once."""

from datetime import date

import pytest
import time_machine

from outreach.models import Finding, ScanRun
from outreach.services import AUTO_GRANTS, outreach_scan
from projects.member_card.models import UnitCoverageClass
from projects.models import Application, ApplicationEvent
from tests.factories import DuesRecordFactory
from tests.projects.conftest import _member

pytestmark = pytest.mark.django_db


def test_granted_benefits_are_created_once_by_the_system_with_their_clause(tree, staff):
    with time_machine.travel("2021-03-10 09:00 +0800", tick=False):
        UnitCoverageClass.objects.create(
            unit=tree["unit"], policy_year=2021, plan_class="A", chosen_by=staff["grassroots"]
        )
        carded = _member(tree["unit"], card_issued_on=date(2021, 2, 1))
        worker = _member(
            tree["unit"],
            employment_type="flexible_worker",
            flexible_industry="express_logistics",
            birth_date=date(1990, 1, 1),
        )
        DuesRecordFactory(member=worker, year=2021, paid_on=date(2021, 1, 5))
        outreach_scan(full=True)
        outreach_scan(full=True)
    granted = Application.objects.filter(applicant_member__in=[worker, carded], rule_id__in=list(AUTO_GRANTS))
    for application in granted:
        assert application.created_by is None and application.review_chain == []
        first = ApplicationEvent.objects.filter(application=application).order_by("pk").first()
        assert AUTO_GRANTS[application.rule_id] in first.comment
    assert granted.exists()  # not vacuous
    assert granted.filter(applicant_member=carded, rule_id="member_basic_coverage").count() == 1
    assert sum(r.granted for r in ScanRun.objects.all()) == len(granted)
    for application in granted:
        assert Finding.objects.get(member=application.applicant_member, rule_id=application.rule_id).applied
