"""External facts the policies rely on but do not state, as dated series.

The documents say "本市最低工资标准" and "本市城乡低收入家庭人均可支配收入标准"
without numbers. Defaults live in data/reference.toml; district staff edit them
(the Django layer passes edits back through `ReferenceData.with_overrides`).
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from .core import Clause
from .data import DATA_DIR, PolicyDataError, coerce


@dataclass(frozen=True)
class DatedSeries:
    """Values that change on dates: value(on) is the latest point on or before `on`."""

    name: str
    label: str
    unit: str
    clause: Clause
    points: tuple[tuple[date, Decimal], ...]

    def __post_init__(self):
        dates = [d for d, _ in self.points]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise PolicyDataError(f"{self.label}：生效日期必须递增且不重复。")
        object.__setattr__(self, "_dates", dates)

    def on(self, when: date) -> Decimal | None:
        index = bisect_right(self._dates, when)  # type: ignore[attr-defined]
        return self.points[index - 1][1] if index else None

    def effective_from(self, when: date) -> date | None:
        index = bisect_right(self._dates, when)  # type: ignore[attr-defined]
        return self.points[index - 1][0] if index else None


@dataclass(frozen=True)
class ReferenceData:
    series: Mapping[str, DatedSeries]

    def __getitem__(self, name: str) -> DatedSeries:
        return self.series[name]

    def with_overrides(self, overrides: Mapping[str, Iterable[tuple[Any, Any]]]) -> ReferenceData:
        series = dict(self.series)
        for name, points in overrides.items():
            old = self.series[name]
            parsed = tuple(
                (coerce("date", d, f"{old.label} 生效日期"), coerce("money", v, f"{old.label} 数值")) for d, v in points
            )
            series[name] = DatedSeries(name, old.label, old.unit, old.clause, tuple(sorted(parsed)))
        return ReferenceData(series)


@cache
def load_reference_data() -> ReferenceData:
    with (DATA_DIR / "reference.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    series = {}
    for name, spec in raw["series"].items():
        where = f"reference.toml {name}"
        points = tuple(
            (coerce("date", d, f"{where} 生效日期"), coerce("money", v, f"{where} 数值")) for d, v in spec["points"]
        )
        clause = Clause(spec.get("document", "issue"), spec["section"], spec.get("quote", ""))
        series[name] = DatedSeries(name, spec["label"], spec["unit"], clause, points)
    return ReferenceData(series)
