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

from django.conf import settings

TRUSTED = "_trusted_device"  # the session key: when the trusted session was last (re)started, epoch seconds


def may_trust_device(user) -> bool:
    """Only members keep a long session; an account that can act for others (staff) never does."""
    return not (user.is_staff or user.is_superuser)


def session_start(request, user, *, trusted_device: bool) -> None:
    """After login(): the session's age for this sign-in."""
    if trusted_device and may_trust_device(user):
        request.session[TRUSTED] = int(time.time())
        request.session.set_expiry(trusted_age())
    else:
        request.session.pop(TRUSTED, None)
        request.session.set_expiry(None)  # SESSION_COOKIE_AGE


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
