"""Public page: each year's sanatorium and check-up plans with what each payer covers."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from . import selectors


def plans(request):
    return render(
        request,
        "sanatorium/plans.html",
        {
            "years": selectors.plan_years(),
            "departures": list(selectors.open_departures(timezone.now())[:50]),
        },
    )
