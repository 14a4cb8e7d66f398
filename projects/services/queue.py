"""First come, first served (先到先得): at opening, requests queue in arrival order; a worker
allocates the places in that order, in batches.

When a pool is first-come (QuotaPool.first_come) and its opening time has come, a booking request
does not book: `booking_enqueue` puts it in the pool's queue in Redis — one Lua script, atomic, so
the arrival order is Redis's order and the arrival time Redis's clock — and the member is answered
at once with their place in line ("已排队，第 N 位"). First come means first arrived, not first to
get through a saturated server: the request does almost nothing before it queues.

The allocator (`queue_allocate_batch`, run by the Celery task projects.tasks.allocate_first_come)
takes the next requests in arrival order and, in one transaction holding the pool's row lock, runs
each through the same decision path as a direct booking (projects.services.submission:
eligibility, once-only key, facts, proofs; the application written once), then takes all the
batch's places with one conditional UPDATE. A request refused at allocation (not eligible, a
duplicate, the pool full) consumes no place and its member is told why. Each outcome is a
QueuedBooking row (unique pool + ticket) written in the same transaction, so a worker killed
mid-batch allocates nothing (the transaction rolls back, the requests are still queued), and one
killed after the commit skips what it already allocated when it runs again: every place is
allocated exactly once and no queued request is lost (while Redis keeps its data: appendonly in
docker-compose.yml). After the commit the outcomes go to Redis for the member's page (polled) and
to the inbox (Notification).

Without Redis (the embedded default) there is no queue: bookings take the direct path, one
conditional UPDATE each (projects.services.quotas), which never oversells either.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from members.models import Member, User
from projects.models import Notification, Offering, QueuedBooking, QueueOutcome, QuotaPool
from projects.procedures import Applicant, Procedure
from projects.selectors import with_dues_of_year
from subsidies.rules.facts import FactsError
from subsidies.selectors import policy_snapshot

from .errors import ApplicationError, QuotaFull
from .quotas import POOL_FULL, check_pool_open, pools_held
from .submission import (
    Submission,
    submission_check_room,
    submission_prepare,
    submission_take_places,
    submission_write,
    submissions_write,
)

QUEUED = "已排队，第 {position} 位"
ALREADY_QUEUED = "您已在排队中，第 {position} 位"
WAITING = "排队中，前面还有 {ahead} 位"
ALLOCATED = "预约成功：{reference}"
REFUSED = "未能分配名额：{reason}"
FACTS_WRONG = "填写有误：{errors}"
GONE = "账号、会员记录或场次已不存在"
SIGNED_OUT = "登录已失效（账号已停用或密码已修改），请重新登录后再预约"
REFUSED_TITLE = "您排队预约的“{label}”未能分配名额"

# Redis answers for the enqueue script.
_QUEUED, _ALREADY, _FULL = 1, 2, 3

_ENQUEUE = """
-- KEYS: queue (zset), seq, who (hash user -> ticket), full flag, kick flag, active pools (set)
-- ARGV: user id, payload, pool id, kick seconds
if redis.call('EXISTS', KEYS[4]) == 1 then return {3, 0, 0, 0} end
local held = redis.call('HGET', KEYS[3], ARGV[1])
if held then return {2, tonumber(held), redis.call('ZCOUNT', KEYS[1], '-inf', held), 0} end
local ticket = redis.call('INCR', KEYS[2])
local now = redis.call('TIME')
redis.call('ZADD', KEYS[1], ticket, ticket .. ' ' .. now[1] .. ' ' .. now[2] .. ' ' .. ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], ticket)
redis.call('SADD', KEYS[6], ARGV[3])
local kick = 0
if redis.call('SET', KEYS[5], '1', 'NX', 'EX', ARGV[4]) then kick = 1 end
return {1, ticket, redis.call('ZCARD', KEYS[1]), kick}
"""

_FORGET = """
-- KEYS: who; ARGV: pairs of user id, ticket: forget the user's ticket unless they queued again since
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 1
"""

_client = None
_scripts: dict[str, Any] = {}


def enabled() -> bool:
    return bool(settings.FIRST_COME_QUEUE and settings.REDIS_URL)


def redis_client():
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL)
    return _client


def _script(name: str, source: str):
    if name not in _scripts:
        _scripts[name] = redis_client().register_script(source)
    return _scripts[name]


@dataclass(frozen=True)
class Keys:
    queue: str
    seq: str
    who: str
    out: str
    full: str
    kick: str


def _prefix() -> str:
    return settings.FIRST_COME_QUEUE_PREFIX


def keys_for(pool_id: int) -> Keys:
    base = f"{_prefix()}:{pool_id}"
    return Keys(
        queue=f"{base}:q",
        seq=f"{base}:seq",
        who=f"{base}:who",
        out=f"{base}:out",
        full=f"{base}:full",
        kick=f"{base}:kick",
    )


def _active_key() -> str:
    return f"{_prefix()}:active"


# --- which requests queue ---------------------------------------------------------------

_pool_cache: dict[str, tuple[float, QuotaPool | None]] = {}
POOL_CACHE_SECONDS = 2.0


def _pool_by_key(key: str) -> QuotaPool | None:
    """A pool's settings, read at most every two seconds per process (the rush reads it for every
    request; its remaining places are the allocator's business, never read from here)."""
    now = time.monotonic()
    cached = _pool_cache.get(key)
    if cached is not None and now - cached[0] < POOL_CACHE_SECONDS:
        return cached[1]
    pool = QuotaPool.objects.filter(key=key).first()
    _pool_cache[key] = (now, pool)
    return pool


def queue_is_open(pool: QuotaPool, now: datetime) -> bool:
    """Requests for the pool queue: it is first-come, Redis is there, and its opening has come
    (for FIRST_COME_QUEUE_WINDOW; after that bookings take the direct path again)."""
    return (
        enabled()
        and pool.first_come
        and pool.opens_at is not None
        and pool.opens_at <= now < pool.opens_at + settings.FIRST_COME_QUEUE_WINDOW
    )


def queue_pool_for(
    *,
    procedure: Procedure,
    member_id: int,
    policy_year: int,
    facts: dict[str, Any],
    offering: Offering | None,
    now: datetime,
) -> QuotaPool | None:
    """The first-come pool this booking request queues for, or None (it is booked directly)."""
    pools = [offering.quota] if offering is not None else []
    if procedure.quotas is not None:
        # The shipped data, not a read of the overrides: at the opening this answers before any other work.
        for spec in procedure.quotas(Applicant(member_id, None, policy_year), facts, None):
            pool = _pool_by_key(spec.key)
            if pool is not None:
                pools.append(pool)
    for pool in sorted(pools, key=lambda p: p.pk):
        check_pool_open(pool, now)
        if queue_is_open(pool, now):
            return pool
    return None


# --- joining the queue ---------------------------------------------------------------------


@dataclass(frozen=True)
class Ticket:
    pool_id: int
    ticket: int
    position: int
    already: bool

    @property
    def message(self) -> str:
        return (ALREADY_QUEUED if self.already else QUEUED).format(position=self.position)


def booking_enqueue(
    *,
    user_id: int,
    member_id: int,
    session_hash: str,
    rule_id: str,
    policy_year: int,
    facts: dict[str, Any],
    offering: Offering | None,
    pool: QuotaPool,
    kick: bool = True,
) -> Ticket:
    """Queue a booking request for a first-come pool: its ticket and place in line. A member holds
    one ticket per pool at a time (asking again answers the same place). Raises QuotaFull once the
    allocator has found the pool full. Writes nothing to the database; the allocator checks the
    member, the account and the facts as a direct booking does, and that the account's session hash
    is still `session_hash` (the request was taken on its session's word, without reading the account)."""
    payload = json.dumps(
        {
            "u": user_id,
            "h": session_hash,
            "m": member_id,
            "r": rule_id,
            "y": policy_year,
            "o": offering.pk if offering is not None else None,
            "f": facts,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    keys = keys_for(pool.pk)
    status, ticket, position, kick_now = _script("enqueue", _ENQUEUE)(
        keys=[keys.queue, keys.seq, keys.who, keys.full, keys.kick, _active_key()],
        args=[user_id, payload, pool.pk, settings.FIRST_COME_KICK_SECONDS],
    )
    if status == _FULL:
        raise QuotaFull(POOL_FULL.format(label=pool.label, capacity=pool.capacity))
    if kick and kick_now:
        from projects.tasks import allocate_first_come

        allocate_first_come.delay(pool.pk)
    return Ticket(pool_id=pool.pk, ticket=int(ticket), position=int(position), already=status == _ALREADY)


# --- allocating ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Queued:
    ticket: int
    arrived_at: datetime
    user_id: int
    session_hash: str | None
    member_id: int | None
    rule_id: str
    policy_year: int
    offering_id: int | None
    facts: dict[str, Any]
    raw: bytes


def _parse(raw: bytes) -> Queued:
    ticket, seconds, micros, payload = raw.decode().split(" ", 3)
    data = json.loads(payload)
    arrived = datetime.fromtimestamp(int(seconds) + int(micros) / 1_000_000, tz=UTC)
    return Queued(
        ticket=int(ticket),
        arrived_at=arrived,
        user_id=data["u"],
        session_hash=data.get("h"),
        member_id=data["m"],
        rule_id=data["r"],
        policy_year=data["y"],
        offering_id=data["o"],
        facts=data["f"],
        raw=raw,
    )


def queued_requests(pool_id: int, limit: int = 1000) -> list[Queued]:
    """The requests still waiting, in arrival order."""
    return [_parse(raw) for raw in redis_client().zrange(keys_for(pool_id).queue, 0, limit - 1)]


def _entry(item: Queued, pool: QuotaPool) -> QueuedBooking:
    return QueuedBooking(
        pool=pool,
        ticket=item.ticket,
        arrived_at=item.arrived_at,
        user_id=item.user_id,
        rule_id=item.rule_id,
        policy_year=item.policy_year,
        offering_id=item.offering_id,
        facts=item.facts,
    )


def _refused(entry: QueuedBooking, reason: str) -> QueuedBooking:
    entry.outcome = QueueOutcome.REFUSED
    entry.message = REFUSED.format(reason=reason)[:500]
    return entry


@dataclass(frozen=True)
class _BatchRecords:
    """The users, members and offerings of a batch's requests, read with one query each."""

    users: dict[int, User]
    members: dict[int, Member]
    offerings: dict[int, Offering]

    @classmethod
    def read(cls, items: list[Queued]) -> _BatchRecords:
        year = timezone.localdate().year
        members = with_dues_of_year(Member.objects.select_related("organisation", "street", "user"), year).in_bulk(
            {i.member_id for i in items if i.member_id is not None}
        )
        for member in members.values():
            member.dues_year = year  # member_profile takes the year's dues from this query
        return cls(
            users=User.objects.in_bulk({i.user_id for i in items}),
            members=members,
            offerings=Offering.objects.select_related("quota").in_bulk(
                {i.offering_id for i in items if i.offering_id is not None}
            ),
        )


def _prepare_one(
    item: Queued, pool: QuotaPool, remaining: int, records: _BatchRecords, *, write: bool
) -> tuple[QueuedBooking, Submission | None, User | None]:
    """One request through the direct booking's checks, its places in `pool` counted, not taken
    (the batch takes them with one UPDATE); places in its other pools, if any, taken; written too
    when `write` (else the batch writes its prepared requests together). Refused: no place
    consumed, the reason kept."""
    entry = _entry(item, pool)
    full = POOL_FULL.format(label=pool.label, capacity=pool.capacity)
    if remaining <= 0:
        return _refused(entry, full), None, None
    user = records.users.get(item.user_id)
    member = records.members.get(item.member_id)
    offering = records.offerings.get(item.offering_id) if item.offering_id is not None else None
    if user is None or member is None or (item.offering_id is not None and offering is None):
        return _refused(entry, GONE), None, None
    if not _session_still_valid(user, item.session_hash):
        return _refused(entry, SIGNED_OUT), None, None
    others = frozenset({pool.pk})
    try:
        submission = submission_prepare(  # reads only
            user=user,
            rule_id=item.rule_id,
            policy_year=item.policy_year,
            facts=item.facts,
            member=member,
            offering=offering,
        )
        if submission.places.get(pool.pk, 0) > remaining:
            raise QuotaFull(full)
        submission_check_room(submission, exclude=others)
        if write or set(submission.places) - others:
            with transaction.atomic():  # a refusal gives back this request's places in other pools
                submission_take_places(submission, exclude=others)
                if write:
                    _allocated(entry, submission_write(submission, user=user))
    except FactsError as exc:
        return _refused(entry, FACTS_WRONG.format(errors="；".join(exc.errors.values()))), None, None
    except ApplicationError as exc:
        return _refused(entry, exc.message), None, None
    return entry, submission, user


def _session_still_valid(user: User, session_hash: str | None) -> bool:
    """What Django's AuthenticationMiddleware checks of a session, checked at allocation: the account
    is active and its password has not changed since the session signed in (a request from before
    session hashes were queued — None — was checked by the middleware when it queued)."""
    if not user.is_active:
        return False
    if session_hash is None:
        return True
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    return any(constant_time_compare(session_hash, h) for h in user.get_session_auth_fallback_hash())


def _allocated(entry: QueuedBooking, application) -> None:
    entry.outcome = QueueOutcome.ALLOCATED
    entry.application = application
    entry.message = ALLOCATED.format(reference=application.reference)


class _WriteOneByOne(Exception):
    """A once-only key of the batch was taken meanwhile by another door: the batch is undone and
    written again request by request, so that request alone is refused, by name."""


def queue_allocate_batch(*, pool_id: int, size: int | None = None) -> int:
    """Allocate the next `size` queued requests of a pool, in arrival order, in one transaction;
    the number of requests handled (0: the queue is empty)."""
    client = redis_client()
    keys = keys_for(pool_id)
    items = [_parse(raw) for raw in client.zrange(keys.queue, 0, (size or settings.FIRST_COME_BATCH) - 1)]
    if not items:
        return 0
    try:
        pool, entries, published, full = _allocate(pool_id, items, together=True)
    except _WriteOneByOne:
        pool, entries, published, full = _allocate(pool_id, items, together=False)
    _publish(keys, published, full=full)
    return len(items)


def _allocate(pool_id: int, items: list[Queued], *, together: bool):
    # One read of the policy data for the whole batch, as for one submission.
    with policy_snapshot(), transaction.atomic():
        # The row lock makes allocators of one pool take turns; what an earlier run committed is skipped.
        pool = QuotaPool.objects.select_for_update().get(pk=pool_id)
        return _allocate_locked(pool, items, together=together)


def _allocate_locked(pool: QuotaPool, items: list[Queued], *, together: bool):
    with pools_held(pool):  # its places are counted here, never re-read per request
        earlier = {e.ticket: e for e in QueuedBooking.objects.filter(pool=pool, ticket__in=[i.ticket for i in items])}
        remaining = pool.capacity - pool.taken
        fresh = [i for i in items if i.ticket not in earlier]
        records = _BatchRecords.read(fresh if remaining > 0 else [])  # once full, refused unread
        entries, prepared, allocated = [], [], 0
        for item in fresh:
            entry, submission, user = _prepare_one(item, pool, remaining - allocated, records, write=not together)
            entries.append(entry)
            if submission is not None:
                allocated += submission.places.get(pool.pk, 0)
                if together:
                    prepared.append((entry, submission, user))
        if prepared:
            try:
                with transaction.atomic():
                    applications = submissions_write([(s, u) for _e, s, u in prepared])
            except IntegrityError:
                raise _WriteOneByOne from None
            for (entry, _s, _u), application in zip(prepared, applications, strict=True):
                _allocated(entry, application)
        if allocated:  # one UPDATE for the whole batch; the row is locked, the condition is the last guard
            updated = QuotaPool.objects.filter(pk=pool.pk, taken__lte=F("capacity") - allocated).update(
                taken=F("taken") + allocated
            )
            if not updated:
                raise RuntimeError(f"pool {pool.pk}: {allocated} places counted but not free")
        QueuedBooking.objects.bulk_create(entries)
        refused = [e for e in entries if e.outcome == QueueOutcome.REFUSED]
        transaction.on_commit(lambda: _notify_refused(pool, refused))
    return pool, entries, [*earlier.values(), *entries], remaining - allocated <= 0


def _notify_refused(pool: QuotaPool, entries: list[QueuedBooking]) -> None:
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=e.user_id, title=REFUSED_TITLE.format(label=pool.label), body=e.message)
            for e in entries
        ]
    )


def _outcome_json(entry: QueuedBooking) -> str:
    return json.dumps(
        {
            "ticket": entry.ticket,
            "outcome": entry.outcome,
            "message": entry.message,
            "reference": entry.application.reference if entry.application_id else None,
        },
        ensure_ascii=False,
    )


def _publish(keys: Keys, entries: list[QueuedBooking], *, full: bool) -> None:
    """After the commit: the outcomes for the members' pages, the requests off the queue. Idempotent
    (a run that resumes publishes again what an interrupted one committed)."""
    if not entries:
        return
    client = redis_client()
    pipe = client.pipeline()
    pipe.hset(keys.out, mapping={str(e.user_id): _outcome_json(e) for e in entries})
    pipe.expire(keys.out, settings.FIRST_COME_OUTCOME_SECONDS)
    pipe.zremrangebyscore(keys.queue, "-inf", max(e.ticket for e in entries))
    if full:
        pipe.set(keys.full, "1", ex=settings.FIRST_COME_FULL_SECONDS)
    pipe.execute()
    forget = [str(v) for e in entries for v in (e.user_id, e.ticket)]
    _script("forget", _FORGET)(keys=[keys.who], args=forget)


def queue_drain(*, pool_id: int, seconds: float | None = None) -> int:
    """Allocate batches until the pool's queue is empty (or `seconds` have passed: the rest is
    handed to a new task). The number of requests handled."""
    client = redis_client()
    keys = keys_for(pool_id)
    started, handled = time.monotonic(), 0
    while True:
        count = queue_allocate_batch(pool_id=pool_id)
        handled += count
        if count == 0:
            # Stop only once a request arriving now would kick a new task: clear the flag, then look again.
            client.delete(keys.kick)
            client.srem(_active_key(), pool_id)
            if client.zcard(keys.queue) == 0:
                return handled
            client.sadd(_active_key(), pool_id)
        elif seconds is not None and time.monotonic() - started > seconds:
            from projects.tasks import allocate_first_come

            allocate_first_come.delay(pool_id)
            return handled


def active_pools() -> list[int]:
    """Pools with requests waiting (for the periodic task that catches a lost kick or a dead worker)."""
    if not enabled():
        return []
    return sorted(int(pk) for pk in redis_client().smembers(_active_key()))


# --- what the member sees ------------------------------------------------------------------


def ticket_status(*, pool: QuotaPool, user: User) -> dict[str, Any]:
    """The member's place in line or the outcome: {"state": queued | allocated | refused | none, …}."""
    keys = keys_for(pool.pk)
    client = redis_client() if enabled() else None
    if client is not None:
        ticket, outcome = client.pipeline().hget(keys.who, user.pk).hget(keys.out, user.pk).execute()
        if ticket is not None:
            ahead = max(client.zcount(keys.queue, "-inf", int(ticket)) - 1, 0)
            return {
                "state": "queued",
                "ticket": int(ticket),
                "ahead": ahead,
                "message": WAITING.format(ahead=ahead),
                "poll_ms": _poll_ms(ahead),
            }
        if outcome is not None:
            data = json.loads(outcome)
            return {
                "state": data["outcome"],
                "ticket": data["ticket"],
                "message": data["message"],
                "reference": data["reference"],
            }
    entry = QueuedBooking.objects.filter(pool=pool, user=user).select_related("application").order_by("-ticket").first()
    if entry is None:
        return {"state": "none"}
    return {
        "state": entry.outcome,
        "ticket": entry.ticket,
        "message": entry.message,
        "reference": entry.application.reference if entry.application_id else None,
    }


def _poll_ms(ahead: int) -> int:
    """Ask again sooner near the front: thousands of members polling must not crowd the server."""
    return min(2000 + ahead * 2, 10000)


def opens_in_seconds(pool: QuotaPool) -> float | None:
    if pool.opens_at is None:
        return None
    return (pool.opens_at - timezone.now()).total_seconds()
