"""Benchmark: do sign-in and SMS-code response times tell which accounts exist?

Issue 9, finding 10: an existing member's failed sign-in took ≈466 ms against ≈239 ms for an
unknown identifier, and an SMS code request ≈235 ms against 2 ms. Each case below is timed
against a baseline measured in the same run, interleaved with it: a sign-in with an unknown
identifier, and a code request for an unregistered phone. Every ratio should be ≈1.00.

    python bench/signin.py [--rounds N]

Uses the production password hasher (PBKDF2), a throwaway SQLite database and Django's test
client in-process. Code requests queue their task on an in-memory broker, as production queues
it on Redis for the worker (the worker's work is not the request's).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Kq7#vLm2-zX"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds

    directory = tempfile.mkdtemp(prefix="bench-signin-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "jiading_union.settings.base",
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
            "SMS_BACKEND": "members.sms.LocmemBackend",
            # Timing, not lockout: the counters must not lock anyone during the run.
            "SIGN_IN_FAILURE_LIMIT": "1000000",
            "SIGN_IN_FAILURES_PER_ADDRESS_PER_HOUR": "1000000",
            "SMS_CODES_PER_ADDRESS_PER_HOUR": "1000000",
            "SMS_CODES_PER_HOUR": "1000000",
        }
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.disable(logging.WARNING)  # every failed sign-in logs a warning
    from django.conf import settings
    from django.core.management import call_command

    from jiading_union.celery import app

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SMS_CODE_LIMITS["identifier"]["count"] = 10**6
    app.conf.task_always_eager = False  # queue on the in-memory broker, as production queues on Redis
    print("migrating a throwaway database…", flush=True)
    try:
        call_command("migrate", verbosity=0)
        run(rounds)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run(rounds: int) -> None:
    from django.test import Client

    from members import services
    from members.models import StaffRole
    from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory

    member = MemberFactory(card_number="3100000777", phone="13655550000")
    services.member_account_create(member=member, password=PASSWORD)
    StaffUserFactory(username="district", role=StaffRole.DISTRICT, organisation=DistrictFactory())

    def sign_in(username: str) -> float:
        started = time.perf_counter()
        Client().post("/accounts/login/", {"username": username, "password": "wrong-guess"})
        return time.perf_counter() - started

    def ask(identifier: str) -> float:
        started = time.perf_counter()
        Client().post("/accounts/password/", {"identifier": identifier})
        return time.perf_counter() - started

    cases = [
        ("sign-in, member by card number, wrong password", lambda: sign_in("3100000777")),
        ("sign-in, member by phone, wrong password", lambda: sign_in("13655550000")),
        ("sign-in, staff username, wrong password", lambda: sign_in("district")),
        ("sign-in, unknown username", lambda: sign_in("nobody")),
    ]
    baseline_sign_in = lambda: sign_in("3100009999")  # noqa: E731
    code_cases = [("SMS code, registered phone", lambda: ask("13655550000"))]
    baseline_code = lambda: ask("13699999999")  # noqa: E731

    for warm_up in [case for _, case in cases + code_cases] + [baseline_sign_in, baseline_code]:
        warm_up()
    timings: dict[str, list[float]] = {name: [] for name, _ in cases + code_cases}
    baselines: dict[str, list[float]] = {name: [] for name, _ in cases + code_cases}
    for _ in range(rounds):
        for name, case in cases:
            baselines[name].append(baseline_sign_in())
            timings[name].append(case())
        for name, case in code_cases:
            baselines[name].append(baseline_code())
            timings[name].append(case())

    print(
        f"{rounds} rounds; median ms against the baseline measured alongside (unknown card number / unregistered phone)"
    )
    for name in timings:
        case_ms = statistics.median(timings[name]) * 1000
        base_ms = statistics.median(baselines[name]) * 1000
        print(f"  {name:50} {case_ms:8.1f} ms  baseline {base_ms:8.1f} ms  ratio {case_ms / base_ms:5.2f}")


if __name__ == "__main__":
    main()
