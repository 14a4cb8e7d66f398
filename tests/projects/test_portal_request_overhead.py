"""What every portal page does before its content, made cheap (issue 12, fast under load): the kept site
header, the signed-in account and the member read by statements written once per process, the session
read the same way. Each stays exactly as correct as the ORM's reads and a freshly rendered header."""

import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.auth import signed_in_user
from members.models import Member, User
from projects import selectors
from projects.models import Application, Notification
from tests.projects.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def header(html: str) -> str:
    start = html.index('<header class="site-header">')
    return html[start : html.index("</header>", start)]


def csrf_tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


@pytest.fixture
def signed(client, member):
    assert client.login(username=member.card_number, password=PASSWORD)
    return client


class TestSiteHeader:
    def test_the_unread_count_shows_on_the_kept_header(self, signed, member):
        before = header(signed.get(reverse("projects:calculators")).content.decode())
        Notification.objects.create(recipient=member.user, title="消息一")
        after = header(signed.get(reverse("projects:calculators")).content.decode())
        assert 'class="badge"' not in before and '<span class="badge">1</span>' in after
        on_member_page = header(signed.get(reverse("projects:my_applications")).content.decode())
        assert '<span class="badge">1</span>' in on_member_page

    def test_another_user_never_gets_the_first_users_header(self, client, member, other_member):
        member.user.first_name, other_member.user.first_name = "甲一", "乙二"
        member.user.save()
        other_member.user.save()
        assert client.login(username=member.card_number, password=PASSWORD)
        mine = header(client.get(reverse("projects:calculators")).content.decode())
        client.logout()
        assert client.login(username=other_member.card_number, password=PASSWORD)
        theirs = header(client.get(reverse("projects:calculators")).content.decode())
        assert "甲一" in mine and "甲一" not in theirs and "乙二" in theirs
        client.logout()
        anonymous = header(client.get(reverse("projects:calculators")).content.decode())
        assert "乙二" not in anonymous and "退出" not in anonymous and reverse("members:login") in anonymous

    def test_the_language_switch_changes_the_kept_header(self, signed):
        chinese = header(signed.get(reverse("projects:calculators")).content.decode())
        signed.post(reverse("set_language"), {"language": "en", "next": "/"})
        english = header(signed.get(reverse("projects:calculators")).content.decode())
        assert "计算器" in chinese and "计算器" not in english and ">Calculator<" in english

    def test_the_page_path_is_the_language_forms_next(self, signed):
        html = header(signed.get(reverse("projects:calculators") + "?a=1&b=<x>").content.decode())
        assert 'name="next" type="hidden" value="/calculators/?a=1&amp;b=%3Cx%3E"' in html or (
            "&lt;x&gt;" in html and "<x>" not in html
        )
        other = header(signed.get(reverse("projects:info_index")).content.decode())
        assert f'value="{reverse("projects:info_index")}"' in other

    def test_every_request_carries_its_own_csrf_token_and_it_works(self, member):
        """A kept header never keeps a token: two browsers get tokens of their own secrets, and the
        logout form of a warm header posts with CSRF checks on."""
        first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        for client in (first, second):
            assert client.login(username=member.card_number, password=PASSWORD)
        one = first.get(reverse("projects:calculators")).content.decode()
        two = second.get(reverse("projects:calculators")).content.decode()
        assert len(csrf_tokens(one)) == 2 and len(csrf_tokens(two)) == 2
        assert csrf_tokens(one)[0] != csrf_tokens(two)[0]
        assert "\x00" not in one and "\x00" not in two
        again = second.get(reverse("projects:calculators")).content.decode()  # the kept header
        response = second.post(reverse("members:logout"), {"csrfmiddlewaretoken": csrf_tokens(again)[0]})
        assert response.status_code == 302
        assert second.get(reverse("projects:my_entitlements")).status_code == 302  # signed out

    def test_a_staff_user_sees_the_workbench_link(self, client, staff):
        user = staff["grassroots"]
        user.set_password(PASSWORD)
        user.save()
        client.force_login(user)
        html = header(client.get(reverse("projects:calculators")).content.decode())
        assert reverse("admin:index") in html and reverse("projects:my_entitlements") not in html


class TestSignedInAccount:
    def test_the_account_is_the_orms_account(self, member):
        user = signed_in_user(member.user.pk)
        orm = User.objects.select_related("organisation").get(pk=member.user.pk)
        assert [getattr(user, f.attname) for f in User._meta.concrete_fields] == [
            getattr(orm, f.attname) for f in User._meta.concrete_fields
        ]
        assert user._state.adding is False and user._state.db == "default"

    def test_a_staff_account_has_its_organisation_without_a_query(self, staff, django_assert_num_queries):
        with django_assert_num_queries(1):
            user = signed_in_user(staff["street"].pk)
            assert user.organisation == staff["street"].organisation
        assert signed_in_user(10**9) is None

    def test_a_changed_password_signs_the_session_out(self, signed, member):
        assert signed.get(reverse("projects:my_entitlements")).status_code == 200
        member.user.set_password("An0ther#Pass-word")
        member.user.save()
        assert signed.get(reverse("projects:my_entitlements")).status_code == 302

    def test_a_deactivated_account_is_signed_out(self, signed, member):
        assert signed.get(reverse("projects:my_entitlements")).status_code == 200
        User.objects.filter(pk=member.user.pk).update(is_active=False)
        assert signed.get(reverse("projects:my_entitlements")).status_code == 302


class TestPortalMember:
    def test_the_member_is_the_orms_member(self, member):
        record = selectors.signed_in_members_record(member.user.pk, 2019)
        orm = Member.objects.select_related("organisation").get(pk=member.pk)
        fields = Member._meta.concrete_fields
        assert [getattr(record, f.attname) for f in fields] == [getattr(orm, f.attname) for f in fields]
        assert record.organisation == orm.organisation and record.dues_year == 2019
        assert (record.dues_paid_now, record.dues_one_go_now, record.portal_unread) == (False, False, 0)

    def test_a_member_page_reads_the_member_with_the_account(self, signed, member):
        url = reverse("projects:my_applications")
        signed.get(url)  # this process now knows the session's account: the next read joins it
        with CaptureQueriesContext(connection) as queries:
            assert signed.get(url).status_code == 200
        reads = [q["sql"] for q in queries.captured_queries if "members_member" in q["sql"]]
        # The account's statement (with the session's, where sessions are read from the database) brings it.
        assert len(reads) == 1 and ("FROM members_user u" in reads[0] or "django_session" in reads[0])
        # On PostgreSQL that one brings the applications' row versions too (the page's key); elsewhere
        # their fingerprint is a second query.
        assert len(queries) == (1 if connection.vendor == "postgresql" else 2)

    def test_a_member_deactivated_is_no_member_on_the_next_request(self, signed, member):
        url = reverse("projects:my_applications")
        assert signed.get(url).status_code == 200
        Member.objects.filter(pk=member.pk).update(is_active=False)
        assert signed.get(url).status_code == 403
        Member.objects.filter(pk=member.pk).update(is_active=True)
        assert signed.get(url).status_code == 200

    def test_an_inactive_member_is_no_member(self, signed, member):
        Member.objects.filter(pk=member.pk).update(is_active=False)
        assert selectors.signed_in_members_record(member.user.pk, 2019) is None
        assert signed.get(reverse("projects:my_entitlements")).status_code == 403


class TestSessionRead:
    def test_the_engine_reads_djangos_sessions(self, signed):
        store = import_module(settings.SESSION_ENGINE).SessionStore(signed.cookies["sessionid"].value)
        assert store.get("_auth_user_id")

    def test_an_expired_session_is_not_read(self, signed):
        key = signed.cookies["sessionid"].value
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
        if getattr(import_module(settings.SESSION_ENGINE).SessionStore, "cache_key_prefix", None):
            from django.core.cache import caches

            caches[settings.SESSION_CACHE_ALIAS].clear()
        store = import_module(settings.SESSION_ENGINE).SessionStore(key)
        assert store.load() == {} and store.session_key is None
        assert signed.get(reverse("projects:my_entitlements")).status_code == 302


class TestPrimedApplications:
    def test_the_rows_are_the_orms_rows(self, member, other_member):
        from tests.projects.test_entitlements_promise import paid_condolence
        from tests.projects.test_portal import legal_aid

        legal_aid(member)
        paid_condolence(member)
        legal_aid(other_member)
        rows = selectors.primed_rows(member)
        orm = list(
            Application.objects.filter(applicant_member=member)
            .select_related("organisation")
            .order_by("-policy_year", "-pk")
        )
        fields = Application._meta.concrete_fields
        assert len(rows) == 2
        assert [[getattr(a, f.attname) for f in fields] for a in rows] == [
            [getattr(a, f.attname) for f in fields] for a in orm
        ]
        assert [a.organisation for a in rows] == [a.organisation for a in orm]
        assert isinstance(rows[0].facts, dict) and isinstance(rows[0].decision, dict)

    def test_the_unit_coverage_class(self, member):
        from projects.member_card.models import UnitCoverageClass
        from projects.member_card.selectors import unit_coverage_class_of
        from tests.factories import StaffUserFactory

        unit = member.organisation
        assert unit_coverage_class_of(unit_id=unit.pk, policy_year=2021) is None
        plan = UnitCoverageClass._meta.get_field("plan_class").choices[0][0]
        UnitCoverageClass.objects.create(unit=unit, policy_year=2021, plan_class=plan, chosen_by=StaffUserFactory())
        assert unit_coverage_class_of(unit_id=unit.pk, policy_year=2021) == plan

    def test_the_unit_class_comes_with_the_member_for_the_page_only(self, member):
        from datetime import date

        import time_machine

        from projects.member_card.models import UnitCoverageClass
        from projects.member_card.selectors import BASIC_COVERAGE, unit_coverage_class_of
        from tests.factories import StaffUserFactory

        unit = member.organisation
        first, second = [c for c, _ in UnitCoverageClass._meta.get_field("plan_class").choices][:2]
        chosen = UnitCoverageClass.objects.create(
            unit=unit, policy_year=2021, plan_class=first, chosen_by=StaffUserFactory()
        )
        record = selectors.signed_in_members_record(member.user.pk, 2021)
        assert record.unit_coverage_classes_now == {2021: first}
        day = date(2021, 6, 1)
        with time_machine.travel("2021-06-01 09:00 +0800", tick=False):
            scan = selectors.EntitlementScan(record, day)
        locked = dict(((r.rule_id, r.policy_year), facts) for r, facts in zip(scan.rules, scan.locked, strict=True))
        assert locked[(BASIC_COVERAGE, 2021)]["unit_class"] == first
        UnitCoverageClass.objects.filter(pk=chosen.pk).update(plan_class=second)
        # Outside a page's primed records (a submission) the class is read afresh, never the member's copy.
        assert unit_coverage_class_of(unit_id=unit.pk, policy_year=2021, member=record) == second
        fresh = selectors.signed_in_members_record(member.user.pk, 2021)
        with time_machine.travel("2021-06-01 09:00 +0800", tick=False):
            assert selectors.EntitlementScan(fresh, day).key != scan.key


class TestPreparedStatements:
    def test_a_prepared_statement_survives_a_rollback(self, member):
        from django.db import connection, transaction

        from jiading_union.rawrows import fetch_one

        sql = "SELECT COUNT(*) FROM members_member WHERE id = %s"
        assert fetch_one(sql, [member.pk]) == (1,)
        try:
            with transaction.atomic():
                assert fetch_one(sql, [member.pk]) == (1,)
                raise RuntimeError
        except RuntimeError:
            pass
        assert fetch_one(sql, [member.pk]) == (1,)
        assert fetch_one("SELECT 1 WHERE 1 = 1", []) == (1,)
        if connection.vendor == "postgresql":
            assert sql in connection._raw_prepared[1]  # prepared once on this connection


class TestSessionReadWithItsAccount:
    """A session read again in this process brings its account in the same statement."""

    @pytest.fixture(autouse=True)
    def database_sessions(self, settings):
        settings.SESSION_ENGINE = "members.session_engines.db"  # the engine without Redis (cached_db reads
        # a warm session from the cache, and its account as before)

    def test_a_warm_session_reads_the_account_with_it(self, client, member):
        signed = client
        assert signed.login(username=member.card_number, password=PASSWORD)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        signed.get(reverse("projects:calculators"))  # the process notes the session's account
        with CaptureQueriesContext(connection) as queries:
            assert signed.get(reverse("projects:calculators")).status_code == 200
        statements = [q["sql"] for q in queries.captured_queries]
        assert not any("FROM members_user u LEFT JOIN" in sql for sql in statements)
        assert any("django_session s LEFT JOIN members_user u" in sql for sql in statements)

    def test_a_changed_password_still_signs_a_warm_session_out(self, client, member):
        signed = client
        assert signed.login(username=member.card_number, password=PASSWORD)
        assert signed.get(reverse("projects:my_entitlements")).status_code == 200
        assert signed.get(reverse("projects:my_entitlements")).status_code == 200  # warm
        member.user.set_password("An0ther#Pass-word")
        member.user.save()
        assert signed.get(reverse("projects:my_entitlements")).status_code == 302

    def test_a_deactivated_account_is_signed_out_of_a_warm_session(self, client, member):
        signed = client
        assert signed.login(username=member.card_number, password=PASSWORD)
        signed.get(reverse("projects:my_entitlements"))
        assert signed.get(reverse("projects:my_entitlements")).status_code == 200  # warm
        User.objects.filter(pk=member.user.pk).update(is_active=False)
        assert signed.get(reverse("projects:my_entitlements")).status_code == 302

    def test_a_deleted_account_is_signed_out(self, client, member):
        signed = client
        assert signed.login(username=member.card_number, password=PASSWORD)
        signed.get(reverse("projects:calculators"))
        Member.objects.filter(pk=member.pk).update(user=None)
        User.objects.filter(pk=member.user.pk).delete()
        response = signed.get(reverse("projects:my_entitlements"))
        assert response.status_code == 302

    def test_the_other_members_session_gets_their_own_account(self, client, member, other_member):
        other = Client()
        assert client.login(username=member.card_number, password=PASSWORD)
        assert other.login(username=other_member.card_number, password=PASSWORD)
        for _ in range(2):
            mine = client.get(reverse("projects:my_entitlements")).content.decode()
            theirs = other.get(reverse("projects:my_entitlements")).content.decode()
        assert member.name in mine and other_member.name not in mine
        assert other_member.name in theirs and member.name not in theirs


class TestKeptPages:
    """A member's entitlement and application pages are kept whole for a repeat view (projects.kept_pages)."""

    PAGES = ("projects:my_entitlements", "projects:my_applications")

    def test_a_kept_page_carries_this_requests_csrf_token_and_it_works(self, member):
        for name in self.PAGES:
            first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
            for client in (first, second):
                assert client.login(username=member.card_number, password=PASSWORD)
            one = first.get(reverse(name)).content.decode()
            two = second.get(reverse(name)).content.decode()  # the page kept from the first
            assert csrf_tokens(one) and csrf_tokens(two) and csrf_tokens(one)[0] != csrf_tokens(two)[0]
            assert "\x00" not in one + two
            assert one.replace(csrf_tokens(one)[0], "") == two.replace(csrf_tokens(two)[0], "")
            response = second.post(reverse("members:logout"), {"csrfmiddlewaretoken": csrf_tokens(two)[0]})
            assert response.status_code == 302 and second.get(reverse(name)).status_code == 302

    def test_another_member_never_gets_the_first_members_kept_page(self, client, member, other_member):
        for name in self.PAGES:
            assert client.login(username=member.card_number, password=PASSWORD)
            mine = client.get(reverse(name)).content.decode()
            client.logout()
            assert client.login(username=other_member.card_number, password=PASSWORD)
            theirs = client.get(reverse(name)).content.decode()
            client.logout()
            assert member.name in mine and member.name not in theirs

    def test_a_message_shows_on_a_kept_page_once(self, signed):
        from django.contrib.messages import constants
        from django.contrib.messages.storage.base import Message
        from django.contrib.messages.storage.cookie import CookieStorage
        from django.http import HttpRequest

        for name in self.PAGES:
            kept = signed.get(reverse(name)).content.decode()
            signed.cookies[CookieStorage.cookie_name] = CookieStorage(HttpRequest())._encode(
                [Message(constants.SUCCESS, "草稿 JD0001 已保存")]
            )
            shown = signed.get(reverse(name)).content.decode()
            after = signed.get(reverse(name)).content.decode()
            assert "草稿 JD0001 已保存" in shown and "草稿 JD0001 已保存" not in kept + after

    def test_the_kept_calculators_are_each_visitors_own(self, client, member):
        url = reverse("projects:calculators")
        anonymous = client.get(url).content.decode()
        assert client.login(username=member.card_number, password=PASSWORD)
        signed = client.get(url).content.decode()
        client.logout()
        again = client.get(url).content.decode()
        assert "退出" not in header(anonymous) + header(again) and "退出" in header(signed)
        assert csrf_tokens(anonymous) and csrf_tokens(anonymous)[0] != csrf_tokens(again)[0]

    def test_a_new_application_shows_on_the_kept_pages_at_once(self, signed, member):
        before = signed.get(reverse("projects:my_applications")).content.decode()
        Application.objects.create(
            project="legal",
            rule_id="legal_aid",
            policy_year=2019,
            applicant_member=member,
            organisation=member.organisation,
            reference="JD20190000099",
        )
        after = signed.get(reverse("projects:my_applications")).content.decode()
        assert "JD20190000099" not in before and "JD20190000099" in after


class TestStaffPermissions:
    """A staff account's permissions come with the account's own statement (members.auth): an admin
    page asks no permission query, and a change to them shows on the next request."""

    def test_the_permissions_are_the_backends(self, staff, member):
        from django.contrib.auth.backends import ModelBackend

        for user in staff.values():
            fresh = User.objects.get(pk=user.pk)
            assert signed_in_user(user.pk)._perm_cache == ModelBackend().get_all_permissions(fresh)
            assert signed_in_user(user.pk)._perm_cache  # every role's group grants some
        assert not hasattr(signed_in_user(member.user.pk), "_perm_cache")  # a member: the backend decides
        boss = User.objects.create_superuser("boss", password=PASSWORD)
        assert not hasattr(signed_in_user(boss.pk), "_perm_cache")

    def test_an_admin_page_asks_no_permission_query(self, client, staff):
        client.force_login(staff["grassroots"])
        url = reverse("admin:projects_application_changelist") + "?queue=mine"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # The ORM's own permission reads name the table's columns ("auth_permission"."codename"); the
        # account's statement reads them under an alias.
        orm_reads = [q["sql"] for q in queries if '"auth_permission".' in q["sql"]]
        assert orm_reads == []

    def test_a_changed_group_shows_on_the_next_request(self, client, staff):
        user = staff["grassroots"]
        client.force_login(user)
        url = reverse("admin:projects_application_changelist")
        assert client.get(url).status_code == 200
        groups = list(user.groups.all())
        user.groups.clear()
        assert client.get(url).status_code == 403
        user.groups.add(*groups)
        assert client.get(url).status_code == 200
