"""Reads for the public plans page: each policy year's sanatorium and check-up tables, as the
rules' policy data has them (with district staff's edits), each with its clause."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from projects.models import Offering
from subsidies.rules import registry
from subsidies.rules.base import Rule
from subsidies.rules.core import Clause
from subsidies.rules.data import PolicyData
from subsidies.rules.sanatorium import BOOKING_LABELS, RESORT_LABELS, ROOM_LABELS
from subsidies.selectors import policy_data

PROJECT = "sanatorium"


def _yuan(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = str(value)
    return text[:-3] if text.endswith(".00") else text


def _text(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


@dataclass(frozen=True)
class Column:
    heading: str
    cell: Callable[[dict[str, Any]], str]
    # A cell that quotes a param of the year (e.g. the D/E/F months): (row, the year's data) -> text.
    data_cell: Callable[[dict[str, Any], PolicyData], str] | None = None

    def text(self, row: dict[str, Any], data: PolicyData) -> str:
        return self.data_cell(row, data) if self.data_cell else self.cell(row)


def _def_months(row: dict[str, Any], data: PolicyData) -> str:
    if not row["jan_feb_only"]:
        return "额满为止"
    opens, closes = data.value("sanatorium_checkup_def_opens"), data.value("sanatorium_checkup_def_closes")
    return f"仅{opens.month}—{closes.month}月"


def col(heading: str, key: str, fmt: Callable[[Any], str] = _text) -> Column:
    return Column(heading, lambda row: fmt(row.get(key)))


GROUP_PLAN_COLUMNS = (
    col("计划", "plan"),
    col("地点", "site"),
    col("时间", "duration"),
    col("价格（元/人）", "price", _yuan),
    col("补贴（元/人）", "subsidy", _yuan),
    Column("个人负担（元/人）", lambda row: _yuan(row["price"] - row["subsidy"])),
)
SITE_COLUMNS = (col("地点", "name"),)

# How each table is shown (in this order): title and columns. A table not listed here is shown column by column.
PRESENTERS: dict[str, tuple[str, tuple[Column, ...]]] = {
    "sanatorium_city_plans": ("市总团体疗休养计划", GROUP_PLAN_COLUMNS),
    "sanatorium_district_plans": ("区总职工疗休养行动计划", GROUP_PLAN_COLUMNS),
    "sanatorium_resort_rooms": (
        "工会会员休疗养度假房价补贴（元/间/晚）",
        (
            Column("休养院", lambda row: RESORT_LABELS.get(row["resort"], row["resort"])),
            Column("房型", lambda row: ROOM_LABELS.get(row["room_type"], row["room_type"])),
            Column("入住月份", lambda row: f"{row['month_from']}—{row['month_to']}月"),
            col("特惠价", "price", _yuan),
            col("市总补贴", "subsidy", _yuan),
            col("个人实付", "personal", _yuan),
        ),
    ),
    "sanatorium_checkup_plans_2019": (
        "健康体检计划",
        (
            col("体检计划", "plan"),
            col("价格（元/人）", "price", _yuan),
            col("市总补贴（元/人）", "city_subsidy", _yuan),
            col("工疗补贴（元/人）", "sanatorium_subsidy", _yuan),
            col("个人实付（元/人）", "personal", _yuan),
        ),
    ),
    "sanatorium_city_sites": ("市总团体疗休养地点", SITE_COLUMNS),
    "sanatorium_district_sites": ("区总团体疗休养地点", SITE_COLUMNS),
    "sanatorium_individual_sites": ("个人休养度假地点（持卡会员）", SITE_COLUMNS),
    "sanatorium_checkup_plans_2021": (
        "健康体检计划",
        (
            col("体检计划", "plan"),
            col("体检地点", "site"),
            Column("预约方式", lambda row: BOOKING_LABELS.get(row["booking"], row["booking"])),
            Column("开展时间", lambda row: "", _def_months),
        ),
    ),
}

# Params worth showing beside the tables, with a Chinese label.
PARAM_LABELS = {
    "sanatorium_checkup_def_opens": "D、E、F体检计划开展起始日",
    "sanatorium_checkup_def_closes": "D、E、F体检计划开展截止日",
    "sanatorium_checkup_def_district_places": "D、E、F体检计划全区名额（人，先到先得）",
}
# Clauses that tell members what a year's document does not say (shown with the rules' reading of them).
NOTICE_CLAUSES = ("sanatorium_2021_no_prices", "sanatorium_checkup_no_prices", "sanatorium_plan_remainder_payer")


@dataclass(frozen=True)
class PlanTable:
    name: str
    title: str
    clause: Clause
    headers: tuple[str, ...]
    rows: tuple[tuple[tuple[str, str], ...], ...]  # each cell as (heading, text)
    notes: tuple[str, ...] = ()  # how an ambiguous or garbled table was read (the rules' interpretations)


@dataclass(frozen=True)
class PlanFact:
    label: str
    value: str
    clause: Clause


@dataclass(frozen=True)
class Notice:
    text: str
    clause: Clause


@dataclass(frozen=True)
class YearPlans:
    year: int
    rules: tuple[Rule, ...]
    tables: tuple[PlanTable, ...]
    facts: tuple[PlanFact, ...] = ()
    notices: tuple[Notice, ...] = field(default=())


def _table(name: str, data: PolicyData, notes: tuple[str, ...]) -> PlanTable:
    table = data.table(name)
    title, columns = PRESENTERS.get(name, (name, tuple(col(c, c) for c, _kind in table.columns)))
    return PlanTable(
        name=name,
        title=title,
        clause=table.clause,
        headers=tuple(c.heading for c in columns),
        rows=tuple(tuple((c.heading, c.text(row, data)) for c in columns) for row in table.rows),
        notes=notes,
    )


def _plain(value: Any) -> str:
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, Decimal):
        return _yuan(value)
    return str(value)


def plans_of_year(year: int) -> YearPlans:
    rules = tuple(sorted((r for r in registry.for_project(PROJECT) if r.policy_year == year), key=lambda r: r.rule_id))
    data = policy_data(year)
    names: list[str] = []
    for rule in rules:
        names.extend(n for n in rule.tables if n not in names)
    order = list(PRESENTERS)  # stays first, then rooms, then check-ups; tables without a presenter last
    names.sort(key=lambda n: order.index(n) if n in order else len(order))

    def notes_on(name: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(text for rule in rules for text, about in rule.interpretations if about == name))

    params = [p for rule in rules for p in rule.params if p in PARAM_LABELS]
    facts = tuple(PlanFact(PARAM_LABELS[p], _plain(data.value(p)), data.clause(p)) for p in dict.fromkeys(params))
    cited = {c for rule in rules for c in rule.conditions}
    notices = tuple(
        Notice("".join(notes_on(c)) or data.clause(c).quote, data.clause(c)) for c in NOTICE_CLAUSES if c in cited
    )
    return YearPlans(
        year=year, rules=rules, tables=tuple(_table(n, data, notes_on(n)) for n in names), facts=facts, notices=notices
    )


def plan_years() -> list[YearPlans]:
    """Every policy year with sanatorium rules, newest first."""
    years = sorted({r.policy_year for r in registry.for_project(PROJECT)}, reverse=True)
    return [plans_of_year(year) for year in years]


def open_departures(now: datetime) -> QuerySet[Offering]:
    """Sanatorium and check-up offerings still taking bookings, soonest first, with their places."""
    return (
        Offering.objects.filter(project=PROJECT, is_open=True, starts_at__gt=now)
        .select_related("quota")
        .order_by("starts_at")
    )
