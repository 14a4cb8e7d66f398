"""The roster template units download before applying."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from .roster import roster_template as build_template

TEMPLATE_NAME = "环卫职工参保名册模板.xlsx"


@require_GET
def roster_template(request):
    response = HttpResponse(
        build_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=TEMPLATE_NAME)
    response["Cache-Control"] = "public, max-age=3600"
    return response
