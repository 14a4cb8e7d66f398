"""Benchmark: a payout batch of N approved applications on PostgreSQL (issue 14).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/payouts.py [--applications N]

BENCH_DATABASE_PREFIX names its databases (a shared server: a prefix of one's own); BENCH_PROFILE=1
prints the costliest statements of prepare and of pay; --rounds R (default 3).

Seeds one database, then runs R rounds, each on a fresh copy of it (CREATE DATABASE … TEMPLATE): this
box's speed drifts by a fifth between minutes, so each round measures its own baseline and the verdict
is the median of the rounds' ratios (each round's figures are printed). Drops what it created.
Measured in each round:

- baseline: one INSERT … SELECT producing the same payment rows, warm, with its foreign keys checked
  as a committed INSERT checks them (the verdict's), and rolled back without those checks (printed);
- prepare (the payments, holding their applications) and pay (the task's chunks: payments
  sent, applications paid, events, history, notifications), in-process as the worker runs them;
  target: prepare + pay ≤ 3× the (checked) baseline;
- the payment file of the N rows (.xlsx + CSV in one pass, from the database) against plain
  openpyxl write-only writing the same rows from memory; target ≤ 1.5×, and peak memory < 200 MB:
  the peak resident memory of a process of its own making the file, Django and all (the last round).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def seed(count: int, members: int) -> None:
    import contextlib
    import io

    from django.core.management import call_command
    from django.db import connection

    with contextlib.redirect_stdout(io.StringIO()):
        call_command("seed_demo", "--members", str(members), verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO projects_application (reference, project, rule_id, policy_year, applicant_member_id,
                applicant_organisation_id, organisation_id, street_id, offering_id, status, review_chain, facts,
                decision, fact_sources, amount, payout_due, dedup_key, created_by_id, created_at, submitted_at,
                status_changed_at, decided_at, paid_at, updated_at)
            SELECT 'BP' || lpad(g::text, 10, '0'), 'skill_awards', 'skill_promotion_award', 2019, m.id, NULL,
                m.organisation_id, m.street_id, NULL, 'approved', '["grassroots", "district", "city"]', '{}',
                '{"outcome": "eligible", "route": "member_card"}', '{}', 1000.00, NULL, NULL, NULL,
                now(), now(), now(), now(), NULL, now()
            FROM generate_series(1, %s) g
            JOIN (SELECT id, organisation_id, street_id, row_number() OVER (ORDER BY id) - 1 AS n
                  FROM members_member) m ON m.n = g %% (SELECT count(*) FROM members_member)
            """,
            [count],
        )
        cursor.execute(
            """INSERT INTO projects_applicationshare (application_id, payer, amount)
               SELECT id, 'city_union', amount FROM projects_application WHERE reference LIKE 'BP%%'"""
        )
    connection.ensure_connection()
    autocommit = connection.connection.autocommit
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.connection.autocommit = autocommit


def baseline_insert_select(batch_id: int, *, checked: bool = False) -> float:
    """One INSERT … SELECT of the same payment rows, rolled back. Rolled back, its foreign keys
    (deferred to the commit) are never checked; `checked` checks them in the statement, as a
    committed INSERT would (SET CONSTRAINTS ALL IMMEDIATE)."""
    from django.db import connection, transaction

    with transaction.atomic():
        if checked:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO payouts_payment (application_id, benefit, payer, amount, route, status, batch_id,
                       bank_reference, failure_reason, created_at)
                   SELECT s.application_id, a.rule_id, s.payer, s.amount, 'member_card', 'pending', %s, '', '', now()
                   FROM projects_applicationshare s JOIN projects_application a ON a.id = s.application_id
                   WHERE a.status = 'approved' AND a.amount > 0 AND s.payer <> 'personal'""",
                [batch_id],
            )
            rows = cursor.rowcount
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    print(f"  baseline INSERT … SELECT{' (foreign keys checked)' if checked else ''}: {rows:,} rows in {elapsed:.2f}s")
    return elapsed


# The payment file made by a process of its own, as the worker makes it: its peak resident memory
# (C allocations of openpyxl's XML writer and the driver's included, which tracemalloc does not see).
FILE_PROCESS = """
import pathlib, re, sys, tempfile
sys.path.insert(0, sys.argv[2])
import django
django.setup()
from payouts import files
from payouts.models import PayoutBatch

def kb(name):  # this process's resident memory now (VmRSS) or at its peak (VmHWM)
    return re.search(rf"{name}:\\s+(\\d+)", pathlib.Path("/proc/self/status").read_text()).group(1)

batch = PayoutBatch.objects.get(pk=int(sys.argv[1]))
idle = kb("VmRSS")
with tempfile.TemporaryDirectory() as tmp:
    files.write_files(batch, "member_card", pathlib.Path(tmp) / "a.xlsx", pathlib.Path(tmp) / "a.csv")
print(idle, kb("VmHWM"))
"""


def file_process_memory(batch_id: int, database_url: str) -> tuple[float, float]:
    """(resident MB of the process once Django is set up and the batch read, its peak MB: importing
    Django and the apps or making the file, whichever took more)."""
    import subprocess

    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-c", FILE_PROCESS, str(batch_id), str(ROOT)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    idle, peak = (int(kb) / 1024 for kb in done.stdout.split()[-2:])
    return idle, peak


def run(*, files: bool, database_url: str = "") -> tuple[float, bool | None]:
    """One round on a fresh copy of the seeded database: (prepare + pay over the checked baseline, the
    payment file's verdict or None when not measured)."""
    from django.db import connection
    from openpyxl import Workbook

    from members.models import StaffRole, User
    from payouts import files as payment_files
    from payouts.models import Payment, PayoutBatch
    from payouts.selectors import payable_applications
    from payouts.services import payout_batch_confirm, payout_batch_prepare, payout_batch_process

    district = list(User.objects.filter(role=StaffRole.DISTRICT, is_active=True)[:2])
    if len(district) < 2:
        district.append(
            User.objects.create(
                username="district_b", role=StaffRole.DISTRICT, is_staff=True, organisation=district[0].organisation
            )
        )
    maker, checker = district[0], district[1]
    scratch = PayoutBatch.objects.create(reference="BENCH", total=0, prepared_by=maker)
    baseline_insert_select(scratch.pk)  # cold
    baselines = [baseline_insert_select(scratch.pk) for _ in range(2)]
    base = min(baselines)
    checked_base = min(baseline_insert_select(scratch.pk, checked=True) for _ in range(2))

    timings: dict[str, float] = {}

    def timed(execute, sql, params, many, context):
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = " ".join(sql.split())[:90]
            timings[key] = timings.get(key, 0.0) + time.perf_counter() - begun

    def profile(label: str) -> None:
        if os.environ.get("BENCH_EXPLAIN"):
            notices = connection.connection.notices
            print("".join(notices))
            del notices[:]
        if os.environ.get("BENCH_PROFILE"):
            print(f"    {label}, the costliest statements:")
            for key, seconds in sorted(timings.items(), key=lambda kv: -kv[1])[:8]:
                print(f"    {seconds:6.2f}s  {key}")
        timings.clear()

    # The commits too: the deferred foreign-key checks of the rows written run there (the baseline,
    # rolled back, never runs them).
    commit = connection.commit

    def timed_commit():
        begun = time.perf_counter()
        try:
            return commit()
        finally:
            timings["COMMIT (deferred foreign-key checks)"] = (
                timings.get("COMMIT (deferred foreign-key checks)", 0.0) + time.perf_counter() - begun
            )

    connection.commit = timed_commit  # this connection's own attribute, deleted at the round's end
    if os.environ.get("BENCH_EXPLAIN"):  # the plans of statements over 50 ms, with their timings
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute(
                "LOAD 'auto_explain'; SET auto_explain.log_min_duration = '50ms'; SET auto_explain.log_analyze = on;"
                " SET auto_explain.log_level = notice; SET auto_explain.log_nested_statements = on;"
                " SET auto_explain.log_triggers = on; SET auto_explain.log_buffers = on"
            )
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        batch = payout_batch_prepare(user=maker, applications=payable_applications())
    prepare = time.perf_counter() - started
    profile("prepare")
    print(f"  prepare ({batch.payments.count():,} payments): {prepare:.2f}s  (x{prepare / base:.1f} baseline)")
    from payouts import services

    services._enqueue = lambda batch_id: None  # the worker's part is timed here, in-process
    payout_batch_confirm(user=checker, batch=batch)
    original, payment_files.payment_files_make = payment_files.payment_files_make, lambda **kw: []

    started = time.perf_counter()
    try:
        with connection.execute_wrapper(timed):
            payout_batch_process(batch_id=batch.pk)  # the files are timed on their own below
    finally:
        payment_files.payment_files_make = original
    pay = time.perf_counter() - started
    profile("pay")
    total = prepare + pay
    paid = Payment.objects.filter(batch=batch, status="sent").count()
    print(f"  pay (chunks, {paid:,} sent): {pay:.2f}s  (x{pay / base:.1f} baseline)")
    # The verdict is against the INSERT … SELECT as it costs when it commits (its foreign keys
    # checked): prepare and pay commit, and their COMMIT checks the same payment keys. The rolled
    # back one never checks them; it is printed beside it.
    ratio = total / checked_base
    print(
        f"  prepare + pay: {total:.2f}s = x{ratio:.2f} the INSERT … SELECT with its foreign keys checked, as"
        f" committed; x{total / base:.2f} the rolled-back one (its foreign keys never checked)"
    )
    del connection.commit
    if not files:
        return ratio, None

    # The payment file: ours from the database against openpyxl write-only from memory.
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        rows, _ = payment_files.write_files(batch, "member_card", Path(tmp) / "a.xlsx", Path(tmp) / "a.csv")
        ours = time.perf_counter() - started
        # Memory in a second pass, traced (Python allocations: rows, openpyxl, the CSV writer).
        tracemalloc.start()
        payment_files.write_files(batch, "member_card", Path(tmp) / "c.xlsx", Path(tmp) / "c.csv")
        peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
        tracemalloc.stop()
        data = list(payment_files.file_rows(batch, "member_card"))
        started = time.perf_counter()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("明细")
        sheet.append(payment_files.HEADER)
        for row in data:
            sheet.append(row)
        workbook.save(Path(tmp) / "b.xlsx")
        plain = time.perf_counter() - started
    print(f"  payment file, {rows:,} rows (.xlsx + CSV from the database): {ours:.2f}s, traced peak {peak:.0f} MB")
    idle, resident = file_process_memory(batch.pk, database_url)
    print(
        f"  the same file made by a process of its own: peak resident {resident:.0f} MB"
        f" ({idle:.0f} MB before it began, Django and the apps imported)"
    )
    print(f"  plain openpyxl write-only, same rows from memory: {plain:.2f}s")
    file_ok = ours <= 1.5 * plain and resident < 200
    print(
        f"payment file: x{ours / plain:.2f} plain openpyxl (target ≤ 1.5×), peak resident {resident:.0f} MB for the"
        f" whole process (< 200) {'PASS' if file_ok else 'FAIL'}"
    )
    print(f"machine: {os.cpu_count()} CPUs, PostgreSQL {connection.cursor().connection.info.server_version}")
    return ratio, file_ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "bench_payouts")  # a shared server: a prefix of one's own
    seeded = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(with_database(server, "postgres"))
    admin.autocommit = True
    cursor = admin.cursor()
    cursor.execute(f"CREATE DATABASE {seeded}")
    os.environ["DATABASE_URL"] = with_database(server, seeded)
    os.environ.pop("REDIS_URL", None)  # in-process: the task runs where it is timed
    os.environ["DJANGO_SETTINGS_MODULE"] = "jiading_union.settings.test"
    rounds: list[str] = []
    try:
        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        seed(args.applications, args.members)
        print(
            f"seeded {args.members:,} members and {args.applications:,} approved applications"
            f" in {time.perf_counter() - started:.0f}s"
        )
        ratios, file_ok = [], None
        for number in range(1, args.rounds + 1):
            connections.close_all()  # a template copies only with nobody connected to it
            name = f"{seeded}_r{number}"
            cursor.execute(f"CREATE DATABASE {name} TEMPLATE {seeded}")
            rounds.append(name)
            connections["default"].settings_dict["NAME"] = name
            print(f"round {number} of {args.rounds}:")
            ratio, measured = run(files=number == args.rounds, database_url=with_database(server, name))
            ratios.append(ratio)
            file_ok = measured if measured is not None else file_ok
            connections.close_all()
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        median = statistics.median(ratios)
        verdict = "PASS" if median <= 3 else "FAIL"
        print(
            f"prepare + pay: median x{median:.2f} the checked INSERT … SELECT over {len(ratios)} rounds"
            f" ({', '.join(f'x{r:.2f}' for r in ratios)}; target ≤ 3×) {verdict}"
        )
        return 0 if verdict == "PASS" and file_ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        for name in (*rounds, seeded):
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
