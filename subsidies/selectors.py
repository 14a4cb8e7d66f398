"""Reads for policy data and rule decisions: the rules module plus district staff's edits."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max

from subsidies.rules import registry
from subsidies.rules.base import Rule
from subsidies.rules.core import Decision
from subsidies.rules.data import PolicyData, PolicyDataError, available_years, compose_year, load_policy_data
from subsidies.rules.facts import Facts
from subsidies.rules.reference import ReferenceData, load_reference_data

from .models import PolicyOverride, PolicyOverrideKind, PolicyYear, PolicyYearStatus, ReferenceValue

logger = logging.getLogger(__name__)

# Each process keeps a year's PolicyData until that year's overrides change.
_policy_cache: dict[int, tuple[tuple, PolicyData]] = {}
# Inside policy_snapshot(): what was read once is reused ({year: PolicyData, "refs": ReferenceData}).
_SNAPSHOT: ContextVar[dict | None] = ContextVar("policy_snapshot", default=None)


@contextmanager
def policy_snapshot() -> Iterator[None]:
    """Read each year's policy data and the reference values at most once inside the block: for one
    unit of work that decides many times (a first-come allocation batch, one submission's checks),
    each read otherwise costs a version query. Nested blocks share the outer snapshot."""
    if _SNAPSHOT.get() is not None:
        yield
        return
    token = _SNAPSHOT.set({})
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


def reference_data() -> ReferenceData:
    """Shipped defaults, replaced series by series by the values staff keep in the database."""
    snapshot = _SNAPSHOT.get()
    if snapshot is not None:
        if "refs" not in snapshot:
            snapshot["refs"] = _reference_data()
        return snapshot["refs"]
    return _reference_data()


def _reference_data() -> ReferenceData:
    points: dict[str, list[tuple]] = defaultdict(list)
    for row in ReferenceValue.objects.order_by("series", "effective_from").values_list(
        "series", "effective_from", "amount"
    ):
        points[row[0]].append((row[1], row[2]))
    defaults = load_reference_data()
    return defaults.with_overrides(points) if points else defaults


def policy_version(year: int) -> tuple:
    """Changes whenever an override of the year is added, edited or removed (one small query;
    a year district staff opened adds its own record's time)."""
    stats = PolicyOverride.objects.filter(policy_year=year).aggregate(
        n=Count("id"), last=Max("updated_at"), top=Max("id")
    )
    held = None
    if year not in available_years():
        held = PolicyYear.objects.filter(year=year).values_list("updated_at", flat=True).first()
    return stats["n"], stats["last"], stats["top"], held


def _apply(data: PolicyData, kind: str, name: str, value: Any) -> PolicyData:
    if kind == PolicyOverrideKind.PARAM:
        return data.with_overrides(params={name: value})
    if kind == PolicyOverrideKind.CLAUSE:
        return data.with_overrides(clauses={name: value})
    return data.with_overrides(tables={name: value})


def opened_base(record: PolicyYear) -> PolicyData:
    """A year district staff opened, before its own edits: its source years' files composed."""
    return compose_year(record.year, [load_policy_data(y) for y in record.base_years])


def shipped_data(year: int) -> PolicyData:
    """The year's data before any edit: its files, or (a year opened by district staff) the
    files of the years it was opened from. PolicyDataError for a year that has neither."""
    if year in available_years():
        return load_policy_data(year)
    record = PolicyYear.objects.filter(year=year).first()
    if record is None:
        raise PolicyDataError(f"没有 {year} 年度的政策数据。")
    return opened_base(record)


def policy_data(year: int) -> PolicyData:
    """A policy year's data file with district staff's overrides applied."""
    snapshot = _SNAPSHOT.get()
    if snapshot is not None:
        if year not in snapshot:
            snapshot[year] = _policy_data(year)
        return snapshot[year]
    return _policy_data(year)


def _policy_data(year: int) -> PolicyData:
    version = policy_version(year)
    cached = _policy_cache.get(year)
    if cached is not None and cached[0] == version:
        return cached[1]
    data = shipped_data(year)
    for kind, name, value in PolicyOverride.objects.filter(policy_year=year).values_list("kind", "name", "value"):
        try:
            data = _apply(data, kind, name, value)
        except PolicyDataError:
            # Only subsidies.services writes overrides, validated; a row written around it (a shell,
            # a restore) must not take every member page down: it is ignored, loudly, and the policy
            # page flags it (invalid_overrides).
            logger.error("政策修改 %s %s %s 未通过校验，已忽略，沿用上一有效值", year, kind, name)
    _policy_cache[year] = (version, data)
    return data


def policy_data_by_year() -> dict[int, PolicyData]:
    """Every policy year's current data, for a page that renders texts of several years."""
    return {year: policy_data(year) for year in registry.years()}


def invalid_overrides(year: int) -> list[PolicyOverride]:
    """Overrides of the year that do not validate (written around the service)."""
    data, bad = shipped_data(year), []
    for override in PolicyOverride.objects.filter(policy_year=year):
        try:
            _apply(data, override.kind, override.name, override.value)
        except PolicyDataError:
            bad.append(override)
    return bad


@dataclass(frozen=True)
class PolicyEntry:
    """One param or table of a year as staff see it: shipped value, current value, clause."""

    year: int
    kind: str
    name: str
    clause: str
    quote: str
    shipped: Any
    current: Any
    override: PolicyOverride | None

    @property
    def overridden(self) -> bool:
        return self.override is not None


def _plain(value):
    from datetime import date
    from decimal import Decimal

    if isinstance(value, (date, Decimal)):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def policy_entries(year: int) -> list[PolicyEntry]:
    shipped, current = shipped_data(year), policy_data(year)
    overrides = {
        (o.kind, o.name): o for o in PolicyOverride.objects.filter(policy_year=year).select_related("updated_by")
    }
    entries = []
    for name, param in shipped.params.items():
        entries.append(
            PolicyEntry(
                year,
                PolicyOverrideKind.PARAM,
                name,
                current.params[name].clause.citation,
                current.params[name].clause.quote,
                _plain(param.value),
                _plain(current.params[name].value),
                overrides.get((PolicyOverrideKind.PARAM, name)),
            )
        )
    for name, table in shipped.tables.items():
        entries.append(
            PolicyEntry(
                year,
                PolicyOverrideKind.TABLE,
                name,
                current.tables[name].clause.citation,
                current.tables[name].clause.quote,
                table.to_json_rows(),
                current.tables[name].to_json_rows(),
                overrides.get((PolicyOverrideKind.TABLE, name)),
            )
        )
    return sorted(entries, key=lambda e: (e.kind, e.name))


def clause_documents(year: int) -> list[tuple[str, str]]:
    """The documents a draft year's clauses may cite, as (stored value, name): the year's own
    实事项目 document (once its title is set), then every document its current clauses cite."""
    from subsidies.rules.core import DOCUMENTS

    record = policy_year_record(year)
    choices: dict[str, str] = {}
    if record is not None and record.document_title:
        choices[record.document_title] = f"本年度政策文件：{record.document_title}"
    try:
        data = policy_data(year)
    except PolicyDataError:
        return list(choices.items())
    for name in data.names():
        document = data.clause(name).document
        choices.setdefault(document, DOCUMENTS.get(document, document))
    return list(choices.items())


def clause_label(year: int, name: str) -> str:
    """A param's or table's name; a condition's: the titles of the rules that cite it (never its code)."""
    from . import policy_labels as L

    if name in L.PARAMS or name in L.TABLES:
        return L.param_label(name)
    titles = [cls.title for cls in _rules_of(year).values() if name in cls.conditions]
    return "条件：" + "、".join(dict.fromkeys(titles)) if titles else "条件"


def condition_clauses(year: int) -> list[dict[str, Any]]:
    """The clauses a year's conditions cite (those of no param or table), for its page: label,
    citation, quote, and the edit of this year if any."""
    data = policy_data(year)
    edited = {
        o.name: o
        for o in PolicyOverride.objects.filter(policy_year=year, kind=PolicyOverrideKind.CLAUSE).select_related(
            "updated_by"
        )
    }
    rows = []
    for name in data.names():
        if name in data.params or name in data.tables:
            continue
        clause = data.clause(name)
        rows.append(
            {
                "name": name,
                "label": clause_label(year, name),
                "citation": clause.citation,
                "quote": clause.quote,
                "override": edited.get(name),
            }
        )
    return sorted(rows, key=lambda r: (r["label"], r["citation"]))


def clause_text(clause) -> str:
    """A clause as read in the compare view: the document and section, then its words."""
    return f"{clause.citation} ——“{clause.quote}”" if clause.quote else clause.citation


# --- Policy years district staff open ---------------------------------------------------------

HELD_VERSION_KEY = "subsidies:held-years-version"


def held_years_probe():
    """Cheap: a cache key the publishing service bumps (every process re-reads within a second)."""
    from django.core.cache import cache

    return cache.get(HELD_VERSION_KEY)


def held_years_load() -> dict[int, registry.HeldYear]:
    """The published years district staff opened, for the registry (drafts are never in it)."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            records = list(PolicyYear.objects.filter(status=PolicyYearStatus.PUBLISHED))
    except (DatabaseError, RuntimeError):  # not migrated yet, or no database here (a pure test)
        return {}
    return {
        r.year: registry.HeldYear(
            year=r.year,
            rule_ids=tuple(r.rule_ids),
            data=opened_base(r),
            effective_from=r.effective_from,
            note=r.note,
        )
        for r in records
    }


def policy_year_record(year: int) -> PolicyYear | None:
    return PolicyYear.objects.filter(year=year).first()


def year_rule_ids(year: int) -> tuple[str, ...]:
    """The rules of a year: the files' registrations, or the rules a year opened by staff names."""
    if year in available_years():
        return registry.file_rule_ids(year)
    record = policy_year_record(year)
    return tuple(record.rule_ids) if record else ()


def all_policy_years() -> list[dict[str, Any]]:
    """Every year for district staff: the file years and the opened ones (drafts included)."""
    records = {r.year: r for r in PolicyYear.objects.select_related("opened_by", "published_by")}
    rows = [
        {"year": y, "record": None, "status": "file", "effective_from": date(y, 1, 1), "note": ""}
        for y in available_years()
    ]
    rows += [
        {"year": y, "record": r, "status": r.status, "effective_from": r.effective_from, "note": r.note}
        for y, r in records.items()
    ]
    return sorted(rows, key=lambda row: row["year"])


def policy_year_editors(record: PolicyYear) -> set[int]:
    """Every user who opened or edited the year (its record, its params, tables and clauses)."""
    editors = {record.opened_by_id}
    editors |= set(record.history.exclude(history_user=None).values_list("history_user_id", flat=True).distinct())
    editors |= set(
        PolicyOverride.history.filter(policy_year=record.year)
        .exclude(history_user=None)
        .values_list("history_user_id", flat=True)
        .distinct()
    )
    editors.discard(record.published_by_id if record.status == PolicyYearStatus.PUBLISHED else None)
    return editors


def year_in_force_on(day) -> int | None:
    """The policy year new applications use on `day` (file years from 1 January, published
    opened years from their effective date)."""
    return registry.year_in_force(day)


@dataclass(frozen=True)
class Change:
    """One difference between two years for one project: a param, a table cell, a rule."""

    project: str
    kind: str  # "param", "cell", "row", "rule"
    name: str  # param/table name, or rule id
    where: str  # the cell ("第2行 价格"), the row key, or ""
    old: Any
    new: Any
    old_clause: str
    new_clause: str


def _project_of_names(year: int, data: PolicyData) -> dict[str, str]:
    """param/table/clause name → the project of the rules that read it."""
    owners: dict[str, str] = {}
    for rule_id in year_rule_ids(year):
        try:
            cls = registry.rule_class(rule_id, year)
        except registry.UnknownRule:
            continue
        for name in (*cls.params, *cls.tables, *cls.conditions, *cls.review_chains):
            owners.setdefault(name, cls.project)
    return owners


def _rules_of(year: int) -> dict[str, type[Rule]]:
    found = {}
    for rule_id in year_rule_ids(year):
        try:
            found[rule_id] = registry.rule_class(rule_id, year)
        except registry.UnknownRule:
            continue
    return found


def _cells(table) -> dict[tuple, Any]:
    """A table's cells keyed by (row key, column): by the table's key column, else by row number."""
    cells = {}
    for number, row in enumerate(table.to_json_rows(), start=1):
        key = row.get(table.key) if table.key else number
        for column, _kind in table.columns:
            cells[(key, column)] = row.get(column)
    return cells


def policy_diff(year_a: int, year_b: int) -> list[Change]:
    """Everything that differs from `year_a` to `year_b`, per project: each param (old → new,
    with both clauses), each table cell, rows added or dropped, and rules added or dropped.
    A name one year has and the other not is listed under its rule's change, not as noise."""
    data_a, data_b = policy_data(year_a), policy_data(year_b)
    rules_a, rules_b = _rules_of(year_a), _rules_of(year_b)
    owners = {**_project_of_names(year_a, data_a), **_project_of_names(year_b, data_b)}
    changes: list[Change] = []
    for rule_id in sorted(set(rules_a) | set(rules_b)):
        if rule_id in rules_a and rule_id in rules_b:
            continue
        cls = rules_b.get(rule_id) or rules_a[rule_id]
        changes.append(
            Change(
                cls.project,
                "rule",
                rule_id,
                "",
                rules_a[rule_id].title if rule_id in rules_a else None,
                rules_b[rule_id].title if rule_id in rules_b else None,
                "",
                "",
            )
        )
    # A param or table a rule reads in one year only (a fee the newer document no longer sets, a
    # plan table that replaces another): listed once, with the clause of the year that has it.
    for name in sorted((set(data_a.params) ^ set(data_b.params)) & set(owners)):
        a, b = data_a.params.get(name), data_b.params.get(name)
        changes.append(
            Change(
                owners[name],
                "param",
                name,
                "",
                _plain(a.value) if a else None,
                _plain(b.value) if b else None,
                a.clause.citation if a else "",
                b.clause.citation if b else "",
            )
        )
    for name in sorted((set(data_a.tables) ^ set(data_b.tables)) & set(owners)):
        a, b = data_a.tables.get(name), data_b.tables.get(name)
        changes.append(
            Change(
                owners[name],
                "table",
                name,
                "",
                len(a.rows) if a else None,
                len(b.rows) if b else None,
                a.clause.citation if a else "",
                b.clause.citation if b else "",
            )
        )
    for name in sorted(set(data_a.params) & set(data_b.params)):
        a, b = data_a.params[name], data_b.params[name]
        if _plain(a.value) != _plain(b.value):
            changes.append(
                Change(
                    owners.get(name, ""),
                    "param",
                    name,
                    "",
                    _plain(a.value),
                    _plain(b.value),
                    a.clause.citation,
                    b.clause.citation,
                )
            )
    for name in sorted(set(data_a.tables) & set(data_b.tables)):
        a, b = data_a.tables[name], data_b.tables[name]
        if a.to_json_rows() == b.to_json_rows():
            continue
        cells_a, cells_b = _cells(a), _cells(b)
        keys_a = {k for k, _ in cells_a}
        keys_b = {k for k, _ in cells_b}
        project = owners.get(name, "")
        for key in sorted(keys_a - keys_b, key=str):
            changes.append(Change(project, "row", name, str(key), key, None, a.clause.citation, b.clause.citation))
        for key in sorted(keys_b - keys_a, key=str):
            changes.append(Change(project, "row", name, str(key), None, key, a.clause.citation, b.clause.citation))
        for cell in sorted(set(cells_a) & set(cells_b), key=str):
            if cells_a[cell] != cells_b[cell]:
                changes.append(
                    Change(
                        project,
                        "cell",
                        name,
                        f"{cell[0]}|{cell[1]}",
                        cells_a[cell],
                        cells_b[cell],
                        a.clause.citation,
                        b.clause.citation,
                    )
                )
    # A clause district staff edited in either year (a draft citing its own document): listed when it
    # now reads differently. Clauses that differ only because the years have different documents are
    # not changes (every 2019 → 2021 clause would be); a value that changed already shows both.
    edited = set(
        PolicyOverride.objects.filter(policy_year__in=(year_a, year_b), kind=PolicyOverrideKind.CLAUSE).values_list(
            "name", flat=True
        )
    )
    listed = {c.name for c in changes if c.kind != "rule"}
    for name in sorted(edited - listed):
        try:
            a, b = data_a.clause(name), data_b.clause(name)
        except PolicyDataError:
            continue
        if (a.document, a.section, a.quote) != (b.document, b.section, b.quote):
            changes.append(
                Change(owners.get(name, ""), "clause", name, "", clause_text(a), clause_text(b), a.citation, b.citation)
            )
    return sorted(changes, key=lambda c: (c.project, c.kind != "rule", c.name, c.where))


@dataclass(frozen=True)
class Decided:
    """A rule's Decision with the typed facts it was made on."""

    rule: Rule
    facts: Facts
    decision: Decision


def decide(
    *,
    rule_id: str,
    year: int,
    facts: Mapping[str, Any],
    locked: Mapping[str, Any] | None = None,
    partial: bool = False,
    strict: bool = True,
    data: PolicyData | None = None,
    refs: ReferenceData | None = None,
) -> Decided:
    """The one place a rule is decided, for every door (portal submission, calculator, entitlement
    scan, recalculation, CLI, API): parse the facts — `locked` ones (the record's, today's) over
    whatever was typed — and decide with the year's current policy data.

    Raises FactsError naming each bad field, or registry.UnknownRule. Pass `data`/`refs` when
    deciding many rules at once (they are read once per request, not per rule)."""
    rule = registry.get(rule_id, year)
    parsed = rule.schema.parse({**facts, **(locked or {})}, partial=partial, strict=strict)
    decision = rule.decide(parsed, rule.context(data or policy_data(year), refs or reference_data()))
    return Decided(rule, parsed, decision)


# --- The policy year pages: changes in words, the year in force for members -------------------------


def project_label(code: str) -> str:
    """A project family's name: its app's verbose name (the apps are the families)."""
    from django.apps import apps

    labels = {c.label: str(c.verbose_name) for c in apps.get_app_configs()}
    if code in labels:
        return labels[code]
    for label, name in labels.items():  # legal_aid → legal, culture_classes → culture, …
        if code.startswith(f"{label}_"):
            return name
    titles = [r.title for r in registry.all_rules() if r.project == code]
    return "、".join(dict.fromkeys(titles)) or "其他"


def _kinds(data: PolicyData, name: str) -> dict[str, str]:
    if name in data.tables:
        return dict(data.tables[name].columns)
    return {}


def _change_text(change: Change, data_a: PolicyData, data_b: PolicyData, value) -> str:
    from . import policy_labels as L

    if value is None:
        return "（无）"
    if change.kind == "param":
        param = data_b.params.get(change.name) or data_a.params.get(change.name)
        return L.value_text(value, param.kind if param else "", L.param_unit(change.name))
    if change.kind == "table":
        return f"{value} 行"
    if change.kind == "cell":
        column = change.where.split("|", 1)[1]
        kind = _kinds(data_b, change.name).get(column) or _kinds(data_a, change.name).get(column, "")
        return L.value_text(value, kind)
    return L.value_text(value)


def _where_text(change: Change) -> str:
    from . import policy_labels as L

    if change.kind == "cell":
        key, column = change.where.split("|", 1)
        row = f"第{key}行" if key.isdigit() else L.value_label(key)
        return f"{row} · {L.column_label(column)}"
    if change.kind == "row":
        return L.value_label(change.where) if not change.where.isdigit() else f"第{change.where}行"
    return ""


def policy_diff_in_words(year_a: int, year_b: int, project: str | None = None) -> list[dict[str, Any]]:
    """policy_diff for people: per project (its name), each change with its label, the cell in
    words, old → new as read ("2,000.00 元"), both clauses; rules added or dropped by title."""
    from . import policy_labels as L

    data_a, data_b = policy_data(year_a), policy_data(year_b)
    groups: dict[str, dict[str, Any]] = {}
    for change in policy_diff(year_a, year_b):
        if project is not None and change.project != project:
            continue
        group = groups.setdefault(change.project, {"project": project_label(change.project), "changes": []})
        if change.kind == "rule":
            what = "新增" if change.old is None else "不再有"
            group["changes"].append(
                {
                    "kind": "rule",
                    "rule_id": change.name,
                    "label": f"{what}：{change.new or change.old}",
                    "where": "",
                    "old": "",
                    "new": "",
                }
            )
            continue
        if change.kind == "row":
            label = L.param_label(change.name)
            what = "新增一行" if change.old is None else "删去一行"
            group["changes"].append(
                {
                    "kind": "row",
                    "label": label,
                    "where": f"{what}：{_where_text(change)}",
                    "old": "",
                    "new": "",
                    "old_clause": change.old_clause,
                    "new_clause": change.new_clause,
                }
            )
            continue
        if change.kind == "clause":
            group["changes"].append(
                {
                    "kind": "clause",
                    "label": clause_label(year_b, change.name),
                    "where": "条款",
                    "old": change.old,
                    "new": change.new,
                    "old_clause": change.old_clause,
                    "new_clause": change.new_clause,
                }
            )
            continue
        group["changes"].append(
            {
                "kind": change.kind,
                "label": L.param_label(change.name),
                "where": _where_text(change),
                "old": _change_text(change, data_a, data_b, change.old),
                "new": _change_text(change, data_a, data_b, change.new),
                "old_clause": change.old_clause,
                "new_clause": change.new_clause,
            }
        )
    return sorted(groups.values(), key=lambda g: g["project"])


def year_in_force_for_members(project: str | None = None, today: date | None = None) -> dict[str, Any] | None:
    """What a member reads on a project page or calculator: the year in force today, its effective
    date, whether it is a demonstration (its note), and what changed from the year before for this
    project (labelled; never a param's name). None when no year is in force."""
    from django.utils import timezone

    day = today or timezone.localdate()
    year = registry.year_in_force(day)
    if year is None:
        return None
    since = registry.effective_from(year)
    held = registry.held_years().get(year)
    note = held.note if held else ""
    earlier = [y for y in registry.years() if y < year]
    changes: list[dict[str, Any]] = []
    if earlier and project:
        changes = _member_changes(earlier, year, project)
    return {
        "year": year,
        "effective_from": since,
        "note": note,
        "previous": earlier[-1] if earlier else None,
        "changes": changes,
    }


_member_changes_cache: dict[tuple, list[dict[str, Any]]] = {}


def _member_changes(earlier: list[int], year: int, project: str) -> list[dict[str, Any]]:
    """What changed for members of `project` from the year before: labelled values; a rule counts as
    new only when no earlier year had it (a demo year composed from 2021 and 2019 adds nothing).
    Kept per process until either year's data changes."""
    previous = earlier[-1]
    key = (previous, year, project, policy_version(previous), policy_version(year), held_years_probe())
    if key in _member_changes_cache:
        return _member_changes_cache[key]
    try:
        groups = policy_diff_in_words(previous, year, project=project)
    except PolicyDataError:
        groups = []
    known = {rule_id for y in earlier for rule_id in year_rule_ids(y)}
    changes = [
        c
        for g in groups
        for c in g["changes"]
        if not (c["kind"] == "rule" and c["label"].startswith("新增") and c.get("rule_id") in known)
        and c.get("new") != "（无）"  # a value the newer year no longer sets: its rule's change says it
        and c["kind"] != "clause"  # where staff cite a number from is not a change for members
    ]
    if len(_member_changes_cache) > 256:
        _member_changes_cache.clear()
    _member_changes_cache[key] = changes
    return changes
