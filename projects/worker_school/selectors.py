"""Reads for “上海职工学堂”: the check an application is judged on, scoped lists."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from members.models import Organisation, User
from members.selectors import scope_for
from projects.models import ApplicationStatus

from .models import SiteCheck, WorkerSchool

# A check is free for a (new or corrected) application unless an application in flight or approved holds it.
RELEASED = (ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED, ApplicationStatus.RETURNED)
SCOPE = {"organisation": "street_union", "street": "street_union__street"}


def current_site_check(*, street_union: Organisation, policy_year: int, for_update: bool = False) -> SiteCheck | None:
    """The latest on-site check of this union's school for the year not held by another application."""
    checks = SiteCheck.objects.filter(street_union=street_union, policy_year=policy_year).filter(
        Q(application__isnull=True) | Q(application__status__in=RELEASED)
    )
    if for_update:
        checks = checks.select_for_update(of=("self",))
    return checks.order_by("-checked_at", "-pk").first()


def site_checks_visible_to(user: User) -> QuerySet[SiteCheck]:
    return scope_for(user).filter(SiteCheck.objects.select_related("street_union", "application"), **SCOPE)


def worker_schools_visible_to(user: User) -> QuerySet[WorkerSchool]:
    return scope_for(user).filter(WorkerSchool.objects.select_related("street_union", "application"), **SCOPE)
