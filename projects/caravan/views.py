"""The public list of coming caravan visits."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from .models import CaravanService
from .selectors import upcoming_visits


def visit_list(request):
    visits = upcoming_visits(today=timezone.localdate())[:100]
    return render(request, "caravan/visit_list.html", {"visits": visits, "services": CaravanService.choices})
