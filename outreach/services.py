"""Writes of the outreach app: the scan's findings (in bulk), the benefits the documents give
without an application (免申即享, through projects.services.submission.application_grant), the
notice of a newly found entitlement, and a person's reminder channels."""

from __future__ import annotations

import io
import logging
import os
from contextlib import contextmanager
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from jiading_union.bulk import is_postgresql
from members.models import DuesRecord, Member
from projects.models import Application
from projects.services.errors import ApplicationError
from projects.services.submission import application_grant

from .models import ChannelPreference, Finding, FindingState, Reminder, ReminderKind, ScanRun
from .scan import CHUNK, Found, Scanner

logger = logging.getLogger(__name__)

NEW_ENTITLEMENT = "根据您的会员信息，您符合“{title}”的申请条件，尚未申请。申请表已按您的信息预先填写。"
NEW_ENTITLEMENT_LATER = "根据您的会员信息，您可以申请“{title}”：{what}"
PREFERENCE_NO_PHONE = "您的会员信息中没有手机号码，不能选择短信提醒。"
PREFERENCE_NO_EMAIL = "您的账号没有登记电子邮箱，不能选择邮件提醒。"


# 免申即享: the rules whose documents say no application is needed, each with its clause. The scan
# grants them once (the procedures' once-only keys), recorded as created by the system.
# Not here: the flexible workers' coverage of 2019 §4 (一) — it starts from the street union's
# real-name registration (its upload date is the record the start date is counted from), and
# projects.flexible_workers.registration already grants it there.
AUTO_GRANTS = {
    "flexible_worker_care": (
        "2021「灵活就业人员“五送”关爱」一（一）5、（二）：市总工会统一为符合条件的灵活就业会员赠送专享保障"
    ),
    "member_basic_coverage": "2021「工会会员专享基本保障」：当年办理会员卡的会员按所在单位选定的类别参加基本保障",
}


@transaction.atomic
def channel_preference_save(*, user, email: bool, sms: bool) -> ChannelPreference:
    """A person's channels besides the inbox; refused (field named) when there is nowhere to send."""
    if email and not user.email:
        raise ApplicationError(PREFERENCE_NO_EMAIL, field="email")
    if sms:
        member = Member.objects.filter(user=user).first()
        if member is None or not member.phone:
            raise ApplicationError(PREFERENCE_NO_PHONE, field="sms")
    preference, _ = ChannelPreference.objects.update_or_create(user=user, defaults={"email": email, "sms": sms})
    return preference


def changed_members(since, last_day: date, today: date) -> QuerySet[Member]:
    """Members whose record, dues or applications changed since the watermark, and members a
    window boundary reached since the last run (a finding's state moves with the date)."""
    dues = DuesRecord.history.filter(history_date__gte=since).values("member_id")
    applications = Application.objects.filter(updated_at__gte=since, applicant_member__isnull=False).values(
        "applicant_member_id"
    )
    windows = Finding.objects.filter(
        Q(window_opens__gt=last_day, window_opens__lte=today) | Q(window_closes__gte=last_day, window_closes__lt=today)
    ).values("member_id")
    return Member.objects.filter(Q(updated_at__gte=since) | Q(pk__in=dues) | Q(pk__in=applications) | Q(pk__in=windows))


COMPARED = ("organisation_id", "street_id", "policy_year", "state", "applied", "window_opens", "window_closes")
# The columns a scan writes, in the order of the tuples findings_write builds.
WRITTEN = ("member_id", "rule_id", "project", *COMPARED, "evaluated_at", "notified_at")


class Entitled(NamedTuple):
    """A finding newly eligible and not applied for, not yet notified."""

    member_id: int
    rule_id: str


def findings_write(rows: list[Found], *, now) -> list[tuple[Entitled, Found]]:
    """Write one chunk's findings in bulk — only rows that changed, as tuples (no model instances),
    through COPY into a temporary table and one INSERT … ON CONFLICT DO UPDATE on PostgreSQL; returns
    the newly entitled (eligible now, not applied, never notified for this policy year)."""
    ids = {f.member.pk for f in rows}
    existing = {
        (member_id, rule_id): values
        for member_id, rule_id, *values in Finding.objects.filter(member_id__in=ids).values_list(
            "member_id", "rule_id", "notified_at", *COMPARED
        )
    }
    eligible = FindingState.ELIGIBLE
    changed, new_entitlements = [], []
    for found in rows:
        member, rule, window = found.member, found.rule, found.decision.window
        values = (
            member.organisation_id,
            member.street_id,
            rule.policy_year,
            found.state,
            found.applied,
            window.opens if window else None,
            window.closes if window else None,
        )
        before = existing.get((member.pk, rule.rule_id))
        notified = before[0] if before is not None and before[3] == rule.policy_year else None
        if before is None or tuple(before[1:]) != values:
            changed.append((member.pk, rule.rule_id, rule.project, *values, now, notified))
        if found.state == eligible and not found.applied and notified is None:
            new_entitlements.append((Entitled(member.pk, rule.rule_id), found))
    if changed:
        _findings_upsert(changed, new_only=not existing)
    return new_entitlements


def _copy_line(row: tuple) -> str:
    """One COPY text line of a WRITTEN tuple: ids and years as numbers, codes as they are (rule ids,
    project and state codes hold no tab, newline or backslash), dates and times ISO, NULL as \\N."""
    member_id, rule_id, project, organisation, street, year, state, applied, opens, closes, at, notified = row
    return (
        f"{member_id}\t{rule_id}\t{project}\t{organisation}\t{street}\t{year}\t{state}\t"
        f"{'t' if applied else 'f'}\t{opens.isoformat() if opens else NULL}\t"
        f"{closes.isoformat() if closes else NULL}\t{at.isoformat()}\t"
        f"{notified.isoformat() if notified else NULL}\n"
    )


NULL = "\\N"


def _findings_upsert(rows: list[tuple], *, new_only: bool = False) -> None:
    if not is_postgresql():
        Finding.objects.bulk_create(
            [Finding(**dict(zip(WRITTEN, row, strict=True))) for row in rows],
            update_conflicts=True,
            unique_fields=["member", "rule_id"],
            update_fields=[n.removesuffix("_id") for n in WRITTEN[2:]],
        )
        return
    table, load = Finding._meta.db_table, "outreach_finding_load"
    columns = ", ".join(WRITTEN)
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write(_copy_line(row))
    with transaction.atomic(), connection.cursor() as cursor:
        # Findings are recomputed by the next run: a crash may lose the last chunks' commits, never
        # reorder them (the WAL is still written in order), so their commits need not wait for disk.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if new_only:  # none of these members has findings yet (a first run): straight into the table
            try:
                with transaction.atomic():
                    buffer.seek(0)
                    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
                return
            except IntegrityError:  # another run wrote some meanwhile: merge below
                pass
        buffer.seek(0)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in WRITTEN[2:])
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {load} AS SELECT {columns} FROM {table} WITH NO DATA")
        cursor.copy_expert(f"COPY {load} ({columns}) FROM STDIN", buffer)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {load} "
            f"ON CONFLICT (member_id, rule_id) DO UPDATE SET {updates}"
        )
        cursor.execute(f"TRUNCATE {load}")


def _grant(found: Found) -> Application | None:
    try:
        return application_grant(
            rule_id=found.rule.rule_id,
            policy_year=found.rule.policy_year,
            member=found.member,
            created_by=None,
            reason=AUTO_GRANTS[found.rule.rule_id],
        )
    except ApplicationError as exc:  # already held (the once-only key), or not decidable on the records
        logger.info("免申即享 %s %s not granted: %s", found.member.pk, found.rule.rule_id, exc)
        return None


def _notify(entitled: list[tuple[Entitled, Found]], today: date, now) -> int:
    """One notice per newly found entitlement, linking to the prefilled application."""
    reminders, notified = [], []
    for finding, found in entitled:
        if found.member.user_id is None:
            continue
        title = found.rule.title
        reminders.append(
            Reminder(
                kind=ReminderKind.NEW_ENTITLEMENT,
                subject=f"entitled:{found.rule.rule_id}:{found.rule.policy_year}",
                recipient_id=found.member.user_id,
                day=today,
                title=title,
                body=NEW_ENTITLEMENT.format(title=title),
                link=reverse("projects:apply", args=[found.rule.rule_id, found.rule.policy_year]),
            )
        )
        notified.append(finding)
    Reminder.objects.bulk_create(reminders, ignore_conflicts=True, batch_size=1000)
    rule_of: dict[str, list[int]] = {}
    for finding in notified:
        rule_of.setdefault(finding.rule_id, []).append(finding.member_id)
    for rule_id, members in rule_of.items():
        Finding.objects.filter(rule_id=rule_id, member_id__in=members).update(notified_at=now)
    return len(reminders)


SCAN_ALREADY_RUNNING = "政策找人正在运行（{started}开始），完成后再发起。"
SCAN_NOT_DISTRICT = "只有区总工会工作人员可以发起政策找人。"


@transaction.atomic
def outreach_scan_request(*, user) -> ScanRun:
    """District staff start a scan now: a ScanRun waiting for the worker, the task queued on commit.
    Refused while another run is unfinished (one at a time)."""
    from members.selectors import is_district_staff

    from .selectors import scan_running
    from .tasks import scan_members

    if not is_district_staff(user):
        raise ApplicationError(SCAN_NOT_DISTRICT)
    ScanRun.objects.select_for_update().filter(finished_at__isnull=True).exists()  # serialise requests
    running = scan_running()
    if running is not None:
        started = timezone.localtime(running.started_at).strftime("%Y年%m月%d日 %H:%M")
        raise ApplicationError(SCAN_ALREADY_RUNNING.format(started=started))
    run = ScanRun.objects.create(full=False, scan_day=timezone.localdate(), requested_by=user)
    transaction.on_commit(lambda: scan_members.delay(run_id=run.pk))
    return run


def _scan_part(scanner: Scanner, members: QuerySet[Member], run_id: int, today: date, chunk: int) -> None:
    """Scan these members chunk by chunk, each chunk one transaction, the run's counts advanced with
    each (F() increments, so the admin's progress reads a committed figure)."""
    with _without_jit():
        _scan_chunks(scanner, members, run_id, today, chunk)


@contextmanager
def _without_jit():
    """PostgreSQL's JIT off for the scan's connection: the findings table grows from nothing in a
    first run, before any statistics, so the planner overestimates each chunk's read of the existing
    findings and compiles it (about half a second a chunk, measured at 1,000,000 members) for a
    statement that takes milliseconds."""
    if not is_postgresql():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        if connection.connection is not None and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")


def _scan_chunks(scanner: Scanner, members: QuerySet[Member], run_id: int, today: date, chunk: int) -> None:
    for rows in scanner.scan(members, size=chunk):
        now = timezone.now()
        granted = 0
        with transaction.atomic():
            entitled = findings_write(rows, now=now)
            for finding, found in entitled:
                if found.rule.rule_id in AUTO_GRANTS and _grant(found) is not None:
                    granted += 1
                    Finding.objects.filter(member_id=finding.member_id, rule_id=finding.rule_id).update(applied=True)
            _notify([(f, found) for f, found in entitled if found.rule.rule_id not in AUTO_GRANTS], today, now)
            ScanRun.objects.filter(pk=run_id).update(  # the progress the admin shows
                members=F("members") + len({f.member.pk for f in rows}),
                findings=F("findings") + len(rows),
                granted=F("granted") + granted,
            )


# A scan of settings.OUTREACH_SCAN_PARALLEL_MIN members or more runs in two processes (the machine's
# two cores; most of a full scan is Python deciding and building COPY lines, which one process does on
# one core).
SCAN_PARALLEL_FAILED = "政策找人的并行进程异常退出（退出码 {status}），部分会员未判定。"


def _parallel(planned: int) -> bool:
    """Two processes when the scan is large, on PostgreSQL, and its chunks commit on their own (not
    inside a caller's transaction, whose rows a second connection would not see)."""
    return (
        settings.OUTREACH_SCAN_PROCESSES > 1
        and planned >= settings.OUTREACH_SCAN_PARALLEL_MIN
        and is_postgresql()
        and not connection.in_atomic_block
    )


def _scan_parts(scanner: Scanner, members: QuerySet[Member], run_id: int, today: date, chunk: int, planned: int):
    """The members split in two by primary key, the upper half scanned in a forked child with its own
    database connections (the parent's are closed before the fork: a connection shared by two
    processes mixes their results), the lower half here; every finding is the same as in one process
    (each member is decided and written on its own, each chunk one transaction)."""
    if not _parallel(planned):
        _scan_part(scanner, members, run_id, today, chunk)
        return
    active = members.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    middle = active[planned // 2]
    connections.close_all()
    pid = os.fork()
    if pid:
        logger.info("政策找人分两个进程：会员 id ≤ %s 在本进程，其余在子进程 %s", middle, pid)
    if pid == 0:  # the child: the upper half, then exit without running the parent's cleanup
        status = 1
        try:
            _scan_part(scanner, members.filter(pk__gt=middle), run_id, today, chunk)
            status = 0
        except BaseException:
            logger.exception("政策找人并行进程失败")
        finally:
            try:
                connections.close_all()
            finally:
                os._exit(status)
    try:
        _scan_part(scanner, members.filter(pk__lte=middle), run_id, today, chunk)
    finally:
        _, status = os.waitpid(pid, 0)
    if status != 0:
        raise RuntimeError(SCAN_PARALLEL_FAILED.format(status=os.waitstatus_to_exitcode(status)))


def outreach_scan(
    *,
    today: date | None = None,
    full: bool | None = None,
    chunk: int = CHUNK,
    run_id: int | None = None,
) -> ScanRun:
    """The nightly (or on demand) scan. `full=None`: full on the first run, when the policy data or
    the year changed; otherwise only the members that changed since the last run's start.
    `run_id`: the ScanRun an on-demand request created (outreach_scan_request)."""
    today = today or timezone.localdate()
    scanner = Scanner(today)
    version = scanner.version()
    last = ScanRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
    if full is None:
        full = last is None or last.policy_version != version or last.scan_day.year != today.year
    members = Member.objects.all() if full else changed_members(last.started_at, last.scan_day, today)
    planned = members.filter(is_active=True).count()
    if run_id is not None:
        run = ScanRun.objects.get(pk=run_id)
        run.full, run.scan_day, run.policy_version, run.planned = full, today, version, planned
        run.started_at = timezone.now()
        run.save(update_fields=["full", "scan_day", "policy_version", "planned", "started_at"])
    else:
        run = ScanRun.objects.create(full=full, scan_day=today, policy_version=version, planned=planned)
    Finding.objects.filter(member__is_active=False).delete()
    _scan_parts(scanner, members, run.pk, today, chunk, planned)
    run.refresh_from_db(fields=["members", "findings", "granted"])
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run
