"""Run a function from many threads at once, each with its own database connection
(Saleor keeps a helper like this for race-condition tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connections


def run_concurrently(
    fn: Callable[..., Any], argument_lists: Sequence[tuple], *, workers: int | None = None
) -> list[tuple[bool, Any]]:
    """[(succeeded, result_or_exception)] in the order of argument_lists. All threads
    wait at a barrier first, so the calls really overlap."""
    barrier = threading.Barrier(len(argument_lists))

    def call(args):
        try:
            barrier.wait(timeout=30)
            return True, fn(*args)
        except Exception as exc:  # noqa: BLE001 - the caller inspects what failed
            return False, exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers or len(argument_lists)) as pool:
        return list(pool.map(call, argument_lists))
