"""No policy number written into prose or procedure code (issue 10.4).

Every amount, age, day count, quota and date of a policy year lives in
subsidies/rules/data/<year>/ (or a district staff override of it); what members read is
rendered from there. This test reads the source of

- every rule module (subsidies/rules/<family>.py): every string — summaries, messages, fact
  labels and help, choice labels — except docstrings and the `interpretations` (which quote the
  document's wording to explain a reading of it, for docs/rules.md), and
- projects/catalogue.py and every projects/*/procedures.py: every string and every number,
- every projects/*/services.py and registration.py: every string (their messages),

and fails when a number written there equals a value of a policy year's data: a money, decimal
or integer param, a money, decimal or integer cell of a table, or a date param or cell (written
2019年1月1日, 1月1日 or 2019-01-01). Numbers after “§” (clause numbers), inside plan codes
(L1, J12) and four-digit years (2019年, “2021 …” in a citation) are not policy values.
What remains allowed is listed in ALLOWED, each with its reason.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from subsidies.rules import registry
from subsidies.rules.data import available_years, load_policy_data

ROOT = Path(__file__).resolve().parents[2]
POLICY_YEARS = frozenset(available_years())
RULES = ROOT / "subsidies" / "rules"
MACHINERY = registry._MACHINERY | {"prose"}

# (file relative to the repository, the number as written, reason). Keep it short: a number that
# a staff member could change belongs in the data, not here.
ALLOWED: tuple[tuple[str, str, str], ...] = (
    (
        "subsidies/rules/member_card.py",
        "24",
        "“保障期…至12月31日24时止”: the end of a day, not the A-class fee of 24元 it happens to equal",
    ),
)

NUMBER = re.compile(r"(?<![A-Za-z§\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s*万)?")
CN_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FIELD = re.compile(r"\{[^{}]*\}")
# 次月1日, 隔一个月的1日: a day of a month, a policy date only together with its month.
DAY_OF_MONTH = re.compile(r"(?<=[月的])\d{1,2}日")
# Reason codes ("age.under_60") and schema bounds ("40") are never shown to anyone.
CODE = re.compile(r"^[a-z0-9_.]+$")
# A year naming a document or a policy year: 2019年, 2021年度, “2019 §1 …”, 2021「…」, 2019、2021年度.
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?=\s*[年§「]|、(?:19|20)\d\d)")


def policy_values() -> tuple[set[Decimal], set[str]]:
    """Every number and every date (as written) of every policy year's data."""
    numbers: set[Decimal] = set()
    dates: set[str] = set()

    def add(kind: str, value) -> None:
        kind = kind.rstrip("?")
        if value is None:
            return
        if kind in ("money", "decimal", "int") and not isinstance(value, bool):
            numbers.add(Decimal(value).normalize())
        elif kind == "date":
            dates.update(
                {value.isoformat(), f"{value.year}年{value.month}月{value.day}日", f"{value.month}月{value.day}日"}
            )

    for year in available_years():
        data = load_policy_data(year)
        for param in data.params.values():
            add(param.kind, param.value)
        for table in data.tables.values():
            for row in table.rows:
                for column, kind in table.columns:
                    add(kind, row[column])
    numbers.discard(Decimal(0))  # 0 reads "no amount" (e.g. 金额记为0元), never a number to look up
    return numbers, dates


def _docstring_ids(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _interpretation_ids(tree: ast.AST) -> set[int]:
    """The interpretations' strings, and the module constants and helpers written only for them."""

    def defines(node: ast.AST) -> set[str]:
        if isinstance(node, ast.Assign):
            return {t.id for t in node.targets if isinstance(t, ast.Name)}
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return {node.name}
        return set()

    ids: set[int] = set()
    names = {"interpretations"}
    done: set[str] = set()
    while names - done:
        wanted = names - done
        done |= wanted
        for node in ast.walk(tree):
            if defines(node) & wanted:
                body = node.value if isinstance(node, ast.Assign) else node
                ids.update(id(n) for n in ast.walk(body))
                names |= {n.id for n in ast.walk(body) if isinstance(n, ast.Name)}
    return ids


def written(path: Path, *, code_numbers: bool) -> list[tuple[int, str]]:
    """(line, text) of every string (and, with code_numbers, every number) a reader could be shown."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstring_ids(tree) | _interpretation_ids(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, ast.Constant):
            continue
        if isinstance(node.value, str):
            if not CODE.match(node.value):
                found.append((node.lineno, node.value))
        elif code_numbers and isinstance(node.value, int | Decimal) and not isinstance(node.value, bool):
            if node.value not in POLICY_YEARS:  # policy_years=(2019, 2021): which documents, not a value
                found.append((node.lineno, str(node.value)))
    return found


def offending(text: str, numbers: set[Decimal], dates: set[str]) -> list[str]:
    hits = []
    text = FIELD.sub(" ", text)  # {mentor_award_amounts:join amount}: a value read from the data
    for pattern in (ISO_DATE, CN_DATE):
        for match in pattern.finditer(text):
            if match.group(0) in dates:
                hits.append(match.group(0))
        text = pattern.sub(" ", text)
    text = DAY_OF_MONTH.sub(" ", YEAR.sub(" ", text))
    for match in NUMBER.finditer(text):
        whole, fraction, wan = match.groups()
        try:
            value = Decimal(whole.replace(",", "") + (fraction or ""))
        except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
            continue
        if wan:
            value *= 10000
        if value.normalize() in numbers:
            hits.append(match.group(0).strip())
    return hits


def sources() -> list[tuple[Path, bool]]:
    rule_modules = [
        (p, False) for p in sorted(RULES.glob("*.py")) if p.stem not in MACHINERY and not p.stem.startswith("_")
    ]
    flows = [(p, True) for p in sorted((ROOT / "projects").glob("*/procedures.py"))]
    return [
        *rule_modules,
        (ROOT / "projects" / "catalogue.py", True),
        (ROOT / "projects" / "procedures.py", True),
        *flows,
    ]


def findings(paths=None) -> list[str]:
    numbers, dates = policy_values()
    allowed = {(f, n) for f, n, _ in ALLOWED}
    found = []
    for path, code_numbers in paths or sources():
        relative = path.relative_to(ROOT).as_posix()
        for line, text in written(path, code_numbers=code_numbers):
            for hit in offending(text, numbers, dates):
                if (relative, hit) not in allowed:
                    found.append(f"{relative}:{line}: {hit!r} in {text[:60]!r}")
    return found


def test_no_policy_number_in_rule_prose_or_procedure_code():
    found = findings()
    assert not found, "policy numbers written outside subsidies/rules/data:\n" + "\n".join(found)


def test_every_allowed_number_is_still_needed():
    numbers, dates = policy_values()
    used = set()
    for path, code_numbers in sources():
        relative = path.relative_to(ROOT).as_posix()
        for _, text in written(path, code_numbers=code_numbers):
            used.update((relative, hit) for hit in offending(text, numbers, dates))
    stale = [(f, n) for f, n, _ in ALLOWED if (f, n) not in used]
    assert not stale, f"remove these from ALLOWED: {stale}"


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("一次性奖励2000元", ["2000"]),
        ("最高补贴5万元", ["5万"]),
        ("全区6000名额", ["6000"]),
        ("保障费80元", ["80"]),
        ("发证日期为2017年1月1日以后", ["2017年1月1日"]),
        ("2019 §1 申报方式", []),
        ("体检计划L1—L6", []),
        ("2021年文件未载明", []),
        ("2019、2021年度疗休养", []),
        ("次月1日起保", []),
        ("保障费每人每年80元", ["80"]),
    ],
)
def test_the_scanner_finds_policy_numbers_and_skips_citations(text, hit):
    numbers, dates = policy_values()
    assert offending(text, numbers, dates) == hit


def test_a_literal_policy_number_in_a_procedure_is_found(tmp_path):
    """The guard is live: a procedure that writes a quota's number is caught."""
    fake = tmp_path / "procedures.py"
    fake.write_text('PLACES = 6000\nMESSAGE = "全区6000名额"\n', encoding="utf-8")
    numbers, dates = policy_values()
    hits = [h for _, text in written(fake, code_numbers=True) for h in offending(text, numbers, dates)]
    assert hits == ["6000", "6000"]
    assert date(2021, 1, 1).isoformat() in dates


def test_every_text_renders_from_its_years_data():
    """Each template names params and tables its year has: summaries, catalogue entries, chains."""
    from projects.catalogue import SERVICE_PROJECTS
    from projects.procedures import PROCEDURES

    for rule in registry.all_rules():
        text = rule.describe()
        assert text and "{" not in text, rule
        assert "{" not in PROCEDURES[rule.rule_id].describe_chain(rule.data), rule
    for project in SERVICE_PROJECTS:
        assert "{" not in project.describe(), project.code
