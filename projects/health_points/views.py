"""The public page: running points, how to book a consultation, and the coming patrols and lectures."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from .forms import PointFilterForm
from .selectors import UPCOMING_DAYS, points_public


def point_list(request):
    form = PointFilterForm(request.GET or None)
    street_id = None
    if form.is_bound and form.is_valid() and form.cleaned_data["street"] is not None:
        street_id = form.cleaned_data["street"].pk
    points = points_public(today=timezone.localdate(), street_id=street_id)
    return render(
        request,
        "health_points/point_list.html",
        {
            "form": form,
            "points": points,
            "upcoming_days": UPCOMING_DAYS,
        },
    )
