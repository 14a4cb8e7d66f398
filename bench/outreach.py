"""Benchmark: the outreach scan on PostgreSQL, with ratios measured in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/outreach.py [--members N]

Seeds N members with `seed_demo` into a throwaway database, then times
  1. baseline: the pure rule scan (subsidies.rules.scan) of the same profiles, read beforehand;
  2. the full outreach scan (set-based reads, the portal's decision path, bulk writes through COPY);
  3. an incremental night with 1% of the members changed;
  4. the reminder job over one more application per member, counting its queries (independent of
     the number of members and applications).
Prints the load average beside the figures (the machine is shared).
Target (issue 15): 1,000,000 members under 10 minutes; incremental 1% under 30 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.seed_members import admin_connection, with_database  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--processes", type=int, default=2, help="scan processes (OUTREACH_SCAN_PROCESSES)")
    parser.add_argument("--scan-only", action="store_true", help="skip the baseline and decision-only timings")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = f"{os.environ.get('BENCH_DATABASE_PREFIX', 'h_outreach_bench')}_{uuid.uuid4().hex[:6]}"
    admin = admin_connection(with_database(server, "postgres"))
    admin.cursor().execute(f"CREATE DATABASE {name}")
    url = with_database(server, name)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "jiading_union.settings.base"}
    env.pop("REDIS_URL", None)
    env["BENCH_SCAN_PROCESSES"] = str(args.processes)
    env["BENCH_SCAN_ONLY"] = "1" if args.scan_only else ""
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--members", str(args.members), "--seed", "2026"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run([sys.executable, __file__, "--inner"], cwd=ROOT, env=env, check=True)
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return 0


def applications_per_member(connection) -> None:
    """One more application per member, copied from the demo's applications in turn (the reminder
    job's input at the size of the membership)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_application")
        templates = cursor.fetchone()[0]
        columns = [
            c
            for c in (
                "project rule_id policy_year status review_chain facts decision amount payout_due created_at "
                "submitted_at decided_at updated_at created_by_id offering_id status_changed_at paid_at fact_sources"
            ).split()
        ]
        plain = ", ".join(columns)
        aged = ("created_at", "submitted_at", "status_changed_at")  # waiting 0–29 days, spread over members
        picked = ", ".join(f"t.{c} - (m.id %% 30) * interval '1 day'" if c in aged else f"t.{c}" for c in columns)
        cursor.execute(
            f"""
            WITH t AS (SELECT row_number() OVER (ORDER BY id) - 1 AS i, * FROM projects_application)
            INSERT INTO projects_application
                (reference, dedup_key, applicant_member_id, organisation_id, street_id, {plain})
            SELECT 'B' || m.id, NULL, m.id, m.organisation_id, m.street_id, {picked}
            FROM members_member m JOIN t ON t.i = m.id %% %s
            """,
            [templates],
        )
        cursor.execute("ANALYZE projects_application")


def inner() -> int:
    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings

    settings.OUTREACH_SCAN_PROCESSES = int(os.environ.get("BENCH_SCAN_PROCESSES", "2"))
    scan_only = bool(os.environ.get("BENCH_SCAN_ONLY"))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from members.models import Member
    from outreach.reminders import reminders_collect
    from outreach.scan import Scanner, member_chunks
    from outreach.services import outreach_scan
    from projects.models import Application
    from subsidies.rules import scan as pure

    today = timezone.localdate()
    load_before = os.getloadavg()
    scanner = Scanner(today)
    profiles = [p for chunk in member_chunks(Member.objects.all(), today) for p in chunk.profiles.values()]
    n = len(profiles)
    baseline = deciding = float("nan")
    decider = Scanner(today)
    if not scan_only:
        started = time.perf_counter()
        for profile in profiles:
            pure.scan(scanner.rules, profile, today, refs=scanner.refs, data=scanner.data)
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        for _rows in decider.scan(Member.objects.all()):
            pass
        deciding = time.perf_counter() - started
    started = time.perf_counter()
    run = outreach_scan(today=today, full=True)
    full = time.perf_counter() - started
    started = time.perf_counter()
    again = outreach_scan(today=today, full=True)
    rerun = time.perf_counter() - started
    changed = list(Member.objects.order_by("?").values_list("pk", flat=True)[: max(1, n // 100)])
    Member.objects.filter(pk__in=changed).update(updated_at=timezone.now() + timedelta(seconds=1))
    started = time.perf_counter()
    night = outreach_scan(today=today)
    incremental = time.perf_counter() - started
    with CaptureQueriesContext(connection) as few:
        reminders_collect(today=today, waiting_days=7)
    few_applications = Application.objects.count()
    applications_per_member(connection)
    applications = Application.objects.count()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        reminders_collect(today=today, waiting_days=7)
        reminders = time.perf_counter() - started
    per_million = 1_000_000 / n
    print(f"load average before/after (1, 5, 15 min): {load_before} / {os.getloadavg()}")
    print(f"scan processes: {settings.OUTREACH_SCAN_PROCESSES}")
    print(f"members: {n:,}; rules per member: {len(scanner.rules)}; findings: {run.findings:,}")
    print(
        f"baseline (pure rule scan of the same profiles): {baseline:.1f}s; per 1,000,000: {baseline * per_million:.0f}s"
    )
    print(
        f"decision path alone (reads + memoised decisions, no writes): {deciding:.1f}s; "
        f"per 1,000,000: {deciding * per_million:.0f}s; ratio/baseline {deciding / baseline:.2f}x; "
        f"rules evaluated {decider.decided:,} of {n * len(decider.rules):,}"
    )
    print(
        f"full outreach scan, first run (every finding written): {full:.1f}s; "
        f"per 1,000,000 (linear): {full * per_million:.0f}s = {full * per_million / 60:.1f} min "
        f"(target < 10 min); ratio full/baseline: {full / baseline:.2f}x"
    )
    print(
        f"full outreach scan again (findings there, changes written): {rerun:.1f}s; "
        f"per 1,000,000: {rerun * per_million:.0f}s; ratio/baseline {rerun / baseline:.2f}x; {again.members:,} members"
    )
    print(
        f"incremental night, {len(changed):,} changed (1%): {incremental:.2f}s, {night.members:,} re-evaluated "
        f"(target < 30 s at 1,000,000: {incremental * per_million:.0f}s linear)"
    )
    print(
        f"reminder collection over {n:,} members and {applications:,} applications: {reminders:.2f}s, "
        f"{len(queries)} queries (with {few_applications:,} applications: {len(few)} queries)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(inner() if "--inner" in sys.argv else main())
