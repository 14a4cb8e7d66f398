"""Member pages: the member's own “五送” registrations and what was delivered. Someone else's is a 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from projects.views import member_required

from . import selectors


@member_required
def my_services(request, member):
    applications = selectors.care_applications_of_member(member)
    return render(request, "flexible_workers/my_services.html", {"member": member, "applications": applications})


@member_required
def my_service(request, member, reference: str):
    application = selectors.care_application_of_member(member, reference)
    if application is None:
        raise Http404
    return render(request, "flexible_workers/my_service.html", {"member": member, "application": application})
