"""Staff review in the admin: each role sees its own scope only, reviews through the
workflow, cannot delete, and every change is audited."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from members.models import Member
from projects.dashboard import district_dashboard
from projects.models import Application, ApplicationShare
from projects.services.submission import application_submit
from projects.services.transitions import application_transition
from tests.projects.conftest import _member, submit_promotion

REVIEWERS = ("grassroots", "other_grassroots", "street", "other_street", "district")


def legal_aid(member):
    with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
        return application_submit(
            user=member.user, rule_id="legal_aid", policy_year=2019, facts={"claim_kind": "wages"}, member=member
        )


def promotion(member):
    return submit_promotion(member)


# Who may open an object of the member's unit (tree: unit and other_unit in street; far_unit elsewhere).
SEES = {"grassroots": True, "other_grassroots": False, "street": True, "other_street": False, "district": True}


@pytest.mark.parametrize("who", REVIEWERS)
@pytest.mark.parametrize("page", ["application_change", "application_history", "member_change", "member_history"])
def test_role_by_page_by_own_or_other_object(client, member, staff, who, page):
    application = legal_aid(member)
    url = {
        "application_change": reverse("admin:projects_application_change", args=[application.pk]),
        "application_history": reverse("admin:projects_application_history", args=[application.pk]),
        "member_change": reverse("admin:members_member_change", args=[member.pk]),
        "member_history": reverse("admin:members_member_history", args=[member.pk]),
    }[page]
    client.force_login(staff[who])
    assert client.get(url).status_code == (200 if SEES[who] else 404)


@pytest.mark.parametrize(
    "who, count", [("grassroots", 1), ("other_grassroots", 1), ("street", 2), ("other_street", 1), ("district", 3)]
)
def test_changelists_list_only_the_scope(client, tree, staff, who, count):
    for unit in (tree["unit"], tree["other_unit"], tree["far_unit"]):
        legal_aid(_member(unit))
    client.force_login(staff[who])
    response = client.get(reverse("admin:projects_application_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == count
    response = client.get(reverse("admin:members_member_changelist"))
    assert response.context["cl"].result_count == count


def test_queue_shows_what_waits_for_my_level(client, member, staff):
    application = promotion(member)
    queue = reverse("admin:projects_application_changelist") + "?queue=mine"
    client.force_login(staff["grassroots"])
    assert [a.pk for a in client.get(queue).context["cl"].result_list] == [application.pk]
    client.force_login(staff["district"])
    assert list(client.get(queue).context["cl"].result_list) == []


def test_search_by_the_last_four_of_the_id(client, member, other_member, staff):
    legal_aid(member), legal_aid(other_member)
    client.force_login(staff["street"])
    response = client.get(reverse("admin:projects_application_changelist"), {"q": member.id_number[-4:]})
    assert {a.applicant_member_id for a in response.context["cl"].result_list} == {member.pk}


class TestReviewActions:
    def post(self, client, user, application, action, comment=""):
        client.force_login(user)
        url = reverse("admin:projects_application_transition", args=[application.pk, action])
        return client.post(url, {"comment": comment})

    def test_each_level_approves_in_turn_through_the_workflow(self, client, member, staff):
        application = promotion(member)
        for user, expected in (
            (staff["grassroots"], "district_review"),
            (staff["district"], "city_review"),
            (staff["district2"], "approved"),
        ):
            self.post(client, user, application, "approve", "材料齐全")
            assert Application.objects.get(pk=application.pk).status == expected

    def test_the_wrong_level_is_refused_with_a_message(self, client, member, staff):
        application = promotion(member)
        response = self.post(client, staff["street"], application, "approve")
        assert response.status_code == 302
        assert Application.objects.get(pk=application.pk).status == "grassroots_review"

    def test_segregation_of_duties_in_the_admin(self, client, member, staff):
        application = promotion(member)
        self.post(client, staff["grassroots"], application, "approve")
        self.post(client, staff["district"], application, "approve")
        response = self.post(client, staff["district"], application, "approve")
        assert Application.objects.get(pk=application.pk).status == "city_review"
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("职责分离" in m for m in messages)

    def test_bulk_return_asks_for_a_reason_first(self, client, tree, staff):
        applications = [legal_aid(_member(tree["unit"])) for _ in range(3)]
        client.force_login(staff["district"])
        url = reverse("admin:projects_application_changelist")
        selected = [str(a.pk) for a in applications]
        response = client.post(url, {"action": "return_selected", "_selected_action": selected})
        assert response.status_code == 200 and "理由" in response.content.decode()
        assert set(Application.objects.values_list("status", flat=True)) == {"district_intake"}  # 受理
        client.post(
            url, {"action": "return_selected", "_selected_action": selected, "apply": "1", "comment": "请补充劳动合同"}
        )
        assert set(Application.objects.values_list("status", flat=True)) == {"returned"}
        assert Application.objects.first().events.last().comment == "请补充劳动合同"

    def test_bulk_approve_reports_refusals_per_application(self, client, tree, staff):
        mine, other = legal_aid(_member(tree["unit"])), promotion(_member(tree["unit"]))
        client.force_login(staff["district"])
        client.post(
            reverse("admin:projects_application_changelist"),
            {"action": "approve_selected", "_selected_action": [mine.pk, other.pk]},
        )
        assert Application.objects.get(pk=mine.pk).status == "district_review"  # accepted (受理), to be reviewed
        assert Application.objects.get(pk=other.pk).status == "grassroots_review"  # not the district's level

    def test_detail_page_has_no_form_around_the_action_forms(self, client, member, staff):
        # Browsers ignore nested forms: an action button inside the change form would submit the change form.
        application = legal_aid(member)
        client.force_login(staff["district"])
        html = client.get(reverse("admin:projects_application_change", args=[application.pk])).content.decode()
        action_url = reverse("admin:projects_application_transition", args=[application.pk, "approve"])
        before = html[: html.index(action_url)]
        assert before.count("<form") - before.count("</form>") == 1  # only the action form itself is open

    def test_status_is_not_an_editable_field(self, client, member, staff):
        application = legal_aid(member)
        client.force_login(staff["district"])
        url = reverse("admin:projects_application_change", args=[application.pk])
        client.post(url, {"status": "paid", "amount": "99999"})
        application.refresh_from_db()
        assert (application.status, application.amount) == ("district_intake", Decimal("0.00"))


class TestNoDeleting:
    @pytest.mark.parametrize("who", ["grassroots", "street"])
    def test_grassroots_and_street_staff_cannot_delete(self, client, member, staff, who):
        client.force_login(staff[who])
        assert client.get(reverse("admin:members_member_delete", args=[member.pk])).status_code == 403
        response = client.get(reverse("admin:members_member_changelist"))
        action_form = response.context["action_form"]
        assert action_form is None or "delete_selected" not in dict(action_form.fields["action"].choices)

    def test_nobody_deletes_applications(self, client, member, staff):
        application = legal_aid(member)
        client.force_login(staff["district"])
        assert client.get(reverse("admin:projects_application_delete", args=[application.pk])).status_code == 403


class TestAudit:
    def test_a_member_edit_in_the_admin_is_recorded_with_its_diff(self, client, member, staff):
        client.force_login(staff["grassroots"])
        url = reverse("admin:members_member_change", args=[member.pk])
        form = client.get(url).context["adminform"].form
        data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
        data.update({"phone": "13912345678", "dues-TOTAL_FORMS": "0", "dues-INITIAL_FORMS": "0"})
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        latest = Member.history.filter(id=member.pk).latest("history_date")
        previous = latest.prev_record
        changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
        assert changes["phone"][1] == "13912345678"
        assert latest.history_user == staff["grassroots"]

    def test_every_transition_is_in_the_application_history(self, member, staff):
        application = legal_aid(member)
        application_transition(user=staff["district"], application=application, action="approve")  # 受理
        application_transition(user=staff["district2"], application=application, action="approve")  # 审核
        records = Application.history.filter(id=application.pk).order_by("history_date")
        assert [r.status for r in records][-3:] == ["district_intake", "district_review", "approved"]
        assert records.last().history_user == staff["district2"]


def test_dashboard_totals_equal_the_sums_of_the_records(tree, staff, django_capture_on_commit_callbacks):
    for unit in (tree["unit"], tree["other_unit"], tree["far_unit"]):
        application = legal_aid(_member(unit))
        application_transition(user=staff["district"], application=application, action="approve")
        application_transition(user=staff["district2"], application=application, action="approve")
    promotion_app = promotion(_member(tree["unit"]))
    for user in (staff["grassroots"], staff["district"], staff["district2"]):
        application_transition(user=user, application=promotion_app, action="approve")
    from payouts.services import payout_batch_confirm, payout_batch_prepare

    batch = payout_batch_prepare(user=staff["district2"], applications=[promotion_app])
    with django_capture_on_commit_callbacks(execute=True):  # the payout task, eager without Redis
        payout_batch_confirm(user=staff["district"], batch=batch)
    d = district_dashboard()
    assert sum(total for _, _, total in d.by_project) == Application.objects.exclude(status="draft").count() == 4
    assert sum(total for _, _, total in d.by_street) == 4
    amounts = {label: (approved, paid) for label, approved, paid in d.amounts}
    assert amounts["市总工会"] == (Decimal("1000.00"), Decimal("1000.00"))
    assert sum(a for a, _ in amounts.values()) == sum(s.amount for s in ApplicationShare.objects.all())


def test_dashboard_is_for_district_staff(client, staff):
    client.force_login(staff["street"])
    assert client.get(reverse("admin_dashboard")).status_code == 403
    client.force_login(staff["district"])
    assert client.get(reverse("admin_dashboard")).status_code == 200


def test_dashboard_counts_legal_aid_cases_waiting_for_a_lawyer(client, tree, staff):
    for unit in (tree["unit"], tree["far_unit"]):
        application = legal_aid(_member(unit))
        application_transition(user=staff["district"], application=application, action="approve")  # 受理
        application_transition(user=staff["district2"], application=application, action="approve")  # 审核
    client.force_login(staff["district"])
    items = {label: count for label, count, _ in client.get(reverse("admin_dashboard")).context["d"].app_items}
    assert items["份法律援助案件待指派中心和律师"] == 2


@pytest.mark.parametrize("who", ["grassroots", "district"])
def test_changelist_query_count_does_not_depend_on_page_size(client, tree, staff, who, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.admin import ApplicationAdmin

    for _ in range(12):
        legal_aid(_member(tree["unit"]))
    client.force_login(staff[who])
    counts = []
    default = ApplicationAdmin.list_per_page
    for per_page in (3, 12):
        ApplicationAdmin.list_per_page = per_page
        try:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("admin:projects_application_changelist")).status_code == 200
        finally:
            ApplicationAdmin.list_per_page = default
        counts.append(len(queries))
    assert counts[0] == counts[1]


class TestConfidentialCounselling:
    """2019 §10: counselling appointments are seen only by users granted counselling.view_confidential."""

    @pytest.fixture
    def booking(self, tree, member, staff):
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from projects.services.offerings import offering_create

        with time_machine.travel("2019-05-01 09:00 +0800", tick=False):
            slot = offering_create(
                user=staff["district"],
                rule_id="counselling_appointment",
                policy_year=2019,
                title="个案咨询",
                starts_at=datetime(2019, 5, 8, 14, tzinfo=ZoneInfo("Asia/Shanghai")),
                capacity=1,
                organiser=tree["district"],
            )
            from subsidies.rules import registry

            schema = registry.get("counselling_appointment", 2019).schema
            facts = {f.name: True for f in schema if f.kind == "bool" and f.required}
            return application_submit(
                user=member.user,
                rule_id="counselling_appointment",
                policy_year=2019,
                facts=facts,
                member=member,
                offering=slot,
            )

    @pytest.mark.parametrize("who", ["grassroots", "street", "district"])
    def test_union_staff_do_not_see_appointments(self, client, booking, staff, who):
        client.force_login(staff[who])
        assert client.get(reverse("admin:projects_application_change", args=[booking.pk])).status_code == 404
        response = client.get(reverse("admin:projects_application_changelist"))
        assert booking.pk not in [a.pk for a in response.context["cl"].result_list]

    def test_a_granted_counsellor_sees_them(self, client, booking, staff):
        from django.contrib.auth.models import Permission

        counsellor = staff["district2"]
        counsellor.user_permissions.add(
            Permission.objects.get(codename="view_confidential", content_type__app_label="counselling")
        )
        client.force_login(counsellor)
        assert client.get(reverse("admin:projects_application_change", args=[booking.pk])).status_code == 200

    def test_the_member_still_sees_their_own(self, client, booking, member):
        from tests.projects.conftest import PASSWORD

        client.login(username=member.card_number, password=PASSWORD)
        assert client.get(reverse("projects:my_application", args=[booking.reference])).status_code == 200
