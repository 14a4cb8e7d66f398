"""Payout batches through a real Celery worker (no eager mode): `celery -A jiading_union worker`
started as a subprocess against Redis (REDIS_URL) and this test's PostgreSQL database.

Needs both services (CI has them; skipped otherwise). Each test uses its own queue, so workers of
other tests or engineers never take its tasks. Every wait has a timeout: nothing hangs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count

from jiading_union.celery import app
from payouts.models import Payment, PaymentFile, PayoutBatch, PayoutBatchStatus
from payouts.services import payout_batch_confirm, payout_batch_prepare
from projects.models import Application, ApplicationEvent
from tests.payouts.builders import approved_applications

ROOT = Path(__file__).resolve().parents[2]
WORKER_START_SECONDS = 90
BATCH_SECONDS = 120

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL); CI runs it"),
    pytest.mark.postgres,
    pytest.mark.real_worker,
    pytest.mark.django_db(transaction=True),
]


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """A `celery worker` subprocess in its own process group (so SIGKILL takes its children too)."""

    def __init__(self, queue: str, log: Path, *, pool: str = "solo", concurrency: int = 1, **env):
        self.log = log
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "jiading_union.settings.test",
            "DATABASE_URL": _database_url(),
            "PAYOUT_QUEUE": queue,
            **{k: str(v) for k, v in env.items()},
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "jiading_union",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{queue}-{uuid.uuid4().hex[:6]}@%h",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=environment,
            stdout=open(log, "ab"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def queue(monkeypatch, settings):
    """A queue of this test's own; tasks really go to the broker (the test settings are eager)."""
    name = f"payouts-test-{uuid.uuid4().hex[:10]}"
    settings.PAYOUT_QUEUE = name
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    yield name
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete(name)


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(queue, **kwargs) -> Worker:
        worker = Worker(queue, tmp_path / f"worker{len(started)}.log", **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _wait(condition, seconds: float, what: str, worker: Worker | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.output()}")
        time.sleep(0.25)
    pytest.fail(f"timed out after {seconds}s waiting for {what}" + (f":\n{worker.output()}" if worker else ""))


def _batch(tree, staff, count):
    ids = approved_applications(tree["unit"], count)
    batch = payout_batch_prepare(user=staff["district"], applications=Application.objects.filter(pk__in=ids))
    return batch, ids


def _done(batch):
    return PayoutBatch.objects.get(pk=batch.pk).status == PayoutBatchStatus.CONFIRMED


def _assert_paid_exactly_once(batch, ids):
    payments = Payment.objects.filter(application_id__in=ids)
    assert payments.count() == len(ids)  # one per application × benefit × payer (one payer here)
    assert set(payments.values_list("status", flat=True)) == {"sent"}
    assert set(payments.values_list("batch", flat=True)) == {batch.pk}
    assert not payments.values("application", "payer").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert sum(p.amount for p in payments) == PayoutBatch.objects.get(pk=batch.pk).total
    assert set(Application.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"paid"}
    per_application = (
        ApplicationEvent.objects.filter(application_id__in=ids, action="mark_paid")
        .values("application")
        .annotate(n=Count("pk"))
    )
    assert sorted(r["application"] for r in per_application) == sorted(ids)
    assert {r["n"] for r in per_application} == {1}
    assert Application.history.filter(id__in=ids, status="paid").count() == len(ids)
    assert PaymentFile.objects.filter(batch=batch).count() == 2  # one route: .xlsx and CSV


def test_a_batch_is_paid_end_to_end_by_a_worker(tree, staff, queue, workers):
    batch, ids = _batch(tree, staff, 12)
    worker = workers(queue, PAYOUT_CHUNK=5)
    payout_batch_confirm(user=staff["district2"], batch=batch)  # queued on commit, to the broker
    assert PayoutBatch.objects.get(pk=batch.pk).status == PayoutBatchStatus.PAYING
    _wait(lambda: _done(batch), WORKER_START_SECONDS + BATCH_SECONDS, "the batch to be paid", worker)
    _assert_paid_exactly_once(batch, ids)


def test_a_worker_killed_mid_batch_and_a_new_one_pay_every_payment_exactly_once(tree, staff, queue, workers):
    batch, ids = _batch(tree, staff, 40)
    first = workers(queue, PAYOUT_CHUNK=5, PAYOUT_CHUNK_PAUSE=0.7)
    payout_batch_confirm(user=staff["district2"], batch=batch)
    sent = lambda: Payment.objects.filter(batch=batch, status="sent").count()  # noqa: E731
    _wait(lambda: sent() >= 10, WORKER_START_SECONDS + BATCH_SECONDS, "some chunks to be paid", first)
    first.kill()  # SIGKILL: no cleanup, the task's message stays unacknowledged
    partly = sent()
    assert 10 <= partly < 40 and partly % 5 == 0  # whole chunks only: each is one transaction
    assert Application.objects.filter(pk__in=ids, status="paid").count() == partly
    assert PayoutBatch.objects.get(pk=batch.pk).status == PayoutBatchStatus.PAYING
    second = workers(queue, PAYOUT_CHUNK=5)
    # What beat's resume_payout_batches sends once the batch has been quiet for two minutes (and what
    # the broker redelivers once the unacknowledged message's visibility timeout has passed).
    app.send_task("payouts.tasks.pay_batch", args=[batch.pk], queue=queue)
    _wait(lambda: _done(batch), WORKER_START_SECONDS + BATCH_SECONDS, "the batch to be resumed", second)
    _assert_paid_exactly_once(batch, ids)


def test_the_same_task_twice_at_once_pays_each_payment_once(tree, staff, queue, workers):
    batch, ids = _batch(tree, staff, 30)
    worker = workers(queue, pool="prefork", concurrency=2, PAYOUT_CHUNK=3, PAYOUT_CHUNK_PAUSE=0.1)
    payout_batch_confirm(user=staff["district2"], batch=batch)
    app.send_task("payouts.tasks.pay_batch", args=[batch.pk], queue=queue)  # a duplicate delivery
    _wait(lambda: _done(batch), WORKER_START_SECONDS + BATCH_SECONDS, "the batch to be paid", worker)
    _assert_paid_exactly_once(batch, ids)
