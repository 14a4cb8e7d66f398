"""One importer for every spreadsheet staff upload: declared imports, preview, all or nothing.

An import is declared once (``SpreadsheetImport``: its columns with Chinese headers and an example,
who may use it, ``plan`` and ``apply``) and registered with ``register``; members/imports.py and
projects/flexible_workers/imports.py declare theirs. This module does the rest, the same for all:

1. **Read** (``read_rows``): jiading_union.spreadsheets.open_table_safely (format from the content,
   zip limits, rows, time; python-calamine underneath), then the header row (missing, unknown and
   repeated headers, by name), then each cell by its column's kind: text, digits (full-width digits
   made ASCII; a number that lost its leading zeros or an 18-digit number Excel rounded is refused),
   dates (a date cell, an Excel serial number, or text such as 2024-03-01 / 2024年3月1日), choices
   (by their Chinese label). A formula is refused where it is. A cell our export escaped (a leading
   apostrophe before = + - @) reads back as it was.
2. **Plan** (the import's ``plan``): every check against the database, in bulk (one query per
   thousands of rows, never one per row), adding a RowError for each bad cell and deciding, per good
   row, created / changed / unchanged.
3. **Preview** shows the errors (every one, with row number and column header) or the counts and the
   first rows; **execute** reads and plans again inside one transaction and, only when nothing is
   wrong, calls ``apply``: any error, nothing saved.

SpreadsheetJob (members/jobs.py) carries an upload between the preview and the confirmation;
``import_job_*`` below are the services the admin pages and the Celery tasks call.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .spreadsheets import FORMAT_LABELS, TABLE_HAS_FORMULAS, SpreadsheetError, open_table_safely

# --- Messages (constants the tests assert on) -----------------------------------------------------
ROW_ERROR = "第{row}行“{column}”列：{message}"
ROW_ERROR_NO_COLUMN = "第{row}行：{message}"
HEADER_MISSING = "第1行缺少“{columns}”列：请下载模板，按模板的表头填写。"
HEADER_UNKNOWN = "第1行有模板中没有的列“{columns}”：请删除这些列，或改用模板的表头。"
HEADER_REPEATED = "第1行“{column}”列出现了不止一次：请只保留一列。"
NO_HEADER = "文件“{name}”第1行没有表头：请下载模板，按模板填写后再上传。"
NO_ROWS = "文件“{name}”中没有要导入的数据：请从模板第2行起填写后再上传。"
TOO_MANY_ERRORS = "错误超过{limit}处，只列出前{limit}处：请改正后重新上传。"
CELL_FORMULA = "单元格是公式：请复制后“选择性粘贴 → 数值”再上传。"
CELL_MISSING = "未填写。"
CELL_TOO_LONG = "不能超过{limit}个字。"
CELL_DATE = "“{value}”不是日期：请填写如 2024-03-01 的日期。"
CELL_NOT_DIGITS = "“{value}”应为数字。"
CELL_ZEROS_LOST = "单元格是数字格式，开头的0已丢失（现为{value}）：请将该列设为文本格式后重新填写。"
CELL_NUMBER_ROUNDED = "单元格是数字格式，长号码已被 Excel 改动：请将该列设为文本格式后重新填写。"
CELL_CHOICE = "“{value}”不是可选的值，可填：{choices}。"
JOB_NOT_YOURS = "这不是您上传的文件。"
JOB_NOT_READY = "该文件尚未检查完毕或已经处理，不能确认导入。"
JOB_CONFIRMED = "已导入：新增{created}条，修改{changed}条，未变{unchanged}条。"
SOURCE_REASON = "从文件“{name}”第{row}行导入"

logger = logging.getLogger(__name__)
MAX_ERRORS = 1000  # listed; the count of bad rows is always told
PREVIEW_ROWS = 20
_ESCAPED = re.compile(r"^'(?=[=+\-@\t\r])")
_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | digits | date | choice
    required: bool = False
    example: Any = ""
    max_length: int | None = None
    length: int | None = None  # digits: how many there must be (a shorter number lost its zeros)
    choices: dict[str, str] | None = None  # code -> Chinese label
    note: str = ""  # shown under the header in the template


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the header, "" for the whole row or file
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        if not self.column:
            return ROW_ERROR_NO_COLUMN.format(row=self.row, message=self.message)
        return ROW_ERROR.format(row=self.row, column=self.column, message=self.message)


@dataclass
class Row:
    number: int  # the spreadsheet's row number (the header is row 1)
    values: dict[str, Any]
    action: str = ""  # created | changed | unchanged, set by plan
    target: Any = None  # whatever apply needs for this row


class Errors:
    """Every bad cell, in file order; a row is bad once any of its cells is."""

    def __init__(self):
        self.items: list[RowError] = []
        self.bad_rows: set[int] = set()

    def add(self, row: int, column: str, message: str) -> None:
        self.items.append(RowError(row, column, message))
        self.bad_rows.add(row)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self, headers: list[str]) -> list[RowError]:
        """By row, then in the columns' order (file-wide errors first)."""
        order = {header: i for i, header in enumerate(headers)}
        return sorted(self.items, key=lambda e: (e.row, order.get(e.column, -1)))


@dataclass
class Outcome:
    errors: list[str] = field(default_factory=list)
    bad_rows: int = 0
    total: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    preview: list[dict] = field(default_factory=list)  # the first rows: action + shown values
    saved: bool = False
    format: str = ""
    # The listed errors as [row, column header, message] (row 0 and "" for the file as a whole),
    # for the django-import-export Result (jiading_union/resources.py).
    problems: list[list] = field(default_factory=list)

    def as_dict(self) -> dict:
        return self.__dict__.copy()


class SpreadsheetImport:
    """Declare an import: subclass, set the attributes, write plan() and apply(), register()."""

    key: str = ""
    title: str = ""  # e.g. 会员名册
    permission: str = ""  # app_label.codename
    columns: tuple[Column, ...] = ()
    sheet_title: str = ""
    # Headers read and left alone (what our own export adds, derived from other columns).
    ignored_headers: tuple[str, ...] = ()
    instructions: tuple[str, ...] = ()

    def may_import(self, user) -> bool:
        return bool(user and user.is_active and user.is_staff and user.has_perm(self.permission))

    def plan(self, *, user, rows: list[Row], errors: Errors) -> None:
        """Check every row against the database (in bulk), add errors, set each good row's action."""
        raise NotImplementedError

    def apply(self, *, user, rows: list[Row], source_name: str, progress: Callable[[int], None]) -> None:
        """Write the planned rows (inside the caller's transaction); audit each with its source."""
        raise NotImplementedError

    def shown(self, row: Row) -> dict[str, str]:
        """A row as the preview shows it (override to mask)."""
        return {c.header: display(row.values.get(c.key), c) for c in self.columns}

    # --- The template -----------------------------------------------------------------------------
    def template(self) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.sheet_title or self.title
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        for index, column in enumerate(self.columns, start=1):
            header = sheet.cell(row=1, column=index, value=column.header)
            header.font, header.fill = bold, fill
            example = sheet.cell(row=2, column=index, value=column.example)
            if column.kind in ("digits", "text"):
                example.number_format = "@"  # text: Excel keeps the leading zeros and all 18 digits
            letter = header.column_letter
            sheet.column_dimensions[letter].width = max(12, 2 * len(column.header) + 4, len(str(column.example)) + 4)
            for cell in sheet[letter][2:200]:
                cell.number_format = "@" if column.kind in ("digits", "text") else "yyyy-mm-dd"
            example.alignment = Alignment(horizontal="left")
        sheet.freeze_panes = "A2"
        notes = workbook.create_sheet("填写说明")
        notes.column_dimensions["A"].width = 20
        notes.column_dimensions["B"].width = 80
        notes.append(["列", "说明"])
        for column in self.columns:
            text = ("必填。" if column.required else "选填。") + column.note
            if column.choices:
                text += "可填：" + "、".join(column.choices.values()) + "。"
            notes.append([column.header, text])
        for line in self.instructions:
            notes.append(["", line])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


REGISTRY: dict[str, SpreadsheetImport] = {}


def register(spec: SpreadsheetImport) -> SpreadsheetImport:
    REGISTRY[spec.key] = spec
    return spec


def declared() -> dict[str, SpreadsheetImport]:
    _load_declarations()
    return REGISTRY


def get_import(key: str) -> SpreadsheetImport:
    _load_declarations()
    return REGISTRY[key]


def _load_declarations() -> None:
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        try:
            import_module(f"{config.name}.imports")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.imports":
                raise


# --- Cells ----------------------------------------------------------------------------------------


def display(value: Any, column: Column) -> str:
    if value is None or value == "":
        return ""
    if column.choices and value in column.choices:
        return column.choices[value]
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    return _ESCAPED.sub("", str(value).strip())


class CellError(ValueError):
    pass


def read_cell(value: Any, column: Column) -> Any:
    """A cell's value for its column, or CellError with the Chinese reason. None: empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column.kind == "date":
        return _date(value)
    if column.kind == "digits":
        return _digits(value, column)
    text = _text(value)
    if column.kind == "choice":
        labels = _labels(column)
        if text in labels:
            return labels[text]
        if text in (column.choices or {}):
            return text
        raise CellError(CELL_CHOICE.format(value=text, choices="、".join(labels)))
    if column.max_length and len(text) > column.max_length:
        raise CellError(CELL_TOO_LONG.format(limit=column.max_length))
    return text


_LABELS: dict[int, dict[str, str]] = {}


def _labels(column: Column) -> dict[str, str]:
    """A choice column's label → code, built once per column."""
    labels = _LABELS.get(id(column))
    if labels is None:
        labels = _LABELS[id(column)] = {label: code for code, label in (column.choices or {}).items()}
    return labels


def _digits(value: Any, column: Column) -> str:
    if isinstance(value, bool):
        raise CellError(CELL_NOT_DIGITS.format(value=value))
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(CELL_NOT_DIGITS.format(value=value))
        number = int(value)
        text = str(number)
        if len(text) > 15:  # Excel keeps 15 significant digits: an 18-digit ID typed as a number is lost
            raise CellError(CELL_NUMBER_ROUNDED)
        if column.length and len(text) < column.length:
            raise CellError(CELL_ZEROS_LOST.format(value=text))
        return text
    text = unicodedata.normalize("NFKC", _text(value)).replace(" ", "").replace("-", "").upper()
    return text


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # an Excel serial day number (1 = 1900-01-01)
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(CELL_DATE.format(value=_text(value)))
    text = unicodedata.normalize("NFKC", _text(value))
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if text.isdigit() and 1 <= int(text) < 2958466 and len(text) <= 5:
        return _EXCEL_EPOCH + timedelta(days=int(text))
    raise CellError(CELL_DATE.format(value=text))


def _header_key(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return re.sub(r"\s+", "", text)


# --- Reading a file -------------------------------------------------------------------------------


def read_rows(
    spec: SpreadsheetImport, file, *, name: str, errors: Errors, progress: Callable[[int], None] | None = None
) -> tuple[list[Row], str]:
    """The file's data rows, each cell read by its column; errors for headers and cells.
    Raises SpreadsheetError for a file that cannot be read at all."""
    table = open_table_safely(file, name=name)
    if table.has_formulas and not table.formula_cells:  # an .ods: where they are is not told
        errors.add(0, "", TABLE_HAS_FORMULAS.format(name=name))
        return [], table.format
    rows = table.rows
    header = next(rows, None)
    while header is not None and all(v is None for v in header):
        header = next(rows, None)  # blank rows above the header
    if header is None:
        errors.add(0, "", NO_ROWS.format(name=name))
        return [], table.format
    by_header = {_header_key(c.header): c for c in spec.columns}
    positions: dict[str, int] = {}
    unknown = []
    ignored = {_header_key(h) for h in spec.ignored_headers}
    for index, value in enumerate(header):
        key = _header_key(value)
        if not key or key in ignored:
            continue
        column = by_header.get(key)
        if column is None:
            unknown.append(str(value).strip())
        elif column.key in positions:
            errors.add(0, "", HEADER_REPEATED.format(column=column.header))
        else:
            positions[column.key] = index
    if not positions:
        errors.add(0, "", NO_HEADER.format(name=name))
        return [], table.format
    missing = [c.header for c in spec.columns if c.required and c.key not in positions]
    if missing:
        errors.add(0, "", HEADER_MISSING.format(columns="”“".join(missing)))
    if unknown:
        errors.add(0, "", HEADER_UNKNOWN.format(columns="”“".join(unknown)))
    if missing or unknown:
        return [], table.format
    formulas = {(r, i) for r, i in table.formula_cells}
    csv_formulas = table.format == "csv"
    result: list[Row] = []
    wanted = [(c, positions[c.key]) for c in spec.columns if c.key in positions]
    for number, cells in enumerate(rows, start=2):
        if progress is not None and number % 5000 == 0:
            progress(number)
        width = len(cells)
        raw = [(c, cells[i] if i < width else None) for c, i in wanted]
        if all(v is None or (isinstance(v, str) and not v.strip()) for _, v in raw):
            continue
        values: dict[str, Any] = {}
        for column, value in raw:
            index = positions[column.key]
            if (number, index) in formulas or (csv_formulas and isinstance(value, str) and value.startswith("=")):
                errors.add(number, column.header, CELL_FORMULA)
                continue
            try:
                values[column.key] = read_cell(value, column)
            except CellError as exc:
                errors.add(number, column.header, str(exc))
                continue
            if column.required and values[column.key] is None:
                errors.add(number, column.header, CELL_MISSING)
        result.append(Row(number, values))
    if not result and not errors:
        errors.add(0, "", NO_ROWS.format(name=name))
    return result, table.format


def duplicates_in_file(rows: Iterable[Row], key: str, header: str, errors: Errors, message: str) -> None:
    """A value repeated in the file: each later row is told the first row that has it."""
    first: dict[Any, int] = {}
    for row in rows:
        value = row.values.get(key)
        if value in (None, ""):
            continue
        if value in first:
            errors.add(row.number, header, message.format(first=first[value]))
        else:
            first[value] = row.number


def chunks(items: list, size: int = 2000) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Preview and execute --------------------------------------------------------------------------


def _outcome(spec, rows: list[Row], errors: Errors, file_format: str) -> Outcome:
    listed = errors.sorted([c.header for c in spec.columns])
    messages = [str(e) for e in listed[:MAX_ERRORS]]
    if len(listed) > MAX_ERRORS:
        messages.append(TOO_MANY_ERRORS.format(limit=MAX_ERRORS))
    outcome = Outcome(
        errors=messages,
        problems=[[e.row, e.column, e.message] for e in listed[:MAX_ERRORS]],
        bad_rows=len({r for r in errors.bad_rows if r > 1}),
        total=len(rows),
        format=FORMAT_LABELS.get(file_format, file_format),
    )
    if not errors:
        for row in rows:
            setattr(outcome, row.action, getattr(outcome, row.action) + 1)
        outcome.preview = [{"row": r.number, "action": r.action, **spec.shown(r)} for r in rows[:PREVIEW_ROWS]]
    return outcome


def preview(
    spec: SpreadsheetImport, *, user, file, name: str, progress: Callable[[int], None] | None = None
) -> Outcome:
    """Read and check the whole file; write nothing. ``progress`` hears the rows read so far."""
    errors = Errors()
    try:
        rows, file_format = read_rows(spec, file, name=name, errors=errors, progress=progress)
    except SpreadsheetError as exc:
        return Outcome(errors=[exc.message], problems=[[0, "", exc.message]])
    if rows:
        spec.plan(user=user, rows=rows, errors=errors)
    return _outcome(spec, rows, errors, file_format)


def execute(spec: SpreadsheetImport, *, user, file, name: str, progress: Callable[[int], None] = lambda n: None):
    """Read, check and, only if every row is good, write every row, in one transaction."""
    errors = Errors()
    try:
        rows, file_format = read_rows(spec, file, name=name, errors=errors)
    except SpreadsheetError as exc:
        return Outcome(errors=[exc.message], problems=[[0, "", exc.message]])
    with transaction.atomic():
        if rows:
            spec.plan(user=user, rows=rows, errors=errors)
        outcome = _outcome(spec, rows, errors, file_format)
        if errors or not rows:
            return outcome
        spec.apply(user=user, rows=[r for r in rows if r.action != "unchanged"], source_name=name, progress=progress)
        outcome.saved = True
    return outcome


# --- Jobs: the services behind the admin pages and the tasks --------------------------------------


def _runs_in_background(size: int) -> bool:
    return size > settings.SPREADSHEET_INLINE_MAX_BYTES


def import_job_start(*, user, spec: SpreadsheetImport, upload) -> Any:
    """Keep the upload and check it: in the request for a small file, else in a Celery task."""
    from members.models import JobKind, JobStatus, SpreadsheetJob

    if not spec.may_import(user):
        raise PermissionDenied
    job = SpreadsheetJob.objects.create(
        kind=JobKind.IMPORT,
        spec=spec.key,
        status=JobStatus.CHECKING,
        source_name=(getattr(upload, "name", "") or "文件")[-200:],
        created_by=user,
    )
    job.source.save(f"{job.pk}.upload", upload, save=True)
    if _runs_in_background(job.source.size):
        from members.tasks import spreadsheet_import_check

        transaction.on_commit(lambda: spreadsheet_import_check.delay(job.pk))
    else:
        import_job_check(job_id=job.pk)
        job.refresh_from_db()
    return job


def _read_source(job) -> bytes:
    with job.source.open("rb") as fh:
        return fh.read()


class _Progress:
    """Rows done so far, written where the job page can read it while the import's own transaction
    is open: through a second connection on PostgreSQL (SQLite allows one writer: nothing there).
    At most one write per 100 rows."""

    def __init__(self, job_id: int):
        from django.db import connection

        self.job_id, self.enabled, self.connection = job_id, connection.vendor == "postgresql", None

    def __call__(self, done: int) -> None:
        if not self.enabled or done % 100:
            return
        from django.db import connections

        from members.models import SpreadsheetJob

        if self.connection is None:
            self.connection = connections.create_connection("default")
        with self.connection.cursor() as cursor:  # autocommit: visible at once
            cursor.execute(f"UPDATE {SpreadsheetJob._meta.db_table} SET done = %s WHERE id = %s", [done, self.job_id])

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _through_resource(job, *, dry_run: bool, progress) -> Outcome:
    """The check (dry run) or the import of a job's file, through its django-import-export Resource
    (jiading_union/resources.py), whose import_data is this engine's preview or execute."""
    from .resources import SourceDataset, resource_for_import

    resource = resource_for_import(job.spec)(user=job.created_by)
    result = resource.import_data(
        SourceDataset(_read_source(job), job.source_name),
        dry_run=dry_run,
        user=job.created_by,
        file_name=job.source_name,
        progress=progress,
    )
    return result.outcome


def import_job_check(*, job_id: int) -> None:
    """The preview of an uploaded file (a task body; harmless to run twice)."""
    from members.models import JobStatus, SpreadsheetJob

    job = SpreadsheetJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != JobStatus.CHECKING:
        return
    progress = _Progress(job.pk)
    try:
        outcome = _through_resource(job, dry_run=True, progress=progress)
    except Exception:  # a bug, not a bad file: the page says it failed, the log has the trace
        logger.exception("spreadsheet import %s: the check failed", job.pk)
        SpreadsheetJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, finished_at=timezone.now())
        return
    finally:
        progress.close()
    status = JobStatus.REFUSED if outcome.errors else JobStatus.CHECKED
    SpreadsheetJob.objects.filter(pk=job.pk, status=JobStatus.CHECKING).update(
        status=status, result=outcome.as_dict(), total=outcome.total, done=0, finished_at=timezone.now()
    )


def check_import_confirm(*, user, job) -> None:
    from members.models import JobStatus

    if job.created_by_id != user.pk:
        raise PermissionDenied(JOB_NOT_YOURS)
    if job.status != JobStatus.CHECKED:
        raise PermissionDenied(JOB_NOT_READY)
    if not get_import(job.spec).may_import(user):
        raise PermissionDenied


def import_job_confirm(*, user, job) -> Any:
    """Move a checked upload to importing (once: a conditional UPDATE), and import it."""
    from members.models import JobStatus, SpreadsheetJob

    check_import_confirm(user=user, job=job)
    moved = SpreadsheetJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.IMPORTING, done=0, finished_at=None
    )
    if not moved:
        raise PermissionDenied(JOB_NOT_READY)
    if _runs_in_background(job.source.size):
        from members.tasks import spreadsheet_import_run

        transaction.on_commit(lambda: spreadsheet_import_run.delay(job.pk))
    else:
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> None:
    """Import a confirmed upload, all or nothing (a task body; does nothing unless importing)."""
    from members.models import JobStatus, SpreadsheetJob

    job = SpreadsheetJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != JobStatus.IMPORTING:
        return

    progress = _Progress(job.pk)
    try:
        outcome = _through_resource(job, dry_run=False, progress=progress)
    except Exception:  # rolled back: nothing was imported
        logger.exception("spreadsheet import %s: the import failed", job.pk)
        SpreadsheetJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, finished_at=timezone.now())
        return
    finally:
        progress.close()
    status = JobStatus.IMPORTED if outcome.saved else JobStatus.REFUSED
    SpreadsheetJob.objects.filter(pk=job.pk, status=JobStatus.IMPORTING).update(
        status=status, result=outcome.as_dict(), total=outcome.total, done=outcome.total, finished_at=timezone.now()
    )


def template_file(spec: SpreadsheetImport) -> ContentFile:
    return ContentFile(spec.template(), name=f"{spec.title}模板.xlsx")


def spreadsheet_job_files_purge(*, now: datetime | None = None) -> int:
    """Remove the files of jobs finished more than SPREADSHEET_JOB_FILES_DAYS ago (uploaded rosters
    hold ID numbers and phones; an export is a copy of records kept in the database). The job rows
    stay, with their outcome, as the record of who imported or exported what; a job awaiting
    confirmation keeps its file. Returns how many jobs lost their files (a beat task body)."""
    from members.models import JobStatus, SpreadsheetJob

    cutoff = (now or timezone.now()) - timedelta(days=settings.SPREADSHEET_JOB_FILES_DAYS)
    finished = (JobStatus.REFUSED, JobStatus.IMPORTED, JobStatus.EXPORTED, JobStatus.FAILED)
    jobs = (
        SpreadsheetJob.objects.filter(status__in=finished, finished_at__lt=cutoff)
        .exclude(source="", output="")
        .only("pk", "source", "output")
    )
    purged = 0
    for job in jobs.iterator(chunk_size=500):
        for stored in (job.source, job.output):
            if stored:
                stored.delete(save=False)  # the storage's file; a file already gone is not an error
        SpreadsheetJob.objects.filter(pk=job.pk).update(source="", output="")
        purged += 1
    return purged
