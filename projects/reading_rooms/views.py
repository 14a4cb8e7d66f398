"""Public list of workers' reading rooms."""

from __future__ import annotations

from django.shortcuts import render

from . import selectors


def reading_rooms(request):
    return render(request, "reading_rooms/reading_rooms.html", {"rooms": selectors.public_reading_rooms()})
