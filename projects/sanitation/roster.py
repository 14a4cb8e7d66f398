"""The roster spreadsheet (参保名册): the template units download, and reading it back.

No database here: parse_roster turns an .xlsx into rows and Chinese errors naming the
row and the column; projects/sanitation/services.py decides what to do with them.
The file is read through jiading_union.spreadsheets (size, ratio, row and time limits checked
before anything is expanded). ID numbers never appear in an error message (only row numbers do).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from jiading_union.spreadsheets import SpreadsheetError, UnreadableSpreadsheet, open_xlsx_safely
from members.identity import mask_id_number, normalize_id_number
from members.logging import mask_id_numbers_in
from members.validators import validate_id_number

SHEET_TITLE = "参保名册"
NAME, ID_NUMBER, INSURED = "姓名", "身份证号码", "正常缴纳社保(是/否)"
COLUMNS = (NAME, ID_NUMBER, INSURED)
YES, NO = "是", "否"
MAX_ROWS = 5000
NAME_MAX_LENGTH = 50

ROSTER_UNREADABLE = "参保名册无法读取：请下载名册模板，按模板填写后以 xlsx 格式上传。"
ROSTER_COLUMN_MISSING = "参保名册第1行缺少“{column}”列（表头应为：姓名、身份证号码、正常缴纳社保(是/否)）。"
ROSTER_EMPTY = "参保名册中没有职工。"
ROSTER_TOO_LONG = "参保名册超过{limit}人，请联系区总工会。"
ROW_VALUE_MISSING = "第{row}行“{column}”列：未填写。"
ROW_NAME_TOO_LONG = "第{row}行“{column}”列：姓名不能超过{limit}个字。"
ROW_ID_INVALID = "第{row}行“{column}”列：{message}"
ROW_ID_AS_NUMBER = "（该单元格是数字格式，18位号码会被 Excel 改动，请将该列设为文本格式后重新填写）"
ROW_ID_DUPLICATE = "第{row}行“{column}”列：与第{first}行重复。"
ROW_INSURED_INVALID = "第{row}行“{column}”列：请填写“是”或“否”。"
ROW_NOT_INSURED = "第{row}行“{column}”列为“否”：参保职工须为正常缴纳社保的在职职工，请剔除后再申报。"


@dataclass(frozen=True)
class RosterRow:
    row_number: int  # the spreadsheet's row number (the header is row 1)
    name: str
    id_number: str
    pays_social_insurance: bool


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    row_count: int = 0  # non-empty data rows, valid or not


def _header_key(value: Any) -> str:
    text = str(value or "").strip().replace(" ", "").replace("（", "(").replace("）", ")")
    if text.startswith("正常缴纳社保"):
        return INSURED
    return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _insured(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value)
    return {YES: True, NO: False}.get(text)


def parse_roster(file: IO[bytes], *, name: str = "参保名册") -> ParsedRoster:
    """Read the roster sheet (or the first) of an .xlsx roster. Never raises for bad content:
    errors are collected; a file over a spreadsheet limit gets that limit's message, and no rows."""
    parsed = ParsedRoster()
    try:
        with open_xlsx_safely(file, name=name) as reader:
            rows = reader.rows(reader.sheet(SHEET_TITLE))
            header = next(rows, ())
            positions = {_header_key(v): i for i, v in enumerate(header or ())}
            missing = [c for c in COLUMNS if c not in positions]
            if missing:
                parsed.errors.extend(ROSTER_COLUMN_MISSING.format(column=c) for c in missing)
                return parsed
            _read_rows(parsed, rows, positions)
    except UnreadableSpreadsheet:
        return ParsedRoster(errors=[ROSTER_UNREADABLE])
    except SpreadsheetError as exc:
        return ParsedRoster(errors=[exc.message])
    return parsed


def _read_rows(parsed: ParsedRoster, rows, positions: dict[str, int]) -> None:
    seen: dict[str, int] = {}
    for number, values in enumerate(rows, start=2):
        cells = {c: (values[positions[c]] if positions[c] < len(values) else None) for c in COLUMNS}
        if all(_text(v) == "" for v in cells.values()):
            continue
        parsed.row_count += 1
        if parsed.row_count > MAX_ROWS:
            parsed.errors.append(ROSTER_TOO_LONG.format(limit=MAX_ROWS))
            return
        errors = parsed.errors
        before = len(errors)
        name = _text(cells[NAME])
        if not name:
            errors.append(ROW_VALUE_MISSING.format(row=number, column=NAME))
        elif len(name) > NAME_MAX_LENGTH:
            errors.append(ROW_NAME_TOO_LONG.format(row=number, column=NAME, limit=NAME_MAX_LENGTH))
        raw_id = cells[ID_NUMBER]
        id_number = normalize_id_number(_text(raw_id))
        if not id_number:
            errors.append(ROW_VALUE_MISSING.format(row=number, column=ID_NUMBER))
        else:
            try:
                validate_id_number(id_number)
            except ValidationError as exc:
                hint = ROW_ID_AS_NUMBER if isinstance(raw_id, (int, float)) else ""
                errors.append(ROW_ID_INVALID.format(row=number, column=ID_NUMBER, message=exc.messages[0]) + hint)
            else:
                if id_number in seen:
                    errors.append(ROW_ID_DUPLICATE.format(row=number, column=ID_NUMBER, first=seen[id_number]))
                else:
                    seen[id_number] = number
        insured = _insured(cells[INSURED])
        if _text(cells[INSURED]) == "":
            errors.append(ROW_VALUE_MISSING.format(row=number, column=INSURED))
        elif insured is None:
            errors.append(ROW_INSURED_INVALID.format(row=number, column=INSURED))
        elif insured is False:
            errors.append(ROW_NOT_INSURED.format(row=number, column=INSURED))
        if len(errors) == before:
            parsed.rows.append(RosterRow(number, name, id_number, True))
    if parsed.row_count == 0 and not parsed.errors:
        parsed.errors.append(ROSTER_EMPTY)


def roster_template() -> bytes:
    """The blank roster: header, the ID column formatted as text, 是/否 as a drop-down, and instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(list(COLUMNS))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center")
    for letter, width in (("A", 16), ("B", 24), ("C", 22)):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["B"].number_format = "@"  # text: Excel keeps all 18 characters
    choice = DataValidation(
        type="list", formula1=f'"{YES},{NO}"', allow_blank=False, error="请填写“是”或“否”。", errorTitle="正常缴纳社保"
    )
    sheet.add_data_validation(choice)
    choice.add(f"C2:C{MAX_ROWS + 1}")
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    for line in (
        "环卫职工“送保障”参保名册填写说明",
        "1. 对象：本区建立工会组织的环卫作业企业中正常缴纳社保的在职职工（2019年实项目 §15）。",
        "2. 每行一名职工；第1行表头请勿修改。",
        "3. 身份证号码填写18位，末位为X的请填写大写X；该列已设为文本格式。",
        "4. “正常缴纳社保”填写“是”；不符合的职工请从名册中剔除后再申报。",
        "5. 名册人数须与申请中填写的参保职工人数一致；同一职工在名册中只能出现一次（每人1份）。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_id_numbers_in(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e14:
        return mask_id_number(_text(value))  # an ID number typed as a number
    return value


def masked_roster(file: IO[bytes], *, name: str = "参保名册") -> bytes:
    """The uploaded workbook regenerated with every ID number masked (310114********1234), for
    those who may not see them in full: every sheet's values, in order; formatting is not kept.
    Raises jiading_union.spreadsheets.SpreadsheetError for a file it cannot read safely."""
    out = Workbook(write_only=True)
    try:
        with open_xlsx_safely(file, name=name) as reader:
            for sheet in reader.workbook.worksheets:
                copy = out.create_sheet(sheet.title)
                for row in reader.rows(sheet):
                    copy.append([_masked(value) for value in row])
    except BaseException:
        for copy in out.worksheets:  # finish the half-written sheets' temporary files
            if not copy.closed:
                copy.close()
        raise
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
