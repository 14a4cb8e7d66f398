"""Public pages: where the “爱心妈咪小屋” are (mothers look for them)."""

from __future__ import annotations

from django.shortcuts import render

from . import selectors


def mommy_rooms(request):
    streets = list(selectors.streets_with_open_mommy_rooms())
    chosen = request.GET.get("street", "")
    street_id = int(chosen) if chosen.isdigit() and any(s.pk == int(chosen) for s in streets) else None
    return render(
        request,
        "womens_care/mommy_rooms.html",
        {
            "rooms": selectors.open_mommy_rooms(street_id=street_id),
            "streets": streets,
            "street_id": street_id,
        },
    )
