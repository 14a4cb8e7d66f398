"""The Rule base class, its evaluation context, and the Checks accumulator.

A rule is a small class: a facts schema, the params/tables it reads, and a
`decide(facts, ctx)` that records each condition in a Checks and returns a
Decision. Rules of a new policy year are new registrations (often the same
class with that year's data), never edits of old ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from .core import ZERO, Clause, Decision, Outcome, Reason, Route, Share, Window, WindowState
from .data import Param, PolicyData, PolicyDataError, load_policy_data
from .facts import Facts, FactsSchema
from .prose import render
from .reference import ReferenceData, load_reference_data
from .vocabulary import REVIEW_LEVELS


class Context:
    """What a rule reads while deciding: the year's policy data and the reference series."""

    __slots__ = ("data", "refs", "clause", "table")

    def __init__(self, data: PolicyData, refs: ReferenceData):
        self.data = data
        self.refs = refs
        self.clause = data.clause  # the clause of a named condition, param or table
        self.table = data.table

    def param(self, name: str) -> Param:
        return self.data.param(name)

    def value(self, name: str) -> Any:
        params = self.data.params
        return params[name].value if name in params else self.data.param(name).value

    def windows(self, table_name: str, label: str = "受理期") -> list[Window]:
        """A table with opens/closes columns as Windows (built once per table)."""
        return self.data.table(table_name).derived(
            f"windows:{label}",
            lambda t: [
                Window(r["opens"], r["closes"], f"{r.get('batch') or r.get('name') or ''}{label}") for r in t.rows
            ],
        )


class Checks:
    """Collects Reasons while a rule decides; works out the Outcome."""

    __slots__ = ("reasons", "_failed", "_unknown", "_not_yet_open", "_pending")

    def __init__(self) -> None:
        self.reasons: list[Reason] = []
        self._failed = False  # a hard failure: a condition not met, or a window already closed
        self._unknown = False
        self._not_yet_open = False
        self._pending = False  # a reviewer fact not supplied yet

    def need(
        self, code: str, ok: bool | None, clause: Clause, met: str, unmet: str, unknown: str | None = None
    ) -> bool | None:
        """A condition: ok True/False, or None when the facts it needs are missing."""
        if ok is None:
            self._unknown = True
            self.reasons.append(Reason(code, unknown or f"待确认：{met}", clause, None))
        elif ok:
            self.reasons.append(Reason(code, met, clause, True))
        else:
            self._failed = True
            self.reasons.append(Reason(code, unmet, clause, False))
        return ok

    def reviewed(
        self, code: str, ok: bool | None, clause: Clause, met: str, unmet: str, *, reviewer: str, pending: str
    ) -> bool | None:
        """A condition a reviewer establishes after the application (a reviewer fact): while its
        fact is missing it is pending — "待区总工会实地审核" — not unknown and not failed."""
        if ok is None:
            self._pending = True
            self.reasons.append(Reason(code, pending, clause, None, reviewer))
            return None
        return self.need(code, ok, clause, met, unmet)

    def any_of(
        self, code: str, options: list[tuple[str, bool | None, Clause, str]], unmet: str, clause: Clause
    ) -> bool | None:
        """At least one of several conditions (e.g. legal aid's six). Each option: (code, ok, clause, message)."""
        met = [(c, cl, m) for c, ok, cl, m in options if ok]
        if met:
            for option_code, option_clause, message in met:
                self.reasons.append(Reason(option_code, message, option_clause, True))
            return True
        if any(ok is None for _, ok, _, _ in options):
            self._unknown = True
            self.reasons.append(Reason(code, f"待确认：{unmet}", clause, None))
            return None
        self._failed = True
        self.reasons.append(Reason(code, unmet, clause, False))
        return False

    def note(self, code: str, message: str, clause: Clause) -> None:
        """An explanation of a computation (amount, date, route); never fails."""
        self.reasons.append(Reason(code, message, clause, True))

    def fail(self, code: str, message: str, clause: Clause) -> None:
        self._failed = True
        self.reasons.append(Reason(code, message, clause, False))

    def window(self, window: Window, on: date | None, clause: Clause, code: str = "window") -> WindowState | None:
        if on is None:
            self._unknown = True
            self.reasons.append(Reason(code, f"待确认申请日期；{window.describe()}", clause, None))
            return None
        state = window.state(on)
        if state is WindowState.OPEN:
            self.reasons.append(Reason(code, f"申请日期 {on.isoformat()} 在{window.text}内", clause, True))
        elif state is WindowState.NOT_YET_OPEN:
            self._not_yet_open = True
            self.reasons.append(Reason(f"{code}.not_yet_open", f"尚未开始受理；{window.text}", clause, False))
        else:
            self._failed = True
            self.reasons.append(Reason(f"{code}.closed", f"已过受理期；{window.text}", clause, False))
        return state

    def windows(self, windows: list[Window], on: date | None, clause: Clause, code: str = "window") -> Window | None:
        """Several batches (e.g. two application batches a year): the open one, else the next, else the last."""
        if on is None:
            self._unknown = True
            described = "；".join(w.describe() for w in windows)
            self.reasons.append(Reason(code, f"待确认申请日期；{described}", clause, None))
            return None
        upcoming = None
        for window in windows:  # in date order
            if on <= window.closes:
                if on >= window.opens:
                    upcoming = window  # open now
                    break
                if upcoming is None:
                    upcoming = window  # the next one to open
        chosen = upcoming or windows[-1]
        self.window(chosen, on, clause, code)
        return chosen

    @property
    def outcome(self) -> Outcome:
        if self._failed:
            return Outcome.INELIGIBLE
        if self._not_yet_open:  # everything else holds: come back when the window opens
            return Outcome.NOT_YET_OPEN
        if self._unknown:
            return Outcome.INCOMPLETE
        if self._pending:
            return Outcome.PENDING_REVIEW
        return Outcome.ELIGIBLE

    def decision(
        self,
        rule: Rule,
        *,
        amount: Decimal = ZERO,
        split: tuple[Share, ...] = (),
        dates: Mapping[str, date | None] | None = None,
        route: Route | None = None,
        window: Window | None = None,
        details: Mapping[str, str] | None = None,
    ) -> Decision:
        outcome = self.outcome
        if outcome is Outcome.INELIGIBLE:
            amount, split = ZERO, ()
        return Decision(
            rule_id=rule.rule_id,
            policy_year=rule.policy_year,
            outcome=outcome,
            amount=amount,
            split=tuple(s for s in split if s.amount) if amount else (),
            dates=tuple((k, v) for k, v in (dates or {}).items() if v is not None),
            route=route,
            reasons=tuple(self.reasons),
            window=window,
            details=tuple((details or {}).items()),
        )


class Rule:
    """Subclass per rule. Class attributes describe it; instances bind a policy year's data."""

    rule_id: ClassVar[str]
    project: ClassVar[str]  # projects.catalogue code
    title: ClassVar[str]  # Chinese
    # What the policy offers, in plain words: a template whose fields name the year's params and
    # tables (subsidies.rules.prose), so no number is written here; read it through describe().
    summary: ClassVar[str]
    applicant: ClassVar[str]  # "member" or "organisation"
    schema: ClassVar[FactsSchema]
    params: ClassVar[tuple[str, ...]] = ()  # PolicyData params read
    tables: ClassVar[tuple[str, ...]] = ()  # PolicyData tables read
    conditions: ClassVar[tuple[str, ...]] = ()  # PolicyData clauses cited by conditions
    # Params holding a review chain the applications are routed along (projects' procedures read
    # them): each value must be a review level (vocabulary.REVIEW_LEVELS).
    review_chains: ClassVar[tuple[str, ...]] = ()
    # Where a clause is ambiguous: (the choice we made, the name of the clause/param/table it reads).
    # Rendered into docs/rules.md; each choice has a test.
    interpretations: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self, policy_year: int, data: PolicyData | None = None):
        self.policy_year = policy_year
        self.data = data or load_policy_data(policy_year)
        for name in self.params:
            self.data.param(name)  # fail at registration, not at first use
        for name in self.tables:
            self.data.table(name)
        for name in self.conditions:
            self.data.clause(name)
        for name in self.review_chains:
            unknown = [level for level in self.data.value(name) if level not in REVIEW_LEVELS]
            if unknown or not self.data.value(name):
                raise PolicyDataError(f"审核流程 {name} 须由以下审核层级组成：{'、'.join(REVIEW_LEVELS)}。")
        try:
            self.describe()  # a summary whose figures the data no longer has is refused with the data
        except (KeyError, ValueError) as exc:
            raise PolicyDataError(f"规则“{self.title}”的说明无法用本年度政策数据生成：{exc}") from None
        self._default_context = Context(self.data, load_reference_data())

    def context(self, data: PolicyData | None = None, refs: ReferenceData | None = None) -> Context:
        if data is None and refs is None:
            return self._default_context
        return Context(data or self.data, refs or self._default_context.refs)

    def evaluate(
        self,
        raw: Mapping[str, Any],
        *,
        data: PolicyData | None = None,
        refs: ReferenceData | None = None,
        partial: bool = False,
        strict: bool = True,
    ) -> Decision:
        """Parse raw facts (FactsError on bad input) and decide."""
        facts = self.schema.parse(raw, partial=partial, strict=strict)
        return self.decide(facts, self.context(data, refs))

    def decide(self, facts: Facts, ctx: Context) -> Decision:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self, data: PolicyData | None = None) -> str:
        """The summary rendered from the year's data: the shipped file, or `data` (with district
        staff's overrides, subsidies.selectors.policy_data) — what members read is what is decided."""
        data = data or self.data
        return data.derived(f"summary:{self.rule_id}", lambda d: render(self.summary, d))

    def clauses(self) -> list[tuple[str, Clause]]:
        """(name, clause) for every condition, param and table this rule cites, for docs."""
        return [(name, self.data.clause(name)) for name in (*self.conditions, *self.params, *self.tables)]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.rule_id} {self.policy_year}>"
