"""django-import-export on top of our engine: its Resource and Format classes, our reading and writing.

The admin's import and export run through django-import-export (jiading_union/admin_spreadsheets.py
subclasses its ImportExportMixin: its import → confirm flow, its forms and format choices, its
Resource classes). Where its defaults are slow or unsafe, these classes put ours underneath:

- ``SpreadsheetFormat`` (xlsx, xls, ods, csv): ``create_dataset`` keeps the upload's bytes in a
  ``SourceDataset`` instead of expanding it with openpyxl/tablib — the engine reads it (after the
  zip, row and time limits) with python-calamine, the format judged from the content;
  ``export_data`` writes a ``StreamedExport`` with openpyxl in write-only mode
  (jiading_union/exports.write_xlsx: labels, masking, formula escaping, 元 formats).
- ``SpreadsheetResource.import_data`` hands the file to jiading_union/imports.py — every row checked
  in bulk (a query per thousands of rows, not one per row), all or nothing in one transaction (no
  savepoint per row), bulk writes with a history row per row naming the file — and returns
  django-import-export's ``Result``: every error as an invalid row keyed by its column header (the
  file's own errors as base errors), totals for new / update / skip, the first rows as the preview.
  ``result.outcome`` is the engine's Outcome (what the job page shows).
- ``SpreadsheetResource.export`` reads the changelist's queryset as tuples in one query
  (``values_list(...).iterator()``) instead of one instance and a query per related field per row.
"""

from __future__ import annotations

import io
from collections import OrderedDict

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.formats import base_formats
from import_export.results import Error, Result, RowResult

from . import imports as engine
from .exports import CSV_TYPE, XLSX_TYPE, ExportColumn, columns_for, export_rows, write_csv, write_xlsx
from .spreadsheets import FORMAT_LABELS


class SourceDataset(tablib.Dataset):
    """An upload as it came (its bytes and name), for the engine to read safely; tablib never parses it."""

    def __init__(self, source: bytes, name: str = ""):
        super().__init__()
        self.source, self.name = source, name

    def __bool__(self) -> bool:  # tablib's length is its parsed rows: none here, yet not empty
        return bool(self.source)


class StreamedExport(tablib.Dataset):
    """What an export writes: the columns, the rows as tuples (a lazy iterator) and whether to mask."""

    def __init__(self, *, title: str, columns: list[ExportColumn], rows, masked: bool):
        super().__init__(headers=[c.header for c in columns])
        self.title, self.columns, self.rows, self.masked = title, columns, rows, masked
        self.count = 0

    def __bool__(self) -> bool:
        return True

    def write(self, out, progress=None) -> int:
        self.count = write_xlsx(
            out, title=self.title, columns=self.columns, rows=self.rows, masked=self.masked, progress=progress
        )
        return self.count

    def write_csv(self, out, progress=None) -> int:
        self.count = write_csv(out, columns=self.columns, rows=self.rows, masked=self.masked, progress=progress)
        return self.count


class SpreadsheetFormat(base_formats.Format):
    """A format of django-import-export's choice list, read and written by us."""

    code = ""
    extension = ""
    content_type = "application/octet-stream"
    exports = False

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return FORMAT_LABELS.get(self.code, self.code)

    def create_dataset(self, in_stream, **kwargs):
        return SourceDataset(bytes(in_stream))

    def export_data(self, dataset, **kwargs) -> bytes:
        out = io.BytesIO()
        self.write(dataset, out)
        return out.getvalue()

    def write(self, dataset, out, progress=None) -> int:
        """Write a StreamedExport to a binary file (a background export's temporary file)."""
        return dataset.write(out, progress=progress)

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return self.extension

    def get_content_type(self):
        return self.content_type

    def can_import(self):
        return True

    def can_export(self):
        return self.exports


class XLSX(SpreadsheetFormat):
    code, extension, content_type, exports = "xlsx", "xlsx", XLSX_TYPE, True


class XLS(SpreadsheetFormat):
    code, extension, content_type = "xls", "xls", "application/vnd.ms-excel"


class ODS(SpreadsheetFormat):
    code, extension, content_type = "ods", "ods", "application/vnd.oasis.opendocument.spreadsheet"


class CSV(SpreadsheetFormat):
    code, extension, content_type, exports = "csv", "csv", CSV_TYPE, True

    def write(self, dataset, out, progress=None) -> int:
        return dataset.write_csv(out, progress=progress)


IMPORT_FORMATS = [XLSX, XLS, ODS, CSV]  # the format is told by the content; the choice is the clerk's word
EXPORT_FORMATS = [XLSX, CSV]  # the first is the form's default


def dataset_bytes(dataset) -> tuple[bytes, str]:
    """The file behind a dataset: the upload itself, or a plain tablib Dataset written as .xlsx."""
    if isinstance(dataset, SourceDataset):
        return dataset.source, dataset.name
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(list(dataset.headers or []))
    for row in dataset:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), "dataset.xlsx"


IMPORT_TYPES = {
    "created": RowResult.IMPORT_TYPE_NEW,
    "changed": RowResult.IMPORT_TYPE_UPDATE,
    "unchanged": RowResult.IMPORT_TYPE_SKIP,
}


def result_from(outcome: engine.Outcome, spec: engine.SpreadsheetImport) -> Result:
    """The engine's Outcome as django-import-export's Result (``result.outcome`` keeps the Outcome)."""
    result = Result()
    result.outcome = outcome
    headers = [c.header for c in spec.columns]
    result.diff_headers = headers
    by_row: OrderedDict[int, dict[str, list[str]]] = OrderedDict()
    for number, column, message in outcome.problems:
        if not number:
            result.append_base_error(Error(message))
            continue
        by_row.setdefault(number, {}).setdefault(column or "__all__", []).append(message)
    for number, errors in by_row.items():
        result.append_invalid_row(number, {}, ValidationError(errors))
    result.totals[RowResult.IMPORT_TYPE_INVALID] = outcome.bad_rows
    if not outcome.errors:
        result.totals[RowResult.IMPORT_TYPE_NEW] = outcome.created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = outcome.changed
        result.totals[RowResult.IMPORT_TYPE_SKIP] = outcome.unchanged
        for shown in outcome.preview:
            row = RowResult()
            row.import_type = IMPORT_TYPES.get(shown["action"], RowResult.IMPORT_TYPE_SKIP)
            row.number = shown["row"]
            row.diff = [shown.get(h, "") for h in headers]
            result.append_row_result(row)
    result.total_rows = outcome.total
    return result


class SpreadsheetResource(resources.Resource):
    """A django-import-export Resource whose import is a declared import of jiading_union/imports.py
    and whose export is jiading_union/exports.py. Subclass with ``model`` and ``spreadsheet_import``
    (the declared import's key; empty: export only). Constructed with the admin's ``request`` and
    ``model_admin`` (admin_spreadsheets.py passes them) so the export is the user's changelist."""

    model = None
    spreadsheet_import: str = ""

    def __init__(self, *, request=None, model_admin=None, user=None, **kwargs):
        super().__init__(**kwargs)
        self.request, self.model_admin = request, model_admin
        self.user = user or getattr(request, "user", None)
        self.fields = OrderedDict(
            (name, fields.Field(attribute=name, column_name=header)) for name, header in self._columns()
        )

    # --- What the forms and templates of django-import-export ask ------------------------------------
    @classmethod
    def spec(cls) -> engine.SpreadsheetImport | None:
        return engine.get_import(cls.spreadsheet_import) if cls.spreadsheet_import else None

    @classmethod
    def get_display_name(cls):
        spec = cls.spec()
        return spec.title if spec else str(cls.model._meta.verbose_name_plural)

    def _columns(self) -> list[tuple[str, str]]:
        if self.model_admin is not None and self.request is not None and not self.spreadsheet_import:
            return [(c.path, c.header) for c in columns_for(self.model_admin, self.request)]
        spec = self.spec()
        return [(c.key, c.header) for c in spec.columns] if spec else []

    def get_import_order(self):
        return tuple(self.fields)

    def get_export_order(self):
        return tuple(self.fields)

    def get_user_visible_fields(self):
        return list(self.fields.values())

    def may_import(self, user) -> bool:
        spec = self.spec()
        return bool(spec and spec.may_import(user))

    # --- Import: the engine ------------------------------------------------------------------------
    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ) -> Result:
        """Check (``dry_run``) or import the whole file, all or nothing, as the engine does; any bad row
        and nothing is written, whatever ``rollback_on_validation_errors`` says."""
        spec = self.spec()
        if spec is None:
            raise NotImplementedError(f"{type(self).__name__} exports only")
        user = kwargs.get("user") or self.user
        data, name = dataset_bytes(dataset)
        name = kwargs.get("file_name") or name or "文件"
        progress = kwargs.get("progress")
        if dry_run:
            outcome = engine.preview(spec, user=user, file=data, name=name, progress=progress)
        else:
            outcome = engine.execute(spec, user=user, file=data, name=name, progress=progress or (lambda n: None))
        result = result_from(outcome, spec)
        if raise_errors and (result.has_errors() or result.has_validation_errors()):
            raise ValidationError(outcome.errors)
        return result

    # --- Export: one query, write-only ---------------------------------------------------------------
    def export_columns(self) -> list[ExportColumn]:
        if self.model_admin is not None and self.request is not None:
            return columns_for(self.model_admin, self.request)
        from django.contrib import admin
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        request.user = self.user
        return columns_for(admin.site._registry[self.model], request)

    def export(self, queryset=None, **kwargs) -> StreamedExport:
        from members.selectors import may_read_full_id_numbers

        if queryset is None:
            queryset = self.model_admin.get_queryset(self.request) if self.model_admin else self.model.objects.none()
        columns = self.export_columns()
        return StreamedExport(
            title=str(self.model._meta.verbose_name_plural),
            columns=columns,
            rows=export_rows(queryset, columns),
            masked=not may_read_full_id_numbers(self.user),
        )


def resource_for_import(key: str) -> type[SpreadsheetResource]:
    """The Resource class of a declared import (the job tasks import through it)."""
    for cls in _all_subclasses(SpreadsheetResource):
        if cls.spreadsheet_import == key:
            return cls
    return type(f"{key}Resource", (SpreadsheetResource,), {"spreadsheet_import": key})


def _all_subclasses(cls) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found
