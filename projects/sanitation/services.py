"""Writes for sanitation workers' insurance (2019 §15 环卫职工“送保障”).

roster_import is the procedure's on_submit: it reads the unit's roster spreadsheet and refuses
the submission (ApplicationError naming each bad row and column; nothing saved) unless every
row is a valid, distinct worker who pays social insurance and the count matches the
insured_workers fact. Hooks used by projects/sanitation/procedures.py.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from members.models import Member, Organisation
from projects.models import INACTIVE_STATUSES, Application, AttachmentKind
from projects.services.errors import ApplicationError

from .models import RosterEntry
from .roster import ID_NUMBER, parse_roster
from .selectors import RULE_ID

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 10

ROSTER_MISSING = "请上传参保名册（xlsx）。"
ROSTER_NOT_XLSX = "参保名册须为 Excel（xlsx）文件：请下载名册模板填写后上传。"
COUNT_MISMATCH = "参保名册共{rows}人，与申报的参保职工人数{declared}人不一致。"
ROW_ELSEWHERE = "第{row}行“{column}”列：该职工已在本年度其他单位的“送保障”名册中（每人只能参加一家单位的“送保障”）。"
ROSTER_INVALID = "参保名册有{count}处问题：{errors}"


def sanitation_locked_facts(
    member: Member | None, organisation: Organisation | None, policy_year: int, typed: dict | None = None
) -> dict[str, Any]:
    """Procedure.locked_facts: whether the unit is a sanitation operator comes from its organisation record."""
    if organisation is None:
        return {}
    return {"is_sanitation_operator": organisation.is_sanitation_operator}


def _latest_roster(application: Application):
    return application.attachments.filter(kind=AttachmentKind.ROSTER).order_by("-created_at", "-pk").first()


def _held_elsewhere(application: Application, id_numbers: list[str]) -> set[str]:
    """ID numbers already on another active roster of the same policy year (§15: 每人1份)."""
    return set(
        RosterEntry.objects.filter(
            id_number__in=id_numbers, application__rule_id=RULE_ID, application__policy_year=application.policy_year
        )
        .exclude(application=application)
        .exclude(application__status__in=INACTIVE_STATUSES)
        .values_list("id_number", flat=True)
    )


@transaction.atomic
def roster_import(application: Application) -> list[RosterEntry]:
    """Procedure.on_submit: validate the latest roster upload and store its rows (replacing earlier ones)."""
    attachment = _latest_roster(application)
    if attachment is None:
        raise ApplicationError(ROSTER_MISSING, field="attachments")
    if attachment.content_type != XLSX:
        raise ApplicationError(ROSTER_NOT_XLSX, field="attachments")
    with attachment.file.open("rb") as file:
        parsed = parse_roster(file, name=attachment.original_name)
    errors = list(parsed.errors)
    declared = application.facts.get("insured_workers")
    if parsed.row_count and declared is not None and parsed.row_count != int(declared):
        errors.append(COUNT_MISMATCH.format(rows=parsed.row_count, declared=declared))
    elsewhere = _held_elsewhere(application, [row.id_number for row in parsed.rows])
    errors.extend(
        ROW_ELSEWHERE.format(row=row.row_number, column=ID_NUMBER) for row in parsed.rows if row.id_number in elsewhere
    )
    if errors:
        shown = "；".join(errors[:SHOWN_ERRORS]) + ("……" if len(errors) > SHOWN_ERRORS else "")
        raise ApplicationError(
            ROSTER_INVALID.format(count=len(errors), errors=shown), field="attachments", reasons=errors
        )
    RosterEntry.objects.filter(application=application).delete()
    return RosterEntry.objects.bulk_create(
        [
            RosterEntry(
                application=application,
                row_number=row.row_number,
                name=row.name,
                id_number=row.id_number,
                pays_social_insurance=row.pays_social_insurance,
            )
            for row in parsed.rows
        ]
    )
