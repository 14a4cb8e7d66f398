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
