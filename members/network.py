"""Where a request comes from, for the sign-in lockout and the SMS code limits."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each of which appends the address it saw to
    X-Forwarded-For, the client is the entry that many places from the right; entries further
    left are whatever the client chose to send and are never trusted. Without a usable header
    (or with no proxy) it is REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
