"""Value objects every rule returns: Clause, Reason, Share, Window, Decision.

Pure Python, no Django. Money is Decimal quantised to fen (0.01 yuan).
A Decision checks its own invariants: parts sum to the amount, no negative money.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, NamedTuple

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

# The two policy documents (../shared/seeds/), by key.
DOCUMENTS = {
    "2019": "《2019年嘉定工会实项目》（15件好事）",
    "2021": "《2021年嘉定区总工会服务职工群众18件实事》",
    "issue": "项目说明（政策文件未载明的外部数据）",
    "operations": "区总工会运营约定（非政策文件条款）",
}


# Shown wherever a carried-over number is cited (issue 11: one rule for every unprinted 2021 number).
CARRIED_OVER = "沿用{year}年标准"


def cn_date(day: date) -> str:
    """2019-03-15 -> 2019年3月15日."""
    return f"{day.year}年{day.month}月{day.day}日"


def money(value: Decimal | int | str) -> Decimal:
    """Yuan to two places, half up. Accepts Decimal, int or a decimal string, never float."""
    if isinstance(value, float):  # pragma: no cover - guarded by tests; floats never reach money
        raise TypeError("money() refuses float; pass Decimal, int or str")
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


class Payer(StrEnum):
    CITY_UNION = "city_union"  # 市总工会
    DISTRICT_UNION = "district_union"  # 区总工会
    UNIT = "unit"  # 基层单位 / 基层工会
    SANATORIUM = "sanatorium"  # 上海市工人疗养院（工疗）
    PROJECT_FUND = "project_fund"  # 服务灵活就业群体工会会员项目经费
    CITY_MUTUAL_AID = "city_mutual_aid"  # 上海市职工保障互助会（市职保会）
    PERSONAL = "personal"  # 个人
    # The document leaves it to the organising unit or the member (group stays: the part above the subsidy).
    UNIT_OR_PERSONAL = "unit_or_personal"  # 单位或个人

    @property
    def label(self) -> str:
        return PAYER_LABELS[self]


PAYER_LABELS = {
    Payer.CITY_UNION: "市总工会",
    Payer.DISTRICT_UNION: "区总工会",
    Payer.UNIT: "基层单位",
    Payer.SANATORIUM: "市工人疗养院",
    Payer.PROJECT_FUND: "灵活就业会员项目经费",
    Payer.CITY_MUTUAL_AID: "市职工保障互助会",
    Payer.PERSONAL: "个人",
    Payer.UNIT_OR_PERSONAL: "单位或个人",
}


class Route(StrEnum):
    MEMBER_CARD = "member_card"  # 划入会员服务卡
    DISTRICT_ACCOUNT = "district_account"  # 划入区总工会指定账户
    APP = "app"  # 个人通过“申工社”APP申报
    UNIT = "unit"  # 单位申报（基层初审、区总复审、市总终审）
    GROUP_ENROLMENT = "group_enrolment"  # 行业/街镇工会团体参保

    @property
    def label(self) -> str:
        return ROUTE_LABELS[self]


ROUTE_LABELS = {
    Route.MEMBER_CARD: "划入会员服务卡",
    Route.DISTRICT_ACCOUNT: "划入区总工会指定账户",
    Route.APP: "个人通过“申工社”APP申报",
    Route.UNIT: "单位申报",
    Route.GROUP_ENROLMENT: "所在工会团体参保",
}


class Outcome(StrEnum):
    ELIGIBLE = "eligible"  # 符合条件
    INELIGIBLE = "ineligible"  # 不符合条件（含申报期已过）
    NOT_YET_OPEN = "not_yet_open"  # 条件符合，申报期未到
    INCOMPLETE = "incomplete"  # 缺少事实，暂无法判断
    # Everything the applicant and the records can answer holds; a reviewer has yet to establish
    # the rest (an on-site check, an assessed amount): the application may be made, not yet approved.
    PENDING_REVIEW = "pending_review"  # 待审核确认

    @property
    def label(self) -> str:
        return {
            "eligible": "符合条件",
            "ineligible": "不符合条件",
            "not_yet_open": "申报期未到",
            "incomplete": "需补充信息",
            "pending_review": "待审核确认",
        }[self.value]

    @property
    def may_apply(self) -> bool:
        return self in (Outcome.ELIGIBLE, Outcome.PENDING_REVIEW)


@dataclass(frozen=True, slots=True)
class Clause:
    """Where a number or condition comes from: document key + section + a short quote (the document's words
    only). `carried_from`: a later year's document does not print this number, so that year uses the latest
    printed value, from this (earlier) year's document; the citation says so ("沿用2019年标准")."""

    document: str
    section: str
    quote: str = ""
    carried_from: int | None = None

    @property
    def carried_text(self) -> str:
        return CARRIED_OVER.format(year=self.carried_from) if self.carried_from else ""

    @property
    def citation(self) -> str:
        prefix = f"{self.carried_text}：" if self.carried_from else ""
        return f"{prefix}{DOCUMENTS.get(self.document, self.document)} {self.section}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "section": self.section,
            "quote": self.quote,
            "citation": self.citation,
            "carried_from": self.carried_from,
        }


class Reason(NamedTuple):
    """One condition or computation, explained. ok: True met, False not met, None unknown.
    `reviewer` names the review level that will establish an unknown (a reviewer fact).
    (A NamedTuple: immutable, and cheap to build several times per evaluation.)"""

    code: str
    message: str
    clause: Clause
    ok: bool | None = True
    reviewer: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "ok": self.ok,
            "clause": self.clause.to_dict(),
            "reviewer": self.reviewer,
        }


class Share(NamedTuple):
    payer: Payer
    amount: Decimal

    def to_dict(self) -> dict[str, str]:
        return {"payer": self.payer.value, "payer_label": self.payer.label, "amount": str(self.amount)}


class WindowState(StrEnum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Window:
    """An application window, both ends inclusive."""

    opens: date
    closes: date
    label: str = "申报期"
    text: str = field(default="", init=False, compare=False, repr=False)

    def __post_init__(self):
        if self.closes < self.opens:
            raise ValueError(f"window closes before it opens: {self.opens} > {self.closes}")
        object.__setattr__(self, "text", f"{self.label}：{cn_date(self.opens)}—{cn_date(self.closes)}")

    def state(self, on: date) -> WindowState:
        if on < self.opens:
            return WindowState.NOT_YET_OPEN
        if on > self.closes:
            return WindowState.CLOSED
        return WindowState.OPEN

    def describe(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, str]:
        return {"label": self.label, "opens": self.opens.isoformat(), "closes": self.closes.isoformat()}


class DecisionError(ValueError):
    """A rule produced an inconsistent decision: a bug in the rule, never the user's fault."""


@dataclass(frozen=True, slots=True)
class Decision:
    rule_id: str
    policy_year: int
    outcome: Outcome
    amount: Decimal = ZERO
    split: tuple[Share, ...] = ()
    dates: tuple[tuple[str, date], ...] = ()
    route: Route | None = None
    reasons: tuple[Reason, ...] = ()
    window: Window | None = None
    details: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self):
        amount = self.amount
        if amount.__class__ is not Decimal or amount != amount.quantize(FEN):
            raise DecisionError(f"{self.rule_id}: amount must be Decimal to 2 places, got {amount!r}")
        if amount < 0:
            raise DecisionError(f"{self.rule_id}: negative money")
        split = self.split
        if split:
            total, payers = ZERO, set()
            for share in split:
                if share.amount.__class__ is not Decimal or share.amount < 0:
                    raise DecisionError(f"{self.rule_id}: share {share} is not a non-negative Decimal")
                total += share.amount
                payers.add(share.payer)
            if total != amount:
                raise DecisionError(f"{self.rule_id}: split {split} does not sum to {amount}")
            if len(payers) != len(split):
                raise DecisionError(f"{self.rule_id}: a payer appears twice in the split")

    @property
    def eligible(self) -> bool:
        return self.outcome is Outcome.ELIGIBLE

    def date(self, name: str) -> date | None:
        return next((d for n, d in self.dates if n == name), None)

    def share(self, payer: Payer) -> Decimal:
        return next((s.amount for s in self.split if s.payer is payer), ZERO)

    @property
    def failed(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.ok is False)

    @property
    def unknown(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.ok is None and r.reviewer is None)

    @property
    def pending(self) -> tuple[Reason, ...]:
        """Conditions a reviewer has yet to establish (reviewer facts not supplied yet)."""
        return tuple(r for r in self.reasons if r.ok is None and r.reviewer is not None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "policy_year": self.policy_year,
            "outcome": self.outcome.value,
            "outcome_label": self.outcome.label,
            "eligible": self.eligible,
            "amount": str(self.amount),
            "split": [s.to_dict() for s in self.split],
            "dates": {name: value.isoformat() for name, value in self.dates},
            "route": self.route.value if self.route else None,
            "route_label": self.route.label if self.route else None,
            "window": self.window.to_dict() if self.window else None,
            "details": dict(self.details),
            "reasons": [r.to_dict() for r in self.reasons],
        }


# Names used in Decision.dates, with their Chinese labels.
DATE_LABELS = {
    "window_opens": "申报开始",
    "window_closes": "申报截止",
    "apply_by": "申请截止",
    "claim_by": "申领截止",
    "coverage_start": "起保日",
    "coverage_end": "保障期满",
    "claim_deadline": "给付申请截止",
    "payout_due": "给付期限",
    "checkup_due": "体检完成期限",
    "notice_from": "公示最早日期",
    "notice_by": "公示最晚日期",
}
