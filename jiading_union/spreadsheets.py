"""Reading uploaded .xlsx files safely: every limit is checked before a reader expands anything.

An .xlsx is a zip archive of XML parts. A few hundred KB can unpack to gigabytes (a "zip bomb",
e.g. a shared-strings table that openpyxl loads whole into memory), so before openpyxl (or any
other reader) sees the file, ``check_xlsx`` reads only the zip directory and then inflates each
part in small chunks, counting bytes and discarding them, and refuses:

- more parts than ``XLSX_MAX_PARTS``;
- any part larger than ``XLSX_MAX_PART_BYTES`` or all parts together larger than
  ``XLSX_MAX_UNPACKED_BYTES`` once unpacked — the sizes the directory declares *and* the bytes
  actually inflated (a part inflating to more than it declares is refused as damaged);
- a part (above 1 MB) or the whole file unpacking to more than ``XLSX_MAX_RATIO`` times its
  compressed size (real workbooks compress 5–15x, bombs 100–1000x);
- more than ``XLSX_MAX_SHARED_STRINGS`` shared strings: readers hold that table in memory, one
  object per entry, so a table of tiny strings costs ~10x its unpacked size (counted while inflating);
- encryption, compression methods other than stored/deflate, parts overlapping each other.

``open_xlsx_safely`` then opens the workbook read-only (worksheets are streamed, not loaded), and
``XlsxReader.rows`` reads at most ``XLSX_MAX_ROWS`` rows of ``XLSX_MAX_COLUMNS`` columns, all
within ``XLSX_MAX_SECONDS`` from the moment the file was opened. The defaults (settings/base.py)
let a 100,000-row import (20–70 MB unpacked) through. Every refusal is a SpreadsheetError (a
ValueError) with a Chinese message naming the file; nothing is read, so nothing can be saved.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MB = 1024 * 1024

UNREADABLE = "文件“{name}”已损坏或不是 Excel（xlsx）文件：请用 Excel 打开后另存为 xlsx 格式再上传。"
TOO_MANY_PARTS = "文件“{name}”内部包含超过 {limit} 个组成部分，不像是正常的 Excel 表格：请用 Excel 另存后再上传。"
PART_TOO_LARGE = "文件“{name}”中有一部分解压后超过 {limit} MB：请删除多余的内容或拆分成几个文件后再上传。"
UNPACKED_TOO_LARGE = "文件“{name}”解压后超过 {limit} MB：请删除多余的内容或拆分成几个文件后再上传。"
RATIO_TOO_HIGH = (
    "文件“{name}”解压后超过原文件的 {limit} 倍，不像是正常的 Excel 表格（可能是恶意构造的压缩包），"
    "未予读取：请用 Excel 另存后再上传。"
)
TOO_MANY_STRINGS = "文件“{name}”中不同的文字内容超过 {limit} 项：请拆分成几个文件后再上传。"
TOO_MANY_ROWS = "文件“{name}”超过 {limit} 行：请拆分成几个文件后再上传。"
TOO_SLOW = "文件“{name}”在 {limit} 秒内未能读完：请删除多余的内容或拆分成几个文件后再上传。"

# A part this small cannot hurt whatever it unpacks to (tiny XML parts compress 50x and more).
RATIO_FLOOR_BYTES = 1 * MB
_CHUNK = 64 * 1024  # compressed bytes read at a time
_OUT_CHUNK = 1 * MB  # at most this many inflated bytes held at once
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_LOCAL_SIGNATURE = b"PK\x03\x04"
_END_SIGNATURE = b"PK\x05\x06"
_END_RECORD = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_ENCRYPTED = 0x1
# What openpyxl may raise on a damaged package or malformed XML (ParseError is a SyntaxError).
_READER_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,
    ParseError,
    EOFError,
    zlib.error,
)


class SpreadsheetError(ValueError):
    """A refused spreadsheet; ``message`` is the Chinese sentence to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnreadableSpreadsheet(SpreadsheetError):
    """Not an .xlsx at all, or a damaged one (as opposed to one over a limit)."""


@dataclass(frozen=True)
class XlsxLimits:
    max_parts: int
    max_part_bytes: int
    max_unpacked_bytes: int
    max_ratio: int
    max_shared_strings: int
    max_rows: int
    max_columns: int
    max_seconds: float

    @classmethod
    def from_settings(cls) -> XlsxLimits:
        return cls(
            max_parts=settings.XLSX_MAX_PARTS,
            max_part_bytes=settings.XLSX_MAX_PART_BYTES,
            max_unpacked_bytes=settings.XLSX_MAX_UNPACKED_BYTES,
            max_ratio=settings.XLSX_MAX_RATIO,
            max_shared_strings=settings.XLSX_MAX_SHARED_STRINGS,
            max_rows=settings.XLSX_MAX_ROWS,
            max_columns=settings.XLSX_MAX_COLUMNS,
            max_seconds=settings.XLSX_MAX_SECONDS,
        )


class _Deadline:
    def __init__(self, name: str, seconds: float, clock: Callable[[], float]):
        self.name, self.seconds, self.clock = name, seconds, clock
        self.ends = clock() + seconds

    def check(self) -> None:
        if self.clock() >= self.ends:
            raise SpreadsheetError(TOO_SLOW.format(name=self.name, limit=_number(self.seconds)))


def _number(value: float) -> str:
    return f"{value:g}"


def _megabytes(value: int) -> str:
    return _number(round(value / MB, 1))


def _seekable(file: IO[bytes] | bytes) -> IO[bytes]:
    if isinstance(file, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(file))
    if hasattr(file, "seekable") and not file.seekable():
        return io.BytesIO(file.read())
    return file


def _archive_size(fp: IO[bytes]) -> int:
    fp.seek(0, io.SEEK_END)
    return fp.tell()


def _declared_entries(fp: IO[bytes], size: int) -> int | None:
    """The entry count of the end-of-central-directory record, read before zipfile builds its
    directory (which holds every entry in memory); None when there is no such record."""
    tail = min(size, _END_RECORD.size + 0xFFFF)
    fp.seek(size - tail)
    data = fp.read(tail)
    at = data.rfind(_END_SIGNATURE)
    if at < 0 or len(data) - at < _END_RECORD.size:
        return None
    return _END_RECORD.unpack_from(data, at)[4]  # total entries (0xFFFF: see the zip64 record)


def _data_offset(fp: IO[bytes], info: zipfile.ZipInfo, name: str) -> int:
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        raise UnreadableSpreadsheet(UNREADABLE.format(name=name))
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        raise UnreadableSpreadsheet(UNREADABLE.format(name=name))
    return info.header_offset + _LOCAL_HEADER.size + fields[10] + fields[11]


def _inflate_counting(
    fp: IO[bytes], offset: int, info: zipfile.ZipInfo, name: str, deadline: _Deadline
) -> tuple[int, int]:
    """Inflate one part chunk by chunk, keeping nothing: refuse it unless it yields exactly the
    bytes (and CRC) its directory entry declares, which the caller has already checked.
    Returns how many shared-string elements (<si>, <x:si>) it holds, counted generously, and how
    many formulas (<f>, <f …> in a worksheet; table:formula= in an OpenDocument sheet)."""
    fp.seek(offset)
    remaining, produced, crc, strings, formulas, tail = info.compress_size, 0, 0, 0, 0, b""
    in_sheet = info.filename.startswith("xl/worksheets/") or info.filename == "content.xml"
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
    try:
        while remaining:
            chunk = fp.read(min(_CHUNK, remaining))
            if not chunk:
                raise UnreadableSpreadsheet(UNREADABLE.format(name=name))
            remaining -= len(chunk)
            while chunk:
                if inflater is None:
                    out, chunk = chunk, b""
                else:
                    out = inflater.decompress(chunk, _OUT_CHUNK)
                    chunk = inflater.unconsumed_tail
                produced += len(out)
                if produced > info.file_size:
                    raise UnreadableSpreadsheet(UNREADABLE.format(name=name))
                crc = zlib.crc32(out, crc)
                window = tail + out  # a marker split across two chunks is counted once
                strings += window.count(b"<si") + window.count(b":si")
                if in_sheet:
                    formulas += window.count(b"<f>") + window.count(b"<f ") + window.count(b"table:formula=")
                tail = window[-13:]
                deadline.check()
                if inflater is not None and inflater.eof:
                    break
            if inflater is not None and inflater.eof:
                break
        if inflater is not None:
            if not inflater.eof:
                raise UnreadableSpreadsheet(UNREADABLE.format(name=name))
    except zlib.error:
        raise UnreadableSpreadsheet(UNREADABLE.format(name=name)) from None
    if produced != info.file_size or crc != info.CRC:
        raise UnreadableSpreadsheet(UNREADABLE.format(name=name))
    return strings, formulas


def check_xlsx(
    file: IO[bytes] | bytes,
    *,
    name: str = "文件",
    limits: XlsxLimits | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ArchiveReport:
    """Refuse (SpreadsheetError) an .xlsx over any limit, without expanding it; the file's
    position is back at the start afterwards."""
    limits = limits or XlsxLimits.from_settings()
    return _check(_seekable(file), name, limits, _Deadline(name, limits.max_seconds, clock))


@dataclass(frozen=True)
class ArchiveReport:
    """What checking an archive found besides the limits: its parts' names and its formulas."""

    names: frozenset[str]
    formulas: int


def _check(fp: IO[bytes], name: str, limits: XlsxLimits, deadline: _Deadline) -> ArchiveReport:
    try:
        size = _archive_size(fp)
        entries = _declared_entries(fp, size)
        if entries is None:
            raise UnreadableSpreadsheet(UNREADABLE.format(name=name))
        if limits.max_parts < entries < 0xFFFF:
            raise SpreadsheetError(TOO_MANY_PARTS.format(name=name, limit=limits.max_parts))
        fp.seek(0)
        try:
            archive = zipfile.ZipFile(fp)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
            raise UnreadableSpreadsheet(UNREADABLE.format(name=name)) from None
        infos, directory = archive.infolist(), archive.start_dir
        if len(infos) > limits.max_parts:
            raise SpreadsheetError(TOO_MANY_PARTS.format(name=name, limit=limits.max_parts))
        total = 0
        for info in infos:
            if info.flag_bits & _ENCRYPTED or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UnreadableSpreadsheet(UNREADABLE.format(name=name))
            if info.file_size > limits.max_part_bytes:
                raise SpreadsheetError(PART_TOO_LARGE.format(name=name, limit=_megabytes(limits.max_part_bytes)))
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise SpreadsheetError(RATIO_TOO_HIGH.format(name=name, limit=limits.max_ratio))
            total += info.file_size
        if total > limits.max_unpacked_bytes:
            raise SpreadsheetError(UNPACKED_TOO_LARGE.format(name=name, limit=_megabytes(limits.max_unpacked_bytes)))
        if total > RATIO_FLOOR_BYTES and total > limits.max_ratio * size:
            raise SpreadsheetError(RATIO_TOO_HIGH.format(name=name, limit=limits.max_ratio))
        # Parts may not overlap (an "overlapping" bomb reuses one compressed run for many parts).
        spans = sorted(
            ((info.header_offset, _data_offset(fp, info, name), info) for info in infos), key=lambda span: span[:2]
        )
        for (_, start, info), following in zip(spans, [*spans[1:], None], strict=True):
            end = start + info.compress_size
            if end > directory or (following is not None and end > following[0]):
                raise UnreadableSpreadsheet(UNREADABLE.format(name=name))
        strings = formulas = 0
        for _, start, info in spans:
            found, in_formulas = _inflate_counting(fp, start, info, name, deadline)
            strings += found
            formulas += in_formulas
            if strings > limits.max_shared_strings:
                raise SpreadsheetError(TOO_MANY_STRINGS.format(name=name, limit=f"{limits.max_shared_strings:,}"))
        return ArchiveReport(names=frozenset(info.filename for info in infos), formulas=formulas)
    finally:
        fp.seek(0)


class XlsxReader:
    """A checked workbook, opened read-only: ``rows()`` enforces the row, column and time limits.
    Use as a context manager (or call ``close()``): read-only workbooks keep the file open."""

    def __init__(self, workbook, *, name: str, limits: XlsxLimits, deadline: _Deadline):
        self.workbook = workbook
        self.name = name
        self.limits = limits
        self._deadline = deadline

    def __enter__(self) -> XlsxReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.workbook.close()

    def sheet(self, title: str | None = None):
        """The sheet called ``title`` if there is one, else the first."""
        if title is not None and title in self.workbook.sheetnames:
            return self.workbook[title]
        if not self.workbook.worksheets:
            raise UnreadableSpreadsheet(UNREADABLE.format(name=self.name))
        return self.workbook.worksheets[0]

    def rows(self, sheet=None) -> Iterator[tuple[Any, ...]]:
        """Cell values row by row (empty rows included, so row numbers stay true), at most
        XLSX_MAX_COLUMNS of them: as wide as the sheet's declared dimension, or, when it has none,
        as wide as each row's last cell."""
        sheet = self.sheet() if sheet is None else sheet
        limit = self.limits.max_columns
        declared = sheet.max_column  # from the sheet's <dimension>, None when it has none
        rows = sheet.iter_rows(values_only=True, max_col=min(declared, limit) if declared else None)
        count = 0
        while True:
            self._deadline.check()
            try:
                row = next(rows, None)
            except _READER_ERRORS:
                raise UnreadableSpreadsheet(UNREADABLE.format(name=self.name)) from None
            if row is None:
                return
            count += 1
            if count > self.limits.max_rows:
                raise SpreadsheetError(TOO_MANY_ROWS.format(name=self.name, limit=f"{self.limits.max_rows:,}"))
            yield row if declared else tuple(row[:limit])


def open_xlsx_safely(
    file: IO[bytes] | bytes,
    *,
    name: str = "文件",
    limits: XlsxLimits | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> XlsxReader:
    """Check the file (check_xlsx), then open it read-only with formulas' cached values.
    Raises SpreadsheetError (UnreadableSpreadsheet for a file that is not a readable .xlsx)."""
    limits = limits or XlsxLimits.from_settings()
    deadline = _Deadline(name, limits.max_seconds, clock)
    fp = _seekable(file)
    _check(fp, name, limits, deadline)
    try:
        workbook = load_workbook(fp, read_only=True, data_only=True, keep_links=False)
    except _READER_ERRORS:
        raise UnreadableSpreadsheet(UNREADABLE.format(name=name)) from None
    reader = XlsxReader(workbook, name=name, limits=limits, deadline=deadline)
    try:
        deadline.check()
    except SpreadsheetError:
        reader.close()
        raise
    return reader


# --- Any table a clerk may upload: .xlsx, .xls, .ods and .csv ------------------------------------
#
# ``open_table_safely`` tells the format from the file's first bytes (never from its name), checks
# a zip-based file (.xlsx, .ods) with the limits above before anything is expanded, and reads it with
# python-calamine (Rust; several times faster than openpyxl and without its per-cell objects).
# An .xls is not compressed, so it cannot unpack to more than its own size (the upload limit); the
# row, column and time limits apply to every format. Formulas are counted while the archive is
# checked; only then is a .xlsx opened a second time (openpyxl, read-only) to say which cells hold
# them. A .csv is decoded as UTF-8 (with or without BOM) or GB 18030 (what Excel saves in China).

TABLE_UNREADABLE = (
    "文件“{name}”不是可以读取的表格：请上传 Excel 文件（xlsx；xls、ods 也可以），或 UTF-8、GBK 编码的 CSV 文件。"
)
TABLE_HAS_FORMULAS = "文件“{name}”含有公式：请在 Excel 中全选后复制，“选择性粘贴 → 数值”，保存后再上传。"

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_CSV_SNIFF_BYTES = 64 * 1024
FORMAT_LABELS = {"xlsx": "Excel（xlsx）", "xls": "Excel 97-2003（xls）", "ods": "OpenDocument（ods）", "csv": "CSV"}


@dataclass
class Table:
    """An uploaded table: ``rows`` yields every row (the header first) as a tuple of cell values
    (None for an empty cell); ``formula_cells`` lists (row number, column index) of formulas found
    in a .xlsx, ``has_formulas`` says whether any other format held one."""

    name: str
    format: str
    rows: Iterator[tuple[Any, ...]]
    formula_cells: list[tuple[int, int]]
    has_formulas: bool = False


def _zip_format(fp: IO[bytes], report: ArchiveReport, name: str) -> str:
    if "xl/workbook.xml" in report.names:
        return "xlsx"
    if "mimetype" in report.names and "content.xml" in report.names:
        with zipfile.ZipFile(fp) as archive, archive.open("mimetype") as part:
            if part.read(len(_ODS_MIMETYPE)) == _ODS_MIMETYPE:
                return "ods"
    raise UnreadableSpreadsheet(TABLE_UNREADABLE.format(name=name))


def _formula_cells(fp: IO[bytes], name: str, limits: XlsxLimits, deadline: _Deadline) -> list[tuple[int, int]]:
    """Where a .xlsx holds formulas: openpyxl read-only without cached values gives "=…" for them."""
    fp.seek(0)
    try:
        workbook = load_workbook(fp, read_only=True, data_only=False, keep_links=False)
    except _READER_ERRORS:
        raise UnreadableSpreadsheet(UNREADABLE.format(name=name)) from None
    found = []
    try:
        reader = XlsxReader(workbook, name=name, limits=limits, deadline=deadline)
        for number, row in enumerate(reader.rows(), start=1):
            found.extend((number, i) for i, v in enumerate(row) if isinstance(v, str) and v.startswith("="))
    finally:
        workbook.close()
        fp.seek(0)
    return found


def _calamine_rows(fp: IO[bytes], name: str, limits: XlsxLimits, deadline: _Deadline) -> Iterator[tuple[Any, ...]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(fp)
        sheet = workbook.get_sheet_by_index(0)
        # calamine reads the sheet whole; its declared height is checked first.
        if sheet.total_height > limits.max_rows:
            raise SpreadsheetError(TOO_MANY_ROWS.format(name=name, limit=f"{limits.max_rows:,}"))
        deadline.check()
        rows = sheet.iter_rows()
    except SpreadsheetError:
        raise
    except (CalamineError, Exception):
        raise UnreadableSpreadsheet(TABLE_UNREADABLE.format(name=name)) from None
    except BaseException as exc:  # a Rust panic (pyo3's PanicException) on a malformed file
        if type(exc).__name__ != "PanicException":
            raise
        raise UnreadableSpreadsheet(TABLE_UNREADABLE.format(name=name)) from None
    width = limits.max_columns
    return _limited(((None if v == "" else v for v in row[:width]) for row in rows), name, limits, deadline)


def _limited(rows, name: str, limits: XlsxLimits, deadline: _Deadline) -> Iterator[tuple[Any, ...]]:
    for count, row in enumerate(rows, start=1):
        if count > limits.max_rows:
            raise SpreadsheetError(TOO_MANY_ROWS.format(name=name, limit=f"{limits.max_rows:,}"))
        if count % 1000 == 0:
            deadline.check()
        yield tuple(row)


def _csv_rows(fp: IO[bytes], name: str, limits: XlsxLimits, deadline: _Deadline) -> Iterator[tuple[Any, ...]]:
    import csv

    data = fp.read()
    if b"\x00" in data[:_CSV_SNIFF_BYTES]:
        raise UnreadableSpreadsheet(TABLE_UNREADABLE.format(name=name))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableSpreadsheet(TABLE_UNREADABLE.format(name=name))
    if text and not any(sep in text[:_CSV_SNIFF_BYTES] for sep in (",", "\n", "\t")):
        raise UnreadableSpreadsheet(TABLE_UNREADABLE.format(name=name))
    rows = csv.reader(io.StringIO(text, newline=""))
    width = limits.max_columns

    def read():
        try:
            yield from _limited(((v if v != "" else None for v in row[:width]) for row in rows), name, limits, deadline)
        except csv.Error:
            raise UnreadableSpreadsheet(TABLE_UNREADABLE.format(name=name)) from None

    return read()


def open_table_safely(
    file: IO[bytes] | bytes,
    *,
    name: str = "文件",
    limits: XlsxLimits | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Table:
    """Check and open an uploaded table of any format a clerk may have (see above). Raises
    SpreadsheetError (UnreadableSpreadsheet when it is no table this can read)."""
    limits = limits or XlsxLimits.from_settings()
    deadline = _Deadline(name, limits.max_seconds, clock)
    fp = _seekable(file)
    fp.seek(0)
    head = fp.read(8)
    fp.seek(0)
    if head.startswith(_LOCAL_SIGNATURE):
        try:
            report = _check(fp, name, limits, deadline)
        except UnreadableSpreadsheet:
            raise UnreadableSpreadsheet(TABLE_UNREADABLE.format(name=name)) from None
        kind = _zip_format(fp, report, name)
        fp.seek(0)
        formula_cells = _formula_cells(fp, name, limits, deadline) if kind == "xlsx" and report.formulas else []
        rows = _calamine_rows(fp, name, limits, deadline)
        return Table(name, kind, rows, formula_cells, has_formulas=bool(report.formulas))
    if head == _OLE_SIGNATURE:
        return Table(name, "xls", _calamine_rows(fp, name, limits, deadline), [])
    if not head:
        return Table(name, "csv", iter(()), [])
    return Table(name, "csv", _csv_rows(fp, name, limits, deadline), [])
