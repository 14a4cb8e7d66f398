"""Request limits, counted in the Django cache (Redis in production, local memory in development).

Fixed windows of the clock: a limit of `count` per `period` lets `count` requests through in
each period-long window; a refused request is told how long until its window ends.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    period: timedelta


class LimitExceeded(Exception):
    def __init__(self, limit: Limit, retry_after: float):
        super().__init__(f"{limit.name}: {limit.count} per {limit.period}")
        self.limit = limit
        self.retry_after = retry_after

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def hit(limit: Limit, key: str) -> None:
    """Count one request against `limit` for `key`; raise LimitExceeded when it is over."""
    period = int(limit.period.total_seconds())
    now = time.time()
    window = int(now // period)
    cache_key = f"ratelimit:{limit.name}:{hashlib.sha256(key.encode()).hexdigest()[:32]}:{window}"
    if cache.add(cache_key, 1, timeout=period):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.set(cache_key, 1, timeout=period)
            count = 1
    if count > limit.count:
        raise LimitExceeded(limit, (window + 1) * period - now)
