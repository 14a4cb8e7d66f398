"""Benchmark: `seed_demo` generating N members (default 1,000,000) on PostgreSQL.

Target (issue 3): 1,000,000 members in under 5 minutes on the 2-core machine.
Baseline, measured in the same run: COPY of the same number of equally wide
rows into an unindexed, constraint-free table — the floor any loader pays.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/seed_members.py [--members N]

Creates and drops its own throwaway databases next to DATABASE_URL's server.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 300


def admin_connection(url: str):
    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


def with_database(url: str, name: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=f"/{name}"))


def baseline_copy(url: str, rows: int) -> float:
    """COPY `rows` rows of 20 text/date/numeric columns into a bare table."""
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor (id bigint, card text, name text, idn text, last4 text, birth date, sex text,"
            " phone text, org bigint, street bigint, emp text, ind text, income numeric(10,2), joined date,"
            " card_on date, med bool, marital text, active bool, created timestamptz, updated timestamptz)"
        )
        line = (
            "{i}\t31{i:08d}\t张伟\t310114199003150{k:03d}\t1234\t1990-03-15\tM\t13{i:09d}\t1\t1\temployee\t\t"
            "6800.00\t2015-03-01\t2015-03-20\tt\tmarried\tt\t2026-11-01 00:00:00+08\t2026-11-01 00:00:00+08\n"
        )
        started = time.perf_counter()
        for start in range(0, rows, 5000):
            buffer = io.StringIO("".join(line.format(i=i, k=i % 1000) for i in range(start, min(start + 5000, rows))))
            cursor.copy_expert("COPY bench_floor FROM STDIN", buffer)
        conn.commit()
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1_000_000)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith("postgres"):
        print("bench/seed_members.py needs a PostgreSQL DATABASE_URL", file=sys.stderr)
        return 2
    name = f"bench_seed_{uuid.uuid4().hex[:8]}"
    admin = admin_connection(with_database(server, "postgres"))
    admin.cursor().execute(f"CREATE DATABASE {name}")
    url = with_database(server, name)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "jiading_union.settings.base"}
    env.pop("REDIS_URL", None)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        baseline = baseline_copy(url, args.members)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--members", str(args.members), "--seed", "2026"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seeded = time.perf_counter() - started
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    target = TARGET_SECONDS * args.members / 1_000_000
    print(f"members: {args.members:,}")
    print(f"baseline (bare COPY, no indexes): {baseline:.1f}s")
    print(f"seed_demo (members + dues + units + logins): {seeded:.1f}s")
    print(f"ratio seed/baseline: {seeded / baseline:.1f}x")
    print(f"target: < {target:.0f}s -> {'PASS' if seeded < target else 'FAIL'}")
    return 0 if seeded < target else 1


if __name__ == "__main__":
    sys.exit(main())
