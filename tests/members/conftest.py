import uuid

import pytest


@pytest.fixture(autouse=True)
def _own_cache_keys(settings):
    """Rate-limit counters live in the cache (Redis under CI, shared by every test and by Celery):
    each test counts under its own key prefix instead of flushing anything."""
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"} for alias, config in settings.CACHES.items()
    }
