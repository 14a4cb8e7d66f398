"""Reading-room applications in bulk (职工书屋批量申报): one row per unit, through the submission service.

Declared on projects/imports.py's UnitApplicationsImport: each row is the reading_room rule's facts
for one unit (the point type, the stock the standard is judged on), submitted, with its quota, as
on the portal's apply page; one refused row and nothing is submitted.
"""

from __future__ import annotations

from jiading_union.imports import Column, register
from jiading_union.resources import SpreadsheetResource
from projects.imports import YES_NO, UnitApplicationsImport
from subsidies.rules.reading_rooms import POINT_TYPES, SITE_KINDS

from .models import ReadingRoom


class ReadingRoomApplicationsImport(UnitApplicationsImport):
    key = "reading_room_applications"
    title = "职工书屋批量申报"
    sheet_title = "职工书屋申报"
    permission = "reading_rooms.view_readingroom"
    rule_id = "reading_room"
    fact_columns = (
        Column(
            "point_type", "申报类型", "choice", required=True, example="区级职工书屋示范点", choices=dict(POINT_TYPES)
        ),
        Column("books", "藏书量（册）", "digits", required=True, example="2300"),
        Column("periodicals", "报刊（种）", "digits", required=True, example="12"),
        Column("audio_video", "电子音像制品（种/张）", "digits", required=True, example="60"),
        Column("site_kind", "书屋所在单位类型", "choice", example="基层企事业单位", choices=dict(SITE_KINDS)),
        Column("frontline_concentrated", "一线职工相对集中", "choice", example="是", choices=YES_NO),
    )
    instructions = (
        "每行一个单位的职工书屋申报；街镇工会可为本街镇的单位申报，单位工会为本单位申报。",
        "申报按与网上申请相同的标准和名额审核；文件中有任何一行不能申报，整份文件都不会申报。",
    )


reading_room_applications = register(ReadingRoomApplicationsImport())


class ReadingRoomApplicationsResource(SpreadsheetResource):
    """The reading-room register's django-import-export Resource: bulk applications in, the register out."""

    model = ReadingRoom
    spreadsheet_import = reading_room_applications.key
