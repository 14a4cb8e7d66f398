"""Render docs/rules.md from the registered rules: every rule, its facts, the
clauses it cites and the interpretation choices. Pure; a test fails when the
committed file is stale (`python manage.py rules docs` rewrites it)."""

from __future__ import annotations

from collections.abc import Iterable

from .base import Rule
from .core import DOCUMENTS, PAYER_LABELS, ROUTE_LABELS, Outcome
from .reference import load_reference_data

KIND_LABELS = {"bool": "是/否", "int": "整数", "decimal": "数值", "date": "日期", "choice": "选项", "str": "文本"}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


LEVEL_LABELS = {"grassroots": "基层工会", "street": "街镇工会", "district": "区总工会", "city": "市总工会"}


def source_label(fact) -> str:
    """Where a fact comes from, in words (申请人填写 / 系统记录 / 审核人确定)."""
    if fact.source == "record":
        if fact.profile == "today":
            return "系统记录（当天日期）"
        return f"系统记录（{'会员或单位档案：`' + fact.profile + '`' if fact.profile else '本项目记录'}）"
    if fact.source == "reviewer":
        return f"审核人确定（{LEVEL_LABELS.get(fact.reviewer, fact.reviewer)}）"
    return "申请人填写"


def _render_rule(rule: Rule) -> list[str]:
    lines = [
        f"### {rule.title} — `{rule.rule_id}` ({rule.policy_year})",
        "",
        f"{rule.describe()}",
        "",
        f"- 项目：`{rule.project}`；申请人：{'会员' if rule.applicant == 'member' else '组织'}",
        "",
        "| 事实 | 类型 | 说明 | 来源 | 必填 | 取值 |",
        "|---|---|---|---|---|---|",
    ]
    for fact in rule.schema:
        values = "、".join(f"`{v}` {label}" for v, label in fact.choices)
        bounds = []
        if fact.minimum is not None:
            bounds.append(f"≥ {fact.minimum}")
        if fact.maximum is not None:
            bounds.append(f"≤ {fact.maximum}")
        detail = "；".join(x for x in (values, " ".join(bounds), fact.help) if x)
        lines.append(
            f"| `{fact.name}` | {KIND_LABELS[fact.kind]} | {_cell(fact.label)} | {source_label(fact)} "
            f"| {'是' if fact.required else '否'} "
            f"| {_cell(detail)} |"
        )
    lines += ["", "条款出处：", ""]
    for name, clause in rule.clauses():
        quote = f"：“{_cell(clause.quote)}”" if clause.quote else ""
        lines.append(f"- `{name}` — {clause.citation}{quote}")
    if rule.interpretations:
        lines += ["", "解释选择：", ""]
        for text, name in rule.interpretations:
            lines.append(f"- {text}（依据 `{name}`：{rule.data.clause(name).citation}）")
    lines.append("")
    return lines


def render_rules_markdown(rules: Iterable[Rule]) -> str:
    rules = list(rules)
    lines = [
        "# 规则手册 · Rules",
        "",
        "由 `python manage.py rules docs` 从 `subsidies/rules` 生成，请勿手工编辑；"
        "`tests/subsidies/test_rules_docs.py` 在本文件过期时失败。",
        "",
        "## 政策文件",
        "",
    ]
    lines += [f"- `{key}`：{title}" for key, title in DOCUMENTS.items()]
    lines += [
        "",
        "## 判定结果",
        "",
        *[f"- `{o.value}`：{o.label}" for o in Outcome],
        "",
        "## 出资方与给付途径",
        "",
        *[f"- `{p.value}`：{label}" for p, label in PAYER_LABELS.items()],
        *[f"- `{r.value}`：{label}" for r, label in ROUTE_LABELS.items()],
        "",
        "## 通用解释约定",
        "",
        "- “以上、以下、以内、不超过、不少于”包含本数；“未满、超过、不满”不包含本数（《民法典》第一千二百五十九条）。",
        "- “X日前”包含X日当日；“以后”包含当日；申报期两端日期均可受理。",
        "- 年龄按周岁计算，以申请日（或文件规定的日期）为准；2月29日出生者在平年的2月28日满周岁。",
        "- 政策年度的数值按年度存放（`subsidies/rules/data/<年度>/`），新年度新增文件，不修改旧年度。",
        "",
        "## 外部参考数据",
        "",
    ]
    for series in load_reference_data().series.values():
        points = "、".join(f"{d.isoformat()} 起 {v}" for d, v in series.points) or "（未预置，由区总工会录入）"
        lines.append(f"- `{series.name}` {series.label}（{series.unit}）：{points}。出处：{series.clause.citation}")
    lines.append("")
    by_year: dict[int, list[Rule]] = {}
    for rule in rules:
        by_year.setdefault(rule.policy_year, []).append(rule)
    for year in sorted(by_year):
        lines += [f"## {year} 年度", ""]
        for rule in sorted(by_year[year], key=lambda r: (r.project, r.rule_id)):
            lines += _render_rule(rule)
    return "\n".join(lines).rstrip() + "\n"
