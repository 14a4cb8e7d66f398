"""The review queue kept whole for a repeat view (issue 12: a clerk reloads the queue all day).

Building and rendering an admin list page costs some five times the database work behind it: the
rows as model instances, their cells, and the admin's template of several hundred nodes. When
nothing the page shows has changed, the page is the same page. `kept_changelist` reads what the page
shows in one statement — the page's rows exactly as the list selects them, with each row's days
waiting as of now, digested by the database (md5), and the list's count, which the admin reads
anyway — and keeps the rendered page under that digest, the full path (filters, search, order,
page), the language, and who is asking (account, name, permissions). A new or changed row, a
reviewer's decision, a renamed member, a day more of waiting: another digest, another page; nothing
needs invalidating. The CSRF token is never kept (each request puts its own in, and sets the
cookie, as {% csrf_token %} does); a request with messages to show, any method but GET, and the
embedded SQLite (no md5) get the page built afresh.

Kept per process with the portal's kept pages (the "kept" cache: bounded, see settings)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.cache import caches
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language

from jiading_union.kept import CSRF_SLOT, may_keep, with_own_token
from jiading_union.rawrows import fetch_one

_CHANGELIST = "_kept_changelist"


def kept_changelist(model_admin, request, context: dict, view: Callable) -> HttpResponse:
    """`view(request, context)` (the admin's changelist_view), or the page it made for the same
    inputs. The model admin's get_changelist_instance must hand back `kept_instance(request)` when
    there is one (the list is built once, its count read once)."""
    if (
        not may_keep(request)
        or connection.vendor != "postgresql"
        or not model_admin.has_view_or_change_permission(request)  # the view's own answer: 403
    ):
        return view(request, context)
    try:
        changelist = model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        return view(request, context)  # the admin's own answer (a redirect with ?e=1)
    setattr(request, _CHANGELIST, changelist)
    user = request.user
    permissions = sorted(getattr(user, "_perm_cache", ())) if not user.is_superuser else ["*"]
    inputs = (
        rows_digest(changelist.result_list, timezone.now()),
        changelist.result_count,
        changelist.full_result_count,
        request.get_full_path(),
        get_language(),
        user.pk,
        user.get_username(),
        user.get_short_name(),
        permissions,
        sorted((k, str(v)) for k, v in context.items()),
    )
    key = f"kept-list:{hashlib.sha1(repr(inputs).encode()).hexdigest()}"
    kept = caches["kept"]
    html = kept.get(key)
    if html is not None:
        return HttpResponse(with_own_token(request, html))
    response = view(request, {**context, "csrf_token": CSRF_SLOT})
    if not isinstance(response, TemplateResponse) or response.status_code != 200:
        return response
    response.render()
    html = response.content.decode(response.charset)
    kept.set(key, html)
    response.content = with_own_token(request, html)
    return response


def kept_instance(request):
    """The changelist kept_changelist built for this request (once), else None."""
    return request.__dict__.pop(_CHANGELIST, None)


def rows_digest(rows, now) -> str:
    """md5 of the page's rows as the list selects them (every column and annotation, in order) and
    each row's whole days since its status changed (what the list's "waiting" column shows), in one
    statement over the list's own query."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a list that can hold nothing (a scope without rows) is asked nothing
        return ""
    waited = "coalesce(floor(extract(epoch from (%s::timestamptz - t.status_changed_at)) / 86400)::text, '')"
    # Prepared once per connection and SQL text (a page's filters, order and page; the values are
    # parameters): the rows' query costs more to plan than to run.
    (digest,) = fetch_one(
        f"SELECT md5(coalesce(string_agg(t::text || '|' || {waited}, ',' ORDER BY n), '')) "
        f"FROM (SELECT s.*, row_number() OVER () AS n FROM ({sql}) s) t",
        [now, *params],
    )
    return digest
