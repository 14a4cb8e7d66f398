"""Legal check-up candidates in bulk (“法律体检”企业名单): the street's list, one row per enterprise.

Declared on projects/imports.py's UnitApplicationsImport: each row submits the legal_checkup rule for
one enterprise of the street through the submission service — its record facts (unit type, employee
count, union) from the unit's record, the street's and the district's places claimed as on the
apply page, counted with the file's earlier rows; one refused row and nothing is submitted.
"""

from __future__ import annotations

from jiading_union.imports import Column, register
from jiading_union.resources import SpreadsheetResource
from projects.imports import YES_NO, UnitApplicationsImport

from .models import LegalCheckupRecord


class LegalCheckupCandidatesImport(UnitApplicationsImport):
    key = "legal_checkup_candidates"
    title = "法律体检企业名单"
    sheet_title = "法律体检企业名单"
    permission = "legal.view_legalcheckuprecord"
    rule_id = "legal_checkup"
    unit_note = "企业工会的编码或全称，须在本街镇内。"
    fact_columns = (
        Column(
            "three_basic_works_ready",
            "具有推动建立健全工会三项基础工作条件",
            "choice",
            example="是",
            choices=YES_NO,
            note="企业尚未建立工会时填写。",
        ),
        Column("exception_reason", "例外理由", max_length=200, note="职工人数不足规定人数时，说明列入名单的理由。"),
    )
    instructions = (
        "每行一家列入本街镇“法律体检”名单的企业；名额按区总工会分配给本街镇的名额计算。",
        "文件中有任何一行不能列入，整份名单都不会提交：请按提示改正后重新上传。",
    )


legal_checkup_candidates = register(LegalCheckupCandidatesImport())


class LegalCheckupCandidatesResource(SpreadsheetResource):
    """The check-up records' django-import-export Resource: the street's list in, the records out."""

    model = LegalCheckupRecord
    spreadsheet_import = legal_checkup_candidates.key
