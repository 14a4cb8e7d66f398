"""Small reusable pieces rules are composed from: ages, month arithmetic,
windows built from params, splits by payer. Pure functions."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from .core import FEN, ZERO, Payer, Share, money


def age_on(birth: date, on: date) -> int:
    """周岁: full years completed on `on`. A 29 February birthday completes on
    28 February in a common year (the project convention in docs/rules.md)."""
    birthday = (birth.month, birth.day)
    if birthday == (2, 29) and not calendar.isleap(on.year):
        birthday = (2, 28)
    return on.year - birth.year - ((on.month, on.day) < birthday)


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def first_of_next_month(day: date) -> date:
    return add_months(day.replace(day=1), 1)


def first_of_month_after_next(day: date) -> date:
    return add_months(day.replace(day=1), 2)


def one_year_from(start: date) -> date:
    """The last day of a one-year period starting on `start` (inclusive)."""
    return add_years(start, 1) - timedelta(days=1)


def end_of_year(day: date) -> date:
    return date(day.year, 12, 31)


def split_equally(amount: Decimal, payers: tuple[Payer, ...]) -> tuple[Share, ...]:
    """Equal parts; any odd fen goes to the first payer so the parts always sum."""
    amount = money(amount)
    part = (amount / len(payers)).quantize(FEN, rounding=ROUND_DOWN)
    parts = [part] * len(payers)
    parts[0] += amount - sum(parts, ZERO)
    return tuple(Share(p, a) for p, a in zip(payers, parts, strict=True))


def shares(*pairs: tuple[Payer, Decimal | None]) -> tuple[Share, ...]:
    """Shares from (payer, amount) pairs, skipping None and zero."""
    return tuple(Share(p, money(a)) for p, a in pairs if a)


def total(split: tuple[Share, ...]) -> Decimal:
    return sum((s.amount for s in split), ZERO)


def yuan(amount: Decimal) -> str:
    """1000.00 -> "1000元", 35.50 -> "35.50元" (for messages)."""
    text = str(amount)
    return f"{text[:-3]}元" if text.endswith(".00") else f"{text}元"
