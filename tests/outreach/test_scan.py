"""The outreach scan decides every member exactly as the entitlement page does, with a few
set-based queries per chunk, and writes its findings in bulk."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach.models import Finding, ScanRun
from outreach.services import outreach_scan
from projects.selectors import entitlements
from tests.factories import DuesRecordFactory, MemberFactory
from tests.projects.conftest import _member

pytestmark = pytest.mark.django_db

DAY = "2021-03-10 09:00 +0800"


def _sample(tree):
    unit, far = tree["unit"], tree["far_unit"]
    people = [
        _member(unit),
        _member(unit, birth_date=date(1958, 1, 2)),
        _member(far, sex="F", birth_date=date(1985, 6, 1), marital_status="single"),
        _member(
            unit,
            employment_type="flexible_worker",
            flexible_industry="express_logistics",
            monthly_income=Decimal("3000"),
        ),
        _member(far, card_issued_on=date(2021, 2, 1)),
        _member(unit, card_issued_on=None),
    ]
    for person in people[:4]:
        DuesRecordFactory(member=person, year=2021, paid_on=date(2021, 1, 5))
    return people


def test_the_scan_equals_the_entitlement_page_for_a_sample(tree):
    with time_machine.travel(DAY, tick=False):
        people = _sample(tree)
        run = outreach_scan(full=True)
        assert run.full and run.members == len(people)
        for person in people:
            page = {e.rule.rule_id: (e.rule.policy_year, e.state) for e in entitlements(person, date(2021, 3, 10))}
            found = {f.rule_id: (f.policy_year, f.state) for f in Finding.objects.filter(member=person)}
            assert found == page, person


def test_profiles_are_read_with_a_few_queries_per_chunk_not_one_per_member(tree):
    with time_machine.travel(DAY, tick=False):
        for _ in range(5):
            MemberFactory(organisation=tree["unit"])
        with CaptureQueriesContext(connection) as few:
            outreach_scan(full=True)
        for _ in range(25):
            MemberFactory(organisation=tree["unit"])
        with CaptureQueriesContext(connection) as many:
            outreach_scan(full=True)

    def reads(ctx):  # the findings' INSERTs are batched by the database's parameter limit
        return [
            q["sql"][:60] for q in ctx.captured_queries if not q["sql"].startswith('INSERT INTO "outreach_finding"')
        ]

    assert len(reads(many)) == len(reads(few))


def test_incremental_run_reevaluates_only_changed_members(tree):
    with time_machine.travel("2021-03-09 12:00 +0800", tick=False):
        people = [MemberFactory(organisation=tree["unit"]) for _ in range(6)]
    with time_machine.travel("2021-03-10 02:00 +0800", tick=False):
        outreach_scan()
    with time_machine.travel("2021-03-10 12:00 +0800", tick=False):
        DuesRecordFactory(member=people[2], year=2021, paid_on=date(2021, 3, 10))
    with time_machine.travel("2021-03-11 02:00 +0800", tick=False):
        run = outreach_scan()
        assert not run.full
        assert run.members == 1
    assert ScanRun.objects.count() == 2
