"""Session engines: Django's database and cached-database sessions, read with one statement written once
per process instead of a query the ORM compiles on every request (issue 12, fast under load). Writing,
expiry and the stored format are Django's own, so a session made by either engine reads in the other."""

from __future__ import annotations

from django.db import connections, router
from django.utils import timezone

_COLUMNS: dict[str, object] = {}


class RawSessionRead:
    """`_get_session_from_db` of Django's SessionStore: the unexpired row of this key, or None (and the
    key forgotten, as Django does)."""

    def _get_session_from_db(self):
        from jiading_union.rawrows import Columns, fetch_one

        model = self.model
        using = router.db_for_read(model)
        columns = _COLUMNS.get(using)
        if columns is None:
            columns = _COLUMNS[using] = Columns(model, "s", using)
        row = fetch_one(
            f"SELECT {columns.sql} FROM {model._meta.db_table} s WHERE s.session_key = %s AND s.expire_date > %s",
            [self.session_key, connections[using].ops.adapt_datetimefield_value(timezone.now())],
            using,
        )
        if row is None:
            self._session_key = None
            return None
        return columns.instance(row)
