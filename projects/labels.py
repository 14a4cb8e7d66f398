"""What people read instead of codes.

Every vocabulary keeps its labels where it is defined — statuses and review levels in their choices
(projects.models), timeline actions in projects.workflow.EVENT_LABELS, payers, routes and outcomes in
subsidies.rules.core, facts in each rule's schema, rules by their title, projects in the catalogue,
what a recalculation compares in projects.services.recalculation. This module only looks them up, for
templates (projects/templatetags/portal.py) and the admin's history pages (`history_value`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

from subsidies.rules import registry
from subsidies.rules.core import DATE_LABELS, PAYER_LABELS, ROUTE_LABELS, Outcome

from . import workflow
from .catalogue import SERVICE_PROJECTS
from .models import ApplicationStatus, ReviewLevel

EMPTY = "—"
YES, NO = "是", "否"


def _choice(choices, value) -> str | None:
    try:
        return str(choices(value).label)
    except ValueError:
        return None


def status_label(status: str) -> str:
    return _choice(ApplicationStatus, status) or (status or EMPTY)


def level_label(level: str) -> str:
    return _choice(ReviewLevel, level) or (level or EMPTY)


def chain_text(chain: Iterable[str]) -> str:
    """A review chain as read: "基层工会 → 区总工会 → 市总工会"."""
    return " → ".join(level_label(level) for level in chain) or EMPTY


def action_label(action: str) -> str:
    return str(workflow.EVENT_LABELS.get(action, action))


def payer_label(payer: str) -> str:
    return PAYER_LABELS.get(payer, payer)


def route_label(route: str) -> str:
    return ROUTE_LABELS.get(route, route) if route else EMPTY


def outcome_label(outcome: str) -> str:
    try:
        return Outcome(outcome).label
    except ValueError:
        return outcome


@cache
def _project_titles() -> dict[str, str]:
    return {p.code: p.title for p in SERVICE_PROJECTS}


def project_title(code: str) -> str:
    return _project_titles().get(code, code)


def rule_title(rule_id: str, year: int | None = None) -> str:
    """The benefit's Chinese name (the rule's title for that policy year, else its latest)."""
    try:
        return registry.get(rule_id, year).title if year else registry.latest(rule_id).title
    except registry.UnknownRule:  # a year the rule has no entry for: its latest title, else the id
        try:
            return registry.latest(rule_id).title
        except registry.UnknownRule:
            return rule_id


@cache
def fact_labels() -> dict[str, tuple[str, dict[str, str]]]:
    """{fact name: (label, {choice: label})} across every rule's schema (a fact means one thing)."""
    labels: dict[str, tuple[str, dict[str, str]]] = {}
    for rule in registry.all_rules():
        for fact in rule.schema:
            labels.setdefault(fact.name, (fact.label, dict(fact.choices)))
    return labels


def yuan(amount: Any) -> str:
    """2000 → "2,000.00 元" (empty: "—")."""
    if amount is None or amount == "":
        return EMPTY
    try:
        return f"{Decimal(str(amount)):,.2f} 元"
    except InvalidOperation:
        return str(amount)


def days_waiting(since: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """Whole days since `since` ("253 天"): the review queue and the dashboard count waits in days."""
    from django.utils import timezone

    if since is None:
        return EMPTY
    return gettext("%(n)d 天") % {"n": max(((now or timezone.now()) - since).days, 0)}


def local_date(value: Any) -> str:
    """An ISO date (or datetime) string or object as "2019-03-20" / "2019-03-20 09:00" in Asia/Shanghai."""
    from django.utils import timezone

    if isinstance(value, str):
        parsed = parse_datetime(value) if "T" in value or " " in value else None
        value = parsed or parse_date(value) or value
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value not in (None, "") else EMPTY


def plain(value: Any, choices: Mapping[str, str] | None = None) -> str:
    """A stored value as words: 是/否, choice labels, lists joined with "、"."""
    if value is None or value == "":
        return EMPTY
    if value is True or value is False:
        return YES if value else NO
    if isinstance(value, (list, tuple)):
        return "、".join(plain(v, choices) for v in value) or EMPTY
    if isinstance(value, Mapping):
        return "；".join(f"{k}：{plain(v)}" for k, v in value.items()) or EMPTY
    if choices and str(value) in choices:
        return str(choices[str(value)])
    return str(value)


def fact_rows(facts: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) for each fact, by the schemas' labels and choices."""
    labels = fact_labels()
    rows = []
    for name, value in facts.items():
        label, choices = labels.get(name, (name, {}))
        rows.append((label, plain(value, choices)))
    return rows


def facts_text(facts: Mapping[str, Any]) -> str:
    return "；".join(f"{label}：{value}" for label, value in fact_rows(facts)) or EMPTY


def fact_sources_text(sources: Mapping[str, Any]) -> str:
    """Who established each fact: "职称等级：申请人；…" (the source's own label when it has one)."""
    labels = fact_labels()
    parts = []
    for name, source in sources.items():
        label = labels.get(name, (name, {}))[0]
        if isinstance(source, Mapping):
            who = SOURCE_LABELS.get(str(source.get("source", "")), "")
            if source.get("level"):
                who = f"{level_label(source['level'])}{who}"
            if source.get("by_name"):
                who = f"{who}（{source['by_name']}）"
        else:
            who = SOURCE_LABELS.get(str(source), str(source))
        parts.append(f"{label}：{who or EMPTY}")
    return "；".join(parts) or EMPTY


# Where a fact came from (subsidies.rules.facts.SOURCES).
SOURCE_LABELS = {"applicant": "申请人填写", "record": "工会档案", "reviewer": "审核人员填写"}


def split_text(split: Iterable[Mapping[str, Any]]) -> str:
    return "；".join(f"{payer_label(s.get('payer', ''))} {yuan(s.get('amount'))}" for s in split or ()) or EMPTY


def amount_with_split(amount: Any, split: Iterable[Mapping[str, Any]] | None) -> str:
    """The amount and who pays it: "2,000.00 元，区总工会支付 1,000.00 元，基层单位支付 1,000.00 元"
    (one payer: "2,000.00 元，区总工会支付")."""
    shares = [s for s in split or () if s.get("amount") not in (None, "")]
    total = yuan(amount)
    if not shares:
        return total
    if len(shares) == 1:
        return f"{total}，{payer_label(shares[0].get('payer', ''))}支付"
    paid = "，".join(f"{payer_label(s.get('payer', ''))}支付 {yuan(s['amount'])}" for s in shares)
    return f"{total}，{paid}"


def dates_text(dates: Mapping[str, Any]) -> str:
    return "；".join(f"{DATE_LABELS.get(k, k)} {local_date(v)}" for k, v in (dates or {}).items()) or EMPTY


def decision_text(decision: Mapping[str, Any]) -> str:
    """A frozen Decision in one line: outcome, amount, route, split, dates."""
    if not decision:
        return EMPTY
    parts = [decision.get("outcome_label") or outcome_label(decision.get("outcome", ""))]
    if decision.get("amount") not in (None, "", "0.00"):
        parts.append(yuan(decision["amount"]))
    if decision.get("route"):
        parts.append(decision.get("route_label") or route_label(decision["route"]))
    if decision.get("split"):
        parts.append("出资：" + split_text(decision["split"]))
    if decision.get("dates"):
        parts.append(dates_text(decision["dates"]))
    return " · ".join(p for p in parts if p)


def change_value(key: str, value: Any) -> str:
    """One side of a recalculation's difference (projects.services.recalculation.Recalculation)."""
    if value in (None, "", [], {}):
        return EMPTY
    if key == "outcome":
        return outcome_label(value)
    if key == "amount":
        return yuan(value)
    if key == "split":
        return split_text(value)
    if key == "dates":
        return dates_text(value)
    if key == "route":
        return route_label(value)
    return plain(value)


def change_rows(changes: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(label, before, after) for each difference of a recalculation."""
    from .services.recalculation import CHANGE_LABELS

    return [
        (str(CHANGE_LABELS.get(key, key)), change_value(key, pair[0]), change_value(key, pair[1]))
        for key, pair in (changes or {}).items()
    ]


# What a clause's text carries for the people who transcribed the documents, not for readers: the
# pointer to the developers' notes ("，见 docs/rules.md") and page markers ("（第-3-页）", "（前言，残缺）").
_NOT_FOR_READERS = re.compile(r"[，,、；]?\s*见\s*docs/[\w./-]+|（第-?\d+-?页）|（前言[^）]*）")


def plain_source(text: str) -> str:
    """A clause's citation or quote as read: without the transcribers' pointers and page markers."""
    return _NOT_FOR_READERS.sub("", str(text or "")).strip()


# --- History --------------------------------------------------------------------------------------

HISTORY_FIELDS = {
    "review_chain": chain_text,
    "facts": lambda v: facts_text(v or {}),
    "decision": lambda v: plain_source(decision_text(v or {})),
    "fact_sources": lambda v: fact_sources_text(v or {}),
    "rule_id": rule_title,
    "project": project_title,
}


def history_value(field, value) -> str | None:
    """An application's (or an offering's, a pool's) stored value as a clerk reads it; None: the default."""
    shown = HISTORY_FIELDS.get(field.name)
    if shown is None:
        return None
    if value in (None, "", [], {}):
        return EMPTY
    return shown(value)
