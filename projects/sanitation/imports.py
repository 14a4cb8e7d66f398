"""Sanitation-worker rosters with shares in bulk (环卫职工“送保障”参保名册): workers by unit, one file.

Declared on projects/imports.py's UnitApplicationsImport. Each row is a worker (unit, name, ID
number, pays social insurance, shares of each plan per worker); the rows of one unit make that
unit's application: the sanitation_worker_insurance rule decided on their count and shares, and the
unit's own roster (the rows as the roster template, at their row numbers in this file) stored as
its roster proof and read by the procedure's roster_import — through the submission service, as a
unit's own application on the portal. One bad row or one refused unit, and nothing is submitted.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from jiading_union.imports import Column, Errors, Row, register
from jiading_union.resources import SpreadsheetResource
from members.identity import IdentityError, mask_id_number, parse_id_number
from members.imports import EXAMPLE_ID
from projects.imports import UNIT, YES_NO, UnitApplicationsImport, UnitLookup
from projects.models import INACTIVE_STATUSES, AttachmentKind
from projects.services.attachments import AttachmentUpload

from .models import RosterEntry, SanitationRoster
from .roster import COLUMNS, SHEET_TITLE, YES
from .selectors import RULE_ID
from .services import XLSX

NAME, ID, INSURED, HOSPITAL, ACCIDENT = (
    "姓名",
    "身份证号码",
    "正常缴纳社保(是/否)",
    "住院补充医疗份数",
    "团体意外伤害份数",
)

DUPLICATE_IN_FILE = "与第{first}行重复（每人1份）。"
NOT_INSURED = "为“否”：参保职工须为正常缴纳社保的在职职工，请剔除后再申报。"
SHARES_DIFFER = "与本单位第{first}行的份数不一致：同一单位每人份数相同。"
HELD_ELSEWHERE = "该职工已在本年度其他单位的“送保障”名册中（每人只能参加一家单位的“送保障”）。"


class SanitationRosterImport(UnitApplicationsImport):
    key = "sanitation_roster"
    title = "环卫职工参保名册"
    sheet_title = "参保名册"
    permission = "sanitation.view_sanitationroster"
    rule_id = RULE_ID
    fact_columns = (
        Column("name", NAME, required=True, example="王五", max_length=50),
        Column("id_number", ID, "digits", required=True, example=EXAMPLE_ID, note="18位，末位可为X。"),
        Column("insured", INSURED, "choice", required=True, example="是", choices=YES_NO),
        Column("hospital_shares", HOSPITAL, "digits", example="1", note="不填按文件规定的每人份数计。"),
        Column("accident_shares", ACCIDENT, "digits", example="1", note="不填按文件规定的每人份数计。"),
    )
    instructions = (
        "每行一名职工；同一单位的职工组成该单位的一份“送保障”申请，参保人数为该单位的行数。",
        "身份证号码列请设为文本格式；同一职工只能出现一次（每人1份）。",
        "文件中有任何一行有误或任何一个单位不能申报，整份文件都不会申报。",
    )

    def shown(self, row: Row) -> dict[str, str]:
        shown = super().shown(row)
        shown[ID] = mask_id_number(row.values.get("id_number") or "")
        return shown

    def check_rows(self, *, user, rows: list[Row], errors: Errors) -> None:
        from jiading_union.imports import duplicates_in_file

        today = timezone.localdate()
        for row in rows:
            values = row.values
            if values.get("id_number"):
                try:
                    values["id_number"] = parse_id_number(values["id_number"], today=today).number
                except IdentityError as exc:
                    errors.add(row.number, ID, str(exc))
            if values.get("insured") == "no":
                errors.add(row.number, INSURED, NOT_INSURED)
        duplicates_in_file(rows, "id_number", ID, errors, DUPLICATE_IN_FILE)

    def plan(self, *, user, rows: list[Row], errors: Errors) -> None:
        units = UnitLookup(user)
        default_year = self.default_year()
        from subsidies.rules import registry

        years = set(registry.years_of(self.rule_id))
        for row in rows:
            unit = units.find(row, errors)
            year = int(row.values["policy_year"]) if row.values.get("policy_year") else default_year
            if year not in years:
                from projects.imports import YEAR, YEAR_UNKNOWN

                errors.add(row.number, YEAR, YEAR_UNKNOWN.format(value=year))
            row.target = (unit, year)
        self.check_rows(user=user, rows=rows, errors=errors)
        self._held_elsewhere(rows, errors)
        groups: dict[tuple, list[Row]] = {}
        for row in rows:
            unit, year = row.target
            if unit is not None:
                groups.setdefault((unit.pk, year), []).append(row)
        for members in groups.values():
            first = members[0]
            for row in members[1:]:
                for key, header in (("hospital_shares", HOSPITAL), ("accident_shares", ACCIDENT)):
                    if row.values.get(key) != first.values.get(key):
                        errors.add(row.number, header, SHARES_DIFFER.format(first=first.number))
        heads = [g[0] for g in groups.values() if not any(r.number in errors.bad_rows for r in g)]
        for head in heads:
            head.values["_group"] = groups[(head.target[0].pk, head.target[1])]
        self._trial(user=user, rows=heads, errors=errors)
        for members in groups.values():
            if not any(r.number in errors.bad_rows for r in members):
                for row in members:
                    row.action = "created"

    def _held_elsewhere(self, rows: list[Row], errors: Errors) -> None:
        by_year: dict[int, list[Row]] = {}
        for row in rows:
            if row.values.get("id_number") and row.number not in errors.bad_rows:
                by_year.setdefault(row.target[1], []).append(row)
        for year, listed in by_year.items():
            held = set(
                RosterEntry.objects.filter(
                    id_number__in=[r.values["id_number"] for r in listed],
                    application__rule_id=RULE_ID,
                    application__policy_year=year,
                )
                .exclude(application__status__in=INACTIVE_STATUSES)
                .values_list("id_number", flat=True)
            )
            for row in listed:
                if row.values["id_number"] in held:
                    errors.add(row.number, ID, HELD_ELSEWHERE)

    def facts(self, row: Row) -> dict[str, Any]:
        group = row.values["_group"]
        facts: dict[str, Any] = {"insured_workers": len(group), "all_paying_social_insurance": True}
        if row.values.get("hospital_shares") is not None:
            facts["hospital_shares_per_worker"] = int(row.values["hospital_shares"])
        if row.values.get("accident_shares") is not None:
            facts["accident_shares_per_worker"] = int(row.values["accident_shares"])
        return facts

    def uploads(self, row: Row) -> list[AttachmentUpload]:
        """The unit's roster as the roster template, each worker at their row number in the file."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(SHEET_TITLE)
        sheet.append(list(COLUMNS))
        at = 2
        for worker in row.values["_group"]:
            while at < worker.number:
                sheet.append([])
                at += 1
            sheet.append([worker.values["name"], worker.values["id_number"], YES])
            at += 1
        out = io.BytesIO()
        workbook.save(out)
        unit = row.target[0]
        name = f"{row.values.get('_source', '参保名册')}（{unit.name}）.xlsx"[-200:]
        return [AttachmentUpload(AttachmentKind.ROSTER, SimpleUploadedFile(name, out.getvalue(), content_type=XLSX))]

    def apply(self, *, user, rows: list[Row], source_name: str, progress) -> None:
        heads = [r for r in rows if "_group" in r.values]
        for head in heads:
            head.values["_source"] = source_name.rsplit(".", 1)[0]
        super().apply(user=user, rows=heads, source_name=source_name, progress=progress)

    def _header_of(self, field: str | None) -> str:
        if field == "insured_workers":
            return UNIT
        return super()._header_of(field)


sanitation_roster = register(SanitationRosterImport())


class SanitationRosterResource(SpreadsheetResource):
    """The sanitation rosters' django-import-export Resource: workers by unit in, the rosters out."""

    model = SanitationRoster
    spreadsheet_import = sanitation_roster.key
