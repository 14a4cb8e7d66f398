"""Facts schemas: what each rule needs to know, typed and labelled in Chinese.

The portal form, the API serializer and the CLI are generated from a rule's
schema. Parsing turns strings (forms, CLI), JSON values (API) or Python values
into typed facts and reports every bad field at once, naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

FactKind = Literal["bool", "int", "decimal", "date", "choice", "str"]
# Where a fact comes from. "record": what the union already holds (the member's or unit's record,
# the project's own records, today's date) — locked, never typed by the applicant. "applicant":
# what only the applicant knows. "reviewer": established after the application by the reviewer
# at a named level (an on-site check, an assessed amount, a certification).
FactSource = Literal["applicant", "record", "reviewer"]
SOURCES = ("applicant", "record", "reviewer")

_TRUE = {"true", "1", "yes", "y", "on", "是", "t"}
_FALSE = {"false", "0", "no", "n", "off", "否", "f", ""}
_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")

MISSING_REQUIRED = "“{label}”（{name}）必须填写。"
BAD_BOOL = "“{label}”（{name}）必须是“是”或“否”。"
BAD_INT = "“{label}”（{name}）必须是整数。"
BAD_DECIMAL = "“{label}”（{name}）必须是数字，例如 3000 或 3000.50。"
BAD_DATE = "“{label}”（{name}）必须是日期，格式为 YYYY-MM-DD。"
BAD_CHOICE = "“{label}”（{name}）必须是以下之一：{choices}。"
TOO_SMALL = "“{label}”（{name}）不能小于 {minimum}。"
TOO_LARGE = "“{label}”（{name}）不能大于 {maximum}。"
TOO_PRECISE = "“{label}”（{name}）最多保留 {places} 位小数。"
TOO_LONG = "“{label}”（{name}）不能超过 {max_length} 个字。"
UNKNOWN_FACT = "未知的事实字段：{names}。"


@dataclass(frozen=True, slots=True)
class Fact:
    name: str
    kind: FactKind
    label: str
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    # A member- or unit-profile attribute (projects.selectors.member_profile), e.g. "birth_date":
    # a record fact is taken from it; an applicant fact is only prefilled with it (monthly_income).
    profile: str | None = None
    # Default: "record" when `profile` names a record attribute, else "applicant". A record fact
    # without `profile` comes from the project's own records (Procedure.locked_facts).
    source: FactSource | None = None
    # For source="reviewer": the review level whose reviewer supplies it ("street", "district").
    reviewer: str | None = None
    # Decimal places a decimal fact may carry (money: fen); longer text is refused.
    places: int = 2
    max_length: int = 200
    # Precompiled: the fast path for values already of the right type (the hot loop of parse()).
    fast: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.kind not in ("bool", "int", "decimal", "date", "choice", "str"):
            raise ValueError(f"unknown fact kind {self.kind}")
        source = self.source or ("record" if self.profile else "applicant")
        if source not in SOURCES:
            raise ValueError(f"fact {self.name}: unknown source {source}")
        object.__setattr__(self, "source", source)
        if (source == "reviewer") != (self.reviewer is not None):
            raise ValueError(f"fact {self.name}: a reviewer fact names its review level, and only it")
        if self.kind in ("int", "decimal") and (self.minimum is None or self.maximum is None):
            # Every number a person types has plausible bounds: 99999 nights × 99999 rooms must be
            # refused at the field, never computed into an amount or overflow a column.
            raise ValueError(f"fact {self.name}: numeric facts need a minimum and a maximum")
        if self.kind == "bool":
            fast = _fast_bool
        elif self.kind == "date":
            fast = _fast_date
        elif self.kind == "choice":
            allowed = frozenset(v for v, _ in self.choices)

            def fast(value, allowed=allowed):
                return value if value.__class__ is str and value in allowed else _SLOW
        else:
            fast = _always_slow
        object.__setattr__(self, "fast", fast)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.kind,
            "label": self.label,
            "required": self.required,
            "choices": [{"value": v, "label": lbl} for v, lbl in self.choices],
            "help": self.help,
            "minimum": str(self.minimum) if self.minimum is not None else None,
            "maximum": str(self.maximum) if self.maximum is not None else None,
            "profile": self.profile,
            "source": self.source,
            "reviewer": self.reviewer,
        }

    def _message(self, template: str, **extra) -> str:
        return template.format(label=self.label, name=self.name, **extra)

    def coerce(self, value: Any) -> Any:
        """Typed value, or raise ValueError with the Chinese message."""
        kind = self.kind
        if kind == "bool":
            if value is True or value is False:
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError(self._message(BAD_BOOL))
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError(self._message(BAD_INT))
            if isinstance(value, int):
                result = value
            elif isinstance(value, str) and _INT_RE.match(value.strip()):
                result = int(value.strip())
            else:
                raise ValueError(self._message(BAD_INT))
            return self._bounded(result)
        if kind == "decimal":
            if isinstance(value, bool):
                raise ValueError(self._message(BAD_DECIMAL))
            if isinstance(value, Decimal):
                result = value
            elif isinstance(value, int):
                result = Decimal(value)
            elif isinstance(value, float):
                # A JSON number: take its shortest decimal spelling, never float arithmetic.
                result = Decimal(repr(value))
            elif isinstance(value, str) and _DECIMAL_RE.match(value.strip().replace(",", "")):
                try:
                    result = Decimal(value.strip().replace(",", ""))
                except InvalidOperation:
                    raise ValueError(self._message(BAD_DECIMAL)) from None
            else:
                raise ValueError(self._message(BAD_DECIMAL))
            if not result.is_finite():
                raise ValueError(self._message(BAD_DECIMAL))
            result = self._bounded(result)
            if result.as_tuple().exponent < -self.places:
                raise ValueError(self._message(TOO_PRECISE, places=self.places))
            return result
        if kind == "date":
            if isinstance(value, datetime):
                raise ValueError(self._message(BAD_DATE))
            if isinstance(value, date):
                return value
            if isinstance(value, str):
                text = value.strip()
                # Only YYYY-MM-DD (fromisoformat alone would also take 20190320 or week dates).
                if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
                    try:
                        return date.fromisoformat(text)
                    except ValueError:
                        pass
            raise ValueError(self._message(BAD_DATE))
        if kind == "choice":
            text = str(value).strip()
            if any(text == v for v, _ in self.choices):
                return text
            raise ValueError(self._message(BAD_CHOICE, choices="、".join(f"{v}（{lbl}）" for v, lbl in self.choices)))
        if kind == "str":
            text = str(value).strip()
            if len(text) > self.max_length:
                raise ValueError(self._message(TOO_LONG, max_length=self.max_length))
            return text
        raise AssertionError(f"unknown fact kind {kind}")

    def _bounded(self, value):
        if self.minimum is not None and value < self.minimum:
            raise ValueError(self._message(TOO_SMALL, minimum=self.minimum))
        if self.maximum is not None and value > self.maximum:
            raise ValueError(self._message(TOO_LARGE, maximum=self.maximum))
        return value


_SLOW = object()


def _fast_bool(value):
    return value if value is True or value is False else _SLOW


def _fast_date(value):
    if value.__class__ is date:
        return value
    if value.__class__ is str and len(value) == 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit():
        try:
            return date.fromisoformat(value)
        except ValueError:
            return _SLOW
    return _SLOW


def _always_slow(value):
    return _SLOW


class FactsError(ValueError):
    """Every bad or missing fact, by field name, with Chinese messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(errors.values()))


class Facts(Mapping[str, Any]):
    """Parsed facts. Attribute access (plain instance attributes, so reads are
    fast); a name the schema does not declare reads as None."""

    def __init__(self, values: dict[str, Any]):
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return None

    def __getitem__(self, key: str) -> Any:
        return self.__dict__[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def __len__(self) -> int:
        return len(self.__dict__)

    def __repr__(self) -> str:
        return f"Facts({self.__dict__!r})"


@dataclass(frozen=True)
class FactsSchema:
    facts: tuple[Fact, ...]

    def __post_init__(self):
        names = [f.name for f in self.facts]
        if len(names) != len(set(names)):
            raise ValueError(f"duplicate fact names in schema: {names}")
        object.__setattr__(self, "_by_name", {f.name: f for f in self.facts})

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts)

    def __getitem__(self, name: str) -> Fact:
        return self._by_name[name]  # type: ignore[attr-defined]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name  # type: ignore[attr-defined]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.facts)

    def of_source(self, source: str) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.source == source)

    def typed_by_applicant(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Only the facts the applicant may state: a record or reviewer fact typed into a form or
        an API body is dropped, whatever it says (names the schema does not know are kept, so a
        strict parse still reports them)."""
        by_name = self._by_name  # type: ignore[attr-defined]
        return {k: v for k, v in raw.items() if k not in by_name or by_name[k].source == "applicant"}

    def parse(self, raw: Mapping[str, Any], *, partial: bool = False, strict: bool = True) -> Facts:
        """Typed Facts from raw values.

        partial: missing required facts are allowed (read as None) — for the
        entitlement scan, which knows only the member's profile.
        strict: unknown keys are an error (API, CLI); the portal passes False.
        """
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        by_name = self._by_name  # type: ignore[attr-defined]
        if strict:
            unknown = [k for k in raw if k not in by_name]
            if unknown:
                errors["__all__"] = UNKNOWN_FACT.format(names="、".join(sorted(unknown)))
        get = raw.get
        for fact in self.facts:
            name = fact.name
            value = get(name)
            typed = _SLOW if value is None else fact.fast(value)
            if typed is not _SLOW:
                values[name] = typed
                continue
            if value is None or (value.__class__ is str and value.strip() == "" and fact.kind != "bool"):
                if fact.required and not partial:
                    errors[name] = fact._message(MISSING_REQUIRED)
                values[name] = None
                continue
            try:
                values[name] = fact.coerce(value)
            except ValueError as exc:
                errors[name] = str(exc)
        if errors:
            raise FactsError(errors)
        return Facts(values)

    def to_list(self) -> list[dict[str, Any]]:
        return [f.to_dict() for f in self.facts]


def choices(mapping: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(mapping.items())
