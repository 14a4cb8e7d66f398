"""The member pages keep what they render in the cache (issue 12, fast under load), keyed on everything
the page is made from: a change to any input shows on the next request, with the cache warm."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import selectors
from projects.models import Application
from projects.services.transitions import application_transition
from tests.factories import DuesRecordFactory
from tests.projects.conftest import PASSWORD
from tests.projects.test_entitlements_promise import paid_condolence
from tests.projects.test_portal import legal_aid

pytestmark = pytest.mark.django_db
DAY = "2019-06-01 09:00 +0800"


def page(client, name="projects:my_entitlements", when=DAY) -> str:
    with time_machine.travel(when, tick=False):
        return client.get(reverse(name)).content.decode()


@pytest.fixture
def signed(client, member):
    assert client.login(username=member.card_number, password=PASSWORD)
    return client


def scan_key(member, day=date(2019, 6, 1)) -> str:
    fresh = type(member).objects.select_related("organisation").get(pk=member.pk)
    with time_machine.travel(f"{day.isoformat()} 09:00 +0800", tick=False):
        return selectors.EntitlementScan(fresh, day).key


def condolence_card(html: str) -> str:
    """The card of a once-only benefit: 已申请 with the reference while an application holds its key."""
    start = html.index('id="entitlement-district_condolence_payment"')
    return html[start : html.index("</li>", start)]


def withdraw(member, application):
    with time_machine.travel(DAY, tick=False):
        application_transition(user=member.user, application=application, action="withdraw", comment="")


class TestEntitlementsPage:
    def test_a_new_application_shows_on_the_warm_page(self, signed, member):
        before = condolence_card(page(signed))
        assert condolence_card(page(signed)) == before  # the warm page is the same page
        application = paid_condolence(member, status="grassroots_review")
        after = condolence_card(page(signed))
        assert application.reference not in before
        assert application.reference in after and "已申请" in after

    def test_a_status_change_shows_on_the_warm_page(self, signed, member):
        application = paid_condolence(member, status="grassroots_review")
        assert application.reference in condolence_card(page(signed))
        Application.objects.filter(pk=application.pk).update(status="withdrawn")  # not even updated_at
        assert application.reference not in condolence_card(page(signed))

    def test_the_language_switch_shows_the_cards_in_english(self, signed):
        chinese = page(signed)
        signed.post(reverse("set_language"), {"language": "en", "next": "/"})
        english = page(signed)
        assert "现在可以申请" in chinese and "现在可以申请" not in english
        assert "You can apply now" in english

    def test_another_member_never_sees_the_first_members_cards(self, client, member, other_member):
        paid_condolence(member)
        assert client.login(username=member.card_number, password=PASSWORD)
        mine = page(client)
        client.logout()
        assert client.login(username=other_member.card_number, password=PASSWORD)
        theirs = page(client)
        assert "已申请" in condolence_card(mine) and "已申请" not in condolence_card(theirs)

    def test_the_query_count_does_not_grow_with_the_members_history(self, signed, member):
        def queries() -> int:
            page(signed)  # warm
            with CaptureQueriesContext(connection) as captured:
                page(signed)
            return len(captured)

        quiet = queries()
        for _ in range(3):
            withdraw(member, legal_aid(member))
        paid_condolence(member)
        assert 0 < queries() <= quiet


class TestEntitlementsKey:
    """Every input of the cards is in the key (a new key is a freshly decided page)."""

    def test_the_key_stays_while_nothing_changes(self, member):
        assert scan_key(member) == scan_key(member)

    def test_dues_paid(self, member):
        before = scan_key(member)
        DuesRecordFactory(member=member, year=2019, paid_on=date(2019, 3, 1), paid_in_one_go=True)
        assert scan_key(member) != before

    def test_the_member_record(self, member):
        before = scan_key(member)
        member.employment_type = "flexible_worker"
        member.save()
        assert scan_key(member) != before

    def test_an_application_and_its_status(self, member):
        before = scan_key(member)
        application = legal_aid(member)
        submitted = scan_key(member)
        withdraw(member, application)
        assert len({before, submitted, scan_key(member)}) == 3

    def test_the_day(self, member):
        """A window opens or closes at midnight (Shanghai): the next day is a new key."""
        assert scan_key(member, date(2019, 6, 1)) != scan_key(member, date(2019, 6, 2))

    def test_a_published_policy_year(self, member, monkeypatch):
        before = scan_key(member)
        monkeypatch.setattr(selectors.registry, "version", lambda: -1)
        assert scan_key(member) != before

    def test_a_policy_override(self, member, monkeypatch):
        before = scan_key(member)
        monkeypatch.setattr(selectors, "policy_stamp", lambda: ("an edited override",))
        assert scan_key(member) != before


class TestApplicationsPage:
    NAME = "projects:my_applications"

    def test_a_new_application_shows_on_the_warm_page(self, signed, member):
        first = legal_aid(member)
        assert first.reference in page(signed, self.NAME)
        second = legal_aid(member)
        html = page(signed, self.NAME)
        assert first.reference in html and second.reference in html

    def test_a_status_change_shows_on_the_warm_page_however_made(self, signed, member):
        application = legal_aid(member)
        assert "已撤回" not in page(signed, self.NAME)
        Application.objects.filter(pk=application.pk).update(status="withdrawn")  # not even updated_at
        assert "已撤回" in page(signed, self.NAME)

    def test_the_language_switch_shows_the_table_in_english(self, signed, member):
        legal_aid(member)
        assert "待区总工会受理" in page(signed, self.NAME)
        signed.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert "待区总工会受理" not in page(signed, self.NAME)

    def test_another_member_never_sees_the_first_members_table(self, client, member, other_member):
        application = legal_aid(member)
        assert client.login(username=member.card_number, password=PASSWORD)
        assert application.reference in page(client, self.NAME)
        client.logout()
        assert client.login(username=other_member.card_number, password=PASSWORD)
        assert application.reference not in page(client, self.NAME)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row versions (xmin, cmin) are PostgreSQL's")
class TestQuickScanKey:
    """A repeat view takes the scan's key from the kept digest of its inputs (selectors.entitlements_key)
    — the member's statement, the day and the row versions of the member's applications — without the
    scan, and only where the scan reads nothing else."""

    def key(self, member, day=date(2019, 6, 1)):
        record = selectors.signed_in_members_record(member.user.pk, day.year)
        with time_machine.travel(f"{day.isoformat()} 09:00 +0800", tick=False):
            with CaptureQueriesContext(connection) as queries:
                key, _scan = selectors.entitlements_key(record, day)
        applications_read = any("a.applicant_member_id" in q["sql"] and "xmin" not in q["sql"] for q in queries)
        return key, applications_read

    def test_a_repeat_view_skips_the_scan_and_any_write_is_a_new_key(self, member):
        application = paid_condolence(member, status="grassroots_review")
        first, scanned = self.key(member)
        assert first == scan_key(member) and scanned
        again, scanned = self.key(member)
        assert again == first and not scanned  # kept: no read of the applications themselves
        decision = {**application.decision, "amount": "1.00"}
        Application.objects.filter(pk=application.pk).update(decision=decision)  # no updated_at, no status
        changed, scanned = self.key(member)
        assert changed == scan_key(member) and scanned
        DuesRecordFactory(member=member, year=2019)
        assert self.key(member)[0] == scan_key(member) != changed

    def test_a_scan_that_reads_another_table_is_never_skipped(self, member, monkeypatch):
        import dataclasses

        from projects.models import Notification
        from projects.procedures import PROCEDURES

        procedure = PROCEDURES["district_condolence_payment"]
        hook = procedure.locked_facts

        def reading_elsewhere(member, organisation, year, typed=None):
            Notification.objects.filter(recipient=member.user).count()  # a record of another table
            return hook(member, organisation, year, typed) if hook else {}

        monkeypatch.setitem(
            PROCEDURES, procedure.rule_id, dataclasses.replace(procedure, locked_facts=reading_elsewhere)
        )
        assert self.key(member)[1] and self.key(member)[1]  # the scan, every time
