"""“上海职工学堂” (2019 §2): the district's on-site check is recorded by a service and is
the application's “实地审核通过” fact; the approved grant registers the school."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Application, ApplicationStatus
from projects.selectors import locked_facts
from projects.services.attachments import AttachmentUpload
from projects.services.errors import ApplicationError
from projects.services.submission import application_resubmit, application_submit
from projects.services.transitions import application_transition
from projects.worker_school import services
from projects.worker_school.models import SiteCheck, WorkerSchool
from subsidies.rules import registry
from tests.factories import StreetFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FACTS = {"built_on": "2019-05-01", "asset_spend": "80000"}


@pytest.fixture(autouse=True)
def before_the_deadline():
    with time_machine.travel("2019-08-01 10:00 +0800", tick=False):
        yield


def invoice():
    return [AttachmentUpload("invoice", SimpleUploadedFile("invoice.pdf", PDF))]


def submit(user, organisation, draft=False, **facts):
    return application_submit(
        user=user,
        rule_id="worker_school_grant",
        policy_year=2019,
        facts={**FACTS, **facts},
        organisation=organisation,
        uploads=invoice(),
        draft=draft,
    )


def record(user, street_union, passed=True, note="", **kwargs):
    fields = {
        "school_name": "马陆职工学堂",
        "address": "嘉定区马陆镇测试路8号",
        "checked_at": datetime(2019, 7, 30, 14, 0, tzinfo=SHANGHAI),
        **kwargs,
    }
    return services.site_check_record(
        user=user, street_union=street_union, policy_year=2019, passed=passed, note=note, **fields
    )


class TestWithoutACheck:
    """The on-site check comes after the application (2019 §2 操作流程（二）: the school applies by
    15 August, then the district checks on site): the district reviewer supplies it."""

    def test_the_application_is_accepted_and_waits_for_the_district_check(self, tree, staff):
        application = submit(staff["street"], tree["street"])
        assert application.status == ApplicationStatus.DISTRICT_REVIEW
        assert application.decision["outcome"] == "pending_review"
        pending = [r["message"] for r in application.decision["reasons"] if r["reviewer"] == "district"]
        assert pending == ["待区总工会对学堂进行实地审核"]

    def test_the_applicant_cannot_declare_the_check_passed(self, tree, staff):
        application = submit(staff["street"], tree["street"], on_site_check_passed="true")
        assert application.facts["on_site_check_passed"] is None
        assert application.decision["outcome"] == "pending_review"

    def test_the_district_cannot_approve_before_the_check_then_the_recorded_check_decides(self, tree, staff):
        from projects.services.errors import TransitionNotAllowed

        application = submit(staff["street"], tree["street"])
        with pytest.raises(TransitionNotAllowed, match="请先填写：区总工会实地审核通过"):
            application_transition(user=staff["district"], application=application, action="approve")
        record(staff["district"], tree["street"])  # the check, recorded after the application
        application.refresh_from_db()
        assert application.facts["on_site_check_passed"] is True and application.decision["outcome"] == "eligible"
        assert application.fact_sources["on_site_check_passed"]["by"] == staff["district"].pk
        assert application.events.filter(action="supply_facts").exists()
        application_transition(user=staff["district2"], application=application, action="approve")
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.APPROVED

    def test_a_draft_can_be_saved_before_the_check(self, tree, staff):
        assert submit(staff["street"], tree["street"], draft=True).status == ApplicationStatus.DRAFT


class TestWithACheck:
    def test_the_check_is_the_locked_fact(self, tree, staff):
        record(staff["district"], tree["street"])
        rule = registry.get("worker_school_grant", 2019)
        locked = locked_facts(rule, member=None, organisation=tree["street"], today=datetime(2019, 8, 1).date())
        assert locked["on_site_check_passed"] is True and locked["is_street_town_union"] is True

    def test_passed_check_lets_the_application_through_whatever_the_form_says(self, tree, staff):
        check = record(staff["district"], tree["street"])
        application = submit(staff["street"], tree["street"], on_site_check_passed="false")
        assert application.status == ApplicationStatus.DISTRICT_REVIEW
        assert application.facts["on_site_check_passed"] is True
        assert application.amount == Decimal("80000.00")
        check.refresh_from_db()
        assert check.application == application

    def test_failed_check_refuses_the_application(self, tree, staff):
        record(staff["district"], tree["street"], passed=False, note="设备未到位")
        with pytest.raises(ApplicationError, match="区总工会实地审核未通过"):
            submit(staff["street"], tree["street"], on_site_check_passed="true")

    def test_draft_submitted_after_the_check(self, tree, staff):
        draft = submit(staff["street"], tree["street"], draft=True)
        record(staff["district"], tree["street"])
        application_resubmit(user=staff["street"], application=draft, facts=FACTS)
        draft.refresh_from_db()
        assert draft.status == ApplicationStatus.DISTRICT_REVIEW and draft.facts["on_site_check_passed"] is True

    def test_a_check_serves_one_application(self, tree, staff):
        check = record(staff["district"], tree["street"])
        first = submit(staff["street"], tree["street"])
        second = submit(staff["street"], tree["street"], on_site_check_passed="true")
        check.refresh_from_db()
        assert check.application == first
        assert second.facts["on_site_check_passed"] is None  # waits for its own check

    def test_a_withdrawn_applications_check_can_be_used_again(self, tree, staff):
        check = record(staff["district"], tree["street"])
        first = submit(staff["street"], tree["street"])
        application_transition(user=staff["street"], application=first, action="withdraw")
        second = submit(staff["street"], tree["street"])
        check.refresh_from_db()
        assert check.application == second

    def test_returned_then_rechecked_takes_the_new_check(self, tree, staff):
        old = record(staff["district"], tree["street"])
        application = submit(staff["street"], tree["street"])
        application_transition(user=staff["district"], application=application, action="return", comment="请补充票据")
        new = record(staff["district"], tree["street"], checked_at=datetime(2019, 7, 31, 9, 0, tzinfo=SHANGHAI))
        application_resubmit(user=staff["street"], application=application, facts=FACTS)
        old.refresh_from_db()
        new.refresh_from_db()
        assert old.application is None and new.application == application

    def test_approval_registers_the_school_from_the_check(self, tree, staff):
        check = record(staff["district"], tree["street"])
        application = submit(staff["street"], tree["street"])
        application_transition(user=staff["district2"], application=application, action="approve")
        school = WorkerSchool.objects.get(application=application)
        assert (school.street_union, school.name, school.address) == (
            tree["street"],
            "马陆职工学堂",
            "嘉定区马陆镇测试路8号",
        )
        assert school.on_site_checked_at == check.checked_at and school.on_site_checked_by == staff["district"]
        assert school.asset_spend == Decimal("80000.00") and str(school.built_on) == "2019-05-01"


class TestWhoApplies:
    def test_a_unit_union_is_not_a_street_town_union(self, tree, staff):
        with pytest.raises(ApplicationError, match="补贴对象为各街镇总工会"):
            submit(staff["grassroots"], tree["unit"], is_street_town_union="true")

    def test_industry_unions_are_not_street_town_unions(self, tree):
        industry = StreetFactory(parent=tree["district"], street_kind="industry")
        assert services.worker_school_locked_facts(None, industry, 2019)["is_street_town_union"] is False


class TestRecordingChecks:
    @pytest.mark.parametrize("who", ["grassroots", "street"])
    def test_only_the_district_records(self, tree, staff, who):
        with pytest.raises(ApplicationError) as excinfo:
            record(staff[who], tree["street"])
        assert excinfo.value.message == services.NOT_DISTRICT

    def test_bad_input_names_the_fields(self, tree, staff):
        with pytest.raises(ValidationError) as excinfo:
            record(
                staff["district"],
                tree["unit"],
                passed=False,
                school_name=" ",
                checked_at=datetime(2019, 8, 2, 9, 0, tzinfo=SHANGHAI),
            )
        assert excinfo.value.message_dict == {
            "street_union": [services.NOT_STREET_TOWN_UNION],
            "school_name": ["请填写学堂名称。"],
            "checked_at": [services.CHECK_IN_FUTURE],
            "note": [services.FAILED_NEEDS_NOTE],
        }
        assert not SiteCheck.objects.exists()

    def test_a_used_check_cannot_be_corrected(self, tree, staff):
        check = record(staff["district"], tree["street"])
        application = submit(staff["street"], tree["street"])
        with pytest.raises(ApplicationError) as excinfo:
            services.site_check_correct(
                user=staff["district"],
                check=check,
                school_name="x",
                address="y",
                checked_at=check.checked_at,
                passed=False,
                note="改",
            )
        assert excinfo.value.message == services.CHECK_USED.format(ref=application.reference)

    def test_an_unused_check_can_be_corrected_with_history(self, tree, staff):
        check = record(staff["district"], tree["street"])
        services.site_check_correct(
            user=staff["district2"],
            check=check,
            school_name="马陆镇职工学堂",
            address=check.address,
            checked_at=check.checked_at,
            passed=True,
        )
        check.refresh_from_db()
        assert check.school_name == "马陆镇职工学堂" and check.checked_by == staff["district2"]
        assert check.history.count() == 2


class TestAdmin:
    def test_district_records_a_check_in_the_admin(self, client, tree, staff):
        client.force_login(staff["district"])
        response = client.post(
            reverse("admin:worker_school_sitecheck_add"),
            {
                "street_union": tree["street"].pk,
                "policy_year": 2019,
                "school_name": "马陆职工学堂",
                "address": "马陆镇测试路8号",
                "checked_at_0": "2019-07-30",
                "checked_at_1": "14:00:00",
                "passed": "on",
                "note": "",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        check = SiteCheck.objects.get()
        assert check.checked_by == staff["district"] and check.passed

    def test_a_future_check_time_is_a_form_error(self, client, tree, staff):
        client.force_login(staff["district"])
        response = client.post(
            reverse("admin:worker_school_sitecheck_add"),
            {
                "street_union": tree["street"].pk,
                "policy_year": 2019,
                "school_name": "学堂",
                "address": "地址",
                "checked_at_0": "2019-08-09",
                "checked_at_1": "14:00:00",
                "passed": "on",
                "note": "",
            },
        )
        assert response.status_code == 200
        assert services.CHECK_IN_FUTURE in response.context["adminform"].form.errors["checked_at"]

    def test_street_staff_see_their_own_checks_only_and_cannot_add(self, client, tree, staff):
        check = record(staff["district"], tree["street"])
        url = reverse("admin:worker_school_sitecheck_change", args=[check.pk])
        client.force_login(staff["street"])
        assert client.get(url).status_code == 200
        assert client.get(reverse("admin:worker_school_sitecheck_add")).status_code == 403
        client.force_login(staff["other_street"])
        assert client.get(url).status_code == 404
        client.force_login(staff["grassroots"])
        assert client.get(url).status_code == 404
        assert client.get(reverse("admin:worker_school_sitecheck_changelist")).status_code == 403

    def test_school_register_is_scoped_and_district_edits(self, client, tree, staff):
        record(staff["district"], tree["street"])
        application = submit(staff["street"], tree["street"])
        application_transition(user=staff["district"], application=application, action="approve")
        school = WorkerSchool.objects.get()
        url = reverse("admin:worker_school_workerschool_change", args=[school.pk])
        client.force_login(staff["other_street"])
        assert client.get(url).status_code == 404
        client.force_login(staff["street"])
        assert client.get(url).status_code == 200
        assert client.post(url, {"name": "改名", "address": "新址", "is_open": "on"}).status_code == 403
        client.force_login(staff["district"])
        assert client.post(url, {"name": "马陆镇职工学堂", "address": "新址", "is_open": "on"}).status_code == 302
        school.refresh_from_db()
        assert school.name == "马陆镇职工学堂"


class TestApplyPage:
    def test_the_form_shows_the_recorded_check_locked(self, client, tree, staff):
        url = reverse("projects:apply", args=["worker_school_grant", 2019])
        client.force_login(staff["street"])
        form = client.get(url).context["form"]
        assert not form.fields["on_site_check_passed"].disabled
        record(staff["district"], tree["street"])
        form = client.get(url).context["form"]
        assert form.fields["on_site_check_passed"].disabled and form.initial["on_site_check_passed"] == "true"
        assert form.fields["is_street_town_union"].disabled


@pytest.mark.parametrize("who", ["street", "district"])
def test_changelists_render(client, tree, staff, who):
    record(staff["district"], tree["street"])
    application = submit(staff["street"], tree["street"])
    application_transition(user=staff["district"], application=application, action="approve")
    client.force_login(staff[who])
    for name in ("admin:worker_school_sitecheck_changelist", "admin:worker_school_workerschool_changelist"):
        response = client.get(reverse(name))
        assert response.status_code == 200 and "马陆职工学堂" in response.content.decode()
