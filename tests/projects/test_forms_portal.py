"""The apply form as a member meets it: errors at the field in plain Chinese, a chosen file that a
failed submit could not keep named with 请重新选择文件, 保存草稿 keeping partial input (a draft claims
no places and no reviewer sees it), dates prefilled where the rule allows, help from the schema."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import workflow
from projects.models import Application, ApplicationStatus, QuotaClaim, QuotaPool
from projects.selectors import prefilled_dates
from subsidies.rules import registry
from tests.projects.conftest import PASSWORD
from tests.projects.test_portal import PDF

pytestmark = pytest.mark.django_db
S = ApplicationStatus
DAY = "2019-06-01 09:00 +0800"
CONDOLENCE = reverse("projects:apply", args=["district_condolence_payment", 2019])
ILLNESS = {
    "diagnosis_date": "2019-05-20",
    "twelve_illnesses": "true",
    "hospitalised": "true",
    "in_city_mutual_aid_plan": "true",
    "first_diagnosis": "false",
    "hospital_level": "other_province_tertiary",
    "no_card_coverage_objective_reason": "true",
}


@pytest.fixture
def signed_in(client, member):
    assert client.login(username=member.card_number, password=PASSWORD)
    with time_machine.travel(DAY, tick=False):
        yield client


def field_block(html: str, name: str) -> str:
    """The .field div holding the input named `name`."""
    at = html.index(f'name="{name}"')
    start = html.rindex('<div class="field', 0, at)
    end = html.find('<div class="field', at)
    return html[start : end if end != -1 else html.index("</form>", at)]


def visible(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


class TestErrorsAtTheField:
    def test_a_bad_date_is_refused_at_its_field_by_its_label(self, signed_in):
        html = signed_in.post(CONDOLENCE, {"diagnosis_date": "2019-13-45"}).content.decode()
        block = visible(field_block(html, "diagnosis_date"))
        assert "确诊日期" in block and "日期" in block.split("确诊日期", 1)[1]
        assert "diagnosis_date" not in visible(html)
        assert "请看标红的项目" in visible(html)

    def test_missing_proofs_are_refused_at_the_upload_field(self, signed_in):
        html = signed_in.post(CONDOLENCE, ILLNESS).content.decode()
        assert "请上传以下材料：医疗证明" in visible(field_block(html, "proof_medical"))
        assert not Application.objects.exists()

    def test_with_other_errors_the_missing_proof_is_named_too(self, signed_in):
        html = signed_in.post(CONDOLENCE, {"diagnosis_date": "2019-05-20"}).content.decode()
        assert "“已住院治疗”必须填写" in visible(field_block(html, "hospitalised"))
        assert "请上传以下材料：医疗证明" in visible(field_block(html, "proof_medical"))


class TestChosenFile:
    def test_a_failed_submit_says_plainly_to_choose_the_file_again(self, signed_in):
        proof = SimpleUploadedFile("诊断证明.pdf", PDF, content_type="application/pdf")
        html = signed_in.post(CONDOLENCE, {"diagnosis_date": "2019-13-45", "proof_medical": proof}).content.decode()
        block = visible(field_block(html, "proof_medical"))
        assert "您选择的“诊断证明.pdf”还没有保存，请重新选择文件" in block
        assert "请在下面重新选择文件" in visible(html)
        assert not Application.objects.exists()

    def test_a_draft_keeps_the_file_and_its_form_says_so(self, signed_in, member):
        proof = SimpleUploadedFile("诊断证明.pdf", PDF, content_type="application/pdf")
        response = signed_in.post(CONDOLENCE, {"save_draft": "1", "proof_medical": proof})
        draft = Application.objects.get()
        assert response.status_code == 302 and draft.status == S.DRAFT
        html = signed_in.get(reverse("projects:my_application_edit", args=[draft.reference])).content.decode()
        assert "已上传：诊断证明.pdf" in visible(field_block(html, "proof_medical"))
        # submitted later without choosing the file again: the stored proof counts
        response = signed_in.post(reverse("projects:my_application_edit", args=[draft.reference]), ILLNESS)
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status not in (S.DRAFT, S.SUBMITTED) and draft.submitted_at is not None


class TestDraft:
    def test_save_draft_keeps_partial_input_and_reopens_from_my_applications(self, signed_in, member):
        response = signed_in.post(CONDOLENCE, {"save_draft": "1"})
        draft = Application.objects.get()
        assert response.status_code == 302 and draft.status == S.DRAFT
        listing = visible(signed_in.get(reverse("projects:my_applications")).content.decode())
        assert draft.reference in listing and "草稿" in listing
        page = visible(signed_in.get(reverse("projects:my_application", args=[draft.reference])).content.decode())
        assert "继续填写并提交" in page and "提交前不会进入审核、不占名额" in page
        edit = reverse("projects:my_application_edit", args=[draft.reference])
        assert signed_in.post(edit, {"save_draft": "1", "diagnosis_date": "2019-05-20"}).status_code == 302
        draft.refresh_from_db()
        assert draft.status == S.DRAFT and draft.facts["diagnosis_date"] == "2019-05-20"
        html = signed_in.get(edit).content.decode()
        assert 'value="2019-05-20"' in field_block(html, "diagnosis_date")
        assert "保存草稿" in html

    def test_a_draft_with_a_bad_value_is_refused_at_the_field(self, signed_in):
        html = signed_in.post(CONDOLENCE, {"save_draft": "1", "diagnosis_date": "昨天"}).content.decode()
        assert "确诊日期" in visible(field_block(html, "diagnosis_date"))
        assert not Application.objects.exists()

    def test_a_draft_claims_no_places(self, client, tree, member, staff):
        from projects.services.offerings import offering_create
        from projects.services.submission import application_submit

        with time_machine.travel("2021-01-10 09:00 +0800", tick=False):
            offering = offering_create(
                user=staff["district"],
                rule_id="health_checkup",
                policy_year=2021,
                title="A计划2月场",
                starts_at=datetime(2021, 2, 20, 8, tzinfo=ZoneInfo("Asia/Shanghai")),
                capacity=10,
                organiser=tree["district"],
                facts={"plan": "A", "checkup_date": "2021-02-20"},
            )
            draft = application_submit(
                user=member.user,
                rule_id="health_checkup",
                policy_year=2021,
                member=member,
                facts={},
                offering=offering,
                draft=True,
            )
        assert draft.status == S.DRAFT
        assert QuotaPool.objects.get(pk=offering.quota_id).taken == 0
        assert not QuotaClaim.objects.filter(application=draft).exists()

    def test_the_transition_table_has_drafts_only_for_the_applicant(self):
        submit = workflow.TRANSITIONS["submit"]
        assert S.DRAFT in submit.sources and submit.actor == workflow.APPLICANT
        for transition in workflow.TRANSITIONS.values():
            if S.DRAFT in transition.sources:
                assert transition.actor == workflow.APPLICANT, transition.action
        assert S.DRAFT not in workflow.REVIEW_STATUSES

    def test_a_draft_is_invisible_in_every_review_queue(self, client, member, staff):
        from projects.admin import ROLE_QUEUE
        from projects.services.submission import application_submit

        with time_machine.travel(DAY, tick=False):
            draft = application_submit(
                user=member.user,
                rule_id="legal_aid",
                policy_year=2019,
                member=member,
                facts={"claim_kind": "wages"},
                draft=True,
            )
            submitted = application_submit(
                user=member.user,
                rule_id="legal_aid",
                policy_year=2019,
                member=member,
                facts={"claim_kind": "wages"},
            )
        assert all(S.DRAFT not in statuses for statuses in ROLE_QUEUE.values())
        seen_submitted = False
        for role in ("grassroots", "street", "district"):
            client.force_login(staff[role])
            for queue in ("mine", "review"):
                response = client.get(reverse("admin:projects_application_changelist"), {"queue": queue})
                assert response.status_code == 200
                html = response.content.decode()
                assert draft.reference not in html, (role, queue)
                seen_submitted |= submitted.reference in html
        assert seen_submitted  # the queues do list what was submitted


class TestPrefillAndHelp:
    def test_a_date_of_the_applicants_own_act_is_prefilled_with_today(self):
        rule = registry.get("worker_school_grant", 2019)
        assert prefilled_dates(rule, date(2019, 6, 1)) == {"claim_date": date(2019, 6, 1)}
        assert prefilled_dates(registry.get("district_condolence_payment", 2019), date(2019, 6, 1)) == {}

    def test_the_apply_form_shows_the_schemas_help(self, signed_in):
        html = signed_in.get(reverse("projects:apply", args=["singles_event", 2019])).content.decode()
        assert "填写后按活动日期计算年龄，否则按报名日期" in visible(field_block(html, "event_date"))

    def test_record_dates_are_shown_filled_in(self, signed_in):
        html = signed_in.get(reverse("projects:apply", args=["legal_aid", 2019])).content.decode()
        locked = re.search(r'<div class="field locked">.*?申请日期.*?</div>', html, re.S).group(0)
        assert "2019-06-01" in visible(locked)  # 申请日期: today, from the record, shown as text


class TestQuestionsOfferOnlyTheirAnswers:
    def test_a_yes_no_question_offers_only_yes_and_no(self, signed_in):
        block = field_block(signed_in.get(CONDOLENCE).content.decode(), "hospitalised")
        options = re.findall(r'<input type="radio" name="hospitalised" value="([^"]*)"', block)
        assert options == ["true", "false"]
        assert "—" not in visible(block) and "是" in visible(block) and "否" in visible(block)

    def test_an_unanswered_yes_no_question_is_refused_by_its_label(self, signed_in):
        html = signed_in.post(CONDOLENCE, {**ILLNESS, "hospitalised": ""}).content.decode()
        assert "“已住院治疗”必须填写" in visible(field_block(html, "hospitalised"))
        assert not Application.objects.exists()
