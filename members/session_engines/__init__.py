"""Session engines: Django's database and cached-database sessions, read with one statement written once
per process instead of a query the ORM compiles on every request (issue 12, fast under load). Writing,
expiry and the stored format are Django's own, so a session made by either engine reads in the other.

A session read from the database again in this process (its account noted when it was last read here)
is read with its account in the same statement: the signed-in account then costs no query of its own.
AuthenticationMiddleware (below) hands that row to SignInBackend.get_user for this request only, and
Django's get_user checks the session hash against it as always: it is read fresh, in this request."""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth import middleware as auth_middleware
from django.db import connections, router
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

_COLUMNS: dict[str, object] = {}
# Session key -> the account its data named when this process last read it (a key names one account for
# its life: signing in as someone else starts a new key). Only a guess of which account row to read.
_ACCOUNT_OF_SESSION: dict[str, int] = {}
_ACCOUNT_OF_SESSION_MAX = 100_000
# The session store of the request whose account is being loaded (AuthenticationMiddleware sets it).
_LOADING: ContextVar = ContextVar("session_loading_account", default=None)


class RawSessionRead:
    """`_get_session_from_db` of Django's SessionStore: the unexpired row of this key, or None (and the
    key forgotten, as Django does); `prefetched_account` the account read with it, if any."""

    prefetched_account: tuple[int, object] | None = None

    def _get_session_from_db(self):
        from jiading_union.rawrows import Columns, fetch_one

        model = self.model
        using = router.db_for_read(model)
        columns = _COLUMNS.get(using)
        if columns is None:
            columns = _COLUMNS[using] = Columns(model, "s", using)
        key = self.session_key
        now = connections[using].ops.adapt_datetimefield_value(timezone.now())
        account_id = _ACCOUNT_OF_SESSION.get(key) if using == "default" else None
        if account_id is not None:
            from members.auth import account_from_row, account_params, account_select

            select, joins = account_select()
            selects, join_values = account_params(account_id)
            row = fetch_one(
                f"SELECT {columns.sql}, {select} FROM {model._meta.db_table} s {joins} "
                "WHERE s.session_key = %s AND s.expire_date > %s",
                [*selects, *join_values, key, now],
            )
            if row is not None:
                self.prefetched_account = (account_id, account_from_row(row[len(columns) :]))
                row = row[: len(columns)]
        else:
            row = fetch_one(
                f"SELECT {columns.sql} FROM {model._meta.db_table} s WHERE s.session_key = %s AND s.expire_date > %s",
                [key, now],
                using,
            )
        if row is None:
            _ACCOUNT_OF_SESSION.pop(key, None)
            self._session_key = None
            return None
        return columns.instance(row)

    def load(self):
        key = self.session_key
        data = super().load()
        account_id = data.get(SESSION_KEY)
        if key and account_id is not None:
            try:
                account_id = int(account_id)
            except (TypeError, ValueError):
                return data
            if _ACCOUNT_OF_SESSION.get(key) != account_id:
                if len(_ACCOUNT_OF_SESSION) >= _ACCOUNT_OF_SESSION_MAX:
                    _ACCOUNT_OF_SESSION.clear()
                _ACCOUNT_OF_SESSION[key] = account_id
        return data


def prefetched_account(user_id: int) -> tuple[bool, object]:
    """(True, account or None) when this request's session was read with the account `user_id`, once;
    else (False, None) and the backend reads the account itself."""
    store = _LOADING.get()
    prefetched = getattr(store, "prefetched_account", None)
    if prefetched is None:
        return False, None
    store.prefetched_account = None  # this request's first load only; any later one reads afresh
    if prefetched[0] != user_id:
        return False, None
    return True, prefetched[1]


def _get_user(request):
    if not hasattr(request, "_cached_user"):
        token = _LOADING.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _LOADING.reset(token)
    return request._cached_user


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with request.user loaded while the session's prefetched account may be used."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))
