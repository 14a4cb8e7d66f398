"""Places that must never be overbooked, claimed with one conditional UPDATE.

`UPDATE … SET taken = taken + n WHERE id = … AND taken + n <= capacity` is
atomic on PostgreSQL (the row is locked for the statement), so fifty concurrent
requests for the last five places give exactly five successes.

A booking reads the remaining places first (quota_check_room: a full pool refuses before
anything is written) and takes them with the conditional UPDATE as its first write
(quota_take), so the pool row stays locked only while the booking's few inserts are written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from projects.models import Application, QuotaClaim, QuotaPool
from subsidies.rules.data import PolicyData

from ..procedures import QuotaSpec
from .errors import QuotaFull

CAPACITY_BELOW_TAKEN = "名额不能少于已占用的{taken}个。"
CAPACITY_REASON_REQUIRED = "调整名额须填写理由（例如区总工会决定增加示范点名额的依据），理由记入变更记录。"
POOL_MISSING = "“{label}”名额尚未设置，请联系区总工会。"
POOL_FULL = "“{label}”名额已满（共{capacity}个）。"
POOL_NOT_OPEN = "“{label}”将于{time}开放预约，请届时再提交。"


# Pools a caller already holds (the first-come allocator, its locked pool): {key: pool}.
_HELD: ContextVar[dict[str, QuotaPool] | None] = ContextVar("held_pools", default=None)


@contextmanager
def pools_held(*pools: QuotaPool) -> Iterator[None]:
    """Inside the block quota_pool_for answers these pools without reading them again: for a
    caller that locked them and counts their places itself (never for a pool whose remaining
    places the caller's checks read)."""
    token = _HELD.set({pool.key: pool for pool in pools})
    try:
        yield
    finally:
        _HELD.reset(token)


def quota_pool_for(spec: QuotaSpec, *, project: str, policy_year: int, data: PolicyData) -> QuotaPool:
    held = _HELD.get()
    if held is not None and spec.key in held:
        return held[spec.key]
    pool = QuotaPool.objects.filter(key=spec.key).first()
    if pool is not None:
        return pool
    if spec.capacity_param is None:
        raise QuotaFull(POOL_MISSING.format(label=spec.label))
    capacity = data.value(spec.capacity_param)
    try:
        with transaction.atomic():
            return QuotaPool.objects.create(
                key=spec.key,
                project=project,
                policy_year=policy_year,
                label=spec.label,
                capacity=capacity,
                first_come=spec.first_come,
            )
    except IntegrityError:  # created concurrently
        return QuotaPool.objects.get(key=spec.key)


def check_pool_open(pool: QuotaPool, now: datetime) -> None:
    """Before its opening time a pool takes no booking (the page counts down to it)."""
    if pool.opens_at is not None and now < pool.opens_at:
        when = timezone.localtime(pool.opens_at)
        raise QuotaFull(POOL_NOT_OPEN.format(label=pool.label, time=f"{when:%Y-%m-%d %H:%M}"))


def quota_check_room(*, pools: dict[int, int]) -> dict[int, QuotaPool]:
    """{pool id: places wanted} → the pools, read once; QuotaFull for the first without room. Writes nothing."""
    found = QuotaPool.objects.in_bulk(list(pools))
    for pk in sorted(pools):
        pool = found[pk]
        if pool.capacity - pool.taken < pools[pk]:
            raise QuotaFull(POOL_FULL.format(label=pool.label, capacity=pool.capacity))
    return found


def quota_take(*, pool: QuotaPool, places: int) -> None:
    """Take places with the conditional UPDATE, or raise QuotaFull (another booking took the last
    ones since they were read). Inside the caller's transaction; pools in pk order."""
    updated = QuotaPool.objects.filter(pk=pool.pk, taken__lte=F("capacity") - places).update(taken=F("taken") + places)
    if not updated:
        raise QuotaFull(POOL_FULL.format(label=pool.label, capacity=pool.capacity))


def quota_claim(*, pool: QuotaPool, application: Application, places: int = 1) -> QuotaClaim:
    """Take places or raise QuotaFull. Must run inside the caller's transaction."""
    updated = QuotaPool.objects.filter(pk=pool.pk, taken__lte=F("capacity") - places).update(taken=F("taken") + places)
    if not updated:
        pool.refresh_from_db(fields=["capacity", "taken"])
        raise QuotaFull(POOL_FULL.format(label=pool.label, capacity=pool.capacity))
    return QuotaClaim.objects.create(pool=pool, application=application, places=places)


def quota_release(*, application: Application) -> int:
    """Give back every place the application holds (withdrawn, rejected). Idempotent."""
    released = 0
    for claim in QuotaClaim.objects.select_for_update().filter(application=application):
        QuotaPool.objects.filter(pk=claim.pool_id).update(taken=F("taken") - claim.places)
        released += claim.places
        claim.delete()
    return released


def check_capacity(*, pool: QuotaPool, capacity: int) -> None:
    if pool.pk is not None and capacity < pool.taken:
        raise QuotaFull(CAPACITY_BELOW_TAKEN.format(taken=pool.taken), field="capacity")


def check_capacity_reason(*, pool: QuotaPool, capacity: int, reason: str) -> None:
    """A pool's size is a district target (e.g. 2019 §12: 10 demonstration points, 20 self-built): district
    staff may raise it, but only with a reason, kept in the pool's history."""
    if pool.pk is not None and capacity != pool.capacity and not (reason or "").strip():
        raise QuotaFull(CAPACITY_REASON_REQUIRED, field="reason")


@transaction.atomic
def quota_capacity_set(*, pool: QuotaPool, capacity: int, reason: str = "", **fields) -> QuotaPool:
    """Change a pool's size (and label etc.); never below the places already taken, checked under
    the row lock so a booking in flight cannot slip past; a changed size needs a reason (history)."""
    if pool.pk is not None:
        locked = QuotaPool.objects.select_for_update().get(pk=pool.pk)
        check_capacity(pool=locked, capacity=capacity)
        check_capacity_reason(pool=locked, capacity=capacity, reason=reason)
        pool.taken = locked.taken
    pool.capacity = capacity
    for field, value in fields.items():
        setattr(pool, field, value)
    pool.full_clean()
    pool._change_reason = (reason or "").strip()  # django-simple-history keeps it with the change
    pool.save()
    return pool
