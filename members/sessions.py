"""How long a sign-in lasts: a member's trusted phone stays signed in across the rush.

A member who ticks "在此设备保持登录" at sign-in gets a session of MEMBER_TRUSTED_SESSION_AGE
(30 days) that slides: once half of it has passed, the next request renews it for the full age
again — one session write per fifteen days of use instead of one per request
(SESSION_SAVE_EVERY_REQUEST would write the session on every page; bench/rush.py measures both).
So a member who signed in once on their phone does not sign in again at 9:00 on the opening
day, and nobody types a password to renew. Everyone else — staff always, whatever they tick —
keeps SESSION_COOKIE_AGE (8 hours), not renewed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

TRUSTED = "_trusted_device"  # the session key: when the trusted session was last (re)started, epoch seconds
MEMBER = "_member_id"  # the session key: the active member record behind the login, found at sign-in


def may_trust_device(user) -> bool:
    """Only members keep a long session; an account that can act for others (staff) never does."""
    return not (user.is_staff or user.is_superuser)


def session_start(request, user, *, trusted_device: bool) -> None:
    """After login(): the session's age for this sign-in."""
    from .selectors import active_member_id

    member_id = active_member_id(user)
    if member_id is not None:
        request.session[MEMBER] = member_id
    else:
        request.session.pop(MEMBER, None)
    if trusted_device and may_trust_device(user):
        request.session[TRUSTED] = int(time.time())
        request.session.set_expiry(trusted_age())
    else:
        request.session.pop(TRUSTED, None)
        request.session.set_expiry(None)  # SESSION_COOKIE_AGE


@dataclass(frozen=True)
class SignedInMember:
    """Who a request's session says is signed in, read from the session alone — no query. Not
    verified: whoever acts on it checks the account and its session hash against the database, as
    Django's AuthenticationMiddleware would (the first-come queue does, when it allocates)."""

    user_id: int
    member_id: int
    session_hash: str


def signed_in_member(request) -> SignedInMember | None:
    """The member a session signed in at sign-in, or None (not signed in, a staff account, or a
    session from before MEMBER was kept: those take the usual path through request.user)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    user_id, member_id, session_hash = session.get(SESSION_KEY), session.get(MEMBER), session.get(HASH_SESSION_KEY)
    if (
        not (user_id and member_id and session_hash)
        or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS
    ):
        return None
    try:
        return SignedInMember(user_id=int(user_id), member_id=int(member_id), session_hash=str(session_hash))
    except (TypeError, ValueError):
        return None


def trusted_age() -> int:
    return int(settings.MEMBER_TRUSTED_SESSION_AGE.total_seconds())


class SessionRenewalMiddleware:
    """Renews a trusted-device session once half its age has passed (after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        started = session.get(TRUSTED) if session is not None else None
        if started is not None:
            now = int(time.time())
            if now - started >= trusted_age() // 2:
                if request.user.is_authenticated and may_trust_device(request.user):
                    session[TRUSTED] = now
                    session.set_expiry(trusted_age())
                else:
                    session.pop(TRUSTED, None)
        return self.get_response(request)
