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


def test_a_machine_without_libreoffice_gets_libreoffice_calc_installed(tmp_path):
    """The package step asks apt-get for libreoffice-calc when soffice is missing (and fails loudly
    when it is still missing): run against stub commands, a stub Redis, and no soffice on PATH."""
    import shutil
    import threading

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("seq", "sleep", "ls", "head", "grep", "id", "dirname", "cat", "date"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    calls = tmp_path / "apt-calls"
    stubs = {
        "pg_isready": "exit 0",
        "fc-list": "echo 'WenQuanYi Micro Hei'",
        "xgettext": "exit 0",
        "chromium": "exit 0",
        "apt-get": f'echo "$*" >> {calls}',
        "sudo": 'shift; "$@"',
    }
    for name, body in stubs.items():
        stub = bin_dir / name
        stub.write_text(f"#!{shutil.which('bash')}\n{body}\n")
        stub.chmod(0o755)

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def pong():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(64)
                conn.sendall(b"+PONG\r\n")

    threading.Thread(target=pong, daemon=True).start()
    try:
        result = subprocess.run(
            [shutil.which("bash"), ".ci/run"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": str(bin_dir), "CI_WAIT_SECONDS": "1", "CI_REDIS_PORT": str(server.getsockname()[1])},
        )
    finally:
        server.close()
    assert "libreoffice-calc" in calls.read_text()
    assert result.returncode == 1
    assert "libreoffice-calc (soffice) is still missing" in result.stderr
