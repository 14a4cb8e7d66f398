"""Public progress toward the district's “看花博” target (totals only, no personal data)."""

from __future__ import annotations

from django.shortcuts import render

from . import selectors


def progress(request):
    return render(request, "flower_expo/progress.html", {"progress": selectors.expo_progress()})
