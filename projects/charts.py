"""Server-side SVG charts for the district dashboard: no JavaScript, no library, no CDN.

Each function takes labels and numbers and returns one <svg> element as safe markup. Under the CSP
(no inline style attributes, no inline scripts) colours come from classes in
static/admin_theme/staff.css (s0…s7 per series) and geometry from SVG presentation attributes
(x, y, width, height, points). Every text is escaped. The dashboard shows each chart's numbers in
a table beside it (a <details> one click away), so nothing is only a picture.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

SERIES_CLASSES = 8  # s0…s7 in staff.css
Number = int | Decimal | float


def _n(value: Number) -> float:
    return float(value or 0)


def _svg(width: int, height: int, label: str, body: list[str], narrow: bool = False) -> SafeString:
    css = "narrow" if narrow else "wide"  # staff.css shows the narrow drawing on a phone, the wide one elsewhere
    return mark_safe(
        f'<svg class="{css}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        + "".join(body)
        + "</svg>"
    )


def legend(names: Sequence[str]) -> SafeString:
    """The series' names with their colours, as an HTML list beside the chart."""
    items = "".join(
        format_html('<li><span class="swatch s{}"></span>{}</li>', i % SERIES_CLASSES, name)
        for i, name in enumerate(names)
    )
    return mark_safe(f'<ul class="legend">{items}</ul>')


def hbars(
    label: str,
    rows: Sequence[tuple[str, Sequence[Number]]],
    *,
    series: int = 1,
    fmt: Callable[[Number], str] = str,
    limits: Sequence[Number] | None = None,
    label_width: int = 170,
    width: int = 720,
    narrow: bool = False,
) -> SafeString:
    """Horizontal bars, one group per row and one bar per series (approved vs paid per payer). With
    `limits` (one per row, e.g. a quota's capacity) each bar sits on a track of the limit's length and
    a bar at the limit is marked. `narrow`: a phone's drawing, 360 wide, each row's name above its bars."""
    bar, gap = 16, 10
    head = 18 if narrow else 0
    if narrow:
        width, label_width = 360, 0
    group = head + bar * series + gap
    height = max(group * len(rows) + gap, 30)
    top = max([_n(v) for _, values in rows for v in values] + [_n(v) for v in (limits or ())] + [1])
    plot = width - label_width - (120 if narrow else 110)
    body = []
    for r, (name, values) in enumerate(rows):
        y0 = gap + r * group
        if narrow:
            body.append(format_html('<text x="0" y="{}">{}</text>', y0 + 12, name))
            y0 += head
        else:
            body.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="end">{}</text>', label_width - 6, y0 + bar * series / 2 + 4, name
                )
            )
        if limits is not None:
            body.append(
                format_html(
                    '<rect class="track" x="{}" y="{}" width="{}" height="{}" rx="2"></rect>',
                    label_width,
                    y0,
                    round(plot * _n(limits[r]) / top, 1),
                    bar * series,
                )
            )
        for s, value in enumerate(values):
            length = round(plot * _n(value) / top, 1)
            full = limits is not None and _n(limits[r]) > 0 and _n(value) >= _n(limits[r])
            css = "bar-over" if full else f"s{s % SERIES_CLASSES}"
            y = y0 + s * bar
            body.append(
                format_html(
                    '<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="2"></rect>',
                    css,
                    label_width,
                    y,
                    max(length, 0.5 if _n(value) else 0),
                    bar - 2,
                )
            )
            shown = fmt(value) if limits is None else f"{fmt(value)} / {fmt(limits[r])}"
            body.append(format_html('<text x="{}" y="{}">{}</text>', label_width + length + 4, y + bar - 4, shown))
    return _svg(width, height, label, body, narrow)


def columns(
    label: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    *,
    width: int = 720,
    height: int = 220,
    narrow: bool = False,
) -> SafeString:
    """Stacked columns, one per x label (month), one colour per series; the total above each column.
    Reads the same with one month or twenty-four, where a line needs at least two points. `narrow`: a
    phone's drawing, 360 wide, with fewer month labels."""
    if narrow:
        width, height = 360, 200
    left, right, top_pad, bottom = 36, 8, 16, 26
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    totals = [sum(_n(values[i]) for _, values in series) for i in range(len(x_labels))]
    top = max(totals + [1])
    slot = plot_w / max(len(x_labels), 1)
    bar = min(slot * 0.7, 48)
    base = top_pad + plot_h
    body = [
        format_html('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>', left, base, left + plot_w, base),
    ]
    for tick in (0, top / 2, top):
        y = round(base - plot_h * tick / top, 1)
        body.append(format_html('<text x="{}" y="{}" text-anchor="end">{}</text>', left - 4, y + 4, f"{tick:g}"))
    every = max(1, round(len(x_labels) / (4 if narrow else 8)))  # at most about eight (four) month labels
    for i, name in enumerate(x_labels):
        x = left + i * slot + (slot - bar) / 2
        y = base
        for s, (series_name, values) in enumerate(series):
            h = plot_h * _n(values[i]) / top
            if h <= 0:
                continue
            y -= h
            body.append(
                format_html(
                    '<rect class="s{}" x="{}" y="{}" width="{}" height="{}"><title>{} {}：{}</title></rect>',
                    s % SERIES_CLASSES,
                    round(x, 1),
                    round(y, 1),
                    round(bar, 1),
                    round(h, 1),
                    name,
                    series_name,
                    f"{_n(values[i]):g}",
                )
            )
        if totals[i]:
            body.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                    round(x + bar / 2, 1),
                    round(y - 3, 1),
                    f"{totals[i]:g}",
                )
            )
        if i % every == 0 or i == len(x_labels) - 1:
            body.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle">{}</text>', round(x + bar / 2, 1), height - 8, name
                )
            )
    return _svg(width, height, label, body, narrow)
