from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from projects.catalogue import projects_by_category


@require_GET
def home(request):
    return render(request, "home.html", {"categories": projects_by_category()})


@require_GET
def healthz(request):
    """Liveness for the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
