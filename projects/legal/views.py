"""Legal pages: where to apply (public) and, for the applicant, who handles their case."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from projects.views import member_required

from . import selectors
from .models import CentreKind


def centres(request):
    rows = list(selectors.active_centres())
    return render(request, "legal/centres.html", {"centres": rows, "kinds": CentreKind})


@member_required
def case_detail(request, member, reference: str):
    """The applicant's own legal-aid application: its status, then its centre and lawyer once assigned.
    Anyone else's reference (or a non-legal-aid one) is a 404."""
    found = selectors.legal_aid_case_of_member(member, reference)
    if found is None:
        raise Http404
    application, case = found
    return render(request, "legal/case_detail.html", {"application": application, "case": case})
