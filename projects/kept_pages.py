"""Whole portal pages kept for repeat views (issue 12: a page that opens at 9:00 for thousands of
members must not fall over).

The calculators' index is made from the published policy years alone; a member's entitlement and
application pages are made from what the view reads first (the
member, the policy stamp, the applications, the locked record facts) and digests into a key; when
nothing in it changed, the page is the same page. `kept_page` keeps the rendered HTML in the cache under
that key, the language and everything the site header shows (projects.templatetags.portal.
header_inputs), so a kept page is never another member's or an out-of-date one and nothing needs
invalidating. The CSRF token is never kept: the page is rendered with a stand-in that each request
replaces with its own token (setting the cookie, as {% csrf_token %} does). A request with messages
to show, or any method but GET, gets the page rendered afresh. Kept per process in the
bounded "kept" cache (settings: at most KEPT_PAGES pages, 10 minutes each)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache as cache_once

from django.core.cache import caches
from django.http import HttpResponse
from django.utils.translation import get_language

from jiading_union.kept import CSRF_SLOT, may_keep, with_own_token

from . import selectors
from .templatetags.portal import header_inputs


def kept_page(request, key: str, render: Callable[[dict], HttpResponse]) -> HttpResponse:
    """The page `render(extra_context)` makes, kept under `key` (a digest of everything the page's
    own content is made from). `render` must pass `extra_context` into the template's context."""
    if not may_keep(request):
        return render({})
    navigation = cache_once(lambda: selectors.portal_navigation(request))  # asked for a signed-in user only
    header = header_inputs(request, request.user, is_member=lambda: navigation()[0], unread=lambda: navigation()[1])
    digest = hashlib.sha1(repr((key, get_language(), sorted(header.items()))).encode()).hexdigest()
    cache_key = f"kept-page:{digest}"
    kept = caches["kept"]
    html = kept.get(cache_key)
    if html is None:
        response = render({"csrf_token": CSRF_SLOT})
        if response.status_code != 200 or response.streaming:
            return response
        html = response.content.decode(response.charset)
        kept.set(cache_key, html)
    return HttpResponse(with_own_token(request, html))
