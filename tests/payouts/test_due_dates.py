"""Due dates (2021 basic coverage: 90/60/30 days from complete materials): "materials complete" is
an event of its own when the district records it, the due date is on the application, and the
batch page shows what is overdue."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from payouts.services import payout_batch_prepare
from projects.models import Application
from projects.services.review_facts import application_supply_facts
from projects.services.submission import save_shares
from projects.services.transitions import application_transition
from subsidies.selectors import decide


@pytest.fixture
def critical_illness_claim(tree, member):
    """A member's critical-illness claim at district review (the grassroots level passed it), its facts
    as the records gave them (individual enrolment in class B, 2021)."""
    facts = {
        "plan_class": "B",
        "event": "critical_illness",
        "event_date": "2021-05-01",
        "coverage_start": "2021-01-01",
        "coverage_end": "2021-12-31",
        "enrolment": "individual",
        "illness_in_plan": True,
    }
    decided = decide(rule_id="member_coverage_benefit", year=2021, facts=facts, strict=False)
    claim = Application.objects.create(
        project="member_card",
        rule_id="member_coverage_benefit",
        policy_year=2021,
        applicant_member=member,
        organisation=member.organisation,
        street=member.street,
        status="district_review",
        review_chain=["grassroots", "district"],
        facts=facts,
        decision=decided.decision.to_dict(),
        amount=decided.decision.amount,
        created_by=member.user,
    )
    claim.reference = f"HY2021{claim.pk:06d}"
    claim.save(update_fields=["reference"])
    save_shares(claim)
    return claim


def test_materials_complete_is_an_event_and_sets_the_due_date_shown_on_the_batch_page(
    client, critical_illness_claim, staff
):
    claim = critical_illness_claim
    with time_machine.travel("2021-06-10 10:00 +0800", tick=False):
        application_supply_facts(
            user=staff["district"], application=claim, facts={"materials_complete_on": "2021-06-05"}
        )
    claim.refresh_from_db()
    assert claim.payout_due == date(2021, 9, 3)  # 90 days for a critical illness
    event = claim.events.get(action="materials_complete")
    assert event.data == {"on": "2021-06-05", "payout_due": "2021-09-03"} and event.actor == staff["district"]
    application_transition(user=staff["district2"], application=claim, action="approve")
    batch = payout_batch_prepare(user=staff["district"], applications=Application.objects.filter(pk=claim.pk))
    assert batch.payments.get().payer == "city_mutual_aid"
    client.force_login(staff["district2"])
    page = client.get(reverse("admin:payouts_payoutbatch_change", args=[batch.pk])).content.decode()
    assert "已逾期" in page and claim.reference in page and "2021年9月3日" in page
    timeline = client.get(reverse("admin:projects_application_change", args=[claim.pk])).content.decode()
    assert "材料收齐" in timeline and "materials_complete" not in timeline


@pytest.mark.parametrize("status", ["approved", "batched", "payment_failed"])
def test_money_not_yet_arrived_past_its_due_date_counts_as_overdue(critical_illness_claim, status):
    """A failed payment is still money owed: past its due date it is overdue like an unpaid one."""
    from projects.dashboard import district_dashboard

    Application.objects.filter(pk=critical_illness_claim.pk).update(status=status, payout_due=date(2021, 9, 3))
    assert district_dashboard(today=date(2021, 9, 4)).overdue_payouts == 1
    assert district_dashboard(today=date(2021, 9, 3)).overdue_payouts == 0  # the due day itself is not late
