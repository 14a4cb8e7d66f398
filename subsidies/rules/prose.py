"""Texts rendered from a policy year's data, so that what members read is what the rules decide.

A rule's `summary` (and a catalogue entry's) is a template whose fields name the year's params
and tables; `render(template, data)` fills them in from that data — the shipped file or the file
with district staff's overrides. No number of a policy is written in the template itself
(tests/subsidies/test_no_policy_digits.py).

Fields (str.format syntax)::

    {flexible_care_industries:count}         a list param's length: 13
    {skill_award_review_chain:levels}        a review chain in words: 基层工会初审、区总工会复审、市总工会终审
    {patent_award_amount}                    a param: 2000 (money without “.00”), 1.5, 60,
                                             2019年1月1日, a list joined with “、”
    {worker_school_city_cap:wan}             in 万: 50000 -> 5
    {flexible_district_share:percent}        0.5 -> 50
    {member_card_city_condolence_diagnosed_from:md}   1月1日 (:m the month alone, :y the year)
    {mentor_award_amounts[technician][amount]}        a table cell, by the row's key
    {mentor_award_amounts:join amount}       every row's cell, joined: 1000、2000、3000
    {mentor_award_amounts:min amount}        the smallest (max: the largest); add “ wan” for 万
    {mentor_award_amounts:count}             the number of rows
"""

from __future__ import annotations

import string
from datetime import date
from decimal import Decimal
from typing import Any

from .data import PolicyData, Table
from .vocabulary import REVIEW_LEVELS

WAN = Decimal(10000)


def plain(value: Any, spec: str = "") -> str:
    """One value as a member reads it inside a sentence (the unit is the template's)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        if spec == "md":
            return f"{value.month}月{value.day}日"
        if spec == "m":
            return str(value.month)
        if spec == "y":
            return str(value.year)
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, (tuple, list)):
        if spec == "count":
            return str(len(value))
        if spec == "levels":
            return chain_words(tuple(value))
        return "、".join(plain(v, spec) for v in value)
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
        if spec == "wan":
            number /= WAN
        elif spec == "percent":
            number *= 100
        elif spec:
            raise ValueError(f"unknown format {spec!r} for {value!r}")
        text = format(number.normalize(), "f")
        return text
    if spec:
        raise ValueError(f"unknown format {spec!r} for {value!r}")
    return str(value)


class _Value:
    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __format__(self, spec: str) -> str:
        return plain(self.value, spec)


class _Row:
    __slots__ = ("row",)

    def __init__(self, row: dict[str, Any]):
        self.row = row

    def __getitem__(self, column: str) -> _Value:
        return _Value(self.row[column])


class _Table:
    __slots__ = ("table",)

    def __init__(self, table: Table):
        self.table = table

    def __getitem__(self, key: Any) -> _Row:
        row = self.table.get(key)
        if row is None and not isinstance(key, str):
            row = self.table.get(str(key))
        if row is None:
            raise KeyError(f"表 {self.table.name} 没有 {key}")
        return _Row(row)

    def __format__(self, spec: str) -> str:
        how, _, rest = spec.partition(" ")
        if how == "count":
            return str(len(self.table.rows))
        column, _, unit = rest.partition(" ")
        values = [row[column] for row in self.table.rows if row[column] is not None]
        if how == "join":
            return "、".join(plain(v, unit) for v in dict.fromkeys(values))
        if how == "min":
            return plain(min(values), unit)
        if how == "max":
            return plain(max(values), unit)
        raise ValueError(f"unknown table format {spec!r}")


class _Formatter(string.Formatter):
    def __init__(self, data: PolicyData):
        self.data = data

    def get_value(self, key, args, kwargs):
        if isinstance(key, int):
            raise ValueError("positional fields are not allowed in policy texts")
        if key in self.data.params:
            return _Value(self.data.params[key].value)
        if key in self.data.tables:
            return _Table(self.data.tables[key])
        raise KeyError(f"{self.data.year}年度政策数据没有 {key}")


def render(template: str, data: PolicyData) -> str:
    """The template with its fields filled in from `data` (KeyError names a missing param/table)."""
    return _Formatter(data).format(template)


def fields(template: str) -> set[str]:
    """The params and tables a template reads (for tests: each exists in its year's data)."""
    return {name.split("[", 1)[0].split(".", 1)[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def chain_words(chain: tuple[str, ...]) -> str:
    """A review chain of the data in words: 基层工会初审、区总工会复审、市总工会终审."""
    names = [REVIEW_LEVELS.get(level, level) for level in chain]
    if len(names) == 1:
        return f"{names[0]}审核"
    stages = ["初审", *["复审"] * (len(names) - 2), "终审"]
    return "、".join(f"{name}{stage}" for name, stage in zip(names, stages, strict=True))
