"""Fast bulk inserts for seeding and large imports.

On PostgreSQL rows go through COPY, with primary keys reserved from the
table's sequence first so children can reference parents in the same load.
Elsewhere (SQLite, the embedded default) it falls back to bulk_create.
Rows are dicts keyed by field attname (``organisation_id``, not ``organisation``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Take `count` ids from the model's primary-key sequence (PostgreSQL only)."""
    if count == 0:
        return []
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk_column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (date, datetime, Decimal, int)):
        return value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(model: type[models.Model], attnames: Sequence[str], rows: Iterable[dict]) -> int:
    """COPY rows into the model's table. Every row must carry every attname."""
    opts = model._meta
    column_of = {field.attname: field.column for field in opts.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column_of[name]) for name in attnames)
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(_copy_text(row[name]) for name in attnames))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN", buffer)
    return count


def insert_rows(model: type[models.Model], rows: list[dict], *, with_ids: bool = False) -> list[int] | None:
    """Insert rows; with_ids returns the new primary keys in row order."""
    if not rows:
        return [] if with_ids else None
    if is_postgresql():
        if with_ids:
            ids = reserve_ids(model, len(rows))
            for row, pk in zip(rows, ids, strict=True):
                row["id"] = pk
        copy_rows(model, list(rows[0]), rows)
        return [row["id"] for row in rows] if with_ids else None
    created = model.objects.bulk_create([model(**row) for row in rows])
    return [obj.pk for obj in created] if with_ids else None


def insert_select(
    model: type[models.Model], columns: Sequence[str], queryset: models.QuerySet, suffix: str = ""
) -> int:
    """INSERT INTO model (columns) SELECT …: one statement, the rows never enter Python.

    `queryset` is a values_list() of as many expressions as `columns` (field names of `model`), in
    the same order; `suffix` is appended verbatim (e.g. an ON CONFLICT clause). Returns the row count."""
    sql, params = queryset.order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql} {suffix}", params)
        return cursor.rowcount
