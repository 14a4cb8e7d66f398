"""District reports as .xlsx (issue 16, Exports): applications per project × street/town.

``applications_by_project_and_street`` is the selector (one grouped query); ``district_report``
writes the workbook: Chinese headers, a frozen header row, amounts formatted as 元, a totals row
(the sums of the rows, which are the sums of the records), column widths that fit, and a chart of
applications per street. District staff only (projects/admin_views.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from jiading_union.exports import MONEY_FORMAT, escape_cell
from members.models import Organisation, OrganisationLevel

from .catalogue import SERVICE_PROJECTS
from .models import GRANTED_STATUSES, Application, ApplicationStatus

HEADERS = ("服务项目", "街镇", "申请数", "已批准数", "批准金额（元）")
TOTAL = "合计"
NOT_COUNTED = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)


@dataclass(frozen=True)
class ReportRow:
    project: str
    street: str
    applications: int
    granted: int
    granted_amount: Decimal


def applications_by_project_and_street(*, policy_year: int | None = None) -> list[ReportRow]:
    """Per project and street: applications (drafts and withdrawn ones aside), granted ones and their
    amount. One grouped query; titles and street names from two small lookups."""
    titles = {p.code: p.title for p in SERVICE_PROJECTS}
    queryset = Application.objects.exclude(status__in=NOT_COUNTED)
    if policy_year is not None:
        queryset = queryset.filter(policy_year=policy_year)
    grouped = (
        queryset.values("project", "street_id")
        .annotate(
            applications=Count("pk"),
            granted=Count("pk", filter=Q(status__in=GRANTED_STATUSES)),
            granted_amount=Sum("amount", filter=Q(status__in=GRANTED_STATUSES)),
        )
        .order_by("project", "street_id")
    )
    streets = dict(Organisation.objects.filter(level=OrganisationLevel.STREET).values_list("pk", "name"))
    return [
        ReportRow(
            project=titles.get(g["project"], g["project"]),
            street=streets.get(g["street_id"], "—"),
            applications=g["applications"],
            granted=g["granted"],
            granted_amount=g["granted_amount"] or Decimal("0"),
        )
        for g in grouped
    ]


def district_report(*, policy_year: int | None = None) -> bytes:
    rows = applications_by_project_and_street(policy_year=policy_year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "按项目和街镇"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for row in rows:
        sheet.append(
            [escape_cell(row.project), escape_cell(row.street), row.applications, row.granted, row.granted_amount]
        )
    total_row = sheet.max_row + 1
    sheet.append(
        [
            TOTAL,
            "",
            sum(r.applications for r in rows),
            sum(r.granted for r in rows),
            sum((r.granted_amount for r in rows), Decimal("0")),
        ]
    )
    for cell in sheet[total_row]:
        cell.font = bold
    for (cell,) in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        cell.number_format = MONEY_FORMAT
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (28, 22, 10, 10, 18), strict=True):
        sheet.column_dimensions[letter].width = width

    by_street = workbook.create_sheet("各街镇申请数")
    by_street.append(["街镇", "申请数"])
    for cell in by_street[1]:
        cell.font, cell.fill = bold, fill
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.street] = totals.get(row.street, 0) + row.applications
    for street, count in sorted(totals.items(), key=lambda item: -item[1]):
        by_street.append([escape_cell(street), count])
    by_street.column_dimensions["A"].width = 24
    by_street.freeze_panes = "A2"
    if totals:
        chart = BarChart()
        chart.title = "各街镇申请数"
        chart.y_axis.title = "申请数"
        chart.add_data(Reference(by_street, min_col=2, min_row=1, max_row=len(totals) + 1), titles_from_data=True)
        chart.set_categories(Reference(by_street, min_col=1, min_row=2, max_row=len(totals) + 1))
        chart.width, chart.height = 24, 12
        by_street.add_chart(chart, "D2")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
