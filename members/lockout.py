"""Sign-in lockout: per account, per account at an address and per address, with backoff.

django-axes records every failed sign-in (axes.models.AccessAttempt: username, address, user
agent, failures, time of the last one) and asks its handler whether an attempt is locked out.
This handler answers from the rules in settings.SIGN_IN_LOCKOUT. Each rule counts the
failures recorded for one kind of counter (the account, the account from this address, or
this address) within its window; at `limit` failures it locks for `first_lock` after the last
one, and every further failure doubles the lock, up to `longest_lock`. A refused attempt checks
no password, so it is not counted and does not stretch the lock
(AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False).

The account is the person, not the spelling: a member's card number and phone (and the
login's username, which is the card number) are one counter (`lockout_username`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from .auth import sign_in_account


@dataclass(frozen=True)
class LockoutRule:
    name: str
    parameters: tuple[str, ...]  # what identifies the counter: "username" and/or "ip_address"
    limit: int  # failures before the first lock
    first_lock: timedelta
    longest_lock: timedelta
    window: timedelta  # failures whose counter has been quiet for longer are forgotten

    def lock_after(self, failures: int) -> timedelta | None:
        """How long `failures` failures lock for, counted from the last one (None: not locked)."""
        if failures < self.limit:
            return None
        doublings = min(failures - self.limit, 32)
        return min(self.first_lock * 2**doublings, self.longest_lock)


@dataclass(frozen=True)
class Lockout:
    rule: LockoutRule
    until: datetime

    def minutes_left(self, now: datetime) -> int:
        return max(1, math.ceil((self.until - now).total_seconds() / 60))


def lockout_rules() -> list[LockoutRule]:
    return [
        LockoutRule(
            name=rule["name"],
            parameters=tuple(rule["parameters"]),
            limit=rule["limit"],
            first_lock=rule["first_lock"],
            longest_lock=rule["longest_lock"],
            window=rule["window"],
        )
        for rule in settings.SIGN_IN_LOCKOUT
    ]


def lockout_username(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the counter a sign-in identifier counts against.

    An identifier that names an account counts against that account's username (a member's
    card number and phone are the same counter); any other identifier against itself, so an
    unknown one is counted, and answered, like a known one.
    """
    if credentials:
        identifier = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        identifier = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if identifier is None:
        return None
    account = sign_in_account(request, identifier)
    return account.get_username() if account is not None else identifier.strip()


class SignInLockoutHandler(AxesDatabaseHandler):
    """axes' database handler (it records the failures), deciding lockouts by SIGN_IN_LOCKOUT."""

    def lockout(self, request, credentials: dict | None = None) -> Lockout | None:
        """The longest lock any rule puts on this attempt, or None. Kept on the request for the lock page."""
        now = request.axes_attempt_time
        values = {"username": get_client_username(request, credentials), "ip_address": request.axes_ip_address}
        found = None
        for rule in lockout_rules():
            counter = {parameter: values[parameter] for parameter in rule.parameters}
            if None in counter.values():
                continue
            seen = AccessAttempt.objects.filter(attempt_time__gte=now - rule.window, **counter).aggregate(
                failures=Sum("failures_since_start"), last=Max("attempt_time")
            )
            lock = rule.lock_after(seen["failures"] or 0)
            if lock is None:
                continue
            until = seen["last"] + lock
            if until > now and (found is None or until > found.until):
                found = Lockout(rule=rule, until=until)
        request.sign_in_lockout = found
        return found

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """axes locks an attempt when this reaches AXES_FAILURE_LIMIT (before the password
        check, and after recording a failure). The rules decide: the limit while any of them
        locks this attempt, otherwise 0."""
        return get_failure_limit(request, credentials) if self.lockout(request, credentials) else 0

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """After a successful sign-in (AXES_RESET_ON_SUCCESS): that account's failures from
        that address only. A stranger's failures from elsewhere keep counting and keep the
        stranger's address locked, and signing in to one's own account never clears an
        address's failures against other accounts."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lock page, saying when to try again."""
    lockout = getattr(request, "sign_in_lockout", None)
    if lockout is None:
        lockout = SignInLockoutHandler().lockout(request, credentials)
    now = timezone.now()
    context = {
        "minutes": lockout.minutes_left(now) if lockout else 1,
        "address_only": lockout is not None and "username" not in lockout.rule.parameters,
    }
    return render(request, "members/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
