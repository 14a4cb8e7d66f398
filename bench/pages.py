"""Benchmark: the pages members and reviewers open most, under load (issue 12).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/pages.py \
        [--members 50000] [--applications 200000] [--requests 400] [--concurrency 8] [--rounds 5]

PostgreSQL (DATABASE_URL names the server; the script creates and drops its own database), production
settings (DEBUG off), gunicorn with 2 sync workers over plain HTTP on 127.0.0.1, a signed-in session
cookie, and the asyncio client of bench/rush.py keeping `concurrency` requests in flight.

Each page's requests/s, p50 and p99 are printed with the ratio against GET /healthz (one trivial query
through the same middleware and the same client) measured in the same run: in each of `rounds` rounds
every page runs between two /healthz runs (their mean is that round's baseline), and a page's ratio is
its median over the rounds, with the spread. Targets from the issue, as ratios:
entitlements ≥ 0.3×, 我的申请 and calculators ≥ 0.4×, the grassroots review queue ≥ 0.1×.
Query counts are measured in-process for two members, one with no applications and one with the most,
so a count that grows with a member's history shows. The client shares the two cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from admin_changelist import seed_applications
from rush import ROOT, Server, closed_loop, free_port, http, production_env, with_database

TARGETS = {"/my/": 0.3, "/my/applications/": 0.4, "/calculators/": 0.4, "queue": 0.1}


def signed_in(user) -> dict[str, str]:
    from django.contrib.sessions.backends.cached_db import SessionStore

    session = SessionStore()
    session.update(
        {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "members.auth.SignInBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
    )
    session.create()
    return {"sessionid": session.session_key}


def load(port: int, path: str, cookies: dict | None, requests: int, concurrency: int) -> dict:
    calls = [lambda: http(port, "GET", path, cookies=cookies) for _ in range(requests)]
    results, wall = asyncio.run(closed_loop(calls, concurrency))
    times = sorted(r[2] for r in results)
    bad = [r[0] for r in results if r[0] != 200]
    if bad:
        raise SystemExit(f"{path}: {len(bad)} answers were not 200 (first: {bad[0]})")
    return {
        "per_s": len(results) / wall,
        "p50": statistics.median(times) * 1000,
        "p99": times[min(len(times) - 1, int(0.99 * len(times)))] * 1000,
    }


def query_counts(paths: list[str], users: dict[str, object]) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    print("queries per page (in-process):")
    for label, user in users.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        counts = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            counts.append(f"{path} {len(queries)}")
        print(f"  {label:36} " + "  ".join(counts))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = f"{os.environ.get('BENCH_DATABASE_PREFIX', 'bench_pages')}_{os.getpid()}"  # a shared server: a prefix of one's own
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = production_env(
        with_database(server_url, name),
        tmp,
        GUNICORN_WORKER_CLASS="sync",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="1",
    )
    env.pop("REDIS_URL", None)  # sessions from the database, as on a deployment without Redis
    os.environ.pop("REDIS_URL", None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import psycopg2

    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    server = Server(env, free_port())
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db.models import Count

        from members.demo import DEMO_MEMBER_CARD
        from members.models import Member, User
        from projects.models import Application

        print(f"seeding {args.members:,} members and {args.applications:,} applications in {name}…", flush=True)
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        call_command("seed_demo", members=args.members, verbosity=0)
        seed_applications(args.applications)
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)

        member = Member.objects.get(card_number=DEMO_MEMBER_CARD)
        busiest = (
            Member.objects.annotate(n=Count("applications")).exclude(user=None).order_by("-n").only("user").first()
        )
        quiet = Member.objects.annotate(n=Count("applications")).filter(n=0).exclude(user=None).first()
        grassroots = User.objects.get(username="grassroots")
        member_pages = ["/my/", "/my/applications/", "/calculators/", "/projects/member_card/"]
        queue = "/admin/projects/application/?queue=mine"
        users = {"member without applications": quiet.user} if quiet else {}
        users[f"member with {busiest.n} applications"] = busiest.user
        query_counts(member_pages, users)
        query_counts([queue], {"grassroots reviewer": grassroots})
        waiting = Application.objects.filter(status="grassroots_review").count()
        print(f"  applications waiting at grassroots level, all units: {waiting:,}")

        server.start()
        member_cookies, staff_cookies = signed_in(member.user), signed_in(grassroots)
        load(server.port, "/healthz", None, args.requests // 4, args.concurrency)  # warm both workers
        pages = [(path, path, member_cookies) for path in member_pages] + [("queue", queue, staff_cookies)]
        for _key, path, cookies in pages:
            load(server.port, path, cookies, args.concurrency * 2, args.concurrency)  # warm
        # Rounds: each page between two /healthz runs, and the page's ratio the median over the rounds.
        # The box's speed drifts by a third within minutes (a shared host), so a baseline measured
        # once, minutes away from the page, would put that drift into the ratio.
        ratios: dict[str, list[float]] = {key: [] for key, _path, _cookies in pages}
        figures: dict[str, list[dict]] = {key: [] for key, _path, _cookies in pages}
        baselines = []
        healthz = load(server.port, "/healthz", None, args.requests, args.concurrency)["per_s"]
        for _round in range(args.rounds):
            for key, path, cookies in pages:
                measured = load(server.port, path, cookies, args.requests, args.concurrency)
                after = load(server.port, "/healthz", None, args.requests, args.concurrency)["per_s"]
                baseline = (healthz + after) / 2
                ratios[key].append(measured["per_s"] / baseline)
                figures[key].append(measured)
                baselines.append(baseline)
                healthz = after
        print(
            f"\n/healthz baseline {statistics.median(baselines):.1f} req/s (median; {min(baselines):.1f}–"
            f"{max(baselines):.1f}); {args.rounds} rounds of {args.requests} requests per page, each between "
            f"two /healthz runs, {args.concurrency} in flight, gunicorn 2 sync workers"
        )
        for key, path, _cookies in pages:
            ratio = statistics.median(ratios[key])
            per_s = statistics.median(f["per_s"] for f in figures[key])
            p50 = statistics.median(f["p50"] for f in figures[key])
            p99 = statistics.median(f["p99"] for f in figures[key])
            target = TARGETS.get(key)
            verdict = "" if target is None else f"  target ≥ {target}×  {'PASS' if ratio >= target else 'FAIL'}"
            spread = "–".join(f"{r:.3f}" for r in (min(ratios[key]), max(ratios[key])))
            print(
                f"  {path:44} {per_s:7.1f} req/s  p50 {p50:6.0f} ms  p99 {p99:6.0f} ms  "
                f"ratio {ratio:.3f}× ({spread}){verdict}"
            )
    finally:
        server.stop()
        from django.db import connections

        connections.close_all()
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
