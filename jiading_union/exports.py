"""Any admin changelist to .xlsx: the user's scope and current filters, masked ID numbers, safe cells.

The rows are the changelist's own queryset (ModelAdmin.get_queryset → scope_for, then the filters
and search of the query string), read as tuples in one query (``values_list(...).iterator()``, a
server-side cursor on PostgreSQL) and written by openpyxl in write-only mode, so memory and the
number of queries do not grow with the rows. Cells:

- text beginning with = + - @ tab or CR gets a leading apostrophe, so no spreadsheet runs it as a
  formula (jiading_union.imports reads such a cell back without it);
- ID numbers masked (310114********1234) unless members.selectors.may_read_full_id_numbers;
- choices as their Chinese labels, 是/否, dates as dates, times in Asia/Shanghai, amounts as
  numbers formatted "#,##0.00 元"; a bold, frozen header row and column widths that fit.

The admin reaches this through django-import-export (jiading_union/resources.py: its Resource's
export returns these rows, its Format's export_data writes them here).

More than SPREADSHEET_INLINE_MAX_ROWS rows: a SpreadsheetJob and a Celery task write the file, and
the job page offers the download.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from members.identity import mask_id_number

logger = logging.getLogger(__name__)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "csv": CSV_TYPE}
PROGRESS_EVERY = 5000  # rows between two progress writes of a background export
EXPORT_QUEUED = "导出的行数较多，正在后台生成：完成后可在本页下载。"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = '#,##0.00" 元"'
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"
# The field that names a row of a related model, in the order tried (a foreign key's column shows it).
LABEL_FIELDS = ("name", "title", "label", "reference", "username", "code")
YES, NO = "是", "否"


def escape_cell(value: Any) -> Any:
    """A text a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class ExportColumn:
    header: str
    path: str
    kind: str = "text"  # text | number | money | date | datetime | time | bool | choice | id_number
    choices: dict | None = None
    width: int = 14
    label: Any = None  # kind "label": a function from the stored code to its words (no query)


def _field_at(model, path: str) -> models.Field:
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation and part != path.split("__")[-1]:
            model = field.related_model
    return field


def column_for(model, path: str, header: str | None = None) -> ExportColumn:
    field = _field_at(model, path)
    if field.is_relation:  # a foreign key: its name (or its text when it has none)
        related = field.related_model
        own = {f.name for f in related._meta.fields}
        name = next((n for n in LABEL_FIELDS if n in own), related._meta.pk.name)
        return column_for(model, f"{path}__{name}", header or str(field.verbose_name))
    header = header or str(field.verbose_name)
    width = max(10, 2 * len(header) + 2)
    if field.name == "id_number":
        return ExportColumn(header, path, "id_number", width=22)
    if field.choices:
        return ExportColumn(header, path, "choice", {k: str(v) for k, v in field.flatchoices}, width=max(width, 12))
    if isinstance(field, models.BooleanField):
        return ExportColumn(header, path, "bool", width=width)
    if isinstance(field, models.DateTimeField):
        return ExportColumn(header, path, "datetime", width=18)
    if isinstance(field, models.DateField):
        return ExportColumn(header, path, "date", width=12)
    if isinstance(field, models.TimeField):
        return ExportColumn(header, path, "time", width=10)
    if isinstance(field, models.DecimalField):
        money = "元" in header or field.name in ("amount", "total") or field.decimal_places == 2
        kind = "money" if money else "number"
        return ExportColumn(header, path, kind, width=max(width, 14))
    if isinstance(field, models.IntegerField | models.FloatField):
        return ExportColumn(header, path, "number", width=width)
    max_length = getattr(field, "max_length", None) or 20
    return ExportColumn(header, path, "text", width=min(max(width, max_length // 2 + 4), 40))


def columns_for(model_admin, request) -> list[ExportColumn]:
    model = model_admin.model
    declared = getattr(model_admin, "export_columns", None)
    if declared:
        columns = []
        for header, path, *labels in declared:
            column = column_for(model, path, header)
            if labels:  # a code column with its labels given (a project's title, say)
                given = labels[0]() if callable(labels[0]) else labels[0]
                column = ExportColumn(header, column.path, "choice", dict(given), width=max(column.width, 20))
            columns.append(column)
        return columns
    columns, seen = [], set()
    for entry in model_admin.get_list_display(request):
        found = _list_column(model_admin, model, entry)
        if found is not None and found.path not in seen:
            seen.add(found.path)
            columns.append(found)
    if not columns:  # a list of __str__ only: the model's own fields
        columns = [column_for(model, f.name) for f in model._meta.concrete_fields if _plain(f)]
    return columns


NEVER_EXPORTED = frozenset({"password"})


def _plain(field) -> bool:
    return not (
        field.primary_key
        or field.name in NEVER_EXPORTED
        or isinstance(field, models.JSONField | models.BinaryField | models.FileField)
    )


def _list_column(model_admin, model, entry) -> ExportColumn | None:
    """A list_display entry as a column read in the one query: a model field or a lookup path
    (``unit__name``) with its verbose name, or an admin column whose ordering names a field path,
    under the column's own label. Columns computed per row are left out (a query each)."""
    header = None
    if isinstance(entry, str):
        if entry.split("__")[0] in NEVER_EXPORTED:
            return None
        try:
            field = _field_at(model, entry)
        except Exception:
            field = None
        if field is not None and getattr(field, "concrete", False) and _plain(field):
            return _labelled(model, entry, None)
        entry = getattr(model_admin, entry, None) or getattr(model, entry, None)
    order = getattr(entry, "admin_order_field", None)
    if not isinstance(order, str) or order.split("__")[0] in NEVER_EXPORTED:
        return None
    order = order.lstrip("-")
    header = getattr(entry, "short_description", None)
    try:
        field = _field_at(model, order)
    except Exception:
        return None
    if not getattr(field, "concrete", False) or not _plain(field):
        return None
    if "__" in order and field.name == "code":  # ordered by a related row's code: show its name
        order = order.rsplit("__", 1)[0]
    words = getattr(entry, "export_label", None)  # a code's words, as the column shows them
    if words is not None:
        return ExportColumn(str(header or field.verbose_name), order, "label", label=words, width=20)
    return _labelled(model, order, str(header) if header else None)


def _labelled(model, path: str, header: str | None) -> ExportColumn | None:
    """A column, unless it would show a related row by its bare number (a model with no name)."""
    field = _field_at(model, path)
    if field.is_relation and not any(n in {f.name for f in field.related_model._meta.fields} for n in LABEL_FIELDS):
        return None
    return column_for(model, path, header)


class _ReusedCell(Cell):
    """openpyxl takes a cell in a row by failing to store it as a value, and formats the cell's
    repr into that error: a constant repr keeps the failure cheap."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<cell>"


def _styled(sheet, number_format: str):
    """One cell per column, restyled never: openpyxl's write-only writer serialises a row's cells
    during append, so the same cell carries each row's value (a new styled cell per value costs a
    style lookup each)."""
    cell = _ReusedCell(sheet)
    cell.number_format = number_format

    def put(value):
        if value is None:
            return None
        cell.value = value
        return cell

    return put


def _converter(column: ExportColumn, masked: bool, sheet):
    kind = column.kind
    if kind == "id_number":
        return (lambda v: mask_id_number(v) if v else None) if masked else None
    if kind == "label":
        words = column.label
        return lambda v: None if v in (None, "") else escape_cell(str(words(v)))
    if kind == "choice":
        labels = column.choices or {}
        return lambda v: labels.get(v) if v in labels else (None if v is None else escape_cell(str(v)))
    if kind == "bool":
        return lambda v: None if v is None else (YES if v else NO)
    if kind == "money":
        return _styled(sheet, MONEY_FORMAT)
    if kind == "date":
        return _styled(sheet, DATE_FORMAT)
    if kind == "time":
        return _styled(sheet, TIME_FORMAT)
    if kind == "datetime":
        tz = timezone.get_current_timezone()
        put = _styled(sheet, DATETIME_FORMAT)
        return lambda v: put(v.astimezone(tz).replace(tzinfo=None)) if v else None
    if kind == "number":
        return None  # written as it is
    return lambda v: (v if v[:1] not in FORMULA_STARTS else "'" + v) if isinstance(v, str) else _plain_value(v)


def _plain_value(value):
    """A value a cell holds as it is (a number), else its text (a UUID, an address)."""
    if value is None or isinstance(value, int | float | Decimal):
        return value
    return escape_cell(str(value))


def _csv_converter(column: ExportColumn, masked: bool):
    """A CSV cell: the same words as the .xlsx (labels, masking, escaping); dates as 2024-03-01,
    times in Asia/Shanghai, amounts as 2000.00 (a number a spreadsheet can sum)."""
    kind = column.kind
    if kind in ("money", "number", "date"):
        return None
    if kind == "time":
        return lambda v: v.strftime("%H:%M") if v else None
    if kind == "datetime":
        tz = timezone.get_current_timezone()
        return lambda v: v.astimezone(tz).strftime("%Y-%m-%d %H:%M") if v else None
    return _converter(column, masked, None)


def write_csv(out, *, columns: list[ExportColumn], rows, masked: bool, progress=None) -> int:
    """Write rows as CSV to ``out`` (a binary file): UTF-8 with a byte-order mark, which Excel needs to
    read Chinese; returns the count. Constant memory: one row at a time."""
    import codecs
    import csv

    out.write(codecs.BOM_UTF8)
    text = codecs.getwriter("utf-8")(out)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    converted = [(i, f) for i, f in enumerate(_csv_converter(c, masked) for c in columns) if f is not None]
    count = 0
    for values in rows:
        row = list(values)
        for i, f in converted:
            row[i] = f(row[i])
        writer.writerow(row)
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    return count


def write_xlsx(out, *, title: str, columns: list[ExportColumn], rows, masked: bool, progress=None) -> int:
    """Write rows (tuples in the columns' order) to ``out`` (a path or binary file); returns the count.
    ``progress`` hears the rows written so far, every PROGRESS_EVERY rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill = bold, fill
        header.append(cell)
    sheet.append(header)
    converters = [_converter(c, masked, sheet) for c in columns]
    converted = [(i, f) for i, f in enumerate(converters) if f is not None]
    count = 0
    append = sheet.append
    for values in rows:
        row = list(values)
        for i, f in converted:
            row[i] = f(row[i])
        append(row)
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    workbook.save(out)
    return count


def changelist_queryset(model_admin, request):
    """What the user's changelist shows, filters and search included (scope: get_queryset);
    django-import-export's reading of it where the admin has its ExportMixin."""
    if hasattr(model_admin, "get_export_queryset"):
        return model_admin.get_export_queryset(request)
    changelist = model_admin.get_changelist_instance(request)
    return changelist.get_queryset(request)


def export_rows(queryset, columns: list[ExportColumn]):
    return queryset.values_list(*[c.path for c in columns]).iterator(chunk_size=5000)


@dataclass
class ExportOutcome:
    content: bytes | None = None
    filename: str = ""
    job: Any = None
    content_type: str = XLSX_TYPE


def _filename(model, extension: str = "xlsx") -> str:
    return f"{model._meta.verbose_name_plural}-{timezone.localdate():%Y%m%d}.{extension}"


def _resource_and_format(model_admin, request, resource_index: int, format_index: int):
    """The admin's django-import-export Resource (jiading_union/resources.py) and Format."""
    resource_class = model_admin.get_export_resource_classes(request)[resource_index]
    resource = resource_class(**model_admin.get_export_resource_kwargs(request))
    return resource, model_admin.get_export_formats()[format_index]()


def export_changelist_start(*, model_admin, request, resource_index: int = 0, format_index: int = 0) -> ExportOutcome:
    """A small export in the request; a large one as a job (written by a task). Through the admin's
    django-import-export Resource and Format: Resource.export reads the rows, Format.export_data writes."""
    from members.models import JobKind, JobStatus, SpreadsheetJob

    queryset = changelist_queryset(model_admin, request)
    limit = settings.SPREADSHEET_INLINE_MAX_ROWS
    model = model_admin.model
    resource, file_format = _resource_and_format(model_admin, request, resource_index, format_index)
    if queryset.order_by()[: limit + 1].count() > limit:
        job = SpreadsheetJob.objects.create(
            kind=JobKind.EXPORT,
            spec=model._meta.label_lower,
            status=JobStatus.EXPORTING,
            query=request.GET.urlencode(),
            source_name=_filename(model, file_format.get_extension()),
            created_by=request.user,
            result={"resource": resource_index, "format": format_index},
        )
        from members.tasks import spreadsheet_export_run

        transaction.on_commit(lambda: spreadsheet_export_run.delay(job.pk))
        return ExportOutcome(job=job)
    content = file_format.export_data(resource.export(queryset=queryset))
    return ExportOutcome(
        content=content,
        filename=_filename(model, file_format.get_extension()),
        content_type=file_format.get_content_type(),
    )


def export_job_run(*, job_id: int) -> None:
    """Write a queued export (a task body; nothing unless the job is still exporting)."""
    from django.apps import apps
    from django.contrib import admin
    from django.http import QueryDict
    from django.test import RequestFactory

    from members.models import JobStatus, SpreadsheetJob

    job = SpreadsheetJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != JobStatus.EXPORTING:
        return
    model = apps.get_model(job.spec)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/", QueryDict(job.query))
    request.user = job.created_by
    chosen = job.result or {}

    def progress(done: int) -> None:  # autocommit: the job page sees it at once
        SpreadsheetJob.objects.filter(pk=job.pk, status=JobStatus.EXPORTING).update(done=done)

    try:
        queryset = changelist_queryset(model_admin, request)
        resource, _format = _resource_and_format(
            model_admin, request, chosen.get("resource", 0), chosen.get("format", 0)
        )
        total = queryset.order_by().count()
        SpreadsheetJob.objects.filter(pk=job.pk).update(total=total, done=0)
        with tempfile.TemporaryFile() as out:
            count = _format.write(resource.export(queryset=queryset), out, progress=progress)
            out.seek(0)
            job.output.save(f"{job.pk}.{_format.get_extension()}", File(out), save=False)
    except Exception:
        logger.exception("spreadsheet export %s failed", job.pk)
        SpreadsheetJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, finished_at=timezone.now())
        return
    SpreadsheetJob.objects.filter(pk=job.pk, status=JobStatus.EXPORTING).update(
        status=JobStatus.EXPORTED, output=job.output.name, total=count, done=count, finished_at=timezone.now()
    )
