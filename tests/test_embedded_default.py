"""The embedded default (`make run`: SQLite, Celery in-process) runs the district's payout batch and
the member's pages, whose statements on PostgreSQL are PostgreSQL's own (writable CTEs, arrays, md5 and
string_agg). CI's suite runs on PostgreSQL, so this test runs those tests again in a child pytest on
SQLite, as a laptop without DATABASE_URL or REDIS_URL would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ON_SQLITE = (
    "tests/payouts/test_batches.py",
    "tests/payouts/test_ledger.py",
    "tests/doors/test_visible_text.py::test_portal_pages_show_no_codes",
)


def test_payout_batches_and_the_portal_pages_work_on_the_embedded_sqlite():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "REQUIRE_REAL_SERVICES")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", *ON_SQLITE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
