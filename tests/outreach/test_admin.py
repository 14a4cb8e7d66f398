"""政策找人 in the admin: the entitled non-applicants of one's scope (street/town staff their street,
district everything, grassroots none), the uptake per project and street, the .xlsx export with ID
numbers masked, the on-demand scan (district, POST, the task queued) and the daily jobs' schedules
district staff may change; and the member's one notice per new entitlement, opening the prefilled
application."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from openpyxl import load_workbook

from members.models import StaffRole
from members.roles import ROLE_GROUPS
from outreach.models import Finding, FindingState, Reminder, ReminderKind, ScanRun
from outreach.services import outreach_scan
from projects.models import Application, ApplicationStatus
from projects.selectors import member_profile, prefilled_facts
from subsidies.rules import registry
from tests.outreach.test_reminders import application, finding
from tests.projects.conftest import _member

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:outreach_finding_changelist"
DAY = "2021-03-10 09:00 +0800"


@pytest.fixture
def people(tree):
    mine = _member(tree["unit"], name="本街会员")
    far = _member(tree["far_unit"], name="外街会员")
    finding(mine, rule_id="skill_promotion_award")
    finding(mine, rule_id="patent_award", state=FindingState.NOT_ELIGIBLE)
    finding(mine, rule_id="mentor_award", applied=True)
    finding(far, rule_id="skill_promotion_award", state=FindingState.NOT_YET_OPEN)
    return mine, far


def _names(response):
    return {f.member.name for f in response.context["cl"].result_list}


def test_street_staff_see_their_street_district_all_grassroots_nothing(client, staff, people):
    client.force_login(staff["street"])
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert _names(response) == {"本街会员"}
    assert len(response.context["cl"].result_list) == 1  # not the ineligible, not the applied
    far_finding = Finding.objects.get(member=people[1])
    assert client.get(reverse("admin:outreach_finding_change", args=[far_finding.pk])).status_code == 404

    client.force_login(staff["district"])
    assert _names(client.get(reverse(CHANGELIST))) == {"本街会员", "外街会员"}

    client.force_login(staff["grassroots"])
    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_filtered_by_street_and_project(client, staff, tree, people):
    client.force_login(staff["district"])
    url = reverse(CHANGELIST)
    assert _names(client.get(url, {"street": tree["other_street"].pk})) == {"外街会员"}
    assert _names(client.get(url, {"project": "skill_awards", "state": "eligible"})) == {"本街会员"}
    assert _names(client.get(url, {"project": "legal"})) == set()


def test_uptake_per_project_and_street(client, staff, tree, people):
    mine, far = people
    approved = application(mine, "mentor_award", 2021)
    paid = application(mine, "skill_promotion_award", 2021, status=ApplicationStatus.PAID)
    Application.objects.filter(pk=approved.pk).update(project="skill_awards")
    Application.objects.filter(pk=paid.pk).update(project="skill_awards", paid_at=timezone.now())
    with time_machine.travel(DAY, tick=False):
        client.force_login(staff["street"])
        rows = client.get(reverse(CHANGELIST)).context["uptake"]
    assert [(r.street, r.entitled, r.applied, r.approved, r.paid) for r in rows] == [(tree["street"].name, 2, 1, 2, 1)]
    with time_machine.travel(DAY, tick=False):
        client.force_login(staff["district"])
        rows = client.get(reverse(CHANGELIST)).context["uptake"]
    assert sorted((r.street, r.entitled) for r in rows) == sorted(
        [(tree["street"].name, 2), (tree["other_street"].name, 1)]
    )


def test_the_dashboard_counts_the_entitled_non_applicants(client, staff, people):
    client.force_login(staff["district"])
    response = client.get(reverse("admin_dashboard"))
    assert response.status_code == 200
    assert (
        "项符合条件尚未申请（政策找人）",
        2,
        reverse(CHANGELIST),
    ) in response.context["d"].app_items


def test_export_is_the_scope_with_masked_id_numbers(client, staff, people):
    mine, _ = people
    client.force_login(staff["street"])
    response = client.post(reverse("admin:outreach_finding_export"), {"format": "0"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名", "身份证号码")
    assert len(rows) == 2 and rows[1][0] == "本街会员"
    assert rows[1][1] != mine.id_number and rows[1][1].endswith(mine.id_number[-4:]) and "*" in rows[1][1]
    assert "现在可以申请" in rows[1]


def test_district_staff_start_a_scan_now(client, staff, tree, django_capture_on_commit_callbacks):
    _member(tree["unit"])
    client.force_login(staff["district"])
    url = reverse("admin:outreach_finding_scan")
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(url)
    assert response.status_code == 302 and len(queued) == 1
    run = ScanRun.objects.get()
    assert run.requested_by == staff["district"] and run.finished_at is not None and run.members == run.planned == 1
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "最近一次政策找人于" in page and "判定会员 1 人" in page

    client.force_login(staff["street"])
    assert client.post(url).status_code == 403
    assert "立即运行政策找人" not in client.get(reverse(CHANGELIST)).content.decode()


def test_a_second_request_while_one_runs_is_refused(client, staff):
    client.force_login(staff["district"])
    url = reverse("admin:outreach_finding_scan")
    client.post(url)  # queued, not run (no commit in the test's transaction)
    response = client.post(url, follow=True)
    assert ScanRun.objects.count() == 1
    assert "政策找人正在运行" in response.content.decode()
    assert "政策找人已于" in response.content.decode()  # waiting for the worker


def test_role_groups_grant_the_district_the_schedules_and_nothing_more():
    def perms(role):
        group = Group.objects.get(name=ROLE_GROUPS[role])
        return {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.filter(content_type__app_label="django_celery_beat")
        }

    assert perms(StaffRole.DISTRICT) == {
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.add_crontabschedule",
    }
    assert perms(StaffRole.STREET) == perms(StaffRole.GRASSROOTS) == set()


def test_district_staff_change_when_a_job_runs_but_not_what_it_runs(client, staff):
    task = PeriodicTask.objects.get(task="outreach.tasks.scan_members")
    later = CrontabSchedule.objects.create(minute="15", hour="1", timezone="Asia/Shanghai")
    client.force_login(staff["district"])
    url = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "enabled": "on",
            "crontab": later.pk,
            "description": "夜间一点一刻",
            "task": "celery.backend_cleanup",
            "name": "改名",
            "kwargs": '{"full": true}',
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.crontab == later and task.description == "夜间一点一刻"
    assert task.task == "outreach.tasks.scan_members" and task.name != "改名" and '"full"' not in task.kwargs
    assert client.get(reverse("admin:django_celery_beat_periodictask_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:django_celery_beat_periodictask_delete", args=[task.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    client.force_login(staff["street"])
    assert client.get(url).status_code == 403


def test_one_notice_per_new_entitlement_opening_the_prefilled_application(client, tree):
    with time_machine.travel(DAY, tick=False):
        person = _member(tree["far_unit"], sex="F", birth_date=date(1985, 6, 1), marital_status="single")
        outreach_scan(full=True)
        outreach_scan(full=True)  # a second night finds nothing new
        eligible = Finding.objects.filter(member=person, state=FindingState.ELIGIBLE, applied=False)
        notices = Reminder.objects.filter(recipient=person.user, kind=ReminderKind.NEW_ENTITLEMENT)
        assert eligible.exists()
        assert sorted(n.subject for n in notices) == sorted(f"entitled:{f.rule_id}:{f.policy_year}" for f in eligible)
        client.force_login(person.user)
        profile = member_profile(person, date(2021, 3, 10))
        for notice in notices:
            response = client.get(reverse("outreach:open", args=[notice.pk]))
            assert response.status_code == 302 and response["Location"] == notice.link
            page = client.get(notice.link)
            assert page.status_code == 200
            _, rule_id, year = notice.subject.split(":")
            rule = registry.get(rule_id, int(year))
            form = page.context["form"]
            for name, value in prefilled_facts(rule, profile).items():
                assert form[name].value() in (value, str(value)), (rule_id, name)
