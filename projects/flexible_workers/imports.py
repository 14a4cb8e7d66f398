"""The real-name registration import (灵活就业会员实名登记): the street's list for 申工通, in one file.

Declared for jiading_union/imports.py (read, preview, all or nothing). Each row names a member
already on the roll (by ID number, within the user's scope) with the name, phone, union and industry
the platform asks for; they must agree with the member's record. Every row is then checked by
registration.check_registration — the same check as the admin form — and, on confirmation, each
registered by registration.flexible_worker_register, which starts the coverage on the date the rule
gives. All rows in one transaction: one refused row and nothing is registered.
"""

from __future__ import annotations

from django.utils import timezone
from simple_history.utils import update_change_reason

from jiading_union.imports import SOURCE_REASON, Column, Errors, Row, SpreadsheetImport, chunks, register
from jiading_union.resources import SpreadsheetResource
from members.identity import IdentityError, mask_id_number, parse_id_number
from members.imports import EXAMPLE_ID
from members.selectors import members_visible_to
from projects.services.errors import ApplicationError
from subsidies.rules.vocabulary import FLEXIBLE_INDUSTRIES

from . import registration
from .models import RealNameRegistration

NAME, ID, PHONE, UNION, INDUSTRY, UPLOADED = "姓名", "身份证号码", "手机号码", "所属工会", "行业", "上传日期"

NOT_A_MEMBER = "找不到该身份证号码的会员（或不在您的管辖范围内）：请先导入会员名册。"
NAME_DIFFERS = "与会员登记的姓名“{name}”不一致。"
PHONE_DIFFERS = "与会员登记的手机号码不一致。"
UNION_DIFFERS = "与会员登记的所属工会“{union}”不一致。"
INDUSTRY_DIFFERS = "与会员登记的灵活就业行业“{industry}”不一致。"
DUPLICATE_IN_FILE = "与第{first}行重复。"
FIELD_COLUMN = {"uploaded_on": UPLOADED}


class RealNameRegistrationImport(SpreadsheetImport):
    key = "real_name_registration"
    title = "灵活就业会员实名登记"
    sheet_title = "实名登记"
    permission = "flexible_workers.add_realnameregistration"
    columns = (
        Column("name", NAME, required=True, example="李四", max_length=50),
        Column("id_number", ID, "digits", required=True, example=EXAMPLE_ID, note="须为已登记的会员。"),
        Column("phone", PHONE, "digits", example="13900000000"),
        Column("union", UNION, example="嘉定镇街道", note="工会编码或全称，填写时须与会员登记一致。"),
        Column("industry", INDUSTRY, "choice", choices=FLEXIBLE_INDUSTRIES, example="快递物流"),
        Column("uploaded_on", UPLOADED, "date", example="2026-03-01", note="上传“申工通”平台的日期，不填为今天。"),
    )
    instructions = (
        "每行一名一次缴满年度会费的灵活就业会员；保障自上传日期次月1日起（政策 2019 §4（一））。",
        "文件中有任何一行不能登记，整份文件都不会登记：请按提示改正后重新上传。",
    )

    def shown(self, row: Row) -> dict[str, str]:
        shown = super().shown(row)
        shown[ID] = mask_id_number(row.values.get("id_number") or "")
        return shown

    def plan(self, *, user, rows: list[Row], errors: Errors) -> None:
        today = timezone.localdate()
        for row in rows:
            if row.values.get("id_number"):
                try:
                    row.values["id_number"] = parse_id_number(row.values["id_number"], today=today).number
                except IdentityError as exc:
                    errors.add(row.number, ID, str(exc))
        ids = [r.values["id_number"] for r in rows if r.values.get("id_number") and r.number not in errors.bad_rows]
        members = {}
        for batch in chunks(ids):
            for member in members_visible_to(user).filter(id_number__in=batch):
                members[member.id_number] = member
        first: dict[str, int] = {}
        for row in rows:
            if row.number in errors.bad_rows:
                continue
            values = row.values
            member = members.get(values["id_number"])
            if member is None:
                errors.add(row.number, ID, NOT_A_MEMBER)
                continue
            if values["id_number"] in first:
                errors.add(row.number, ID, DUPLICATE_IN_FILE.format(first=first[values["id_number"]]))
                continue
            first[values["id_number"]] = row.number
            if values.get("name") and values["name"] != member.name:
                errors.add(row.number, NAME, NAME_DIFFERS.format(name=member.name))
            if values.get("phone") and values["phone"] != member.phone:
                errors.add(row.number, PHONE, PHONE_DIFFERS)
            union = values.get("union")
            if union and union not in (member.organisation.code, member.organisation.name):
                errors.add(row.number, UNION, UNION_DIFFERS.format(union=member.organisation.name))
            industry = values.get("industry")
            if industry and industry != member.flexible_industry:
                label = FLEXIBLE_INDUSTRIES.get(member.flexible_industry, "—")
                errors.add(row.number, INDUSTRY, INDUSTRY_DIFFERS.format(industry=label))
            if row.number in errors.bad_rows:
                continue
            uploaded_on = values.get("uploaded_on") or today
            try:
                registration.check_registration(user=user, member=member, uploaded_on=uploaded_on)
            except ApplicationError as exc:
                errors.add(row.number, FIELD_COLUMN.get(exc.field, ID), exc.message)
                continue
            row.action, row.target = "created", (member, uploaded_on)

    def apply(self, *, user, rows: list[Row], source_name: str, progress) -> None:
        for done, row in enumerate(rows, start=1):
            member, uploaded_on = row.target
            created = registration.flexible_worker_register(user=user, member=member, uploaded_on=uploaded_on)
            update_change_reason(created, SOURCE_REASON.format(name=source_name, row=row.number))
            progress(done)


real_name_registration = register(RealNameRegistrationImport())


class RealNameRegistrationResource(SpreadsheetResource):
    """The registration admin's django-import-export Resource: the registrations above in, the list out."""

    model = RealNameRegistration
    spreadsheet_import = real_name_registration.key
