"""Model instances from one raw statement, for the reads every page makes (issue 12, fast under load).

The ORM builds and compiles a query on every call; for the one-row reads of each request (the signed-in
account, the portal's member) that costs more than the query. `Columns` lists a model's concrete
columns under an alias once, and turns the matching slice of a row back into an instance exactly as a
queryset would (the backend's and the fields' converters, `Model.from_db`), so a statement written once
per process — the model with its foreign key's model in the same row, and any extra values — stands in
for a `select_related(...)` query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import Model


class Columns:
    """A model's concrete columns under a table alias, and how a row's values become an instance."""

    def __init__(self, model: type[Model], alias: str, using: str = "default"):
        self.model, self.alias, self.using = model, alias, using
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        connection = connections[using]
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in self.fields)
        self._pk_index = self.attnames.index(model._meta.pk.attname)
        self._converters: list[list] | None = None

    def __len__(self) -> int:
        return len(self.fields)

    def _converters_of(self, connection) -> list[list]:
        if self._converters is None:
            converters = []
            for field in self.fields:
                col = field.get_col(self.alias)
                converters.append(
                    [(c, col) for c in connection.ops.get_db_converters(col) + col.get_db_converters(connection)]
                )
            self._converters = converters
        return self._converters

    def instance(self, values: Sequence[Any]) -> Model | None:
        """The instance of these values (None for a LEFT JOIN that found no row: the primary key is NULL)."""
        if values[self._pk_index] is None:
            return None
        connection = connections[self.using]
        converted = []
        for value, converters in zip(values, self._converters_of(connection), strict=True):
            for converter, col in converters:
                value = converter(value, col, connection)
            converted.append(value)
        return self.model.from_db(self.using, self.attnames, converted)


def _execute(cursor, connection, sql: str, params: Sequence[Any]) -> None:
    """Run `sql` as a server-side prepared statement on PostgreSQL: planned once per connection, not
    on every request (the portal member's statement costs more to plan than to run). PREPARE lasts
    as long as the connection (a rollback keeps it); a new connection prepares again. Elsewhere
    (SQLite) a plain execute."""
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    raw = connection.connection
    prepared = getattr(connection, "_raw_prepared", None)
    if prepared is None or prepared[0] is not raw:
        prepared = connection._raw_prepared = (raw, {})
    name = prepared[1].get(sql)
    if name is None:
        name = statement_name(sql)
        parts = sql.split("%s")
        numbered = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))
        with raw.cursor() as preparing:  # not a query of the page's own (query counts stay as they were)
            preparing.execute(f"PREPARE {name} AS {numbered}")
        prepared[1][sql] = name
    # The statement's text rides along as a comment, so a query log (and a test reading one) still says
    # what was read.
    comment = sql.replace("*/", "* /").replace("%s", "?").replace("%", "%%")
    arguments = f" ({', '.join(['%s'] * len(params))})" if params else ""
    cursor.execute(f"EXECUTE {name}{arguments} /* {comment} */", params or None)


def statement_name(sql: str) -> str:
    """The name `sql` is prepared under on PostgreSQL (its EXECUTE reads "EXECUTE <name> …")."""
    import hashlib

    return f"raw_{hashlib.sha1(sql.encode()).hexdigest()[:16]}"


def runs(sql: str, executed: str) -> bool:
    """Whether `executed` (a statement as a query log or an execute wrapper sees it) is `sql` run here."""
    return executed == sql or executed.startswith(f"EXECUTE {statement_name(sql)}")


def fetch_one(sql: str, params: Sequence[Any], using: str = "default") -> tuple | None:
    """One row of a statement written once per process (prepared once per connection on PostgreSQL)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        _execute(cursor, connection, sql, params)
        return cursor.fetchone()


def fetch_all(sql: str, params: Sequence[Any], using: str = "default") -> list[tuple]:
    connection = connections[using]
    with connection.cursor() as cursor:
        _execute(cursor, connection, sql, params)
        return cursor.fetchall()
