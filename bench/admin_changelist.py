"""Benchmark: the review changelist with 1,000,000 applications on PostgreSQL.

Targets (issue 6): p95 < 300 ms per page for every role's usual views; the
number of queries does not depend on the page size. Baseline, measured in the
same run: GET /healthz (one trivial query through the same middleware stack).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/admin_changelist.py [--applications N]

Creates and drops its own database. Requests go through Django's test client
in-process (no network), logged in as the demo staff of each role.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300
STATUSES = (
    ["grassroots_review"] * 6
    + ["street_review"] * 4
    + ["district_review"] * 6
    + ["city_review"]
    + ["approved"] * 8
    + ["paid"] * 10
    + ["closed"] * 6
    + ["returned"] * 2
    + ["rejected"] * 3
    + ["withdrawn"] * 2
)
PROJECTS = [
    ("legal_aid", "legal_aid", 2019),
    ("member_card", "member_basic_coverage", 2021),
    ("sanatorium", "health_checkup", 2021),
    ("skill_awards", "skill_promotion_award", 2019),
    ("flexible_workers", "flexible_worker_coverage", 2019),
    ("singles", "singles_event", 2021),
    ("member_card", "member_coverage_benefit", 2021),
    ("micro_wishes", "micro_wish", 2021),
]


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def seed_applications(count: int) -> None:
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from jiading_union.bulk import copy_rows, reserve_ids
    from members.models import Member
    from projects.models import Application

    members = list(Member.objects.values_list("pk", "organisation_id", "street_id"))
    rng = random.Random(2026)
    now = timezone.now()
    columns = [
        "id",
        "reference",
        "project",
        "rule_id",
        "policy_year",
        "applicant_member_id",
        "applicant_organisation_id",
        "organisation_id",
        "street_id",
        "offering_id",
        "status",
        "review_chain",
        "facts",
        "decision",
        "fact_sources",
        "amount",
        "payout_due",
        "dedup_key",
        "created_by_id",
        "created_at",
        "submitted_at",
        "status_changed_at",
        "decided_at",
        "paid_at",
        "updated_at",
    ]
    chunk = 50_000
    for start in range(0, count, chunk):
        size = min(chunk, count - start)
        ids = reserve_ids(Application, size)
        rows = []
        for pk in ids:
            member_id, organisation_id, street_id = rng.choice(members)
            project, rule_id, year = rng.choice(PROJECTS)
            submitted = now - timedelta(minutes=rng.randint(0, 60 * 24 * 700))
            status = rng.choice(STATUSES)
            rows.append(
                {
                    "id": pk,
                    "reference": f"JD{year}{pk:08d}",
                    "project": project,
                    "rule_id": rule_id,
                    "policy_year": year,
                    "applicant_member_id": member_id,
                    "applicant_organisation_id": None,
                    "organisation_id": organisation_id,
                    "street_id": street_id,
                    "offering_id": None,
                    "status": status,
                    "review_chain": '["grassroots", "district"]',
                    "facts": "{}",
                    "decision": "{}",
                    "fact_sources": "{}",
                    "amount": f"{rng.choice([0, 1000, 2000, 24, 70, 10800])}.00",
                    "payout_due": (submitted + timedelta(days=90)).date() if status in ("approved", "paid") else None,
                    "dedup_key": None,
                    "created_by_id": None,
                    "created_at": submitted,
                    "submitted_at": submitted,
                    "status_changed_at": submitted + timedelta(days=rng.randint(0, 30)),
                    "decided_at": None,
                    "paid_at": submitted if status == "paid" else None,
                    "updated_at": submitted,
                }
            )
        copy_rows(Application, columns, rows)
    # What autovacuum does to a production table: statistics and the visibility map (index-only scans).
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def measure(client, url: str, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def run(repeat: int) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import Member, User
    from projects.admin import ApplicationAdmin

    card = Member.objects.exclude(card_number="3000000001").values_list("card_number", flat=True).first()
    last4 = Member.objects.values_list("id_number_last4", flat=True).first()
    base = "/admin/projects/application/"
    scenarios = [
        ("district", "district: page 1", base),
        ("district", "district: page 20", base + "?p=20"),
        ("district", "district: status filter", base + "?status=district_review"),
        ("district", "district: my queue", base + "?queue=mine"),
        ("district", "district: project + year", base + "?project=legal_aid&policy_year=2019"),
        ("district", "district: overdue reviews", base + "?overdue=review"),
        ("district", "district: search card number", base + f"?q={card}"),
        ("district", "district: search ID last four", base + f"?q={last4}"),
        ("street", "street: page 1", base),
        ("street", "street: my queue", base + "?queue=mine"),
        ("grassroots", "grassroots: page 1", base),
    ]
    clients = {}
    for role in ("district", "street", "grassroots"):
        clients[role] = Client()
        clients[role].force_login(User.objects.get(username=role))

    baseline = measure(clients["district"], "/healthz", repeat)
    base_p95 = percentile(baseline, 0.95)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_application")
        print(f"applications: {cursor.fetchone()[0]:,}")
    print(f"baseline GET /healthz: median {statistics.median(baseline):.1f} ms, p95 {base_p95:.1f} ms")
    worst = 0.0
    for role, label, url in scenarios:
        measure(clients[role], url, 2)  # warm caches
        timings = measure(clients[role], url, repeat)
        p95 = percentile(timings, 0.95)
        worst = max(worst, p95)
        print(
            f"{label:<32} median {statistics.median(timings):7.1f} ms  p95 {p95:7.1f} ms  "
            f"(x{p95 / base_p95:5.1f} baseline)  {'PASS' if p95 < TARGET_MS else 'FAIL'}"
        )
    counts = {}
    for per_page in (20, 50, 100):
        ApplicationAdmin.list_per_page = per_page
        with CaptureQueriesContext(connection) as queries:
            clients["district"].get(base)
        counts[per_page] = len(queries)
    ApplicationAdmin.list_per_page = 50
    same = len(set(counts.values())) == 1
    print(f"queries per page by page size: {counts} -> {'PASS' if same else 'FAIL'} (independent of page size)")
    print(f"worst p95: {worst:.1f} ms, target < {TARGET_MS} ms -> {'PASS' if worst < TARGET_MS else 'FAIL'}")
    return 0 if worst < TARGET_MS and same else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--keep", help="reuse/keep this database name (skip seeding if it has data)")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = args.keep or f"bench_admin_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(with_database(server, "postgres"))
    admin.autocommit = True
    cursor = admin.cursor()
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    fresh = cursor.fetchone() is None
    if fresh:
        cursor.execute(f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "DATABASE_URL": with_database(server, name),
        "DEBUG": "1",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "jiading_union.settings.base",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    try:
        if fresh:
            subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
            subprocess.run(
                [sys.executable, "manage.py", "seed_demo", "--members", str(args.members)],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            started = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--_seed", str(args.applications)], cwd=ROOT, env=env, check=True)
            print(f"seeded {args.applications:,} applications in {time.perf_counter() - started:.0f}s")
        return subprocess.run([sys.executable, __file__, "--_run", str(args.repeat)], cwd=ROOT, env=env).returncode
    finally:
        if not args.keep:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("--_seed", "--_run"):
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiading_union.settings.base")
        if sys.argv[1] == "--_seed":
            import django

            django.setup()
            seed_applications(int(sys.argv[2]))
            sys.exit(0)
        sys.exit(run(int(sys.argv[2])))
    sys.exit(main())
