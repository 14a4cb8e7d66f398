"""District reports as .xlsx (issue 16, Exports).

``district_report`` (the 区总工会报表, one policy year or all): applications per project × street with
the granted amount split by payer; applications per street (chart); amounts per payer (chart); quota
usage; payouts by month and payer from the ledger; overdue items (reviews past their days, payouts
past their due date); 看花博 visits against the target. ``annual_report(year)``: one sheet per
project, its streets as rows. Every sheet: Chinese headers, a bold frozen header row, 元 formats,
a totals row that is the sum of the rows (each a grouped query over the records), column widths
fitted to the longest text.

The ledger belongs to payouts, which projects never import: the report reads it through the
function settings.DISTRICT_REPORT_LEDGER names (payouts.selectors.payout_report; none, no sheet).
District staff only (projects/admin_views.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.module_loading import import_string
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from jiading_union.exports import MONEY_FORMAT, escape_cell
from members.models import Organisation, OrganisationLevel

from . import workflow
from .catalogue import SERVICE_PROJECTS
from .labels import payer_label, status_label
from .models import GRANTED_STATUSES, UNPAID_STATUSES, Application, ApplicationShare, ApplicationStatus, QuotaPool

HEADERS = ("服务项目", "街镇", "申请数", "已批准数", "批准金额（元）")
TOTAL = "合计"
NO_STREET = "区级（无街镇）"
NOT_COUNTED = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
# The ledger report's figures (payouts.selectors.payout_report), in the words of its statuses.
LEDGER_FIGURES = (
    ("approved", "已批准未入批次"),
    ("pending", "待发出"),
    ("sent", "已发出"),
    ("confirmed", "已到账"),
    ("failed", "失败"),
    ("returned", "退回"),
)
BOLD, FILL = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class ReportRow:
    project: str
    street: str
    applications: int
    granted: int
    granted_amount: Decimal
    by_payer: tuple[tuple[str, Decimal], ...] = ()  # (payer code, amount) of the granted ones


def _titles() -> dict[str, str]:
    return {p.code: p.title for p in SERVICE_PROJECTS}


def _streets() -> dict:
    streets = dict(Organisation.objects.filter(level=OrganisationLevel.STREET).values_list("pk", "name"))
    streets[None] = NO_STREET
    return streets


def _counted(policy_year: int | None):
    queryset = Application.objects.exclude(status__in=NOT_COUNTED)
    return queryset if policy_year is None else queryset.filter(policy_year=policy_year)


def applications_by_project_and_street(*, policy_year: int | None = None) -> list[ReportRow]:
    """Per project and street: applications (drafts and withdrawn ones aside), granted ones, their
    amount and its split by payer. Two grouped queries; titles and street names from small lookups."""
    grouped = (
        _counted(policy_year)
        .values("project", "street_id")
        .annotate(
            applications=Count("pk"),
            granted=Count("pk", filter=Q(status__in=GRANTED_STATUSES)),
            granted_amount=Sum("amount", filter=Q(status__in=GRANTED_STATUSES)),
        )
        .order_by("project", "street_id")
    )
    shares = ApplicationShare.objects.filter(application__status__in=GRANTED_STATUSES)
    if policy_year is not None:
        shares = shares.filter(application__policy_year=policy_year)
    split: dict[tuple, dict[str, Decimal]] = {}
    for project, street_id, payer, amount in (
        shares.values_list("application__project", "application__street_id", "payer")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        split.setdefault((project, street_id), {})[payer] = amount
    titles, streets = _titles(), _streets()
    return [
        ReportRow(
            project=titles.get(g["project"], g["project"]),
            street=streets.get(g["street_id"], NO_STREET),
            applications=g["applications"],
            granted=g["granted"],
            granted_amount=g["granted_amount"] or Decimal("0"),
            by_payer=tuple(sorted(split.get((g["project"], g["street_id"]), {}).items())),
        )
        for g in grouped
    ]


def amounts_by_payer(*, policy_year: int | None = None) -> list[tuple[str, int, Decimal]]:
    """(payer label, granted applications it pays a share of, amount): the frozen shares."""
    shares = ApplicationShare.objects.filter(application__status__in=GRANTED_STATUSES)
    if policy_year is not None:
        shares = shares.filter(application__policy_year=policy_year)
    grouped = shares.values_list("payer").annotate(n=Count("pk"), total=Sum("amount")).order_by("payer")
    return [(payer_label(payer), n, total) for payer, n, total in grouped]


def quota_usage(*, policy_year: int | None = None) -> list[tuple]:
    pools = QuotaPool.objects.order_by("project", "policy_year", "label")
    if policy_year is not None:
        pools = pools.filter(policy_year=policy_year)
    titles = _titles()
    return [
        (
            titles.get(p.project, p.project),
            p.policy_year,
            p.label,
            p.capacity,
            p.taken,
            p.capacity - p.taken,
            (p.taken / p.capacity) if p.capacity else 0,
        )
        for p in pools
    ]


def _ledger():
    path = getattr(settings, "DISTRICT_REPORT_LEDGER", "")
    return import_string(path) if path else None


def _months(year: int) -> list[tuple[str, date, date]]:
    months = []
    for month in range(1, 13):
        start = date(year, month, 1)
        end = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
        months.append((f"{year}年{month}月", start, end))
    return months


def payouts_by_period(*, year: int) -> list[tuple]:
    """Per month (of the decision) and payer: each ledger figure's count and amount."""
    ledger = _ledger()
    if ledger is None:
        return []
    rows = []
    for period, start, end in _months(year):
        for entry in ledger(start=start, end=end):
            figures = [entry.get(key, [0, Decimal("0")]) for key, _label in LEDGER_FIGURES]
            if not any(n for n, _amount in figures):
                continue
            rows.append((period, entry["payer"], *[v for n, amount in figures for v in (n, amount)]))
    return rows


def overdue_items(*, today: date | None = None) -> list[tuple]:
    """Reviews waiting longer than REVIEW_OVERDUE_DAYS and payouts past their due date."""
    today = today or timezone.localdate()
    now = timezone.now()
    days = getattr(settings, "REVIEW_OVERDUE_DAYS", 7)
    titles, streets = _titles(), _streets()
    tz = timezone.get_current_timezone()
    rows = []
    waiting = (
        Application.objects.filter(
            status__in=workflow.REVIEW_STATUSES, status_changed_at__lt=now - timedelta(days=days)
        )
        .order_by("status_changed_at")
        .values_list("reference", "project", "street_id", "status", "status_changed_at")
    )
    for reference, project, street_id, status, since in waiting.iterator(chunk_size=2000):
        since_day = since.astimezone(tz).date()
        rows.append(
            ("审核超期", reference, titles.get(project, project), streets.get(street_id, NO_STREET),
             status_label(status), since_day, (today - since_day).days)
        )  # fmt: skip
    late = (
        Application.objects.filter(status__in=UNPAID_STATUSES, payout_due__lt=today)
        .order_by("payout_due")
        .values_list("reference", "project", "street_id", "status", "payout_due")
    )
    for reference, project, street_id, status, due in late.iterator(chunk_size=2000):
        rows.append(
            ("给付逾期", reference, titles.get(project, project), streets.get(street_id, NO_STREET),
             status_label(status), due, (today - due).days)
        )  # fmt: skip
    return rows


def expo_rows(*, policy_year: int | None = None):
    """看花博: (progress, [(street, trips, visitors)]) against the target the policy data gives."""
    from .flower_expo.selectors import counted_trips, expo_progress

    progress = expo_progress(policy_year)
    streets = _streets()
    per_street = (
        counted_trips(progress.policy_year)
        .values_list("organisation__street_id")
        .annotate(trips=Count("pk"), visitors=Sum("visitors"))
        .order_by("organisation__street_id")
    )
    return progress, [(streets.get(s, NO_STREET), n, v) for s, n, v in per_street]


# --- Writing --------------------------------------------------------------------------------------


def _width(value) -> int:
    text = f"{value:,.2f} 元" if isinstance(value, Decimal) else str(value if value is not None else "")
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def write_table(
    workbook,
    title: str,
    headers,
    rows,
    *,
    money: tuple[int, ...] = (),
    percent: tuple[int, ...] = (),
    dates: tuple[int, ...] = (),
    totals: tuple[int, ...] = (),
):
    """A sheet: bold frozen header, the rows (text escaped), a totals row summing the ``totals``
    columns (0-based) when asked, 元 / % / date formats, widths fitted to the longest cell."""
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font, cell.fill = BOLD, FILL
    widths = [_width(h) for h in headers]
    sums = {i: 0 for i in totals}
    for row in rows:
        sheet.append([escape_cell(v) for v in row])
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _width(value))
            if i in sums and value:
                sums[i] += value
    count = sheet.max_row - 1
    if totals:
        sheet.append([TOTAL if i == 0 else sums.get(i, "") for i in range(len(headers))])
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
    for index in range(len(headers)):
        letter = get_column_letter(index + 1)
        fmt = (
            MONEY_FORMAT if index in money else "0.0%" if index in percent else "yyyy-mm-dd" if index in dates else None
        )
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = fmt
        sheet.column_dimensions[letter].width = min(max(widths[index] + 2, 8), 60)
    sheet.freeze_panes = "A2"
    return sheet, count


def _chart(sheet, *, title: str, axis: str, rows: int, value_column: int = 2, anchor: str = "E2") -> None:
    if not rows:
        return
    chart = BarChart()
    chart.title, chart.y_axis.title = title, axis
    chart.add_data(Reference(sheet, min_col=value_column, min_row=1, max_row=rows + 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    chart.width, chart.height = 24, 12
    sheet.add_chart(chart, anchor)


def _payer_columns(rows: list[ReportRow]) -> list[str]:
    return sorted({payer for r in rows for payer, _amount in r.by_payer})


def _project_street_sheet(workbook, title: str, rows: list[ReportRow], *, with_project: bool = True):
    payers = _payer_columns(rows)
    headers = [*(HEADERS if with_project else HEADERS[1:]), *[f"{payer_label(p)}出资（元）" for p in payers]]
    body = []
    for r in rows:
        split = dict(r.by_payer)
        first = [r.project, r.street] if with_project else [r.street]
        body.append(
            [*first, r.applications, r.granted, r.granted_amount, *[split.get(p, Decimal("0")) for p in payers]]
        )
    offset = 2 if with_project else 1
    money = tuple(range(offset + 2, len(headers)))
    return write_table(workbook, title, headers, body, money=money, totals=tuple(range(offset, len(headers))))


def _save(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def district_report(*, policy_year: int | None = None, today: date | None = None) -> bytes:
    today = today or timezone.localdate()
    rows = applications_by_project_and_street(policy_year=policy_year)
    workbook = Workbook()
    workbook.remove(workbook.active)
    _project_street_sheet(workbook, "按项目和街镇", rows)

    per_street: dict[str, int] = {}
    for row in rows:
        per_street[row.street] = per_street.get(row.street, 0) + row.applications
    by_street, count = write_table(
        workbook, "各街镇申请数", ("街镇", "申请数"), sorted(per_street.items(), key=lambda i: -i[1]), totals=(1,)
    )
    _chart(by_street, title="各街镇申请数", axis="申请数", rows=count, anchor="D2")

    payers = amounts_by_payer(policy_year=policy_year)
    by_payer, count = write_table(
        workbook,
        "按出资方",
        ("出资方", "批准申请数", "批准金额（元）"),
        payers,
        money=(2,),
        totals=(1, 2),
    )
    _chart(by_payer, title="各出资方批准金额", axis="元", rows=count, value_column=3)

    write_table(
        workbook,
        "名额使用",
        ("服务项目", "政策年度", "名额", "总名额", "已用", "剩余", "使用率"),
        quota_usage(policy_year=policy_year),
        percent=(6,),
        totals=(3, 4, 5),
    )
    ledger_headers = ["期间", "出资方"]
    for _key, label in LEDGER_FIGURES:
        ledger_headers += [f"{label}笔数", f"{label}金额（元）"]
    write_table(
        workbook,
        "给付（按月和出资方）",
        ledger_headers,
        payouts_by_period(year=policy_year or today.year),
        money=tuple(range(3, len(ledger_headers), 2)),
        totals=tuple(range(2, len(ledger_headers))),
    )
    write_table(
        workbook,
        "逾期事项",
        ("类别", "申请编号", "服务项目", "街镇", "状态", "起始或期限日期", "逾期天数"),
        overdue_items(today=today),
        dates=(5,),
    )
    _expo_sheet(workbook, policy_year)
    return _save(workbook)


def _expo_sheet(workbook, policy_year: int | None) -> None:
    try:
        progress, per_street = expo_rows(policy_year=policy_year)
    except LookupError:  # no 看花博 rule for that year
        return
    sheet, count = write_table(workbook, "看花博", ("街镇", "团次", "参观人次"), per_street, totals=(1, 2))
    sheet.append([])
    for label, value in (
        ("政策年度", progress.policy_year),
        ("目标人次（超过）", progress.target),
        ("已参观人次", progress.total),
        ("完成比例", progress.total / progress.target if progress.target else 1),
        ("是否达成", "是" if progress.met else "否"),
    ):
        sheet.append([label, value])
    sheet.cell(row=sheet.max_row - 1, column=2).number_format = "0.0%"
    _chart(sheet, title="各街镇参观人次", axis="人次", rows=count, value_column=3)


def annual_report(*, year: int) -> bytes:
    """The year's workbook: a summary sheet, then one sheet per project with its streets."""
    rows = applications_by_project_and_street(policy_year=year)
    workbook = Workbook()
    workbook.remove(workbook.active)
    summary: dict[str, list] = {}
    for r in rows:
        line = summary.setdefault(r.project, [r.project, 0, 0, Decimal("0")])
        line[1] += r.applications
        line[2] += r.granted
        line[3] += r.granted_amount
    sheet, count = write_table(
        workbook,
        f"{year}年汇总",
        ("服务项目", "申请数", "已批准数", "批准金额（元）"),
        list(summary.values()),
        money=(3,),
        totals=(1, 2, 3),
    )
    _chart(sheet, title="各项目申请数", axis="申请数", rows=count, anchor="F2")
    used: set[str] = set()
    for project in summary:
        title = _sheet_title(project, used)
        project_rows = [r for r in rows if r.project == project]
        sheet, count = _project_street_sheet(workbook, title, project_rows, with_project=False)
        _chart(sheet, title=f"{project}：各街镇申请数", axis="申请数", rows=count, anchor="H2")
    return _save(workbook)


def _sheet_title(name: str, used: set[str]) -> str:
    clean = "".join("－" if ch in "[]:*?/\\" else ch for ch in name)[:28]
    title, n = clean, 2
    while title in used:
        title, n = f"{clean}{n}", n + 1
    used.add(title)
    return title


def every_report() -> dict[str, bytes]:
    """Each report workbook once (tests/test_libreoffice.py opens them all)."""
    year = timezone.localdate().year
    return {"district": district_report(), f"annual-{year}": annual_report(year=year)}
