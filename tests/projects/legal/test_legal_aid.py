"""Legal aid (2019 §3): accepted and reviewed by the district's centre (approved), then assigned
to a centre and a lawyer (指派), then closed with an outcome (the application is closed too)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from projects.legal import selectors, services
from projects.legal.models import CaseOutcome, CaseStatus, CentreKind, Lawyer, LegalAidCase, LegalAidCentre
from projects.models import ApplicationStatus, Notification
from projects.services.errors import ApplicationError
from projects.services.transitions import application_transition

from .conftest import accept_and_review, approve, submit_legal_aid

pytestmark = pytest.mark.django_db


def assign(user, case, centre, lawyer):
    return services.legal_aid_case_assign(user=user, case=case, centre=centre, lawyer=lawyer)


class TestCentres:
    def test_the_migration_creates_the_centre_and_the_court_and_arbitration_windows(self):
        kinds = set(LegalAidCentre.objects.values_list("kind", flat=True))
        assert kinds == {CentreKind.DISTRICT_CENTRE, CentreKind.COURT_WINDOW, CentreKind.ARBITRATION_WINDOW}

    def test_only_one_centre_of_each_district_kind(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            LegalAidCentre.objects.create(kind=CentreKind.COURT_WINDOW, name="第二个法院窗口")

    def test_a_branch_needs_its_street_and_only_one_per_street(self, tree, staff):
        with pytest.raises(IntegrityError), transaction.atomic():
            LegalAidCentre.objects.create(kind=CentreKind.STREET_BRANCH, name="无街镇分中心")
        branch = services.legal_aid_centre_save(
            user=staff["district"],
            centre=LegalAidCentre(kind=CentreKind.STREET_BRANCH, name="测试街道分中心", street=tree["street"]),
        )
        assert branch.pk
        with pytest.raises(ApplicationError, match="该街镇已有法律援助分中心"):
            services.legal_aid_centre_save(
                user=staff["district"],
                centre=LegalAidCentre(kind=CentreKind.STREET_BRANCH, name="另一个分中心", street=tree["street"]),
            )

    def test_a_branch_street_must_be_a_street(self, tree, staff):
        with pytest.raises(ApplicationError, match="不是街镇") as excinfo:
            services.legal_aid_centre_save(
                user=staff["district"],
                centre=LegalAidCentre(kind=CentreKind.STREET_BRANCH, name="单位分中心", street=tree["unit"]),
            )
        assert excinfo.value.field == "street"

    def test_only_district_staff_maintain_centres_and_lawyers(self, tree, staff, centre):
        with pytest.raises(ApplicationError, match=services.DISTRICT_ONLY.format(action="维护法律援助中心（窗口）")):
            services.legal_aid_centre_save(
                user=staff["street"],
                centre=LegalAidCentre(kind=CentreKind.STREET_BRANCH, name="测试街道分中心", street=tree["street"]),
            )
        with pytest.raises(ApplicationError):
            services.lawyer_save(
                user=staff["street"], lawyer=Lawyer(name="张三", centre=centre, licence_number="13101200910123456")
            )

    def test_lawyer_licence_is_17_digits(self, staff, centre):
        with pytest.raises(ApplicationError, match="律师执业证号为17位数字") as excinfo:
            services.lawyer_save(
                user=staff["district"], lawyer=Lawyer(name="张三", centre=centre, licence_number="1310120091012345X")
            )
        assert excinfo.value.field == "licence_number"


class TestCaseOpened:
    def test_approval_opens_a_case_waiting_for_assignment(self, accepted):
        case = LegalAidCase.objects.get(application=accepted)
        assert case.status == CaseStatus.AWAITING
        assert case.accepted_at == accepted.decided_at
        assert case.centre is None and case.lawyer is None

    def test_no_case_before_approval_or_after_rejection(self, member, staff, june_2019):
        application = submit_legal_aid(member)
        assert not LegalAidCase.objects.exists()
        application_transition(user=staff["district"], application=application, action="reject", comment="不符合")
        assert not LegalAidCase.objects.exists()

    def test_unassigned_cases_oldest_first_with_their_wait(self, accepted, member, other_member, staff):
        with time_machine.travel("2019-06-05 15:00 +0800", tick=False):
            later = submit_legal_aid(other_member)
            accept_and_review(staff, later)
        now = timezone.now() + timedelta(days=3)
        rows = list(selectors.legal_aid_cases_unassigned(user=staff["district"], now=now))
        assert [r.application_id for r in rows] == [accepted.pk, later.pk]
        assert rows[0].waited == now - rows[0].accepted_at
        with time_machine.travel("2019-06-10 08:00 +0800", tick=False):
            assert selectors.days_waiting(rows[0]) == 7  # accepted on 6-03 (Shanghai)

    def test_unassigned_list_is_scoped(self, accepted, staff):
        assert selectors.legal_aid_cases_unassigned(user=staff["street"]).count() == 1
        assert selectors.legal_aid_cases_unassigned(user=staff["other_street"]).count() == 0
        assert selectors.legal_aid_cases_unassigned(user=staff["other_grassroots"]).count() == 0


class TestAssign:
    def test_district_assigns_a_centre_and_its_lawyer_and_the_member_is_told(
        self, accepted, staff, centre, lawyer, member
    ):
        case = assign(staff["district"], accepted.legal_aid_case, centre, lawyer)
        assert case.status == CaseStatus.ASSIGNED and case.lawyer == lawyer and case.assigned_by == staff["district"]
        assert not selectors.legal_aid_cases_unassigned(user=staff["district"]).exists()
        title = services.ASSIGNED_NOTICE.format(ref=accepted.reference, centre=centre.name, lawyer=lawyer.name)
        assert Notification.objects.filter(recipient=member.user, title=title).exists()

    @pytest.mark.parametrize("role", ["street", "grassroots"])
    def test_only_district_staff_assign(self, accepted, staff, centre, lawyer, role):
        with pytest.raises(ApplicationError) as excinfo:
            assign(staff[role], accepted.legal_aid_case, centre, lawyer)
        assert excinfo.value.message == services.DISTRICT_ONLY.format(action="指派法律援助案件")
        assert LegalAidCase.objects.get().status == CaseStatus.AWAITING

    def test_the_lawyer_must_belong_to_the_centre(self, accepted, staff, centre, court_lawyer, court):
        with pytest.raises(ApplicationError) as excinfo:
            assign(staff["district"], accepted.legal_aid_case, centre, court_lawyer)
        assert excinfo.value.message == services.LAWYER_NOT_OF_CENTRE.format(lawyer="李华", centre=centre.name)
        assert excinfo.value.field == "lawyer"

    def test_inactive_lawyer_or_centre_refused(self, accepted, staff, centre, lawyer):
        Lawyer.objects.filter(pk=lawyer.pk).update(is_active=False)
        lawyer.refresh_from_db()
        with pytest.raises(ApplicationError, match=services.LAWYER_INACTIVE.format(lawyer="王明")):
            assign(staff["district"], accepted.legal_aid_case, centre, lawyer)
        LegalAidCentre.objects.filter(pk=centre.pk).update(is_active=False)
        centre.refresh_from_db()
        with pytest.raises(ApplicationError, match="已停用"):
            assign(staff["district"], accepted.legal_aid_case, centre, lawyer)

    def test_reassignment_while_open(self, accepted, staff, centre, lawyer, court, court_lawyer):
        assign(staff["district"], accepted.legal_aid_case, centre, lawyer)
        case = assign(staff["district2"], accepted.legal_aid_case, court, court_lawyer)
        assert (case.centre, case.lawyer, case.assigned_by) == (court, court_lawyer, staff["district2"])
        assert case.history.count() == 3  # opened, assigned, reassigned — audited

    def test_database_refuses_an_assigned_case_without_a_lawyer(self, accepted):
        with pytest.raises(IntegrityError), transaction.atomic():
            LegalAidCase.objects.filter(application=accepted).update(status=CaseStatus.ASSIGNED)


class TestClose:
    def test_close_records_the_outcome_and_closes_the_application(self, accepted, staff, centre, lawyer, member):
        assign(staff["district"], accepted.legal_aid_case, centre, lawyer)
        case = services.legal_aid_case_close(
            user=staff["district"],
            case=accepted.legal_aid_case,
            outcome=CaseOutcome.MEDIATED,
            notes="  追回工资 12000 元  ",
        )
        assert case.status == CaseStatus.CLOSED and case.outcome_notes == "追回工资 12000 元"
        accepted.refresh_from_db()
        assert accepted.status == ApplicationStatus.CLOSED
        assert accepted.events.filter(action="close", actor=staff["district"]).exists()
        assert Notification.objects.filter(recipient=member.user, title__contains="已结案：调解结案").exists()

    def test_cannot_close_before_assignment(self, accepted, staff):
        with pytest.raises(ApplicationError, match=services.CASE_NOT_ASSIGNED):
            services.legal_aid_case_close(
                user=staff["district"], case=accepted.legal_aid_case, outcome=CaseOutcome.MEDIATED
            )
        accepted.refresh_from_db()
        assert accepted.status == ApplicationStatus.APPROVED

    def test_outcome_required_and_closed_is_final(self, accepted, staff, centre, lawyer):
        assign(staff["district"], accepted.legal_aid_case, centre, lawyer)
        with pytest.raises(ApplicationError, match=services.OUTCOME_REQUIRED):
            services.legal_aid_case_close(user=staff["district"], case=accepted.legal_aid_case, outcome="")
        services.legal_aid_case_close(
            user=staff["district"], case=accepted.legal_aid_case, outcome=CaseOutcome.JUDGMENT
        )
        with pytest.raises(ApplicationError, match=services.CASE_CLOSED.format(action="结案")):
            services.legal_aid_case_close(
                user=staff["district"], case=accepted.legal_aid_case, outcome=CaseOutcome.JUDGMENT
            )
        with pytest.raises(ApplicationError, match=services.CASE_CLOSED.format(action="指派")):
            assign(staff["district"], accepted.legal_aid_case, centre, lawyer)

    def test_street_staff_cannot_close(self, accepted, staff, centre, lawyer):
        assign(staff["district"], accepted.legal_aid_case, centre, lawyer)
        with pytest.raises(ApplicationError, match="只有区总工会工作人员"):
            services.legal_aid_case_close(
                user=staff["street"], case=accepted.legal_aid_case, outcome=CaseOutcome.MEDIATED
            )


class TestMemberPages:
    def test_the_applicant_sees_the_centre_and_lawyer_once_assigned(
        self, client, accepted, member, staff, centre, lawyer
    ):
        client.force_login(member.user)
        url = reverse("legal:case", args=[accepted.reference])
        assert url == f"/p/legal/cases/{accepted.reference}/"
        assert "正在为您指派" in client.get(url).content.decode()
        assign(staff["district"], accepted.legal_aid_case, centre, lawyer)
        page = client.get(url).content.decode()
        assert "王明" in page and centre.name in page and "021-59990001" in page

    def test_before_approval_the_page_says_it_is_being_reviewed(self, client, member, june_2019):
        application = submit_legal_aid(member)
        client.force_login(member.user)
        assert "受理审核中" in client.get(reverse("legal:case", args=[application.reference])).content.decode()

    def test_someone_elses_case_is_a_404(self, client, accepted, other_member):
        client.force_login(other_member.user)
        assert client.get(reverse("legal:case", args=[accepted.reference])).status_code == 404

    def test_staff_and_anonymous_are_refused(self, client, accepted, staff):
        url = reverse("legal:case", args=[accepted.reference])
        assert client.get(url).status_code == 302
        client.force_login(staff["district"])
        assert client.get(url).status_code == 403

    def test_public_centres_page(self, client, centre):
        response = client.get(reverse("legal:centres"))
        assert response.status_code == 200 and centre.name in response.content.decode()


class TestAdmin:
    def url(self, case, suffix="change"):
        return reverse(f"admin:legal_legalaidcase_{suffix}", args=[case.pk])

    def test_district_assigns_in_the_admin(self, client, accepted, staff, centre, lawyer):
        client.force_login(staff["district"])
        case = accepted.legal_aid_case
        assert client.get(self.url(case)).status_code == 200
        response = client.post(self.url(case), {"centre": centre.pk, "lawyer": lawyer.pk})
        assert response.status_code == 302, response.content.decode()[:2000]
        case.refresh_from_db()
        assert case.status == CaseStatus.ASSIGNED and case.assigned_by == staff["district"]

    def test_admin_shows_the_service_error_beside_the_field(self, client, accepted, staff, centre, court_lawyer):
        client.force_login(staff["district"])
        response = client.post(self.url(accepted.legal_aid_case), {"centre": centre.pk, "lawyer": court_lawyer.pk})
        assert response.status_code == 200
        assert "不属于" in response.content.decode()
        assert LegalAidCase.objects.get().status == CaseStatus.AWAITING

    def test_district_closes_in_the_admin(self, client, accepted, staff, centre, lawyer):
        assign(staff["district"], accepted.legal_aid_case, centre, lawyer)
        client.force_login(staff["district"])
        response = client.post(
            self.url(accepted.legal_aid_case),
            {"centre": centre.pk, "lawyer": lawyer.pk, "outcome": CaseOutcome.SETTLED, "outcome_notes": "和解"},
        )
        assert response.status_code == 302
        accepted.refresh_from_db()
        assert accepted.status == ApplicationStatus.CLOSED
        assert LegalAidCase.objects.get().outcome == CaseOutcome.SETTLED

    def test_status_is_never_a_form_field(self, client, accepted, staff):
        client.force_login(staff["district"])
        client.post(self.url(accepted.legal_aid_case), {"status": CaseStatus.CLOSED})
        assert LegalAidCase.objects.get().status == CaseStatus.AWAITING

    def test_street_staff_see_their_streets_cases_read_only(self, client, accepted, staff, centre, lawyer):
        client.force_login(staff["street"])
        assert client.get(reverse("admin:legal_legalaidcase_changelist")).status_code == 200
        assert client.get(self.url(accepted.legal_aid_case)).status_code == 200
        client.post(self.url(accepted.legal_aid_case), {"centre": centre.pk, "lawyer": lawyer.pk})
        assert LegalAidCase.objects.get().status == CaseStatus.AWAITING

    def test_another_street_gets_a_404_and_grassroots_no_access(self, client, accepted, staff):
        case = accepted.legal_aid_case
        client.force_login(staff["other_street"])
        assert client.get(self.url(case)).status_code == 404
        assert client.get(self.url(case, "history")).status_code == 404
        client.force_login(staff["grassroots"])
        assert client.get(self.url(case)).status_code == 403

    def test_centres_are_read_only_for_street_staff(self, client, staff, centre):
        client.force_login(staff["street"])
        url = reverse("admin:legal_legalaidcentre_change", args=[centre.pk])
        assert client.get(url).status_code == 200
        client.post(url, {"name": "改名", "kind": centre.kind, "is_active": "on"})
        centre.refresh_from_db()
        assert centre.name != "改名"
        assert client.get(reverse("admin:legal_legalaidcentre_add")).status_code == 403

    def test_district_adds_a_street_branch_and_a_lawyer(self, client, tree, staff):
        client.force_login(staff["district"])
        response = client.post(
            reverse("admin:legal_legalaidcentre_add"),
            {
                "name": "测试街道分中心",
                "kind": CentreKind.STREET_BRANCH,
                "street": tree["street"].pk,
                "address": "测试路1号",
                "phone": "021-59991234",
                "is_active": "on",
            },
        )
        assert response.status_code == 302
        branch = LegalAidCentre.objects.get(kind=CentreKind.STREET_BRANCH)
        response = client.post(
            reverse("admin:legal_lawyer_add"),
            {
                "name": "赵律师",
                "centre": branch.pk,
                "phone": "13800000000",
                "licence_number": "13101201510000001",
                "is_active": "on",
            },
        )
        assert response.status_code == 302
        assert Lawyer.objects.get().centre == branch

    def test_a_street_of_another_kind_cannot_be_picked_for_a_branch(self, client, tree, staff):
        client.force_login(staff["district"])
        response = client.post(
            reverse("admin:legal_legalaidcentre_add"),
            {"name": "单位分中心", "kind": CentreKind.STREET_BRANCH, "street": tree["unit"].pk, "is_active": "on"},
        )
        assert response.status_code == 200
        assert not LegalAidCentre.objects.filter(kind=CentreKind.STREET_BRANCH).exists()

    def test_role_groups_hold_the_legal_permissions(self, staff):
        assert staff["street"].has_perm("legal.view_legalaidcase")
        assert not staff["street"].has_perm("legal.change_legalaidcase")
        assert not staff["grassroots"].has_perm("legal.view_legalaidcase")
        assert staff["district"].has_perm("legal.change_legalaidcase")
        assert staff["district"].has_perm("legal.add_legalcheckupallocation")


@pytest.mark.parametrize(
    "name",
    [
        "legal_legalaidcentre_changelist",
        "legal_lawyer_changelist",
        "legal_legalaidcase_changelist",
        "legal_legalcheckupallocation_changelist",
        "legal_legalcheckuprecord_changelist",
        "legal_legalaidcentre_add",
        "legal_lawyer_add",
        "legal_legalcheckupallocation_add",
    ],
)
def test_district_admin_pages_open(client, staff, accepted, lawyer, name):
    client.force_login(staff["district"])
    response = client.get(reverse(f"admin:{name}"), {"waiting": "overdue"} if "case" in name else {})
    assert response.status_code == 200


def test_the_case_page_in_the_admin_shows_the_conditions_met_and_its_history(client, staff, accepted):
    client.force_login(staff["district"])
    case = accepted.legal_aid_case
    page = client.get(reverse("admin:legal_legalaidcase_change", args=[case.pk])).content.decode()
    assert "持有本市有效工会会员服务卡" in page and accepted.reference in page
    assert client.get(reverse("admin:legal_legalaidcase_history", args=[case.pk])).status_code == 200
    listing = client.get(reverse("admin:legal_legalaidcase_changelist"), {"waiting": "all"}).content.decode()
    assert accepted.reference in listing


class TestZeroThreshold:
    """“零门槛” (docs/rules.md, legal_aid_zero_threshold): a worker meeting none of the six conditions is
    accepted for the centre's review, not refused by the rules; staff see the priority flag."""

    @pytest.mark.parametrize(
        "facts, priority",
        [
            (
                {"claim_kind": "other", "monthly_income": "9000", "workers_involved": 1, "union_cadre_harmed": False},
                "待确认是否为重点服务对象",  # ① (low-income certification) is the district reviewer's to establish
            ),
            ({"claim_kind": "other", "workers_involved": 12}, "重点服务对象"),
        ],
    )
    def test_a_worker_is_accepted_whatever_the_six_conditions_say(self, member, staff, june_2019, facts, priority):
        from projects.services.submission import application_submit

        member.card_issued_on = None  # no valid member card: condition ③ not met either
        member.save(update_fields=["card_issued_on"])
        application = application_submit(
            user=member.user, rule_id="legal_aid", policy_year=2019, facts=facts, member=member
        )
        assert application.decision["details"]["priority"].startswith(priority)
        assert application.status == ApplicationStatus.DISTRICT_INTAKE  # 受理 first
        accept_and_review(staff, application)
        assert LegalAidCase.objects.filter(application=application).exists()


class TestThreeSteps:
    """2019 §3 申请程序: “完成受理、审核、指派” — acceptance is its own step before the review, then the case is
    assigned."""

    def test_accept_then_review_then_assign(self, member, staff, june_2019, centre):
        application = submit_legal_aid(member)
        assert application.review_chain == ["district_intake", "district"]
        assert application.status == ApplicationStatus.DISTRICT_INTAKE
        approve(staff["district"], application)  # 受理
        application.refresh_from_db()
        assert application.status == ApplicationStatus.DISTRICT_REVIEW
        assert not LegalAidCase.objects.filter(application=application).exists()
        approve(staff["district2"], application)  # 审核
        case = LegalAidCase.objects.get(application=application)
        assert case.status == CaseStatus.AWAITING  # 指派 next
        lawyer = Lawyer.objects.create(centre=centre, name="测试律师")
        assign(staff["district"], case, centre, lawyer)
        case.refresh_from_db()
        assert case.status == CaseStatus.ASSIGNED

    def test_whoever_accepted_does_not_also_review(self, member, staff, june_2019):
        application = submit_legal_aid(member)
        approve(staff["district"], application)
        application.refresh_from_db()
        with pytest.raises(ApplicationError, match="职责分离"):
            approve(staff["district"], application)
