"""The application core: submit, the transition table per role, windows, once-only keys."""

from decimal import Decimal

import pytest
import time_machine

from projects.models import Application, ApplicationEvent, ApplicationStatus, Notification
from projects.services.errors import ApplicationError, TransitionNotAllowed
from projects.services.recalculation import application_recalculate, application_recalculation_preview
from projects.services.submission import application_resubmit, application_submit
from projects.services.transitions import application_transition
from projects.workflow import REASON_REQUIRED, SAME_REVIEWER
from subsidies.rules.facts import FactsError
from tests.projects.conftest import without_proofs

S = ApplicationStatus
PROMOTION = {
    "level_reached": "technician",
    "certificate_issued_on": "2018-06-01",
    "certificate_issuer": "shanghai_hrss",
    "certificate_number": "1931000000000009",
}


def submit_promotion(member, **facts):
    return application_submit(
        user=member.user,
        rule_id="skill_promotion_award",
        policy_year=2019,
        facts={**PROMOTION, **facts},
        member=member,
        uploads=facts.pop("uploads", ()),
    )


@pytest.fixture
def no_proofs():
    """Skill awards need a certificate upload; most workflow tests are not about proofs."""
    with without_proofs("skill_promotion_award"):
        yield


@pytest.fixture
def application(member, in_first_skill_batch, no_proofs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the applicant is notified after the commit
        return submit_promotion(member)


class TestSubmit:
    def test_submission_freezes_facts_and_decision_and_routes_to_the_first_level(self, application, member):
        assert application.status == S.GRASSROOTS_REVIEW
        assert application.reference == f"JD2019{application.pk:08d}"
        assert application.review_chain == ["grassroots", "district", "city"]
        assert application.amount == Decimal("1000.00")
        assert application.decision["split"] == [
            {"payer": "city_union", "payer_label": "市总工会", "amount": "1000.00"}
        ]
        # The application date is the server's date, not the applicant's.
        assert application.facts["application_date"] == "2019-03-20"
        assert application.facts["is_district_member"] is True
        assert list(application.events.values_list("action", "to_status")) == [
            ("create", S.DRAFT),
            ("submit", S.SUBMITTED),
            ("route", S.GRASSROOTS_REVIEW),
        ]
        assert Notification.objects.filter(recipient=member.user, application=application).exists()

    def test_applicant_cannot_backdate_into_a_window(self, member, no_proofs):
        with time_machine.travel("2019-04-16 09:00 +0800", tick=False):
            with pytest.raises(ApplicationError) as excinfo:
                submit_promotion(member, application_date="2019-04-01")
        assert "尚未开始受理" in excinfo.value.message
        assert "第二批受理期：2019年8月15日—2019年9月15日" in excinfo.value.message
        assert not Application.objects.exists()

    @pytest.mark.parametrize(
        "when, ok",
        [
            ("2019-03-14 23:59 +0800", False),
            ("2019-03-15 00:00 +0800", True),
            ("2019-04-15 23:59 +0800", True),
            ("2019-09-16 00:00 +0800", False),
        ],
    )
    def test_window_first_and_last_day_in_shanghai_time(self, member, no_proofs, when, ok):
        with time_machine.travel(when, tick=False):
            if ok:
                assert submit_promotion(member).status == S.GRASSROOTS_REVIEW
            else:
                with pytest.raises(ApplicationError):
                    submit_promotion(member)

    def test_closed_window_message_names_the_dates(self, member, no_proofs):
        with time_machine.travel("2019-10-01 09:00 +0800", tick=False):
            with pytest.raises(ApplicationError) as excinfo:
                submit_promotion(member)
        assert "已过受理期" in excinfo.value.message and "2019年9月15日" in excinfo.value.message

    def test_bad_facts_name_the_field_and_save_nothing(self, member, in_first_skill_batch, no_proofs):
        with pytest.raises(FactsError) as excinfo:
            submit_promotion(member, certificate_issued_on="2018-02-30")
        assert "certificate_issued_on" in excinfo.value.errors
        assert not Application.objects.exists()

    def test_a_member_cannot_apply_for_someone_else(self, member, other_member, in_first_skill_batch, no_proofs):
        with pytest.raises(ApplicationError):
            application_submit(
                user=other_member.user,
                rule_id="skill_promotion_award",
                policy_year=2019,
                facts=PROMOTION,
                member=member,
            )

    def test_one_award_per_certificate_until_withdrawn_naming_the_earlier_application(self, application, member):
        with pytest.raises(ApplicationError) as refused:
            submit_promotion(member, certificate_number=" 1931000000000009 ")  # spaces do not make it new
        assert refused.value.message == (
            f"该职业资格证书已申请或获得过技能晋升奖励。（已有申请：{application.reference}，待基层工会初审）"
        )
        application_transition(user=member.user, application=application, action="withdraw")
        assert submit_promotion(member).status == S.GRASSROOTS_REVIEW

    def test_required_proof_must_be_uploaded(self, member, in_first_skill_batch):
        with pytest.raises(ApplicationError, match="请上传以下材料：证书"):
            submit_promotion(member)
        assert not Application.objects.exists()

    def test_draft_is_saved_without_eligibility_and_submitted_later(self, member, in_first_skill_batch, no_proofs):
        draft = application_submit(
            user=member.user,
            rule_id="skill_promotion_award",
            policy_year=2019,
            facts={"level_reached": "technician"},
            member=member,
            draft=True,
        )
        assert draft.status == S.DRAFT
        application_resubmit(user=member.user, application=draft, facts=PROMOTION)
        draft.refresh_from_db()
        assert draft.status == S.GRASSROOTS_REVIEW


def act(user, application, action, comment=""):
    return application_transition(user=user, application=application, action=action, comment=comment)


class TestTransitionsByRole:
    def test_full_chain_grassroots_district_city(self, application, staff):
        act(staff["grassroots"], application, "approve")
        assert Application.objects.get(pk=application.pk).status == S.DISTRICT_REVIEW
        act(staff["district"], application, "approve")
        assert Application.objects.get(pk=application.pk).status == S.CITY_REVIEW
        act(staff["district2"], application, "approve")  # recording the city union's final review
        application.refresh_from_db()
        assert application.status == S.APPROVED and application.decided_at is not None
        levels = list(application.events.filter(action="approve").values_list("level", "actor"))
        assert levels == [
            ("grassroots", staff["grassroots"].pk),
            ("district", staff["district"].pk),
            ("city", staff["district2"].pk),
        ]

    @pytest.mark.parametrize("who", ["other_grassroots", "street", "other_street", "district"])
    def test_only_the_members_own_grassroots_union_reviews_first(self, application, staff, who):
        with pytest.raises(TransitionNotAllowed, match="您无权"):
            act(staff[who], application, "approve")

    def test_the_member_cannot_approve_their_own_application(self, application, member):
        with pytest.raises(TransitionNotAllowed):
            act(member.user, application, "approve")

    def test_staff_cannot_withdraw_for_the_member(self, application, staff):
        with pytest.raises(TransitionNotAllowed):
            act(staff["grassroots"], application, "withdraw")

    def test_segregation_of_duties_between_levels(self, application, staff):
        act(staff["grassroots"], application, "approve")
        act(staff["district"], application, "approve")
        with pytest.raises(TransitionNotAllowed) as excinfo:
            act(staff["district"], application, "approve")
        assert excinfo.value.message == SAME_REVIEWER.format(level="区总工会")

    @pytest.mark.parametrize("action, label", [("return", "退回补正"), ("reject", "不予通过")])
    def test_return_and_reject_need_a_reason(self, application, staff, action, label):
        with pytest.raises(TransitionNotAllowed) as excinfo:
            act(staff["grassroots"], application, action, comment="  ")
        assert excinfo.value.message == REASON_REQUIRED.format(action=label)
        assert excinfo.value.field == "comment"

    def test_returned_application_is_corrected_and_resubmitted(self, application, staff, member):
        act(staff["grassroots"], application, "return", comment="证书复印件不清晰")
        application.refresh_from_db()
        assert application.status == S.RETURNED
        assert Notification.objects.filter(recipient=member.user, body="证书复印件不清晰").exists()
        application_resubmit(
            user=member.user, application=application, facts={**PROMOTION, "level_reached": "senior_technician"}
        )
        application.refresh_from_db()
        assert (application.status, application.amount) == (S.GRASSROOTS_REVIEW, Decimal("2000.00"))

    def test_rejected_is_final(self, application, staff, member):
        act(staff["grassroots"], application, "reject", comment="证书非人社部门颁发")
        with pytest.raises(TransitionNotAllowed, match="当前状态为“未通过”"):
            act(member.user, application, "withdraw")

    def test_approved_cannot_be_withdrawn_and_is_paid_only_through_a_confirmed_batch(
        self, application, staff, member, django_capture_on_commit_callbacks
    ):
        from payouts.services import payout_batch_confirm, payout_batch_prepare

        for user in (staff["grassroots"], staff["district"], staff["district2"]):
            act(user, application, "approve")
        with pytest.raises(TransitionNotAllowed):
            act(member.user, application, "withdraw")
        for who in ("street", "district"):
            with pytest.raises(TransitionNotAllowed, match="只能通过给付批次办理"):
                act(staff[who], application, "mark_paid")
        batch = payout_batch_prepare(user=staff["district"], applications=[application])
        assert Application.objects.get(pk=application.pk).status == S.APPROVED  # held by its payment
        with django_capture_on_commit_callbacks(execute=True):  # the payout task, eager without Redis
            payout_batch_confirm(user=staff["district2"], batch=batch)
        assert Application.objects.get(pk=application.pk).status == S.PAID

    def test_every_transition_is_recorded_with_actor_time_and_comment(self, application, staff):
        act(staff["grassroots"], application, "return", comment="请补充单位盖章")
        event = ApplicationEvent.objects.filter(application=application).last()
        assert (event.action, event.actor, event.comment, event.level) == (
            "return",
            staff["grassroots"],
            "请补充单位盖章",
            "grassroots",
        )
        assert event.created_at is not None


class TestRecalculation:
    def test_preview_shows_the_difference_and_accepting_records_it(self, application, staff, monkeypatch):
        from subsidies.rules.data import load_policy_data

        raised = load_policy_data(2019).with_overrides(
            tables={
                "skill_promotion_amounts": [
                    {"level": "technician", "label": "技师（国家职业资格二级）", "amount": "1200"},
                    {"level": "senior_technician", "label": "高级技师（国家职业资格一级）", "amount": "2000"},
                ]
            }
        )
        monkeypatch.setattr("subsidies.selectors.policy_data", lambda year: raised)
        preview = application_recalculation_preview(application=application)
        assert preview.changes["amount"] == ("1000.00", "1200.00")
        application.refresh_from_db()
        assert application.amount == Decimal("1000.00")  # unchanged until staff accept
        application_recalculate(user=staff["grassroots"], application=application, comment="政策表更正")
        application.refresh_from_db()
        assert application.amount == Decimal("1200.00")
        event = application.events.get(action="recalculate")
        assert event.data["changes"]["amount"] == ["1000.00", "1200.00"] and event.actor == staff["grassroots"]

    def test_only_the_current_reviewer_may_recalculate(self, application, staff):
        with pytest.raises(TransitionNotAllowed):
            application_recalculate(user=staff["street"], application=application)
