"""Approved applications in bulk, straight into the tables (as if reviewed), for the ledger's
worker and volume tests: a skill award of 1,000 yuan each, paid by the city union."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from projects.models import Application, ApplicationShare
from tests.factories import MemberFactory


def approved_applications(unit, count: int, *, amount: str = "1000.00", payer: str = "city_union") -> list[int]:
    members = MemberFactory.create_batch(count, organisation=unit)
    now = timezone.now()
    split = [{"payer": payer, "payer_label": "市总工会", "amount": amount}]
    applications = Application.objects.bulk_create(
        [
            Application(
                project="skill_awards",
                rule_id="skill_promotion_award",
                policy_year=2019,
                applicant_member=m,
                organisation=unit,
                street=unit.street,
                status="approved",
                review_chain=["grassroots", "district", "city"],
                decision={"outcome": "eligible", "amount": amount, "route": "member_card", "split": split},
                amount=Decimal(amount),
                submitted_at=now,
                decided_at=now,
            )
            for m in members
        ]
    )
    for application in applications:
        application.reference = f"SQ{application.pk:010d}"
    Application.objects.bulk_update(applications, ["reference"])
    ApplicationShare.objects.bulk_create(
        [ApplicationShare(application=a, payer=payer, amount=Decimal(amount)) for a in applications]
    )
    return [a.pk for a in applications]
