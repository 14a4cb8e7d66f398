"""Benchmark: the opening rush (issue 17) through gunicorn and a real HTTP client on loopback.

    python bench/rush.py [--members 5000] [--places 1000] [--signins 1000]

PostgreSQL and Redis (DATABASE_URL names the server, default postgres://postgres@127.0.0.1:5432/postgres;
REDIS_URL the Redis, default redis://127.0.0.1:6379/13). Creates and drops its own database and queues
under its own Redis key prefix. Runs gunicorn with gunicorn.conf.py (as docker-compose does) and one
Celery worker, production settings (DEBUG off) over plain HTTP on 127.0.0.1.

Measures, each against a baseline measured in the same run (GET /healthz, one trivial query through
the same middleware and the same client):
1. The rush: N signed-in members all ask for a place in a first-come pool within the same second
   (JSON, as the page's script asks): every answer under 2 s, no 5xx, no timeout; exactly `places`
   allocated, in arrival order; allocations complete within 30 s; accepted requests/s against /healthz.
2. Direct bookings (no queue): successful and refused booking POSTs per second, and the queries of
   one of each, against /healthz.
3. Sign-in: `signins` sign-ins offered evenly over one minute with Argon2 (after), and a short run with
   PBKDF2 at 1,000,000 iterations (before): sign-ins/s, slowest answer, server CPU ms per sign-in.
4. Trusted-device renewal: session writes and ms per page, renewal at half-life against
   SESSION_SAVE_EVERY_REQUEST.
5. "50 members for the last 5 places", 5 rounds, direct and queued: 0 oversold.
The client shares the two cores with the server: every figure includes that.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "Kq7#vLm2-zX"
FACTS = {"plan": "D", "checkup_date": "2021-02-20"}


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def production_env(database_url: str, tmp: Path, **overrides: str) -> dict[str, str]:
    """Production settings (DEBUG off) over plain HTTP on loopback, quiet logs, no worker recycling."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "TRUSTED_PROXY_COUNT": "0",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(tmp / "static"),
        "GUNICORN_ACCESSLOG": "",
        "GUNICORN_LOGLEVEL": "warning",
        "GUNICORN_MAX_REQUESTS": "0",  # a recycled worker would take its CPU time with it
        "DJANGO_SETTINGS_MODULE": "jiading_union.settings.production",
        **overrides,
    }


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --- a small HTTP/1.1 client (asyncio, one connection per request, Connection: close) ----------------


async def http(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    form: dict | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
):
    """(status, body, seconds); status 0 on timeout or connection error."""
    body = urlencode(form).encode() if form is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: close", "User-Agent: bench-rush"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if form is not None:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    started = time.perf_counter()
    try:

        async def exchange():
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request)
            await writer.drain()
            data = await reader.read(-1)
            writer.close()
            return data

        data = await asyncio.wait_for(exchange(), timeout)
    except (TimeoutError, OSError):
        return 0, b"", time.perf_counter() - started
    head, _, rest = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, rest, time.perf_counter() - started


async def open_loop(calls, spread: float):
    """Start call i at i·spread/len(calls) seconds: [(status, body, seconds)], and the wall time from
    the first start to the last answer."""
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    count = len(calls)

    async def one(i, call):
        await asyncio.sleep(max(0.0, t0 + i * spread / count - loop.time()))
        return await call()

    started = time.perf_counter()
    results = await asyncio.gather(*(one(i, c) for i, c in enumerate(calls)))
    return results, time.perf_counter() - started


async def closed_loop(calls, concurrency: int):
    queue = list(enumerate(calls))
    results = [None] * len(calls)

    async def worker():
        while queue:
            i, call = queue.pop(0)
            results[i] = await call()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results, time.perf_counter() - started


def summary(results, wall: float) -> dict:
    times = sorted(r[2] for r in results)
    return {
        "n": len(results),
        "per_s": len(results) / wall,
        "max_s": times[-1],
        "p50_s": statistics.median(times),
        "5xx": sum(1 for r in results if r[0] >= 500),
        "failed": sum(1 for r in results if r[0] == 0),
    }


def show(label: str, s: dict, baseline: dict | None = None) -> None:
    ratio = f"  ratio {s['per_s'] / baseline['per_s']:.2f}× /healthz" if baseline else ""
    print(
        f"  {label:44} {s['n']:5} req  {s['per_s']:7.1f}/s  p50 {s['p50_s'] * 1000:6.0f} ms  "
        f"max {s['max_s'] * 1000:6.0f} ms  5xx {s['5xx']}  timeouts/errors {s['failed']}{ratio}"
    )


# --- processes ---------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children that are still running (gunicorn's workers)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Server:
    def __init__(self, env: dict, port: int):
        self.env, self.port, self.procs = env, port, []

    def start(self, settings_module: str = "jiading_union.settings.production") -> None:
        env = {**self.env, "DJANGO_SETTINGS_MODULE": settings_module, "GUNICORN_BIND": f"{HOST}:{self.port}"}
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "jiading_union.wsgi:application", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
        )
        self.procs.append(self.web)
        for _ in range(100):
            status, _, _ = asyncio.run(http(self.port, "GET", "/healthz", timeout=2))
            if status == 200:
                return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "jiading_union",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.env,
        )
        self.procs.append(self.worker)
        time.sleep(4)

    def stop_web(self) -> None:
        self.web.send_signal(signal.SIGTERM)
        self.web.wait(30)
        self.procs.remove(self.web)

    def stop(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


# --- data ----------------------------------------------------------------------------------------


def seed(count: int):
    """count members with logins and each a signed-in trusted-device session; a CSRF token each."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.cached_db import SessionStore

    from members.models import Member, StaffRole, User
    from members.sessions import MEMBER, TRUSTED, trusted_age
    from tests.factories import DistrictFactory, MemberFactory, StreetFactory, UnitFactory, make_id_number

    district = DistrictFactory()
    unit = UnitFactory(parent=StreetFactory(parent=district))
    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create(
        [
            User(username=f"{3300000000 + i}", role=StaffRole.MEMBER, password=hashed, first_name=f"会员{i}")
            for i in range(count)
        ]
    )

    def member(i, user):
        born = date(1960, 1, 1) + timedelta(days=i // 400)  # an ID number has 3 sequence digits a day
        number = make_id_number(born, i % 400, sex="M")
        return MemberFactory.build(
            card_number=user.username,
            phone=f"151{i:08d}",
            organisation=unit,
            user=user,
            birth_date=born,
            id_number=number,
            id_number_last4=number[-4:],
        )

    members = Member.objects.bulk_create([member(i, u) for i, u in enumerate(users)])
    clients = []
    for user, signed_in in zip(users, members, strict=True):
        session = SessionStore()
        session.update(
            {
                "_auth_user_id": str(user.pk),
                "_auth_user_backend": "members.auth.SignInBackend",
                "_auth_user_hash": user.get_session_auth_hash(),
                TRUSTED: int(time.time()),
                MEMBER: signed_in.pk,  # as members.sessions.session_start keeps it at sign-in
            }
        )
        session.set_expiry(trusted_age())
        session.create()
        token = secrets.token_hex(16)
        clients.append(
            {"user": user, "cookies": {"sessionid": session.session_key, "csrftoken": token}, "token": token}
        )
    return district, clients


def book(port, client, *, json_answer=True):
    headers = {"Accept": "application/json"} if json_answer else {}
    return lambda: http(
        port,
        "POST",
        "/apply/health_checkup/2021/",
        cookies=client["cookies"],
        headers=headers,
        form={**FACTS, "csrfmiddlewaretoken": client["token"]},
    )


def healthz(port):
    return lambda: http(port, "GET", "/healthz")


# --- the measures ---------------------------------------------------------------------------------


def measure_rush(server, clients, places: int) -> None:
    from django.utils import timezone

    from projects.models import Application, QueuedBooking, QueueOutcome, QuotaClaim, QuotaPool

    port = server.port
    n = len(clients)
    base, base_wall = asyncio.run(open_loop([healthz(port) for _ in range(n)], spread=1.0))
    baseline = summary(base, base_wall)
    pool = QuotaPool.objects.create(
        key="health_checkup:2021:DEF",
        project="sanatorium",
        policy_year=2021,
        label="D、E、F体检计划全区名额",
        capacity=places,
        first_come=True,
        opens_at=timezone.now() + timezone.timedelta(seconds=3),
    )
    while timezone.now() < pool.opens_at + timezone.timedelta(seconds=2.1):  # the web workers' pool cache: 2 s
        time.sleep(0.1)
    opened = time.perf_counter()
    results, wall = asyncio.run(open_loop([book(port, c) for c in clients], spread=1.0))
    rush = summary(results, wall)
    states = [
        json.loads(body).get("state") if status == 200 and body[:1] == b"{" else None for status, body, _ in results
    ]
    deadline = opened + 60
    while time.perf_counter() < deadline and QueuedBooking.objects.filter(pool=pool).count() < states.count("queued"):
        time.sleep(0.25)
    done_after = time.perf_counter() - opened
    pool.refresh_from_db()
    entries = list(
        QueuedBooking.objects.filter(pool=pool)
        .order_by("ticket")
        .values_list("ticket", "outcome", "arrived_at", "decided_at")
    )
    allocated = [e for e in entries if e[1] == QueueOutcome.ALLOCATED]
    in_order = [e[0] for e in allocated] == [e[0] for e in entries[: len(allocated)]]
    arrivals_ordered = all(a[2] <= b[2] for a, b in zip(entries, entries[1:], strict=False))
    last_allocation = max((e[3] for e in allocated), default=None)
    first_arrival = min((e[2] for e in entries), default=None)
    print(f"\n1. The rush: {n} signed-in members ask for a place in a {places}-place first-come pool within one second")
    show("GET /healthz (baseline)", baseline)
    show("POST booking → queued / refused (JSON)", rush, baseline)
    print(
        f"  answers: queued {states.count('queued')}, refused {states.count('refused')}, other {states.count(None)}; "
        f"slowest {rush['max_s']:.2f} s (goal < 2 s)"
    )
    print(
        f"  allocated {len(allocated)} of {places} (taken {pool.taken}, claims "
        f"{QuotaClaim.objects.filter(pool=pool).count()}, applications {Application.objects.count()}); "
        f"oversold {max(pool.taken - pool.capacity, 0)}"
    )
    print(
        f"  in arrival order: allocated = the first {len(allocated)} tickets: {in_order}; "
        f"arrival times follow tickets: {arrivals_ordered}"
    )
    if last_allocation and first_arrival:
        print(
            f"  allocations complete {(last_allocation - first_arrival).total_seconds():.1f} s after the first "
            f"arrival; every outcome recorded {done_after:.1f} s after opening (goal ≤ 30 s)"
        )
    print(f"  accepted requests/s against /healthz: {rush['per_s'] / baseline['per_s']:.2f}× (goal ≥ 0.5×)")


def measure_direct(server, clients, district) -> None:
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from projects.models import QuotaPool
    from projects.services.errors import QuotaFull
    from projects.services.submission import application_submit

    port = server.port
    pool = QuotaPool.objects.get(key="health_checkup:2021:DEF")
    QuotaPool.objects.filter(pk=pool.pk).update(first_come=False, capacity=pool.taken + 10_000)
    time.sleep(2.1)  # the web workers' pool cache
    sample = clients[:300]
    base, base_wall = asyncio.run(closed_loop([healthz(port) for _ in sample], 16))
    baseline = summary(base, base_wall)
    ok, ok_wall = asyncio.run(closed_loop([book(port, c, json_answer=False) for c in sample], 16))
    QuotaPool.objects.filter(pk=pool.pk).update(capacity=F("taken"))  # full
    refused, refused_wall = asyncio.run(closed_loop([book(port, c, json_answer=False) for c in sample], 16))
    print("\n2. Direct bookings (no queue), 16 connections at a time")
    show("GET /healthz (baseline)", baseline)
    show("POST booking, successful (302)", summary(ok, ok_wall), baseline)
    show("POST booking, refused: pool full (200)", summary(refused, refused_wall), baseline)
    member = sample[0]["user"].member
    for label, free in (("successful", 1), ("refused", 0)):
        current = QuotaPool.objects.get(pk=pool.pk)
        QuotaPool.objects.filter(pk=pool.pk).update(capacity=current.taken + free)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            try:
                application_submit(
                    user=member.user, rule_id="health_checkup", policy_year=2021, facts=FACTS, member=member
                )
            except QuotaFull:
                pass
            elapsed = time.perf_counter() - started
        writes = sum(1 for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE")))
        print(
            f"  one {label} booking in-process: {len(queries.captured_queries)} queries ({writes} writes), "
            f"{elapsed * 1000:.1f} ms   (before: ≈30 queries ≈31 ms / refused ≈24 queries ≈31 ms)"
        )


def measure_signins(server, clients, count: int, env: dict, tmp: Path) -> None:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

    from members.models import User

    port = server.port

    def sign_in(client):
        return lambda: http(
            port,
            "POST",
            "/accounts/login/",
            cookies={"csrftoken": client["token"]},
            form={
                "username": client["user"].username,
                "password": PASSWORD,
                "remember": "on",
                "csrfmiddlewaretoken": client["token"],
            },
        )

    def run(label, sample, spread):
        cpu = cpu_seconds(server.web.pid)
        results, wall = asyncio.run(open_loop([sign_in(c) for c in sample], spread=spread))
        used = cpu_seconds(server.web.pid) - cpu
        s = summary(results, wall)
        ok = sum(1 for r in results if r[0] == 302)
        print(
            f"  {label:44} {len(sample):5} offered over {spread:.0f} s: {ok} signed in, {ok / wall:5.1f}/s, "
            f"p50 {s['p50_s'] * 1000:6.0f} ms, max {s['max_s'] * 1000:6.0f} ms, 5xx {s['5xx']}, "
            f"timeouts {s['failed']}, server CPU {used * 1000 / len(sample):5.1f} ms per sign-in"
        )
        return s

    print(f"\n3. Sign-in ({count} offered evenly over one minute)")
    sample = clients[:count]
    argon2 = make_password(PASSWORD)
    User.objects.filter(pk__in=[c["user"].pk for c in sample]).update(password=argon2)
    after = run("Argon2id m=19 MiB t=2 p=1 (after)", sample, 60.0)
    print(f"    no request over 5 s: {after['max_s'] < 5}")
    # Before: PBKDF2 at 1,000,000 iterations preferred; fewer sign-ins (its capacity is ≈3.6/s).
    server.stop_web()
    module = tmp / "bench_pbkdf2_settings.py"
    module.write_text(
        "from jiading_union.settings.production import *  # noqa\n"
        "PASSWORD_HASHERS = ['django.contrib.auth.hashers.PBKDF2PasswordHasher']\n"
    )
    server.env["PYTHONPATH"] = f"{tmp}:{ROOT}"
    pbkdf2 = PBKDF2PasswordHasher().encode(PASSWORD, "benchsalt1234567", iterations=1_000_000)
    before_sample = clients[count : count + 60]
    User.objects.filter(pk__in=[c["user"].pk for c in before_sample]).update(password=pbkdf2)
    server.start("bench_pbkdf2_settings")
    run("PBKDF2 1,000,000 iterations (before)", before_sample, 60 / count * len(before_sample))
    server.stop_web()
    server.start()


def measure_renewal(clients) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print("\n4. Trusted-device sessions: 200 pages (GET /my/applications/), in-process")
    for label, every in (("renewal once half the age has passed", False), ("SESSION_SAVE_EVERY_REQUEST", True)):
        client = Client()
        client.cookies["sessionid"] = clients[-1]["cookies"]["sessionid"]
        with override_settings(SESSION_SAVE_EVERY_REQUEST=every):
            client.get("/my/applications/")
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                for _ in range(200):
                    assert client.get("/my/applications/").status_code == 200
                elapsed = time.perf_counter() - started
        writes = sum(
            1
            for q in queries.captured_queries
            if "django_session" in q["sql"] and q["sql"].startswith(("UPDATE", "INSERT"))
        )
        print(f"  {label:44} session writes {writes:4} / 200, {elapsed / 200 * 1000:5.2f} ms per page")


def measure_rounds(server, clients, district) -> None:
    from django.utils import timezone

    from projects.models import QuotaClaim, QuotaPool
    from projects.services.queue import keys_for, redis_client

    port = server.port
    pool = QuotaPool.objects.get(key="health_checkup:2021:DEF")
    print("\n5. 50 members for the last 5 places, 5 rounds")
    for queued in (False, True):
        for round_ in range(5):
            current = QuotaPool.objects.get(pk=pool.pk)
            QuotaPool.objects.filter(pk=pool.pk).update(
                capacity=current.taken + 5,
                first_come=queued,
                opens_at=timezone.now() - timezone.timedelta(seconds=10) if queued else None,
            )
            redis_client().delete(keys_for(pool.pk).full)
            time.sleep(2.1)
            before = QuotaClaim.objects.filter(pool=pool).count()
            # The last 500 members: sessions untouched by the sign-in runs (a new password signs one out).
            offset = len(clients) - 500 + (250 if queued else 0) + round_ * 50
            sample = clients[offset : offset + 50]
            results, _ = asyncio.run(open_loop([book(port, c, json_answer=queued) for c in sample], spread=0.0))
            deadline = time.time() + 30
            while queued and time.time() < deadline and redis_client().zcard(keys_for(pool.pk).queue):
                time.sleep(0.2)
            time.sleep(0.5)
            now = QuotaPool.objects.get(pk=pool.pk)
            claims = QuotaClaim.objects.filter(pool=pool).count() - before
            errors = sum(1 for r in results if r[0] == 0 or r[0] >= 500)
            print(
                f"  {'queued' if queued else 'direct'} round {round_ + 1}: {claims} booked, "
                f"oversold {max(now.taken - now.capacity, 0)}, taken = claims: "
                f"{now.taken == QuotaClaim.objects.filter(pool=pool).count()}, errors {errors}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--places", type=int, default=1000)
    parser.add_argument("--signins", type=int, default=1000)
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    name = f"bench_rush_{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="bench-rush-"))
    env = production_env(
        with_database(server_url, name),
        tmp,
        REDIS_URL=redis_url,
        SIGN_IN_FAILURE_LIMIT="1000000",
        SIGN_IN_FAILURES_PER_ADDRESS_PER_HOUR="1000000",
        FIRST_COME_QUEUE_PREFIX=f"bench-{os.getpid()}",
    )
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

        print(f"migrating {name}, collecting static files, seeding {args.members} signed-in members…", flush=True)
        call_command("migrate", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        district, clients = seed(args.members)
        server.start()
        server.start_worker()
        measure_rush(server, clients, args.places)
        measure_direct(server, clients, district)
        measure_signins(server, clients, args.signins, env, tmp)
        measure_renewal(clients)
        measure_rounds(server, clients, district)
    finally:
        server.stop()
        from django.db import connections

        connections.close_all()
        try:
            from projects.services.queue import redis_client

            for key in redis_client().scan_iter(f"bench-{os.getpid()}:*"):
                redis_client().delete(key)
        except Exception:  # noqa: BLE001 - best effort
            pass
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
