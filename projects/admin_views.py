"""Admin pages that are not a model's changelist."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from jiading_union.admin import is_district

from .dashboard import district_dashboard


def dashboard_view(request):
    """区总工作台: counts, quotas, amounts by payer, what is overdue. District staff only."""
    if not is_district(request.user):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": "区总工会工作台",
        "d": district_dashboard(user=request.user),
    }
    return TemplateResponse(request, "admin/dashboard.html", context)


def district_report_view(request):
    """The district report workbook (projects/reports.py). District staff only."""
    from django.http import HttpResponse
    from django.utils import timezone

    from jiading_union.admin_spreadsheets import attachment
    from jiading_union.exports import XLSX_TYPE

    from .reports import annual_report, district_report

    if not is_district(request.user):
        raise PermissionDenied
    year = request.GET.get("year", "")
    policy_year = int(year) if year.isdigit() else None
    if request.GET.get("kind") == "annual":  # one sheet per project
        policy_year = policy_year or timezone.localdate().year
        response = HttpResponse(annual_report(year=policy_year), content_type=XLSX_TYPE)
        response["Content-Disposition"] = attachment(f"区总工会年度报表-{policy_year}.xlsx")
        return response
    response = HttpResponse(district_report(policy_year=policy_year), content_type=XLSX_TYPE)
    name = f"区总工会报表-{policy_year or '全部年度'}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = attachment(name)
    return response
