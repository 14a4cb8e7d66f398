"""Suite-wide setup.

REQUIRE_REAL_SERVICES=1 (set by .ci/run) turns "the embedded default" into an
error: the suite must be talking to PostgreSQL and Redis, never silently to
SQLite or an in-memory broker.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def _redis_ping(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=3) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def pytest_sessionstart(session):
    if os.environ.get("REQUIRE_REAL_SERVICES") != "1":
        return
    from django.conf import settings as django_settings

    engine = django_settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(f"REQUIRE_REAL_SERVICES=1 but the database engine is {engine}; set DATABASE_URL.", returncode=3)
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url or django_settings.CELERY_BROKER_URL != redis_url:
        pytest.exit("REQUIRE_REAL_SERVICES=1 but REDIS_URL is not the Celery broker.", returncode=3)
    if not _redis_ping(redis_url):
        pytest.exit(f"REQUIRE_REAL_SERVICES=1 but Redis does not answer at {redis_url}.", returncode=3)


def pytest_collection_modifyitems(config, items):
    from django.conf import settings as django_settings

    on_postgres = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); CI runs it")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: counters (SMS limits, lockouts) never carry over.

    On Redis only this run's keys go (its KEY_PREFIX): FLUSHDB would also take the Celery broker's
    queues and bindings in the same database from under a real worker.
    """
    from django.conf import settings as django_settings
    from django.core.cache import cache, caches

    from subsidies.rules import registry

    registry.forget_held_years()  # the published policy years a test opened went with its database
    yield
    registry.forget_held_years()
    caches["kept"].clear()  # the pages kept in this process (their rows went with the database)
    prefix = django_settings.CACHES["default"].get("KEY_PREFIX")
    if prefix and "redis" in django_settings.CACHES["default"]["BACKEND"].lower():
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
