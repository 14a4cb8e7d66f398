"""Unit bulk applications (单位批量申报): one row per unit, each submitted through the real service.

Declared for jiading_union/imports.py (read, preview, all or nothing). A street union lists its units
(a unit its own row) for a unit-applicant rule — reading rooms (projects/reading_rooms/imports.py),
legal check-up candidates (projects/legal/imports.py), sanitation rosters grouped by unit
(projects/sanitation/imports.py) — and every row becomes an application through
projects.services.submission.application_submit: the same eligibility, once-only key, quotas,
proofs, hooks and routing as the portal's apply page.

The check is the submission itself: ``plan`` submits every good row inside a transaction it then
rolls back (each row in its own savepoint), so a preview tells every refusal of the rules — a full
quota counted with the file's earlier rows, a unit that already applied this year — with its row and
column; ``apply`` submits them again, for real, in the engine's one transaction, and names the file
and row in each application's history row. Units are found by code or full name among the
organisations the user's scope holds: another street's unit reads as unknown.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import update_change_reason

from jiading_union.imports import SOURCE_REASON, Column, Errors, Row, SpreadsheetImport, duplicates_in_file
from members.models import Organisation, OrganisationLevel, StaffRole
from members.selectors import organisations_visible_to
from subsidies.rules import registry
from subsidies.rules.facts import FactsError

from .services.errors import ApplicationError

UNIT, YEAR = "单位", "申报年度"
YES_NO = {"yes": "是", "no": "否"}

UNIT_UNKNOWN = "找不到“{value}”：请填写您管辖范围内基层工会（单位）的编码或全称。"
UNIT_AMBIGUOUS = "有不止一个名为“{value}”的单位：请改填单位编码。"
UNIT_TWICE = "与第{first}行是同一单位：每个单位每年只能申报一次。"
YEAR_UNKNOWN = "没有{value}年度的该项目政策：请填写已发布的政策年度。"


class _TrialOver(Exception):
    """Raised to roll back a trial submission of the whole file."""


def yes_no(value: Any) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class UnitLookup:
    """Grassroots units the user may apply for, by code and by full name (a name two units share: None)."""

    def __init__(self, user):
        self.by_key: dict[str, Organisation | None] = {}
        visible = organisations_visible_to(user).filter(level=OrganisationLevel.GRASSROOTS).select_related("street")
        for unit in visible:
            self.by_key[unit.code] = unit
            if unit.name in self.by_key and self.by_key[unit.name] is not unit:
                self.by_key[unit.name] = None
            else:
                self.by_key[unit.name] = unit

    def find(self, row: Row, errors: Errors, key: str = "unit", header: str = UNIT) -> Organisation | None:
        value = row.values.get(key)
        if not value:
            return None
        unit = self.by_key.get(value, False)
        if unit is None:
            errors.add(row.number, header, UNIT_AMBIGUOUS.format(value=value))
            return None
        if unit is False:
            errors.add(row.number, header, UNIT_UNKNOWN.format(value=value))
            return None
        return unit


def _remove_files(application) -> None:
    """The stored files of an application whose rows are rolled back (StoredFiles only cleans up
    after an error inside the submission itself)."""
    for attachment in application.attachments.all():
        attachment.file.storage.delete(attachment.file.name)


class UnitApplicationsImport(SpreadsheetImport):
    """Subclass: ``rule_id``, ``title``, ``fact_columns`` (each Column's key a fact of the rule) and,
    where the admin model's own permission is not the view permission given, ``permission``."""

    rule_id: str = ""
    fact_columns: tuple[Column, ...] = ()
    unit_note = "单位的编码或全称，须在您的管辖范围内。"

    @cached_property
    def columns(self) -> tuple[Column, ...]:  # read on first use (the registry may read the database)
        example_year = self.default_year() or timezone.localdate().year
        return (
            Column("unit", UNIT, required=True, example="上海示例有限公司工会", note=self.unit_note),
            Column("policy_year", YEAR, "digits", example=str(example_year), note="不填为当前政策年度。"),
            *self.fact_columns,
        )

    def default_year(self) -> int | None:
        years = registry.years_of(self.rule_id)
        in_force = registry.year_in_force(timezone.localdate(), years) if years else None
        return in_force or (max(years) if years else None)

    def may_import(self, user) -> bool:
        # Who may apply for which unit is the submission's own check (a unit for itself, a street
        # union for its units); the admin page needs staff of a union with the page's permission.
        roles = (StaffRole.GRASSROOTS, StaffRole.STREET, StaffRole.DISTRICT)
        return super().may_import(user) and (user.is_superuser or getattr(user, "role", "") in roles)

    # --- What each row submits ----------------------------------------------------------------------
    def facts(self, row: Row) -> dict[str, Any]:
        facts = {}
        for column in self.fact_columns:
            value = row.values.get(column.key)
            if value is None:
                continue
            if column.choices is YES_NO:
                value = yes_no(value)
            elif column.kind == "digits":
                value = int(value)
            facts[column.key] = value
        return facts

    def uploads(self, row: Row) -> list:
        return []

    def _header_of(self, field: str | None) -> str:
        for column in self.columns:
            if column.key == field:
                return column.header
        return UNIT

    def _submit(self, *, user, row: Row):
        from .services.submission import application_submit

        unit, year = row.target
        return application_submit(
            user=user,
            rule_id=self.rule_id,
            policy_year=year,
            facts=self.facts(row),
            organisation=unit,
            uploads=self.uploads(row),
        )

    # --- The engine's plan and apply ----------------------------------------------------------------
    def check_rows(self, *, user, rows: list[Row], errors: Errors) -> None:
        """Per-row checks before the trial submission (override to add)."""

    def plan(self, *, user, rows: list[Row], errors: Errors) -> None:
        units = UnitLookup(user)
        default_year = self.default_year()
        years = set(registry.years_of(self.rule_id))
        for row in rows:
            unit = units.find(row, errors)
            year = int(row.values["policy_year"]) if row.values.get("policy_year") else default_year
            if year not in years:
                errors.add(row.number, YEAR, YEAR_UNKNOWN.format(value=year))
            row.values["organisation"] = unit
            row.target = (unit, year)
        self.check_rows(user=user, rows=rows, errors=errors)
        duplicates_in_file(
            [r for r in rows if r.values.get("organisation") is not None],
            "organisation",
            UNIT,
            errors,
            UNIT_TWICE,
        )
        good = [r for r in rows if r.number not in errors.bad_rows]
        self._trial(user=user, rows=good, errors=errors)
        for row in good:
            if row.number not in errors.bad_rows:
                row.action = "created"

    def _trial(self, *, user, rows: list[Row], errors: Errors) -> None:
        """Submit every row for real, then roll it all back: the rules' own answers, row by row."""
        try:
            with transaction.atomic():
                for row in rows:
                    try:
                        with transaction.atomic():
                            _remove_files(self._submit(user=user, row=row))  # a trial: no file stays
                    except FactsError as exc:
                        for field, message in exc.errors.items():
                            errors.add(row.number, self._header_of(field), message)
                    except ApplicationError as exc:
                        errors.add(row.number, self._header_of(exc.field), exc.message)
                raise _TrialOver
        except _TrialOver:
            pass

    def apply(self, *, user, rows: list[Row], source_name: str, progress) -> None:
        submitted = []
        try:
            for done, row in enumerate(rows, start=1):
                application = self._submit(user=user, row=row)
                submitted.append(application)
                update_change_reason(application, SOURCE_REASON.format(name=source_name, row=row.number))
                progress(done)
        except BaseException:  # the engine's transaction rolls back: the stored proofs go with it
            for application in submitted:
                _remove_files(application)
            raise

    def shown(self, row: Row) -> dict[str, str]:
        shown = super().shown(row)
        unit = row.values.get("organisation")
        if unit is not None:
            shown[UNIT] = unit.name
        return shown
