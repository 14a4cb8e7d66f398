"""Deadline reminders: which reminders today brings (collect), and their delivery (deliver).

Every date comes from the data of the policy year in force — a rule's frozen Decision (its window,
its claim deadline, its coverage end, its check-up date) or a param the year's data names; nothing
here writes a date. How many days ahead to remind (`lead_days`) and after how many days a waiting
application is reminded (`waiting_days`) are operational choices: the beat schedule's arguments,
editable in the admin (outreach/migrations/0002_beat_schedules.py writes the defaults).

A Reminder row is unique per (subject, recipient, kind, day): collecting twice inserts nothing
new, delivering twice sends nothing new (sent_at). Query count: a constant number of reads per
kind plus batched inserts and deliveries — independent of the number of members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from members.models import StaffRole, User
from projects.models import GRANTED_STATUSES, UNPAID_STATUSES, Application, ApplicationStatus
from projects.selectors import COVERAGE_RULES
from projects.workflow import LEVEL_ROLE, STATUS_LEVEL
from subsidies.rules import registry
from subsidies.rules.core import cn_date
from subsidies.rules.data import PolicyDataError
from subsidies.selectors import policy_data

from .channels import deliver_messages
from .models import Finding, FindingState, Reminder, ReminderKind

K = ReminderKind
BATCH = 2000
DEFAULT_LEAD_DAYS = (7, 1, 0)

# Messages (formatted with what the data says; tests assert on them).
WINDOW_CLOSING = "“{title}”{label}将于{day}截止，您符合申请条件，尚未申请。"
WINDOW_OPENING = "“{title}”{label}将于{day}开始，您届时可以申请。"
CLAIM_DEADLINE = "您的“{title}”（{ref}）{benefit}的给付申请须于{day}前提交，逾期不予受理。"
RETURNED_CLAIM = "您的给付申请（{ref}）已退回补正，须于{day}前重新提交，逾期不予受理。"
CHECKUP_DUE = "您的灵活就业会员健康体检须于{day}前完成，请与所在工会联系安排。"
COVERAGE_END = "您的“{title}”（{ref}）保障期至{day}届满。"
ORGANISATION_DEADLINE = "“{title}”：{label}为{day}。"
REVIEW_WAITING = "{level}有{count}件申请已等待超过{days}天未处理。"
PAYOUT_NEAR = "{count}件已批准的申请给付期限在{day}前，尚未给付。"
PAYOUT_PAST = "{count}件已批准的申请已过给付期限，尚未给付。"


@dataclass(frozen=True)
class OrganisationDeadline:
    """A date a project's data names for the organisations that apply (street or unit staff)."""

    kind: str
    rule_id: str
    param: str  # a date param of the year's data
    role: str  # the staff role that acts
    label: str


ORGANISATION_DEADLINES = (
    # 2019 职工学堂 §2 操作流程（二）（三）: street unions apply, then claim, by the dates the data gives.
    OrganisationDeadline(K.APPLY_BY, "worker_school_grant", "worker_school_apply_by", StaffRole.STREET, "申报截止日"),
    OrganisationDeadline(
        K.CLAIM_DEADLINE, "worker_school_grant", "worker_school_claim_by", StaffRole.STREET, "申领截止日"
    ),
    # 2021 体检 二（三）: the D, E, F plans run only in January and February; units book them.
    OrganisationDeadline(
        K.WINDOW_CLOSING,
        "health_checkup",
        "sanatorium_checkup_def_closes",
        StaffRole.GRASSROOTS,
        "D、E、F计划开展期截止日",
    ),
)


def _days(today: date, lead_days: Iterable[int]) -> dict[str, int]:
    """{iso date: days left} for every day a reminder is due (`lead_days` before, 0 = the last day)."""
    return {(today + timedelta(days=int(d))).isoformat(): int(d) for d in lead_days if int(d) >= 0}


def _rule_title(rule_id: str, year: int) -> str:
    try:
        return registry.get(rule_id, year).title
    except registry.UnknownRule:
        return rule_id


def _member_reminder(kind, subject, user_id, due: date, today: date, title: str, body: str, link: str) -> Reminder:
    return Reminder(
        kind=kind, subject=subject, recipient_id=user_id, day=today, due=due, title=title, body=body, link=link
    )


# --- members ---------------------------------------------------------------------------------


def window_reminders(today: date, lead_days: Iterable[int]) -> Iterator[Reminder]:
    """Members the scan found entitled (now, when the window opens, or once a proof is supplied)
    who have not applied: before the window closes, and before it opens."""
    days = _days(today, lead_days)
    wanted = [date.fromisoformat(d) for d in days]
    states = [FindingState.ELIGIBLE, FindingState.NOT_YET_OPEN, FindingState.NEEDS_INFORMATION]
    rows = (
        Finding.objects.filter(applied=False, state__in=states, member__user__isnull=False)
        .filter(Q(window_closes__in=wanted) | Q(window_opens__in=wanted, state=FindingState.NOT_YET_OPEN))
        .values_list("pk", "member__user_id", "rule_id", "policy_year", "state", "window_opens", "window_closes")
    )
    for pk, user_id, rule_id, year, state, opens, closes in rows.iterator(chunk_size=BATCH):
        link = reverse("projects:apply", args=[rule_id, year])
        title = _rule_title(rule_id, year)
        if state == FindingState.NOT_YET_OPEN and opens and opens.isoformat() in days:
            body = WINDOW_OPENING.format(title=title, label="申报期", day=cn_date(opens))
            yield _member_reminder(K.WINDOW_OPENING, f"finding:{pk}", user_id, opens, today, title, body, link)
        elif state != FindingState.NOT_YET_OPEN and closes and closes.isoformat() in days:
            body = WINDOW_CLOSING.format(title=title, label="申报期", day=cn_date(closes))
            yield _member_reminder(K.WINDOW_CLOSING, f"finding:{pk}", user_id, closes, today, title, body, link)


def _granted(rule_ids) -> Iterator[tuple]:
    return (
        Application.objects.filter(
            rule_id__in=rule_ids, status__in=GRANTED_STATUSES, applicant_member__user__isnull=False
        )
        .values_list("pk", "reference", "rule_id", "policy_year", "applicant_member__user_id", "decision")
        .iterator(chunk_size=BATCH)
    )


def claim_deadline_reminders(today: date, lead_days: Iterable[int]) -> Iterator[Reminder]:
    """Coverage held: each claim deadline its year's table counts from the coverage end (two years,
    six months — flexible_claim_deadlines); and claims returned for correction whose deadline (180
    days after the accident, or the period's) nears."""
    from subsidies.rules.flexible_workers import _claim_deadline

    days = _days(today, lead_days)
    horizon = today - timedelta(days=max(days.values(), default=0))
    tables = {}
    for pk, ref, rule_id, year, user_id, decision in _granted(COVERAGE_RULES):
        end = (decision.get("dates") or {}).get("coverage_end")
        if not end or date.fromisoformat(end) > today + timedelta(days=max(days.values(), default=0)):
            continue
        if year not in tables:
            try:
                tables[year] = policy_data(year).table("flexible_claim_deadlines").rows
            except (KeyError, PolicyDataError):
                tables[year] = ()
        rows = tables[year] if rule_id == "flexible_worker_coverage" else ()
        by_day: dict[date, list[str]] = defaultdict(list)
        for row in rows:
            if row["counted_from"] != "coverage_end":
                continue
            deadline = _claim_deadline(row, date.fromisoformat(end), None)
            if deadline is not None and deadline >= horizon and deadline.isoformat() in days:
                by_day[deadline].append(row["label"])
        for deadline, labels in by_day.items():
            title = _rule_title(rule_id, year)
            body = CLAIM_DEADLINE.format(title=title, ref=ref, benefit="、".join(labels), day=cn_date(deadline))
            link = reverse("projects:my_coverage")
            yield _member_reminder(
                K.CLAIM_DEADLINE, f"application:{pk}:{deadline}", user_id, deadline, today, title, body, link
            )
    returned = (
        Application.objects.filter(
            status=ApplicationStatus.RETURNED,
            applicant_member__user__isnull=False,
            decision__dates__claim_deadline__in=list(days),
        )
        .values_list("pk", "reference", "rule_id", "policy_year", "applicant_member__user_id", "decision")
        .iterator(chunk_size=BATCH)
    )
    for pk, ref, rule_id, year, user_id, decision in returned:
        deadline = date.fromisoformat(decision["dates"]["claim_deadline"])
        link = reverse("projects:my_application_edit", args=[ref])
        body = RETURNED_CLAIM.format(ref=ref, day=cn_date(deadline))
        yield _member_reminder(
            K.CLAIM_DEADLINE, f"application:{pk}", user_id, deadline, today, _rule_title(rule_id, year), body, link
        )


def dated_application_reminders(today: date, lead_days: Iterable[int]) -> Iterator[Reminder]:
    """Granted applications whose frozen decision dates a check-up (flexible workers' “五送”, by the
    date the year's data gives) or the end of a coverage."""
    days = _days(today, lead_days)
    checkups = Application.objects.filter(
        rule_id="flexible_worker_care",
        status__in=GRANTED_STATUSES,
        applicant_member__user__isnull=False,
        decision__dates__checkup_due__in=list(days),
    ).values_list("pk", "reference", "rule_id", "policy_year", "applicant_member__user_id", "decision")
    for pk, ref, rule_id, year, user_id, decision in checkups.iterator(chunk_size=BATCH):
        due = date.fromisoformat(decision["dates"]["checkup_due"])
        link = reverse("flexible_workers:my_service", args=[ref])
        yield _member_reminder(
            K.CHECKUP_DUE,
            f"application:{pk}",
            user_id,
            due,
            today,
            _rule_title(rule_id, year),
            CHECKUP_DUE.format(day=cn_date(due)),
            link,
        )
    ending = Application.objects.filter(
        rule_id__in=COVERAGE_RULES,
        status__in=GRANTED_STATUSES,
        applicant_member__user__isnull=False,
        decision__dates__coverage_end__in=list(days),
    ).values_list("pk", "reference", "rule_id", "policy_year", "applicant_member__user_id", "decision")
    for pk, ref, rule_id, year, user_id, decision in ending.iterator(chunk_size=BATCH):
        due = date.fromisoformat(decision["dates"]["coverage_end"])
        title = _rule_title(rule_id, year)
        body = COVERAGE_END.format(title=title, ref=ref, day=cn_date(due))
        yield _member_reminder(
            K.COVERAGE_END, f"application:{pk}", user_id, due, today, title, body, reverse("projects:my_coverage")
        )


# --- staff (a daily digest each) ---------------------------------------------------------------


def _staff(role: str, organisation_ids=None) -> Iterator[tuple[int, int | None]]:
    users = User.objects.filter(is_active=True, is_staff=True, role=role)
    if organisation_ids is not None:
        users = users.filter(organisation_id__in=organisation_ids)
    return users.values_list("pk", "organisation_id").iterator(chunk_size=BATCH)


def organisation_deadline_reminders(today: date, lead_days: Iterable[int]) -> Iterator[Reminder]:
    days = _days(today, lead_days)
    for spec in ORGANISATION_DEADLINES:
        try:
            rule = registry.latest(spec.rule_id, today.year)
            due = policy_data(rule.policy_year).value(spec.param)
        except (registry.UnknownRule, KeyError, PolicyDataError):
            continue
        if not isinstance(due, date) or due.isoformat() not in days:
            continue
        applied = set(
            Application.objects.filter(rule_id=spec.rule_id, policy_year=rule.policy_year)
            .exclude(status__in=[ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED, ApplicationStatus.DRAFT])
            .values_list("applicant_organisation_id", flat=True)
        )
        body = ORGANISATION_DEADLINE.format(title=rule.title, label=spec.label, day=cn_date(due))
        link = reverse("projects:apply", args=[rule.rule_id, rule.policy_year])
        for user_id, organisation_id in _staff(spec.role):
            if spec.kind == K.APPLY_BY and organisation_id in applied:
                continue
            yield Reminder(
                kind=spec.kind,
                subject=f"{spec.rule_id}:{spec.param}",
                recipient_id=user_id,
                day=today,
                due=due,
                title=rule.title,
                body=body,
                link=link,
                for_staff=True,
            )


def review_waiting_reminders(today: date, waiting_days: int) -> Iterator[Reminder]:
    """Applications waiting at a level for longer than `waiting_days`: to the staff of that level
    (the unit's grassroots union, the street, the district), one line per level and organisation."""
    since = timezone.make_aware(datetime.combine(today - timedelta(days=int(waiting_days)), time.min))
    groups = (
        Application.objects.filter(status__in=list(STATUS_LEVEL), status_changed_at__lt=since)
        .values("status", "organisation_id", "street_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[str, str, int | None], int] = defaultdict(int)
    for row in groups:
        level = STATUS_LEVEL[row["status"]]
        role = LEVEL_ROLE[level]
        where = {StaffRole.GRASSROOTS: row["organisation_id"], StaffRole.STREET: row["street_id"]}.get(role)
        counts[(row["status"], role, where)] += row["n"]
    for (status, role, where), n in sorted(counts.items(), key=str):
        link = reverse("admin:projects_application_changelist") + f"?status__exact={status}"
        body = REVIEW_WAITING.format(level=ApplicationStatus(status).label, count=n, days=waiting_days)
        for user_id, _ in _staff(role, None if where is None else [where]):
            yield Reminder(
                kind=K.REVIEW_WAITING,
                subject=f"waiting:{status}:{where or 0}",
                recipient_id=user_id,
                day=today,
                title=str(K.REVIEW_WAITING.label),
                body=body,
                link=link,
                for_staff=True,
            )


def payout_reminders(today: date, lead_days: Iterable[int]) -> Iterator[Reminder]:
    """Granted applications not yet paid (approved, batched, payment failed) whose payout due date is near or past: district."""
    ahead = today + timedelta(days=max((int(d) for d in lead_days), default=0))
    unpaid = Application.objects.filter(status__in=UNPAID_STATUSES, payout_due__isnull=False)
    past = unpaid.filter(payout_due__lt=today).count()
    near = unpaid.filter(payout_due__gte=today, payout_due__lte=ahead).count()
    link = reverse("admin:projects_application_changelist") + f"?status__exact={ApplicationStatus.APPROVED}"
    lines = []
    if past:
        lines.append(PAYOUT_PAST.format(count=past))
    if near:
        lines.append(PAYOUT_NEAR.format(count=near, day=cn_date(ahead)))
    if not lines:
        return
    for user_id, _ in _staff(StaffRole.DISTRICT):
        yield Reminder(
            kind=K.PAYOUT_DUE,
            subject="payouts",
            recipient_id=user_id,
            day=today,
            due=ahead,
            title=str(K.PAYOUT_DUE.label),
            body="".join(lines),
            link=link,
            for_staff=True,
        )


# --- the job ---------------------------------------------------------------------------------

KINDS = {
    "windows": window_reminders,
    "claims": claim_deadline_reminders,
    "dated": dated_application_reminders,
    "organisations": organisation_deadline_reminders,
    "payouts": payout_reminders,
}


def reminders_collect(*, today: date, lead_days=DEFAULT_LEAD_DAYS, waiting_days: int | None = None, kinds=None) -> int:
    """Insert today's reminders (a reminder already there — same subject, recipient, kind, day — is
    skipped by the unique constraint). Returns how many rows were offered."""
    sources = []
    for name, source in KINDS.items():
        if kinds is None or name in kinds:
            sources.append(source(today, lead_days))
    if waiting_days is not None and (kinds is None or "waiting" in kinds):
        sources.append(review_waiting_reminders(today, waiting_days))
    offered = 0
    batch: list[Reminder] = []
    for source in sources:
        for reminder in source:
            batch.append(reminder)
            if len(batch) >= BATCH:
                offered += _insert(batch)
                batch = []
    offered += _insert(batch)
    return offered


def _insert(batch: list[Reminder]) -> int:
    if batch:
        Reminder.objects.bulk_create(batch, ignore_conflicts=True, batch_size=BATCH)
    return len(batch)


def reminders_deliver(*, today: date) -> int:
    """Send today's unsent reminders: members one message each (inbox + the channels they chose),
    staff one digest each. Rows are taken under a lock (skipped by a concurrent run) and marked sent
    in the same transaction, so nothing goes out twice."""
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(day=today, sent_at__isnull=True)
                .select_related("recipient", "recipient__member", "recipient__reminder_channels")
                .order_by("recipient_id", "pk")[:BATCH]
            )
            if not rows:
                return sent
            # A staff user's rows all in this batch: the digest is one message.
            if len(rows) == BATCH and rows[-1].for_staff:
                last = rows[-1].recipient_id
                rest = list(
                    Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(day=today, sent_at__isnull=True, recipient_id=last, pk__gt=rows[-1].pk)
                    .select_related("recipient", "recipient__member", "recipient__reminder_channels")
                    .order_by("pk")
                )
                rows.extend(rest)
            deliver_messages(rows, today=today, site=getattr(settings, "SITE_URL", ""))
            sent += len(rows)
