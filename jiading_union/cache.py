"""Django's Redis cache, keeping one client object per server.

Django's RedisCacheClient builds a new redis.Redis around its connection pool for every operation
(≈0.1 ms each: redis-py fills its response-callback table anew). A signed-in request reads its
session from this cache, so at a 9:00 opening that was a tenth of a queued booking's cost
(bench/rush.py). redis.Redis objects are thread-safe over their pool, so one per server is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ReusedClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        clients = self.__dict__.setdefault("_clients", {})
        index = self._get_connection_pool_index(write)
        if index not in clients:
            clients[index] = super().get_client(key, write=write)
        return clients[index]


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient
