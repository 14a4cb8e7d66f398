"""The outreach scan through a real Celery worker (no eager mode) on Redis and PostgreSQL, the
pattern of tests/payouts/test_real_worker.py. Skipped on SQLite / without Redis; CI runs it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from jiading_union.celery import app
from outreach.models import Finding, ScanRun
from tests.factories import MemberFactory
from tests.payouts.test_real_worker import WORKER_START_SECONDS, Worker, _wait

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL); CI runs it"),
    pytest.mark.postgres,
    pytest.mark.real_worker,
    pytest.mark.django_db(transaction=True),
]


def _scan_in_a_worker(tmp_path, monkeypatch, **worker_options) -> Path:
    """Start a worker on a queue of its own, send it a full scan, wait until the run finishes, stop
    it; returns the worker's log."""
    queue = f"outreach-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    log = tmp_path / "worker.log"
    worker = Worker(queue, log, **worker_options)
    try:
        app.send_task("outreach.tasks.scan_members", kwargs={"full": True, "today": "2021-03-10"}, queue=queue)
        _wait(
            lambda: ScanRun.objects.filter(finished_at__isnull=False).exists(),
            WORKER_START_SECONDS + 120,
            "the scan",
            worker,
        )
    finally:
        worker.stop()
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue)
    return log


def test_the_scan_runs_in_a_real_worker(tree, tmp_path, monkeypatch):
    members = [MemberFactory(organisation=tree["unit"]) for _ in range(5)]
    _scan_in_a_worker(tmp_path, monkeypatch)
    run = ScanRun.objects.get()
    assert run.members == len(members)
    assert Finding.objects.filter(member__in=members).values("member").distinct().count() == len(members)


def test_a_large_scan_forks_inside_a_prefork_worker(tree, tmp_path, monkeypatch):
    """The two-process scan as production runs it: the task in a prefork pool's child, which forks
    the second half (its threshold lowered for the test through the worker's environment)."""
    members = [MemberFactory(organisation=tree["unit"]) for _ in range(6)]
    log = _scan_in_a_worker(tmp_path, monkeypatch, pool="prefork", concurrency=1, OUTREACH_SCAN_PARALLEL_MIN=1)
    assert "政策找人分两个进程" in log.read_text(encoding="utf-8", errors="replace")
    run = ScanRun.objects.get()
    assert run.members == len(members)
    assert Finding.objects.filter(member__in=members).values("member").distinct().count() == len(members)
    assert Finding.objects.filter(member__in=members).count() == run.findings
