"""The public list of care stations: no login, readable on a phone."""

from __future__ import annotations

from django.shortcuts import render

from .forms import StationFilterForm
from .selectors import care_stations_public


def station_list(request):
    form = StationFilterForm(request.GET or None)
    street_id, service = None, None
    if form.is_bound and form.is_valid():
        street = form.cleaned_data["street"]
        street_id = street.pk if street else None
        service = form.cleaned_data["service"] or None
    stations = care_stations_public(street_id=street_id, service=service)
    return render(request, "outdoor_care/station_list.html", {"form": form, "stations": stations})
