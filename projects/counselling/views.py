"""The counselling page: how to book (confidentially), the open slots, and — for a signed-in
member — the psychological-health lectures arranged at their own unit."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from members.selectors import member_for_user
from subsidies.rules import registry
from subsidies.selectors import policy_data

from .models import APPOINTMENT_RULE
from .selectors import appointment_rule_year, open_counselling_slots, upcoming_lectures_of


def counselling_home(request):
    now = timezone.now()
    year = appointment_rule_year(timezone.localdate().year)
    rule = registry.get(APPOINTMENT_RULE, year)
    member = member_for_user(request.user)
    lectures = upcoming_lectures_of(member.organisation, today=timezone.localdate()) if member else None
    return render(
        request,
        "counselling/home.html",
        {
            "rule": rule,
            "year": year,
            "places": policy_data(year).value("counselling_places"),
            "slots": open_counselling_slots(now),
            "member": member,
            "lectures": lectures,
        },
    )
