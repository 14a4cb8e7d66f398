"""The member roster import (会员名册): a unit's, street's or the district's members in one file.

Declared for jiading_union/imports.py (which reads, previews and runs it all or nothing). Each row
is a member, found by ID number: a new one is created, one already in the user's scope with the
same card number is updated (or left alone when nothing differs). Checks, all in bulk:

- ID number by GB 11643 (members.identity.parse_id_number: format, region, birth date, checksum),
  card number (10 digits), phone, name length, employment type and flexible industry (labels);
- the unit (所属工会) by its code or full name, among the organisations the user's scope holds —
  another street's unit reads as unknown; the street (所属街镇), when given, must be the unit's;
- ID, card number and phone repeated in the file; card number or phone held by another member; an
  ID number already registered outside the user's scope (a transfer goes through the district).

Rows are written with bulk_create/bulk_update and their history rows (django-simple-history) in
the same transaction, each history row naming the user and "从文件“…”第N行导入".
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from jiading_union.bulk import insert_rows
from jiading_union.imports import (
    SOURCE_REASON,
    Column,
    Errors,
    Row,
    SpreadsheetImport,
    chunks,
    duplicates_in_file,
    register,
)
from jiading_union.resources import SpreadsheetResource
from subsidies.rules.vocabulary import EMPLOYMENT_TYPES, FLEXIBLE_INDUSTRIES

from .identity import (
    IdentityError,
    id_check_char,
    mask_id_number,
    parse_id_number,
    validate_card_number,
    validate_phone,
)
from .models import Member, Organisation, OrganisationLevel
from .selectors import organisations_visible_to, scope_for
from .services import FLEXIBLE_INDUSTRY_NOT_ALLOWED, FLEXIBLE_INDUSTRY_REQUIRED

NAME, ID, CARD, PHONE, UNIT, STREET = "姓名", "身份证号码", "会员服务卡号", "手机号码", "所属工会", "所属街镇"
EMPLOYMENT, INDUSTRY, JOINED, ISSUED = "就业类型", "灵活就业行业", "入会日期", "会员服务卡生成日期"

DUPLICATE_IN_FILE = "与第{first}行重复。"
UNIT_UNKNOWN = "找不到“{value}”：请填写您管辖范围内基层工会（单位）或街镇工会的编码或全称。"
UNIT_AMBIGUOUS = "有不止一个名为“{value}”的工会：请改填工会编码。"
STREET_UNKNOWN = "没有名为“{value}”的街镇（园区、行业）工会。"
STREET_MISMATCH = "“{unit}”属于{street}，不属于“{value}”。"
ID_ELSEWHERE = "该身份证号码已在其他工会登记为会员：转会请联系区总工会办理。"
ID_OTHER_CARD = "该身份证号码已登记，会员服务卡号为{card}，与本行不一致。"
CARD_TAKEN = "该会员服务卡号已被其他会员登记。"
PHONE_TAKEN = "该手机号码已被其他会员登记。"

EMPLOYEE = "employee"
EXAMPLE_ID = "31011419900101123" + id_check_char("31011419900101123")
UPDATED_FIELDS = (
    "name",
    "phone",
    "organisation",
    "street",
    "employment_type",
    "flexible_industry",
    "joined_union_on",
    "card_issued_on",
)


class MemberRosterImport(SpreadsheetImport):
    key = "member_roster"
    title = "会员名册"
    sheet_title = "会员名册"
    permission = "members.import_member"
    columns = (
        Column("name", NAME, required=True, example="张三", max_length=50),
        Column("id_number", ID, "digits", required=True, example=EXAMPLE_ID, note="18位，末位可为X。"),
        Column("card_number", CARD, "digits", required=True, example="3000012345", length=10, note="10位数字。"),
        Column("phone", PHONE, "digits", example="13800000000", note="11位手机号码。"),
        Column("unit", UNIT, required=True, example="上海示例有限公司工会", note="基层工会（单位）的编码或全称。"),
        Column("street", STREET, example="嘉定镇街道", note="填写时须与所属工会的街镇一致。"),
        Column("employment_type", EMPLOYMENT, "choice", example="在职职工", choices=EMPLOYMENT_TYPES),
        Column("flexible_industry", INDUSTRY, "choice", choices=FLEXIBLE_INDUSTRIES, note="灵活就业人员必填。"),
        Column("joined_union_on", JOINED, "date", example="2020-05-01"),
        Column("card_issued_on", ISSUED, "date"),
    )
    ignored_headers = ("性别", "出生日期", "在册")  # the member export's columns the ID number gives
    instructions = (
        "每行一名会员；已登记的会员（身份证号码和会员服务卡号一致）按本表更新。",
        "卡号、身份证号码、手机号码请设为文本格式，以免 Excel 去掉开头的0或改动长号码。",
        "日期可写成 2024-03-01、2024/3/1 或 2024年3月1日。请勿使用公式。",
        "文件中有任何一行有误，整份文件都不会导入：请按提示改正后重新上传。",
    )

    def shown(self, row: Row) -> dict[str, str]:
        shown = super().shown(row)
        shown[ID] = mask_id_number(row.values.get("id_number") or "")
        return shown

    def plan(self, *, user, rows: list[Row], errors: Errors) -> None:
        scope = scope_for(user)
        units = _Units(user)
        today = timezone.localdate()
        for row in rows:
            _check_row(row, errors, units, today)
        duplicates_in_file(rows, "id_number", ID, errors, DUPLICATE_IN_FILE)
        duplicates_in_file(rows, "card_number", CARD, errors, DUPLICATE_IN_FILE)
        duplicates_in_file(rows, "phone", PHONE, errors, DUPLICATE_IN_FILE)
        good = [r for r in rows if r.number not in errors.bad_rows]
        existing = _existing(good)
        for row in good:
            _decide(row, errors, existing, scope)

    def apply(self, *, user, rows: list[Row], source_name: str, progress) -> None:
        now = timezone.now()
        created = [r for r in rows if r.action == "created"]
        changed = []
        for row in rows:
            if row.action == "changed":
                row.target._change_reason = SOURCE_REASON.format(name=source_name, row=row.number)
                changed.append(row.target)
        done = 0
        # New members and their first history rows as plain rows: COPY on PostgreSQL (jiading_union/bulk.py).
        defaults = _new_member_defaults()
        history = Member.history.model
        for batch in chunks(created, 5000):
            members = [{**defaults, "created_at": now, "updated_at": now, **r.target} for r in batch]
            ids = insert_rows(Member, members, with_ids=True)
            insert_rows(
                history,
                [
                    {
                        **{k: v for k, v in member.items() if k != "updated_at"},
                        "id": pk,
                        "history_date": now,
                        "history_change_reason": SOURCE_REASON.format(name=source_name, row=r.number),
                        "history_type": "+",
                        "history_user_id": user.pk,
                    }
                    for member, pk, r in zip(members, ids, batch, strict=True)
                ],
            )
            done += len(batch)
            progress(done)
        for member in changed:
            member.updated_at = now
        for batch in chunks(changed, 2000):
            bulk_update_with_history(batch, Member, [*UPDATED_FIELDS, "updated_at"], batch_size=2000, default_user=user)
            done += len(batch)
            progress(done)


def _new_member_defaults() -> dict:
    """Every column of a new member that the roster does not give, at its model default."""
    return {
        f.attname: f.get_default()
        for f in Member._meta.concrete_fields
        if not f.primary_key and f.attname not in ("created_at", "updated_at")
    }


class _Units:
    """The organisations a roster may name, found by code or full name within the user's scope."""

    def __init__(self, user):
        levels = (OrganisationLevel.GRASSROOTS, OrganisationLevel.STREET)
        visible = organisations_visible_to(user).filter(level__in=levels)
        self.by_key: dict[str, Organisation | None] = {}
        for organisation in visible.select_related("street"):
            self.by_key[organisation.code] = organisation
            if organisation.name in self.by_key and self.by_key[organisation.name] is not organisation:
                self.by_key[organisation.name] = None  # ambiguous
            else:
                self.by_key[organisation.name] = organisation
        self.streets = {}
        for street in Organisation.objects.filter(level=OrganisationLevel.STREET).only("pk", "code", "name"):
            self.streets[street.code] = street
            self.streets[street.name] = street


def _check_row(row: Row, errors: Errors, units: _Units, today) -> None:
    values = row.values
    if values.get("id_number"):
        try:
            national = parse_id_number(values["id_number"], today=today)
            values["id_number"], values["birth_date"], values["sex"] = (
                national.number,
                national.birth_date,
                national.sex,
            )
        except IdentityError as exc:
            errors.add(row.number, ID, str(exc))
    if values.get("card_number"):
        try:
            values["card_number"] = validate_card_number(values["card_number"])
        except IdentityError as exc:
            errors.add(row.number, CARD, str(exc))
    if values.get("phone"):
        try:
            values["phone"] = validate_phone(values["phone"])
        except IdentityError as exc:
            errors.add(row.number, PHONE, str(exc))
    employment = values.get("employment_type") or EMPLOYEE
    values["employment_type"] = employment
    industry = values.get("flexible_industry") or ""
    values["flexible_industry"] = industry
    if employment == "flexible_worker" and not industry:
        errors.add(row.number, INDUSTRY, FLEXIBLE_INDUSTRY_REQUIRED)
    elif employment != "flexible_worker" and industry:
        errors.add(row.number, INDUSTRY, FLEXIBLE_INDUSTRY_NOT_ALLOWED)
    unit_key = values.get("unit")
    if unit_key:
        unit = units.by_key.get(unit_key, False)
        if unit is None:
            errors.add(row.number, UNIT, UNIT_AMBIGUOUS.format(value=unit_key))
        elif unit is False:
            errors.add(row.number, UNIT, UNIT_UNKNOWN.format(value=unit_key))
        else:
            values["organisation"] = unit
            street_key = values.get("street")
            if street_key:
                street = units.streets.get(street_key)
                if street is None:
                    errors.add(row.number, STREET, STREET_UNKNOWN.format(value=street_key))
                elif street.pk != unit.street_id:
                    errors.add(
                        row.number,
                        STREET,
                        STREET_MISMATCH.format(unit=unit.name, street=unit.street.name, value=street_key),
                    )


def _existing(rows: list[Row]) -> dict[str, dict]:
    """Members already holding an ID number, card number or phone of the file: one narrow read per
    key and 10,000 rows (full members only for the ID numbers found, usually few)."""
    found = {"id_number": {}, "card_number": {}, "phone": {}}
    for key in found:
        values = [r.values[key] for r in rows if r.values.get(key)]
        if connection.vendor == "postgresql" and values:
            # One array parameter instead of tens of thousands of IN parameters Django prepares one by one.
            with connection.cursor() as cursor:
                column = connection.ops.quote_name(key)
                cursor.execute(f"SELECT {column}, id FROM {Member._meta.db_table} WHERE {column} = ANY(%s)", [values])
                found[key].update(cursor.fetchall())
            continue
        for batch in chunks(values, 10_000):
            found[key].update(Member.objects.filter(**{f"{key}__in": batch}).values_list(key, "pk"))
    if found["id_number"]:
        members = Member.objects.select_related("organisation", "street").in_bulk(list(found["id_number"].values()))
        found["id_number"] = {number: members[pk] for number, pk in found["id_number"].items()}
    return found


def _decide(row: Row, errors: Errors, existing: dict[str, dict], scope) -> None:
    values = row.values
    member = existing["id_number"].get(values["id_number"])
    if member is not None:
        if not _in_scope(member, scope):
            errors.add(row.number, ID, ID_ELSEWHERE)
            return
        if member.card_number != values["card_number"]:
            errors.add(row.number, ID, ID_OTHER_CARD.format(card=member.card_number))
            return
    else:
        if values["card_number"] in existing["card_number"]:
            errors.add(row.number, CARD, CARD_TAKEN)
            return
    phone = values.get("phone") or ""
    holder = existing["phone"].get(phone) if phone else None
    if holder is not None and (member is None or holder != member.pk):
        errors.add(row.number, PHONE, PHONE_TAKEN)
        return
    organisation = values["organisation"]
    street = organisation if organisation.level == OrganisationLevel.STREET else organisation.street
    new = {
        "name": values["name"],
        "phone": phone,
        "organisation": organisation,
        "street": street,
        "employment_type": values["employment_type"],
        "flexible_industry": values["flexible_industry"],
        "joined_union_on": values.get("joined_union_on"),
        "card_issued_on": values.get("card_issued_on"),
    }
    if member is None:
        row.action = "created"
        row.target = {
            "card_number": values["card_number"],
            "id_number": values["id_number"],
            "id_number_last4": values["id_number"][-4:],
            "birth_date": values["birth_date"],
            "sex": values["sex"],
            "name": new["name"],
            "phone": phone,
            "organisation_id": organisation.pk,
            "street_id": street.pk,
            "employment_type": new["employment_type"],
            "flexible_industry": new["flexible_industry"],
            "joined_union_on": new["joined_union_on"],
            "card_issued_on": new["card_issued_on"],
        }
        return
    # Optional columns left empty keep what is on record.
    for field in ("phone", "joined_union_on", "card_issued_on"):
        if not new[field]:
            new[field] = getattr(member, field)
    if all(getattr(member, f) == v for f, v in new.items()):
        row.action = "unchanged"
        return
    for field, value in new.items():
        setattr(member, field, value)
    row.action = "changed"
    row.target = member


def _in_scope(member: Member, scope) -> bool:
    if scope.level == "district":
        return True
    if scope.level == "street":
        return member.street_id == scope.organisation_id
    if scope.level == "grassroots":
        return member.organisation_id == scope.organisation_id
    return False


member_roster = register(MemberRosterImport())


class MemberResource(SpreadsheetResource):
    """The member admin's django-import-export Resource: the roster above in, the list out."""

    model = Member
    spreadsheet_import = member_roster.key
