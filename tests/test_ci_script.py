"""CI must fail loudly, never fall back, when a real service is missing."""

import os
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_ci(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", ".ci/run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "CI_WAIT_SECONDS": "1", **env},
    )


def test_unreachable_postgres_fails_with_a_clear_message():
    result = run_ci(CI_PG_PORT=str(closed_port()))
    assert result.returncode == 1
    assert "PostgreSQL is unreachable" in result.stderr
    assert "does not fall back to SQLite" in result.stderr


def test_unreachable_redis_fails_with_a_clear_message():
    result = run_ci(CI_REDIS_PORT=str(closed_port()))
    assert result.returncode == 1
    assert "Redis is unreachable" in result.stderr
