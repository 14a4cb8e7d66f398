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

    def reads(ctx):  # the reads only: how the findings are written depends on what is already there
        return [q["sql"][:60] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]

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


# --- The memoised scan against the one-member path, over generated populations -------------------
# Members drawn from few values per fact, so most share a rule's facts (the scan then decides the
# rule once and shares it) and some differ in one fact only (a wrongly shared decision shows).

from django.db import transaction  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from members.models import StaffRole  # noqa: E402
from projects.flexible_workers.models import RealNameRegistration  # noqa: E402
from tests.factories import StaffUserFactory  # noqa: E402

_person = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(["unit", "other_unit", "far_unit"]),
        "birth_date": st.sampled_from([date(1958, 1, 2), date(1961, 3, 10), date(1985, 6, 1), date(2003, 3, 11)]),
        "sex": st.sampled_from(["M", "F"]),
        "employment": st.sampled_from(["employee", "migrant_worker", "flexible_worker", "sanitation_worker"]),
        "monthly_income": st.sampled_from([Decimal("2500"), Decimal("6000"), Decimal("30000")]),
        "card_issued_on": st.sampled_from([None, date(2015, 3, 20), date(2021, 2, 1)]),
        "marital_status": st.sampled_from(["single", "married", "unknown"]),
        "has_city_medical_insurance": st.booleans(),
        "dues": st.sampled_from([None, True, False]),  # none this year, in one go, in instalments
        "registered_on": st.sampled_from([None, date(2021, 1, 20)]),  # a pending real-name upload
        "is_active": st.booleans() | st.just(True),
    }
)


@settings(max_examples=12, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(_person, min_size=1, max_size=10))
def test_the_memoised_scan_equals_the_entitlement_page_for_generated_members(tree, people):
    with time_machine.travel(DAY, tick=False), transaction.atomic():
        clerk = StaffUserFactory(role=StaffRole.STREET, organisation=tree["street"])
        members = []
        for spec in people:
            flexible = spec["employment"] == "flexible_worker"
            person = MemberFactory(
                organisation=tree[spec["unit"]],
                birth_date=spec["birth_date"],
                sex=spec["sex"],
                employment_type=spec["employment"],
                flexible_industry="express_logistics" if flexible else "",
                monthly_income=spec["monthly_income"],
                card_issued_on=spec["card_issued_on"],
                marital_status=spec["marital_status"],
                has_city_medical_insurance=spec["has_city_medical_insurance"],
                is_active=spec["is_active"],
            )
            if spec["dues"] is not None:
                DuesRecordFactory(member=person, year=2021, paid_on=date(2021, 1, 5), paid_in_one_go=spec["dues"])
            if flexible and spec["registered_on"] is not None:
                RealNameRegistration.objects.create(
                    member=person,
                    union=person.street,
                    street=person.street,
                    uploaded_on=spec["registered_on"],
                    registered_by=clerk,
                )
            members.append(person)
        run = outreach_scan(full=True)
        assert run.members == sum(1 for m in members if m.is_active)
        for person in members:
            found = {f.rule_id: (f.policy_year, f.state) for f in Finding.objects.filter(member=person)}
            if not person.is_active:
                assert found == {}
                continue
            page = {e.rule.rule_id: (e.rule.policy_year, e.state) for e in entitlements(person, date(2021, 3, 10))}
            assert found == page, person
        transaction.set_rollback(True)
