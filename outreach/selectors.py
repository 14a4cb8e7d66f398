"""Reads of the outreach app: a person's reminders and channels; uptake per project and street
(entitled, applied, approved, paid) and the entitled non-applicants, both in the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from members.models import Organisation, OrganisationLevel
from members.selectors import scope_for
from projects.catalogue import SERVICE_PROJECTS
from projects.models import GRANTED_STATUSES, Application
from projects.selectors import member_rules

from .models import ChannelPreference, Finding, FindingState, Reminder, ScanRun

# Entitled: every finding but "not eligible" (now, once a window opens, once a proof is supplied).
ENTITLED = (FindingState.ELIGIBLE, FindingState.NOT_YET_OPEN, FindingState.NEEDS_INFORMATION)


def reminders_of(user) -> QuerySet[Reminder]:
    return Reminder.objects.filter(recipient=user).order_by("-day", "-pk")


def reminder_of(user, pk: int) -> Reminder | None:
    """The user's own reminder, or None — never someone else's."""
    return Reminder.objects.filter(recipient=user, pk=pk).first()


def channel_preference(user) -> ChannelPreference:
    return ChannelPreference.objects.filter(user=user).first() or ChannelPreference(user=user)


def project_titles() -> dict[str, str]:
    return {p.code: p.title for p in SERVICE_PROJECTS}


def rule_titles(today=None) -> dict[str, str]:
    today = today or timezone.localdate()
    return {r.rule_id: r.title for r in member_rules(today.year)}


def entitled_non_applicants(user) -> QuerySet[Finding]:
    """The findings of members entitled to a benefit who have not applied, in the user's scope."""
    return scope_for(user).filter(Finding.objects.filter(state__in=ENTITLED, applied=False))


def streets_in_scope(user) -> list[tuple[int, str]]:
    scope = scope_for(user)
    streets = Organisation.objects.filter(level=OrganisationLevel.STREET).order_by("code")
    if scope.level == "street":
        streets = streets.filter(pk=scope.organisation_id)
    elif scope.level != "district":
        streets = streets.none()
    return list(streets.values_list("pk", "name"))


@dataclass
class UptakeRow:
    project: str
    street: str
    entitled: int
    applied: int
    approved: int
    paid: int


def uptake(user, today=None) -> list[UptakeRow]:
    """Per project and street/town in the user's scope: members found entitled by the last scan, of
    them those who applied, and the applications of the same rules approved and paid. Two GROUP BY
    queries on indexed columns."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    if scope.is_none:
        return []
    rules = member_rules(today.year)
    keys = {(r.rule_id, r.policy_year) for r in rules}
    counts: dict[tuple[str, int | None], list[int]] = {}
    found = (
        scope.filter(Finding.objects.filter(state__in=ENTITLED))
        .values_list("project", "street_id")
        .annotate(entitled=Count("id"), applied=Count("id", filter=Q(applied=True)))
        .order_by()
    )
    for project, street, entitled, applied in found:
        counts[(project, street)] = [entitled, applied, 0, 0]
    applications = (
        scope.filter(
            Application.objects.filter(
                rule_id__in={k[0] for k in keys},
                policy_year__in={k[1] for k in keys},
                applicant_member__isnull=False,
            )
        )
        .values_list("project", "street_id")
        .annotate(
            approved=Count("id", filter=Q(status__in=GRANTED_STATUSES)),
            paid=Count("id", filter=Q(paid_at__isnull=False)),
        )
        .order_by()
    )
    for project, street, approved, paid in applications:
        row = counts.setdefault((project, street), [0, 0, 0, 0])
        row[2], row[3] = approved, paid
    projects = project_titles()
    streets = dict(streets_in_scope(user))
    order = {code: i for i, code in enumerate(projects)}
    rows = [
        UptakeRow(projects.get(p, p), streets.get(s, "区级（无街镇）"), *values)
        for (p, s), values in sorted(
            counts.items(), key=lambda kv: (order.get(kv[0][0], 999), streets.get(kv[0][1], ""))
        )
        if any(values)
    ]
    return rows


def last_scan_run() -> ScanRun | None:
    return ScanRun.objects.order_by("-started_at").first()


def scan_running() -> ScanRun | None:
    """An unfinished run started in the last six hours (an older one died with its worker)."""
    since = timezone.now() - timedelta(hours=6)
    return ScanRun.objects.filter(finished_at__isnull=True, started_at__gte=since).order_by("-started_at").first()
