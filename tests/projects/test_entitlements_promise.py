"""我可以申请的 offers 申请 only where the member can complete it today, and says in one line why
not and what to do: an application already holding the once-only key, the window's dates, the
uploads the procedure requires."""

from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Application
from projects.procedures import PROCEDURES, Applicant
from projects.selectors import EntitlementState, entitlements
from tests.projects.conftest import PASSWORD
from tests.projects.test_portal import legal_aid

pytestmark = pytest.mark.django_db


def signed_in(client, member):
    assert client.login(username=member.card_number, password=PASSWORD)
    return client


def card(html: str, rule_id: str) -> str:
    start = html.index(f'id="entitlement-{rule_id}"')
    return html[start : html.index("</li>", start)]


def apply_url(rule_id: str, year: int) -> str:
    return reverse("projects:apply", args=[rule_id, year])


def row_of(member, rule_id: str):
    return next(e for e in entitlements(member, timezone.localdate()) if e.rule.rule_id == rule_id)


def paid_condolence(member, reference="JD2019-000042", status="paid"):
    """A paid 2,000 元 district condolence of 2019, holding the key a new submission would carry."""
    procedure = PROCEDURES["district_condolence_payment"]
    return Application.objects.create(
        project="member_card",
        rule_id="district_condolence_payment",
        policy_year=2019,
        applicant_member=member,
        organisation=member.organisation,
        street=member.organisation.parent,
        status=status,
        amount=Decimal("2000.00"),
        reference=reference,
        dedup_key=procedure.dedup(Applicant(member.pk, None, 2019), {}),
    )


class TestAlreadyApplied:
    def test_a_paid_once_only_benefit_is_not_offered_again(self, client, member):
        with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
            before = row_of(member, "district_condolence_payment")
            assert before.may_apply  # offered while nothing holds the key
            paid = paid_condolence(member)
            row = row_of(member, "district_condolence_payment")
            assert row.state == EntitlementState.APPLIED and not row.may_apply and row.applied == paid
            html = card(
                signed_in(client, member).get(reverse("projects:my_entitlements")).content.decode(),
                "district_condolence_payment",
            )
        assert f"已申请（申请编号 {paid.reference}）" in html
        assert reverse("projects:my_application", args=[paid.reference]) in html
        assert apply_url("district_condolence_payment", 2019) not in html

    def test_an_application_in_review_holds_the_key_too(self, client, member):
        application = paid_condolence(member, status="grassroots_review")
        with time_machine.travel("2019-06-02 09:00 +0800", tick=False):
            html = card(
                signed_in(client, member).get(reverse("projects:my_entitlements")).content.decode(),
                "district_condolence_payment",
            )
        assert f"已申请（申请编号 {application.reference}）" in html and "待基层工会初审" in html
        assert apply_url("district_condolence_payment", 2019) not in html

    def test_a_rule_without_a_once_only_key_stays_offered(self, client, member):
        legal_aid(member)  # legal aid may be asked for again (no once-only key)
        with time_machine.travel("2019-06-02 09:00 +0800", tick=False):
            assert row_of(member, "legal_aid").may_apply

    def test_a_withdrawn_or_other_years_application_does_not(self, member):
        paid = paid_condolence(member)
        Application.objects.filter(pk=paid.pk).update(status="withdrawn")
        with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
            assert row_of(member, "district_condolence_payment").applied is None

    def test_the_page_reads_no_more_with_more_applications(self, client, member):
        signed_in(client, member)
        url = reverse("projects:my_entitlements")
        with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
            client.get(url)
            with CaptureQueriesContext(connection) as first:
                client.get(url)
        legal_aid(member)
        paid_condolence(member)
        with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
            client.get(url)
            with CaptureQueriesContext(connection) as second:
                client.get(url)
        assert len(second) == len(first)


class TestWindow:
    """2019 skill awards: 第一批 3/15–4/15, 第二批 8/15–9/15 (subsidies/rules/data/2019)."""

    @pytest.mark.parametrize(
        ("day", "offered", "line"),
        [
            ("2019-03-14", False, "3月15日起受理"),
            ("2019-03-15", True, None),
            ("2019-09-15", True, None),
            ("2019-09-16", False, "已于9月15日截止"),
        ],
    )
    def test_window_first_and_last_day(self, client, member, day, offered, line):
        with time_machine.travel(f"{day} 10:00 +0800", tick=False):
            row = row_of(member, "patent_award")
            html = card(
                signed_in(client, member).get(reverse("projects:my_entitlements")).content.decode(), "patent_award"
            )
        assert row.may_apply is offered
        assert (apply_url("patent_award", 2019) in html) is offered
        if line:
            assert line in html


def test_a_flexible_worker_rule_is_not_offered_to_an_employee(client, member):
    with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
        row = row_of(member, "flexible_worker_coverage")
        html = signed_in(client, member).get(reverse("projects:my_entitlements")).content.decode()
    assert not row.may_apply
    assert apply_url("flexible_worker_coverage", 2019) not in html


def test_required_uploads_are_named(client, member):
    with time_machine.travel("2019-03-20 10:00 +0800", tick=False):
        html = signed_in(client, member).get(reverse("projects:my_entitlements")).content.decode()
    assert "需上传：医疗证明" in card(html, "district_condolence_payment")
    assert "需上传：协议、证书" in card(html, "mentor_award")
    assert "需上传" not in card(html, "legal_aid")


def test_only_member_rules_are_listed_so_no_link_answers_403(member):
    """Unit-only rules (applicant "organisation") are not on the member's page at all."""
    with time_machine.travel("2021-01-10 09:00 +0800", tick=False):
        rows = entitlements(member, timezone.localdate())
    assert rows and all(e.rule.applicant == "member" for e in rows)
