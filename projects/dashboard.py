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
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Organisation, OrganisationLevel
from subsidies.rules.core import PAYER_LABELS, Payer

from . import charts, labels, workflow
from .catalogue import SERVICE_PROJECTS
from .models import GRANTED_STATUSES, UNPAID_STATUSES, Application, ApplicationShare, ApplicationStatus, QuotaPool
from .procedures import DASHBOARD_ITEMS

S = ApplicationStatus
APPROVED = GRANTED_STATUSES


PAYOUT_DUE_SOON_DAYS = 14
REVIEW_ORDER = (S.GRASSROOTS_REVIEW, S.STREET_REVIEW, S.DISTRICT_INTAKE, S.DISTRICT_REVIEW, S.CITY_REVIEW)


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
    charts: list[Chart] = field(default_factory=list)  # pictures, each with its numbers (charts.py)


@dataclass
class Chart:
    """One picture of the dashboard and the table of the numbers it draws."""

    key: str
    title: str
    svg: str  # the laptop's drawing
    narrow: str  # the phone's
    headers: list[str]
    rows: list[list[str]]
    legend: str = ""
    note: str = ""


SERIES_SHOWN = 6  # lines per chart; the rest are summed as 其他
MONTHS_SHOWN = 24
OTHERS = gettext_lazy("其他")


def _months(rows) -> list:
    """The months from the first to the last with any application (the last MONTHS_SHOWN of them)."""
    present = sorted({month for _, month, _ in rows if month is not None})
    if not present:
        return []
    months, (y, m) = [], (present[0].year, present[0].month)
    while (y, m) <= (present[-1].year, present[-1].month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months[-MONTHS_SHOWN:]


def _over_time(key: str, title: str, rows, names: dict) -> Chart | None:
    """Applications per month, one line per key (project or street), the largest SERIES_SHOWN and 其他."""
    months = _months(rows)
    if not months:
        return None
    index = {ym: i for i, ym in enumerate(months)}
    per_key: dict = defaultdict(lambda: [0] * len(months))
    for k, month, n in rows:
        if month is not None and (month.year, month.month) in index:
            per_key[k][index[(month.year, month.month)]] += n
    ranked = sorted(per_key.items(), key=lambda item: (-sum(item[1]), str(names.get(item[0], item[0]))))
    series = [(str(names.get(k, k)), values) for k, values in ranked[:SERIES_SHOWN]]
    if len(ranked) > SERIES_SHOWN:
        rest = [sum(values[i] for _, values in ranked[SERIES_SHOWN:]) for i in range(len(months))]
        series.append((str(OTHERS), rest))
    x_labels = [f"{y}-{m:02d}" for y, m in months]
    return Chart(
        key=key,
        title=title,
        svg=charts.columns(title, x_labels, series),
        narrow=charts.columns(title, x_labels, series, narrow=True),
        legend=charts.legend([name for name, _ in series]),
        headers=[_("月份"), *[name for name, _ in series]],
        rows=[[x, *[str(values[i]) for _, values in series]] for i, x in enumerate(x_labels)],
        note=_("按提交时间（北京时间）计。"),
    )


def _charts(*, submitted, streets, projects, amounts, quotas, overdue_by_status, overdue_payouts, days) -> list[Chart]:
    shanghai = timezone.get_default_timezone()
    monthly = list(
        submitted.filter(submitted_at__isnull=False)
        .annotate(month=TruncMonth("submitted_at", tzinfo=shanghai))
        .values_list("project", "street_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = []
    by_project = _over_time(
        "projects-over-time", _("各项目每月申请数"), [(p, m, n) for p, _, m, n in monthly], projects
    )
    by_street = _over_time("streets-over-time", _("各街镇每月申请数"), [(st, m, n) for _, st, m, n in monthly], streets)
    found += [c for c in (by_project, by_street) if c]
    if amounts:
        names = [_("已批准"), _("已给付")]
        title = _("各出资方已批准与已给付金额")
        bars = [(label, (approved, paid)) for label, approved, paid in amounts]
        found.append(
            Chart(
                key="amounts",
                title=title,
                svg=charts.hbars(title, bars, series=2, fmt=labels.yuan),
                narrow=charts.hbars(title, bars, series=2, fmt=labels.yuan, narrow=True),
                legend=charts.legend(names),
                headers=[_("出资方"), _("已批准"), _("已给付"), _("未给付")],
                rows=[
                    [label, labels.yuan(approved), labels.yuan(paid), labels.yuan(approved - paid)]
                    for label, approved, paid in amounts
                ],
            )
        )
    if quotas:
        rows = [(f"{q.label}（{q.policy_year}）", (q.taken,)) for q in quotas]
        found.append(
            Chart(
                key="quotas",
                title=_("名额使用"),
                svg=charts.hbars(_("名额使用"), rows, limits=[q.capacity for q in quotas], label_width=240),
                narrow=charts.hbars(_("名额使用"), rows, limits=[q.capacity for q in quotas], narrow=True),
                headers=[_("名额"), _("已用"), _("总数"), _("使用率")],
                rows=[
                    [name, str(q.taken), str(q.capacity), f"{(q.taken * 100 // q.capacity) if q.capacity else 0}%"]
                    for (name, _), q in zip(rows, quotas, strict=True)
                ],
                note=_("红色：名额已用完。"),
            )
        )
    overdue_rows = [(label, (n,)) for label, n in overdue_by_status] + [(_("已过给付期限未给付"), (overdue_payouts,))]
    found.append(
        Chart(
            key="overdue",
            title=_("逾期事项"),
            svg=charts.hbars(_("逾期事项"), overdue_rows, label_width=200),
            narrow=charts.hbars(_("逾期事项"), overdue_rows, narrow=True),
            note=_("审核：在该层级等待超过%(days)d天的申请；给付：已过给付期限仍未给付的申请。") % {"days": days},
            headers=[_("事项"), _("份数")],
            rows=[[label, str(values[0])] for label, values in overdue_rows],
        )
    )
    return found


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
    streets[None] = _("区级（无街镇）")
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

    quotas = list(QuotaPool.objects.filter(offering__isnull=True).order_by("project", "key"))
    days = getattr(settings, "REVIEW_OVERDUE_DAYS", 7)
    waiting = Application.objects.filter(
        status__in=workflow.REVIEW_STATUSES, status_changed_at__lt=now - timedelta(days=days)
    )
    # Not paid yet (approved, batched, or its payment failed). Due soon: within the next two weeks.
    unpaid = Application.objects.filter(status__in=UNPAID_STATUSES, payout_due__isnull=False)
    late = unpaid.filter(payout_due__lt=today)
    soon = unpaid.filter(payout_due__gte=today, payout_due__lte=today + timedelta(days=PAYOUT_DUE_SOON_DAYS))
    related = ("applicant_member", "applicant_organisation", "street")
    overdue_counts = dict(waiting.values_list("status").annotate(n=Count("id")).order_by())
    overdue_by_status = [(S(st).label, overdue_counts.get(st, 0)) for st in REVIEW_ORDER]
    overdue_payouts = late.count()
    return Dashboard(
        statuses=[(s, S(s).label) for s in statuses],
        by_project=by_project,
        by_street=by_street,
        status_totals=status_totals,
        quotas=quotas,
        amounts=amounts,
        overdue_reviews=sum(overdue_counts.values()),
        overdue_review_days=days,
        overdue_payouts=overdue_payouts,
        oldest_reviews=list(waiting.select_related(*related).order_by("status_changed_at")[:20]),
        late_payouts=list(late.select_related(*related).order_by("payout_due")[:20]),
        due_soon=list(soon.select_related(*related).order_by("payout_due")[:20]),
        app_items=[item(user, today) for item in DASHBOARD_ITEMS] if user is not None else [],
        charts=_charts(
            submitted=submitted,
            streets=streets,
            projects=projects,
            amounts=amounts,
            quotas=quotas,
            overdue_by_status=overdue_by_status,
            overdue_payouts=overdue_payouts,
            days=days,
        ),
    )
