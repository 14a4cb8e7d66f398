"""What every kept page shares (projects/kept_pages.py, jiading_union/kept_lists.py, the portal's
kept header): which requests may be answered with a kept page, the stand-in the CSRF token is
rendered as, and the request's own token put in its place. The pages themselves live in the
bounded, per-process "kept" cache (settings)."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.middleware.csrf import get_token
from django.utils.html import escape

# Stands in for the CSRF token in kept HTML; every request puts its own token in (a token is never kept).
CSRF_SLOT = "\x00csrf-token\x00"


def may_keep(request) -> bool:
    """A GET with no messages to show: any other request gets its page built afresh."""
    return request.method == "GET" and not len(get_messages(request))


def with_own_token(request, html: str) -> str:
    """Kept HTML with this request's CSRF token (which sets the CSRF cookie, as {% csrf_token %} does)."""
    return html.replace(CSRF_SLOT, escape(get_token(request)))
