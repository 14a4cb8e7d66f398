"""Policy data: every number, date, window, quota and table of a policy year,
each with the clause it comes from.

Files: subsidies/rules/data/<year>/*.toml, loaded once per process and
validated against the specs the rules declare. A new policy year adds a
directory; it never edits an old one. District staff's edits (stored in the
database by the Django layer) come back through `PolicyData.with_overrides`,
validated by the same code.

File shape::

    [params.fee]
    type = "money"
    value = "80.00"
    section = "§4 缴费标准"
    quote = "2019年为每人每年80元"

    [clauses.member_of_district]      # a condition's clause, no number
    section = "§1 奖励对象（一）1"
    quote = "本区工会会员"

    [tables.plans]
    section = "§6 体检计划汇总表"
    columns = ["plan:str", "price:money", "sanatorium_subsidy:money?"]
    rows = [["A", "450", ""], ...]

    [params.patent_award_amount]      # not printed in this year's document:
    carried_from = 2019               # the latest printed value, with its clause ("沿用2019年标准")
    from = "patent_award_amount"      # optional: the earlier year's name, when it differs

A carried param, table or clause is this year's own (district staff override it in this year's
policy tables); only its value and clause come from the earlier year's files, never copied by hand.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from .core import Clause, money

DATA_DIR = Path(__file__).resolve().parent / "data"

VALUE_TYPES = ("money", "decimal", "int", "date", "str", "bool", "str_list")


class PolicyDataError(ValueError):
    """A policy file or an edited table is malformed. Messages are Chinese for the admin."""


def coerce(kind: str, value: Any, where: str) -> Any:
    """TOML values or JSON strings to the declared type. Never float."""
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    if value is None or (optional and value == ""):
        if optional:
            return None
        raise PolicyDataError(f"{where}：不能为空。")
    if isinstance(value, float):
        raise PolicyDataError(f"{where}：金额和数值请写成字符串或整数（不能用浮点数）。")
    try:
        if kind == "money":
            if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
                raise PolicyDataError(f"{where}：应为金额。")
            return money(value)
        if kind == "decimal":
            if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
                raise PolicyDataError(f"{where}：应为数值。")
            return Decimal(value)
        if kind == "int":
            if isinstance(value, bool):
                raise PolicyDataError(f"{where}：应为整数。")
            return int(value)
        if kind == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if kind == "bool":
            if isinstance(value, bool):
                return value
            raise PolicyDataError(f"{where}：应为 true 或 false。")
        if kind == "str":
            return str(value)
        if kind == "str_list":
            if not isinstance(value, (list, tuple)):
                raise PolicyDataError(f"{where}：应为字符串列表。")
            return tuple(str(v) for v in value)
    except (InvalidOperation, ValueError, TypeError) as exc:
        if isinstance(exc, PolicyDataError):
            raise
        raise PolicyDataError(f"{where}：无法解析为 {kind}（{value!r}）。") from None
    raise PolicyDataError(f"{where}：未知类型 {kind}。")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    value: Any
    clause: Clause


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, kind)
    rows: tuple[dict[str, Any], ...]
    clause: Clause
    key: str | None = None

    def __post_init__(self):
        if self.key:
            index = {}
            for row in self.rows:
                if row[self.key] in index:
                    raise PolicyDataError(f"表 {self.name}：键 {row[self.key]} 重复。")
                index[row[self.key]] = row
            object.__setattr__(self, "_index", index)

    def get(self, key: Any) -> dict[str, Any] | None:
        return self._index.get(key)  # type: ignore[attr-defined]

    def derived(self, name: str, build):
        """A value computed once from this (immutable) table, e.g. its rows as Windows."""
        cache = self.__dict__.setdefault("_derived", {})
        if name not in cache:
            cache[name] = build(self)
        return cache[name]

    def keys(self) -> tuple[Any, ...]:
        return tuple(self._index)  # type: ignore[attr-defined]

    def to_json_rows(self) -> list[dict[str, Any]]:
        def plain(v):
            if isinstance(v, (date, Decimal)):
                return v.isoformat() if isinstance(v, date) else str(v)
            return list(v) if isinstance(v, tuple) else v

        return [{k: plain(v) for k, v in row.items()} for row in self.rows]


def _clause(document: str, spec: Mapping[str, Any], where: str) -> Clause:
    if "section" not in spec:
        raise PolicyDataError(f"{where}：缺少条款出处（section）。")
    return Clause(
        document=str(spec.get("document", document)), section=str(spec["section"]), quote=str(spec.get("quote", ""))
    )


def parse_columns(columns: Iterable[str], where: str) -> tuple[tuple[str, str], ...]:
    parsed = []
    for column in columns:
        name, _, kind = str(column).partition(":")
        if kind.rstrip("?") not in VALUE_TYPES:
            raise PolicyDataError(f"{where}：列 {column} 的类型未知。")
        parsed.append((name, kind))
    return tuple(parsed)


def build_table(
    name: str, columns: tuple[tuple[str, str], ...], raw_rows: Iterable[Any], clause: Clause, key: str | None
) -> Table:
    rows = []
    for number, raw in enumerate(raw_rows, start=1):
        where = f"表 {name} 第{number}行"
        if isinstance(raw, Mapping):
            values = [raw.get(c) for c, _ in columns]
            extra = set(raw) - {c for c, _ in columns}
            if extra:
                raise PolicyDataError(f"{where}：多余的列 {sorted(extra)}。")
        else:
            values = list(raw)
            if len(values) != len(columns):
                raise PolicyDataError(f"{where}：应有 {len(columns)} 列，实际 {len(values)} 列。")
        rows.append({c: coerce(kind, v, f"{where}“{c}”") for (c, kind), v in zip(columns, values, strict=True)})
    return Table(name=name, columns=columns, rows=tuple(rows), clause=clause, key=key)


@dataclass(frozen=True)
class PolicyData:
    year: int
    params: Mapping[str, Param]
    tables: Mapping[str, Table]
    sources: tuple[str, ...] = field(default=())
    clauses: Mapping[str, Clause] = field(default_factory=dict)

    def __post_init__(self):
        # One flat index: a rule looks clauses up several times per evaluation.
        index = {name: table.clause for name, table in self.tables.items()}
        index.update({name: param.clause for name, param in self.params.items()})
        index.update(self.clauses)
        object.__setattr__(self, "_clause_index", index)

    def derived(self, name: str, build):
        """A value computed once from this (immutable) policy data, e.g. texts built from its params."""
        cache = self.__dict__.setdefault("_derived", {})
        if name not in cache:
            cache[name] = build(self)
        return cache[name]

    def clause(self, name: str) -> Clause:
        """The clause behind a named condition, param or table."""
        try:
            return self._clause_index[name]  # type: ignore[attr-defined]
        except KeyError:
            raise PolicyDataError(f"{self.year}年度政策数据缺少条款 {name}。") from None

    def param(self, name: str) -> Param:
        try:
            return self.params[name]
        except KeyError:
            raise PolicyDataError(f"{self.year}年度政策数据缺少参数 {name}。") from None

    def value(self, name: str) -> Any:
        return self.param(name).value

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            raise PolicyDataError(f"{self.year}年度政策数据缺少表 {name}。") from None

    def with_overrides(
        self,
        *,
        params: Mapping[str, Any] | None = None,
        tables: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
        clauses: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> PolicyData:
        """A copy with edited values/rows (as JSON-able values), validated like the files.
        `clauses`: a param's, table's or condition's new clause ({"document", "section", "quote"}),
        e.g. the section of a new year's own document that states it."""
        new_params = dict(self.params)
        for name, value in (params or {}).items():
            old = self.param(name)
            new_params[name] = Param(name, old.kind, coerce(old.kind, value, f"参数 {name}"), old.clause)
        new_tables = dict(self.tables)
        for name, rows in (tables or {}).items():
            old = self.table(name)
            new_tables[name] = build_table(name, old.columns, rows, old.clause, old.key)
        new_clauses = dict(self.clauses)
        for name, spec in (clauses or {}).items():
            where = f"条款 {name}"
            if not isinstance(spec, Mapping) or not str(spec.get("section", "")).strip():
                raise PolicyDataError(f"{where}：请填写条款（章节）。")
            if not str(spec.get("document", "")).strip():
                raise PolicyDataError(f"{where}：请注明出自哪份文件。")
            self.clause(name)  # only a name the year has
            clause = Clause(
                document=str(spec["document"]).strip(),
                section=str(spec["section"]).strip(),
                quote=str(spec.get("quote", "")).strip(),
            )
            if name in new_params:
                new_params[name] = replace(new_params[name], clause=clause)
            elif name in new_tables:
                new_tables[name] = replace(new_tables[name], clause=clause)
            else:
                new_clauses[name] = clause
        return PolicyData(self.year, new_params, new_tables, self.sources, new_clauses)

    def names(self) -> tuple[str, ...]:
        """Every param, table and condition clause of the year."""
        return (*self.params, *self.tables, *(n for n in self.clauses if n not in self.params and n not in self.tables))


def compose_year(year: int, layers: Iterable[PolicyData]) -> PolicyData:
    """A policy year that district staff opened from earlier years (the first layer, then the
    names only later layers have, e.g. the projects a newer document does not cover): every
    param, table and clause is carried over with its value and clause ("沿用<year>年标准"),
    nothing copied by hand and nothing of the earlier years changed."""

    def carried(clause: Clause, source_year: int) -> Clause:
        return replace(clause, carried_from=clause.carried_from or source_year)

    params: dict[str, Param] = {}
    tables: dict[str, Table] = {}
    clauses: dict[str, Clause] = {}
    sources: list[str] = []
    for layer in layers:
        if layer.year >= year:
            raise PolicyDataError(f"{year}年度只能沿用更早年度的政策数据。")
        taken = set(params) | set(tables) | set(clauses)
        for name, param in layer.params.items():
            if name not in taken:
                params[name] = replace(param, clause=carried(param.clause, layer.year))
        for name, table in layer.tables.items():
            if name not in taken:
                tables[name] = replace(table, clause=carried(table.clause, layer.year))
        for name, clause in layer.clauses.items():
            if name not in taken:
                clauses[name] = carried(clause, layer.year)
        sources.extend(f"{layer.year}/{s}" for s in layer.sources)
    return PolicyData(year, params, tables, tuple(sources), clauses)


def _carried(year: int, kind: str, name: str, spec: Mapping[str, Any], where: str):
    """The earlier year's param, table or clause this year carries over (its value and clause)."""
    source_year = spec["carried_from"]
    if isinstance(source_year, bool) or not isinstance(source_year, int) or source_year >= year:
        raise PolicyDataError(f"{where}：carried_from 应为更早的年度。")
    extra = set(spec) - {"carried_from", "from"}
    if extra:
        raise PolicyDataError(f"{where}：沿用前一年度的标准时不能另写 {sorted(extra)}。")
    source = load_policy_data(source_year)
    source_name = str(spec.get("from", name))
    if kind == "clause":
        found = source.clause(source_name)
    else:
        found = source.param(source_name) if kind == "param" else source.table(source_name)
        found = replace(found, name=name)
        clause = found.clause
        return replace(found, clause=replace(clause, carried_from=clause.carried_from or source_year))
    return replace(found, carried_from=found.carried_from or source_year)


def _load_file(
    path: Path, document: str, params: dict[str, Param], tables: dict[str, Table], clauses: dict[str, Clause]
) -> None:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    file_document = str(raw.get("document", document))
    year = int(document)
    for name, spec in raw.get("clauses", {}).items():
        where = f"{path.name} 条款 {name}"
        if name in clauses:
            raise PolicyDataError(f"{where}：重复定义。")
        if "carried_from" in spec:
            clauses[name] = _carried(year, "clause", name, spec, where)
            continue
        clauses[name] = _clause(file_document, spec, where)
    for name, spec in raw.get("params", {}).items():
        where = f"{path.name} 参数 {name}"
        if name in params:
            raise PolicyDataError(f"{where}：重复定义。")
        if "carried_from" in spec:
            params[name] = _carried(year, "param", name, spec, where)
            continue
        kind = spec.get("type")
        if kind not in VALUE_TYPES:
            raise PolicyDataError(f"{where}：类型 {kind!r} 未知。")
        params[name] = Param(name, kind, coerce(kind, spec.get("value"), where), _clause(file_document, spec, where))
    for name, spec in raw.get("tables", {}).items():
        where = f"{path.name} 表 {name}"
        if name in tables:
            raise PolicyDataError(f"{where}：重复定义。")
        if "carried_from" in spec:
            tables[name] = _carried(year, "table", name, spec, where)
            continue
        columns = parse_columns(spec.get("columns", ()), where)
        tables[name] = build_table(
            name, columns, spec.get("rows", ()), _clause(file_document, spec, where), spec.get("key")
        )


@cache
def load_policy_data(year: int) -> PolicyData:
    """All files of one policy year. Cached: loaded once per process."""
    directory = DATA_DIR / str(year)
    if not directory.is_dir():
        raise PolicyDataError(f"没有 {year} 年度的政策数据。")
    params: dict[str, Param] = {}
    tables: dict[str, Table] = {}
    clauses: dict[str, Clause] = {}
    files = sorted(directory.glob("*.toml"))
    for path in files:
        _load_file(path, str(year), params, tables, clauses)
    return PolicyData(year, params, tables, tuple(p.name for p in files), clauses)


def available_years() -> tuple[int, ...]:
    return tuple(sorted(int(p.name) for p in DATA_DIR.iterdir() if p.is_dir() and p.name.isdigit()))
