"""The Redis cache keeps one client per server (jiading_union/cache.py): same answers as Django's."""

import os

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL); CI runs it")


def test_the_cache_answers_as_djangos_and_builds_its_client_once():
    cache = caches["default"]
    assert type(cache).__name__ == "ReusedClientRedisCache"
    cache.set("cache-test-key", {"金额": "2000.00"}, 30)
    assert cache.get("cache-test-key") == {"金额": "2000.00"}
    assert cache.add("cache-test-n", 1) and cache.incr("cache-test-n") == 2
    cache.delete_many(["cache-test-key", "cache-test-n"])
    assert cache.get("cache-test-key") is None
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client and cache._cache.get_client() is client
