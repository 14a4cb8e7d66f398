"""Legal check-ups (2021 「法律体检」): 30 enterprises district-wide, allocated by the district to
each street/town; an enterprise takes one place of its street's pool and one of the district's;
its record follows the phases of the policy table."""

import pytest
import time_machine
from django.urls import reverse

from members.models import StaffRole
from projects.legal import selectors, services
from projects.legal.models import CheckupPhase, LegalCheckupRecord
from projects.models import Application, ApplicationStatus, QuotaClaim, QuotaPool
from projects.services.errors import ApplicationError, QuotaFull
from projects.services.submission import application_submit
from projects.services.transitions import application_transition
from tests.factories import StaffUserFactory, StreetFactory, UnitFactory
from tests.race import run_concurrently

pytestmark = pytest.mark.django_db
FACTS = {"on_street_list": True}


@pytest.fixture
def february_2021():
    with time_machine.travel("2021-02-01 09:00 +0800", tick=False):
        yield


def allocate(user, street, places, year=2021):
    return services.legal_checkup_allocate(user=user, street=street, policy_year=year, places=places)


def submit(user, organisation, **facts):
    return application_submit(
        user=user, rule_id="legal_checkup", policy_year=2021, facts={**FACTS, **facts}, organisation=organisation
    )


def street_key(street):
    return f"legal_checkup:2021:street:{street.code}"


class TestAllocate:
    def test_district_creates_and_updates_the_street_pool(self, tree, staff):
        pool = allocate(staff["district"], tree["street"], 3)
        assert pool.key == street_key(tree["street"]) and pool.capacity == 3 and pool.project == "legal_checkup"
        assert allocate(staff["district"], tree["street"], 5).pk == pool.pk
        assert QuotaPool.objects.get(pk=pool.pk).capacity == 5
        district = QuotaPool.objects.get(key="legal_checkup:2021:district")
        assert district.capacity == 30  # the rule's param legal_checkup_enterprises

    @pytest.mark.parametrize("role", ["street", "grassroots"])
    def test_only_district_staff_allocate(self, tree, staff, role):
        with pytest.raises(ApplicationError, match="只有区总工会工作人员可以分配"):
            allocate(staff[role], tree["street"], 3)
        assert not QuotaPool.objects.exists()

    def test_allocations_of_a_year_cannot_exceed_the_district_total(self, tree, staff):
        allocate(staff["district"], tree["street"], 25)
        with pytest.raises(ApplicationError) as excinfo:
            allocate(staff["district"], tree["other_street"], 6)
        assert excinfo.value.message == services.ALLOCATION_OVER_TOTAL.format(
            total=30, others=25, street=tree["other_street"].name, available=5
        )
        assert excinfo.value.field == "places"
        allocate(staff["district"], tree["other_street"], 5)  # exactly 30 is fine
        allocate(staff["district"], tree["street"], 25)  # re-saving one's own allocation does not count it twice

    def test_capacity_never_below_the_places_taken(self, tree, staff, february_2021):
        allocate(staff["district"], tree["street"], 2)
        submit(staff["grassroots"], tree["unit"])
        with pytest.raises(
            ApplicationError, match=services.ALLOCATION_BELOW_TAKEN.format(street=tree["street"].name, taken=1)
        ):
            allocate(staff["district"], tree["street"], 0)
        assert allocate(staff["district"], tree["street"], 1).capacity == 1

    def test_only_streets_and_years_with_the_rule(self, tree, staff):
        with pytest.raises(ApplicationError, match="不是街镇"):
            allocate(staff["district"], tree["unit"], 1)
        with pytest.raises(ApplicationError, match="2019年度没有“法律体检”项目"):
            allocate(staff["district"], tree["street"], 1, year=2019)
        with pytest.raises(ApplicationError, match=services.PLACES_NEGATIVE):
            allocate(staff["district"], tree["street"], -1)


class TestApply:
    def test_a_street_without_an_allocation_is_refused_and_nothing_saved(self, tree, staff, february_2021):
        with pytest.raises(QuotaFull) as excinfo:
            submit(staff["grassroots"], tree["unit"])
        assert excinfo.value.message == services.NO_ALLOCATION.format(street=tree["street"].name, year=2021)
        assert not Application.objects.exists()

    def test_an_allocated_enterprise_takes_a_street_and_a_district_place(self, tree, staff, february_2021):
        allocate(staff["district"], tree["street"], 2)
        application = submit(staff["grassroots"], tree["unit"])
        assert application.status == ApplicationStatus.STREET_REVIEW
        pools = set(QuotaClaim.objects.filter(application=application).values_list("pool__key", flat=True))
        assert pools == {street_key(tree["street"]), "legal_checkup:2021:district"}
        assert application.facts["street_quota"] == 2 and application.facts["street_places_taken"] == 0

    def test_a_full_street_is_refused_by_the_rule_with_the_numbers(self, tree, staff, february_2021):
        allocate(staff["district"], tree["street"], 1)
        submit(staff["grassroots"], tree["unit"])
        with pytest.raises(ApplicationError, match="名额已满：本街镇名额 1 家，已确定 1 家"):
            submit(staff["street"], tree["other_unit"])  # the street union applies for its unit
        assert Application.objects.count() == 1

    def test_the_applicant_cannot_claim_other_quota_numbers(self, tree, staff, february_2021):
        allocate(staff["district"], tree["street"], 1)
        submit(staff["grassroots"], tree["unit"])
        with pytest.raises(ApplicationError, match="名额已满"):
            submit(staff["street"], tree["other_unit"], street_quota=99, street_places_taken=0)

    def test_withdrawal_gives_the_places_back(self, tree, staff, february_2021):
        allocate(staff["district"], tree["street"], 1)
        application = submit(staff["grassroots"], tree["unit"])
        application_transition(user=staff["grassroots"], application=application, action="withdraw")
        assert QuotaPool.objects.get(key=street_key(tree["street"])).taken == 0
        # The street union applied itself, so its own level is skipped: the district reviews.
        assert submit(staff["street"], tree["other_unit"]).status == ApplicationStatus.DISTRICT_REVIEW

    def test_district_total_is_a_second_guard(self, tree, staff, february_2021):
        allocate(staff["district"], tree["street"], 2)
        QuotaPool.objects.filter(key="legal_checkup:2021:district").update(taken=30)
        with pytest.raises(ApplicationError, match="名额已满：全区共 30 家，已确定 30 家"):
            submit(staff["grassroots"], tree["unit"])

    def test_every_flow_quota_spec_without_an_organisation_needs_no_database(self):
        from projects.procedures import PROCEDURES, Applicant

        assert PROCEDURES["legal_checkup"].quotas(Applicant(1, None, 2021), {}) == []


@pytest.fixture
def listed(tree, staff, february_2021):
    """An enterprise approved by its street and the district in February 2021 (the training phase)."""
    allocate(staff["district"], tree["street"], 2)
    application = submit(staff["grassroots"], tree["unit"])
    street_lists_and_approves(staff["street"], application)
    application_transition(user=staff["district"], application=application, action="approve")
    return LegalCheckupRecord.objects.get(application=application)


def street_lists_and_approves(user, application):
    """The street union puts the enterprise on its list (the street reviewer's fact), then approves."""
    from projects.services.review_facts import application_supply_facts

    application_supply_facts(user=user, application=application, facts={"on_street_list": "true"})
    application_transition(user=user, application=application, action="approve")


def update(user, record, phase, findings=""):
    return services.legal_checkup_record_update(
        user=user, record=record, phase=phase, provider="某律师事务所", findings=findings
    )


class TestRecord:
    def test_district_approval_opens_a_record_in_the_current_phase(self, listed):
        assert listed.phase == CheckupPhase.TRAINING
        assert listed.application.status == ApplicationStatus.APPROVED

    def test_a_record_approved_in_may_starts_in_the_implementation_phase(self, tree, staff):
        with time_machine.travel("2021-05-10 09:00 +0800", tick=False):
            allocate(staff["district"], tree["street"], 1)
            application = submit(staff["grassroots"], tree["unit"])
            street_lists_and_approves(staff["street"], application)
            application_transition(user=staff["district"], application=application, action="approve")
        assert LegalCheckupRecord.objects.get().phase == CheckupPhase.IMPLEMENTATION

    def test_phase_dates_come_from_the_policy_table(self):
        phases = selectors.checkup_phases(2021)
        assert [(p.code, p.starts.isoformat(), p.ends.isoformat()) for p in phases] == [
            ("training", "2021-01-01", "2021-03-31"),
            ("implementation", "2021-04-01", "2021-10-31"),
            ("evaluation", "2021-11-01", "2021-11-30"),
        ]

    def test_phases_move_forward_only_and_not_before_they_start(self, listed, staff):
        with time_machine.travel("2021-04-01 00:00 +0800", tick=False):
            record = update(staff["district"], listed, CheckupPhase.IMPLEMENTATION)
            assert record.phase == CheckupPhase.IMPLEMENTATION and record.updated_by == staff["district"]
            with pytest.raises(ApplicationError) as excinfo:
                update(staff["district"], record, CheckupPhase.EVALUATION)
            assert excinfo.value.message == services.PHASE_NOT_STARTED.format(phase="总结评估", starts="2021年11月1日")
            with pytest.raises(
                ApplicationError, match=services.PHASE_BACKWARDS.format(current="具体实施", phase="开展培训")
            ):
                update(staff["district"], record, CheckupPhase.TRAINING)

    def test_complete_after_the_evaluation_closes_the_application(self, listed, staff):
        with pytest.raises(ApplicationError, match=services.COMPLETE_NEEDS_EVALUATION):
            services.legal_checkup_record_complete(user=staff["district"], record=listed)
        with time_machine.travel("2021-11-15 10:00 +0800", tick=False):
            record = update(staff["district"], listed, CheckupPhase.EVALUATION, findings="劳动合同缺少试用期条款")
            record = services.legal_checkup_record_complete(user=staff["district"], record=record)
        assert record.completed_at is not None
        assert Application.objects.get(pk=listed.application_id).status == ApplicationStatus.CLOSED
        with pytest.raises(ApplicationError, match=services.RECORD_COMPLETED):
            update(staff["district"], record, CheckupPhase.EVALUATION)

    def test_only_district_staff_update(self, listed, staff):
        with pytest.raises(ApplicationError, match="只有区总工会工作人员"):
            update(staff["street"], listed, CheckupPhase.TRAINING, findings="x")


class TestAdmin:
    def test_district_allocates_in_the_admin(self, client, tree, staff):
        client.force_login(staff["district"])
        add = reverse("admin:legal_legalcheckupallocation_add")
        assert client.get(add).status_code == 200
        response = client.post(add, {"street": tree["street"].pk, "policy_year": 2021, "places": 4})
        assert response.status_code == 302, response.content.decode()[:3000]
        pool = QuotaPool.objects.get(key=street_key(tree["street"]))
        assert pool.capacity == 4
        change = reverse("admin:legal_legalcheckupallocation_change", args=[pool.pk])
        assert client.post(change, {"places": 6}).status_code == 302
        assert QuotaPool.objects.get(pk=pool.pk).capacity == 6
        history = reverse("admin:legal_legalcheckupallocation_history", args=[pool.pk])
        assert client.get(history).status_code == 200

    def test_over_allocation_is_a_form_error(self, client, tree, staff):
        allocate(staff["district"], tree["other_street"], 28)
        client.force_login(staff["district"])
        response = client.post(
            reverse("admin:legal_legalcheckupallocation_add"),
            {"street": tree["street"].pk, "policy_year": 2021, "places": 3},
        )
        assert response.status_code == 200 and "最多可分配2家" in response.content.decode()
        assert not QuotaPool.objects.filter(key=street_key(tree["street"])).exists()

    def test_street_staff_see_only_their_own_allocation_and_cannot_change_it(self, client, tree, staff):
        mine = allocate(staff["district"], tree["street"], 2)
        theirs = allocate(staff["district"], tree["other_street"], 2)
        client.force_login(staff["street"])
        listing = client.get(reverse("admin:legal_legalcheckupallocation_changelist")).content.decode()
        assert mine.label in listing and theirs.label not in listing
        assert client.get(reverse("admin:legal_legalcheckupallocation_change", args=[theirs.pk])).status_code == 404
        client.post(reverse("admin:legal_legalcheckupallocation_change", args=[mine.pk]), {"places": 9})
        assert QuotaPool.objects.get(pk=mine.pk).capacity == 2
        assert client.get(reverse("admin:legal_legalcheckupallocation_add")).status_code == 403

    def test_district_updates_a_record_and_scope_hides_it_elsewhere(self, client, listed, staff):
        url = reverse("admin:legal_legalcheckuprecord_change", args=[listed.pk])
        client.force_login(staff["district"])
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"phase": CheckupPhase.TRAINING, "provider": "某律师事务所", "findings": "培训完成"}
        )
        assert response.status_code == 302
        assert LegalCheckupRecord.objects.get().findings == "培训完成"
        response = client.post(url, {"phase": CheckupPhase.EVALUATION, "provider": "", "findings": ""})
        assert response.status_code == 200 and "尚未开始" in response.content.decode()
        client.force_login(staff["grassroots"])  # the enterprise's own union sees its record
        assert client.get(url).status_code == 200
        client.force_login(staff["other_grassroots"])
        assert client.get(url).status_code == 404
        client.force_login(staff["other_street"])
        assert client.get(url).status_code == 404

    def test_complete_action(self, client, listed, staff):
        client.force_login(staff["district"])
        changelist = reverse("admin:legal_legalcheckuprecord_changelist")
        client.post(changelist, {"action": "complete_selected", "_selected_action": [listed.pk]})
        assert LegalCheckupRecord.objects.get().completed_at is None  # still in training
        with time_machine.travel("2021-11-20 10:00 +0800", tick=False):
            update(staff["district"], listed, CheckupPhase.EVALUATION, findings="已完成评估")
            client.force_login(staff["district"])  # the February offering has expired by November
            response = client.post(changelist, {"action": "complete_selected", "_selected_action": [listed.pk]})
        assert response.status_code == 302
        assert LegalCheckupRecord.objects.get().completed_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_exceed_the_district_total(tree):
    district = StaffUserFactory(role=StaffRole.DISTRICT, organisation=tree["district"])
    streets = [StreetFactory(parent=tree["district"]) for _ in range(4)]
    results = run_concurrently(lambda street: allocate(district, street, 10), [(s,) for s in streets])
    assert sum(ok for ok, _ in results) == 3
    assert selectors.checkup_allocated(2021) == 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_enterprises_for_the_last_street_place(tree):
    district = StaffUserFactory(role=StaffRole.DISTRICT, organisation=tree["district"])
    allocate(district, tree["street"], 1)
    units = [UnitFactory(parent=tree["street"]) for _ in range(5)]
    users = [StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=u) for u in units]
    with time_machine.travel("2021-02-01 09:00 +0800", tick=False):
        results = run_concurrently(lambda user, unit: submit(user, unit), list(zip(users, units, strict=True)))
    assert sum(ok for ok, _ in results) == 1
    assert QuotaPool.objects.get(key=street_key(tree["street"])).taken == 1
