"""The district dashboard: what is waiting, what is late, what has been approved and paid.

Read-only aggregates straight from the tables (GROUP BY on indexed columns), so
the figures always equal the sums of the underlying records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from members.models import Organisation, OrganisationLevel
from subsidies.rules.core import PAYER_LABELS, Payer

from . import workflow
from .catalogue import SERVICE_PROJECTS
from .models import GRANTED_STATUSES, UNPAID_STATUSES, Application, ApplicationShare, ApplicationStatus, QuotaPool
from .procedures import DASHBOARD_ITEMS

S = ApplicationStatus
APPROVED = GRANTED_STATUSES


PAYOUT_DUE_SOON_DAYS = 14


@dataclass
class Dashboard:
    statuses: list[tuple[str, str]]
    by_project: list[tuple[str, list[int], int]]  # (project title, count per status, total)
    by_street: list[tuple[str, list[int], int]]
    status_totals: list[int]
    quotas: list[QuotaPool]
    amounts: list[tuple[str, Decimal, Decimal]]  # (payer label, approved, paid)
    overdue_reviews: int
    overdue_review_days: int
    overdue_payouts: int
    oldest_reviews: list[Application] = field(default_factory=list)
    late_payouts: list[Application] = field(default_factory=list)
    due_soon: list[Application] = field(default_factory=list)
    app_items: list[tuple[str, int, str]] = field(default_factory=list)  # from the project apps


def _grid(rows, key_labels: dict, statuses: list[str]) -> list[tuple[str, list[int], int]]:
    counts: dict = defaultdict(lambda: defaultdict(int))
    for key, status, n in rows:
        counts[key][status] += n
    grid = []
    for key, label in key_labels.items():
        if key in counts:
            cells = [counts[key][s] for s in statuses]
            grid.append((label, cells, sum(cells)))
    return grid


def district_dashboard(*, user=None, today=None) -> Dashboard:
    today = today or timezone.localdate()
    now = timezone.now()
    statuses = [s for s in S.values if s != S.DRAFT]
    submitted = Application.objects.exclude(status=S.DRAFT)
    per_project_street = list(submitted.values_list("project", "street_id", "status").annotate(n=Count("id")))
    projects = {p.code: p.title for p in SERVICE_PROJECTS}
    streets = dict(
        Organisation.objects.filter(level=OrganisationLevel.STREET).order_by("code").values_list("pk", "name")
    )
    streets[None] = "区级（无街镇）"
    by_project = _grid(((p, s, n) for p, _, s, n in per_project_street), projects, statuses)
    by_street = _grid(((st, s, n) for _, st, s, n in per_project_street), streets, statuses)
    status_totals = [sum(row[1][i] for row in by_project) for i in range(len(statuses))]

    approved = dict(
        ApplicationShare.objects.filter(application__status__in=APPROVED)
        .values_list("payer")
        .annotate(total=Sum("amount"))
    )
    paid = dict(
        ApplicationShare.objects.filter(application__paid_at__isnull=False)
        .values_list("payer")
        .annotate(total=Sum("amount"))
    )
    zero = Decimal("0.00")
    amounts = [
        (PAYER_LABELS[Payer(p)], approved.get(p, zero), paid.get(p, zero)) for p in Payer if p in approved or p in paid
    ]

    days = getattr(settings, "REVIEW_OVERDUE_DAYS", 7)
    waiting = Application.objects.filter(
        status__in=workflow.REVIEW_STATUSES, status_changed_at__lt=now - timedelta(days=days)
    )
    # Not paid yet (approved, batched, or its payment failed). Due soon: within the next two weeks.
    unpaid = Application.objects.filter(status__in=UNPAID_STATUSES, payout_due__isnull=False)
    late = unpaid.filter(payout_due__lt=today)
    soon = unpaid.filter(payout_due__gte=today, payout_due__lte=today + timedelta(days=PAYOUT_DUE_SOON_DAYS))
    related = ("applicant_member", "applicant_organisation", "street")
    return Dashboard(
        statuses=[(s, S(s).label) for s in statuses],
        by_project=by_project,
        by_street=by_street,
        status_totals=status_totals,
        quotas=list(QuotaPool.objects.filter(offering__isnull=True).order_by("project", "key")),
        amounts=amounts,
        overdue_reviews=waiting.count(),
        overdue_review_days=days,
        overdue_payouts=late.count(),
        oldest_reviews=list(waiting.select_related(*related).order_by("status_changed_at")[:20]),
        late_payouts=list(late.select_related(*related).order_by("payout_due")[:20]),
        due_soon=list(soon.select_related(*related).order_by("payout_due")[:20]),
        app_items=[item(user, today) for item in DASHBOARD_ITEMS] if user is not None else [],
    )
