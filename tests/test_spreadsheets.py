"""jiading_union.spreadsheets: every .xlsx limit is checked before a reader expands the file, and
the defaults let a real 100,000-row import through."""

import io
import struct
import tracemalloc
import zipfile
from itertools import count

import pytest

from jiading_union import spreadsheets
from jiading_union.spreadsheets import SpreadsheetError, UnreadableSpreadsheet, check_xlsx, open_xlsx_safely
from tests.files import _deflate, shared_strings_bomb, write_zip, xlsx

MB = 1024 * 1024
ROSTER = xlsx(("张三", "是"), header=("姓名", "正常缴纳社保(是/否)"))


def refused(content, **kwargs) -> str:
    with pytest.raises(SpreadsheetError) as excinfo:
        with open_xlsx_safely(content, name="名册.xlsx", **kwargs) as reader:
            list(reader.rows())
    return excinfo.value.message


def peak_bytes(call) -> int:
    tracemalloc.start()
    try:
        call()
    except SpreadsheetError:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def hundred_thousand_rows() -> bytes:
    """A 100,000-row, 8-column sheet as Excel-like XML (inline strings), written directly: openpyxl
    would take ~10 s to write it."""
    rows = [
        f'<row r="{r}">'
        + "".join(
            f'<c r="{col}{r}" t="inlineStr"><is><t>职工{r}-{col}-{r * 7919 % 100003}</t></is></c>' for col in "ABCDEFGH"
        )
        + "</row>"
        for r in range(1, 100_001)
    ]
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + "".join(rows)
        + "</sheetData></worksheet>"
    ).encode()
    with zipfile.ZipFile(io.BytesIO(ROSTER)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


class TestBombs:
    def test_the_reported_bomb_is_refused_by_the_default_limits_without_expanding_it(self):
        """1.5 MB unpacking to 600 MB of shared strings: the file that took 3.1 GB (5.5 GB here)."""
        bomb = shared_strings_bomb(ROSTER, 600 * MB)
        assert len(bomb) < 2 * MB
        assert refused(bomb) == spreadsheets.PART_TOO_LARGE.format(name="名册.xlsx", limit="100")
        assert peak_bytes(lambda: check_xlsx(bomb)) < 8 * MB  # the directory only, never the part

    def test_a_part_under_the_size_limits_but_compressed_like_a_bomb(self):
        bomb = shared_strings_bomb(ROSTER, 50 * MB)
        assert refused(bomb) == spreadsheets.RATIO_TOO_HIGH.format(name="名册.xlsx", limit=100)

    def test_a_part_that_unpacks_to_more_than_it_declares_is_caught_while_inflating(self):
        liar = shared_strings_bomb(ROSTER, 200 * MB, declared_bytes=MB // 2)
        with zipfile.ZipFile(io.BytesIO(liar)) as archive:
            assert sum(info.file_size for info in archive.infolist()) < MB
        assert refused(liar) == spreadsheets.UNREADABLE.format(name="名册.xlsx")
        assert peak_bytes(lambda: check_xlsx(liar)) < 8 * MB  # inflated a megabyte at a time, kept nowhere

    def test_overlapping_parts_are_refused(self):
        entries = [(name, _deflate(b"<x/>" * 10), 40, 0) for name in ("[Content_Types].xml", "xl/workbook.xml")]
        archive = bytearray(write_zip(entries))
        second = archive.rindex(b"PK\x01\x02")
        struct.pack_into("<L", archive, second + 42, 0)  # the second entry points at the first one's data
        assert refused(bytes(archive)) == spreadsheets.UNREADABLE.format(name="名册.xlsx")


class TestLimitsAreSettings:
    def test_unpacked_total(self, settings):
        settings.XLSX_MAX_UNPACKED_BYTES = 10 * 1024
        assert refused(ROSTER) == spreadsheets.UNPACKED_TOO_LARGE.format(name="名册.xlsx", limit="0")

    def test_one_part(self, settings):
        settings.XLSX_MAX_PART_BYTES = 4 * 1024
        assert refused(ROSTER) == spreadsheets.PART_TOO_LARGE.format(name="名册.xlsx", limit="0")

    def test_parts(self, settings):
        settings.XLSX_MAX_PARTS = 3
        assert refused(ROSTER) == spreadsheets.TOO_MANY_PARTS.format(name="名册.xlsx", limit=3)

    def test_shared_strings(self, settings):
        settings.XLSX_MAX_SHARED_STRINGS, settings.XLSX_MAX_RATIO = 1000, 10_000
        many = shared_strings_bomb(ROSTER, MB)  # 58,254 strings "ab"
        assert refused(many) == spreadsheets.TOO_MANY_STRINGS.format(name="名册.xlsx", limit="1,000")
        settings.XLSX_MAX_SHARED_STRINGS = 60_000
        check_xlsx(many)

    def test_rows_blank_ones_included(self, settings):
        settings.XLSX_MAX_ROWS = 1000
        workbook = xlsx(header=("姓名",))
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(workbook))
        book.active.cell(row=1_048_576, column=16_384, value="末尾")  # Excel's last cell: a million blank rows
        out = io.BytesIO()
        book.save(out)
        assert refused(out.getvalue()) == spreadsheets.TOO_MANY_ROWS.format(name="名册.xlsx", limit="1,000")

    def test_columns_are_cut_at_the_limit(self, settings):
        settings.XLSX_MAX_COLUMNS = 3
        with open_xlsx_safely(xlsx(tuple(range(10)))) as reader:
            assert list(reader.rows()) == [(0, 1, 2)]

    def test_time_from_opening_to_the_last_row(self, settings):
        settings.XLSX_MAX_SECONDS = 60
        ticks = count(step=25)  # each look at the clock is 25 "seconds" later
        message = refused(xlsx(*[(i,) for i in range(5)]), clock=lambda: next(ticks))
        assert message == spreadsheets.TOO_SLOW.format(name="名册.xlsx", limit="60")


class TestGoodAndBadFiles:
    def test_a_real_100000_row_import_passes_the_default_limits(self):
        content = hundred_thousand_rows()
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        assert 20 * MB < unpacked < 100 * MB
        check_xlsx(content)  # does not raise

    def test_rows_come_back_as_values(self):
        with open_xlsx_safely(io.BytesIO(ROSTER)) as reader:
            assert list(reader.rows(reader.sheet("no such sheet"))) == [("姓名", "正常缴纳社保(是/否)"), ("张三", "是")]

    @pytest.mark.parametrize(
        "content",
        [
            b"",
            b"PK\x03\x04 not really a workbook",
            b"%PDF-1.4\n%%EOF\n",
            write_zip([("readme.txt", _deflate(b"hello"), 5, 0)]),
        ],
    )
    def test_what_is_not_an_xlsx_is_unreadable(self, content):
        with pytest.raises(UnreadableSpreadsheet):
            open_xlsx_safely(content, name="名册.xlsx")

    def test_other_compression_methods_are_refused(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as archive:  # bzip2 reaches ratios of millions
            archive.writestr("[Content_Types].xml", b"<Types/>")
        with pytest.raises(UnreadableSpreadsheet):
            check_xlsx(out.getvalue())

    def test_the_file_position_is_back_at_the_start(self):
        file = io.BytesIO(ROSTER)
        check_xlsx(file)
        assert file.tell() == 0
