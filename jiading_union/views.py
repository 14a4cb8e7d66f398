from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from projects.catalogue import projects_by_category
from subsidies.selectors import policy_data_by_year


@require_GET
def home(request):
    return render(request, "home.html", {"categories": projects_by_category(), "policies": policy_data_by_year()})


@require_GET
def healthz(request):
    """Liveness for the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request, reason=""):
    """The portal's own page for an expired or missing CSRF token (Django's is English and technical)."""
    return render(request, "403_csrf.html", status=403)
