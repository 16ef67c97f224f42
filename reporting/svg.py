"""Inline SVG charts: horizontal grouped bars, drawn in Python, no script and no library.

A chart is rows (segments, periods or scenarios, one label each) and series (the bars of a
row, one colour each). Every bar is a ``<rect class="mark">`` carrying ``data-row``,
``data-series`` and ``data-value`` (the exact decimal), and the figure carries
``data-chart`` and ``data-marks`` (how many bars), so tests and scrapers can read a chart
without parsing geometry. Floats are used for geometry only; the text beside a bar is the
exact value formatted by :class:`reporting.numbers.Scale`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from reporting.numbers import Scale

WIDTH = 600
BAR_HEIGHT = 15
BAR_GAP = 2
ROW_PADDING = 12
AXIS_HEIGHT = 22
TOP_PADDING = 6
CHAR_WIDTH = 6.4  # average advance of the 11-12 px sans-serif used in the charts
INDENT = 12


@dataclass(frozen=True)
class Row:
    """One row of bars: a label, an optional second line, an indentation depth."""

    key: str
    label: str
    sublabel: str = ""
    depth: int = 0


@dataclass(frozen=True)
class Series:
    """One bar per row, in one colour."""

    key: str
    label: str
    color: str


@dataclass(frozen=True)
class Mark:
    """A bar: its row, its series, the exact value and the text shown beside it."""

    row: str
    series: str
    value: Decimal
    label: str
    color: str | None = None
    note: str = ""


@dataclass
class BarChart:
    """A horizontal grouped bar chart; rows without marks are dropped when drawn."""

    chart_id: str
    title: str
    scale: Scale
    rows: list[Row] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    subtitle: str = ""
    kind: str = "bars"
    empty_message: str = "No data in the warehouse for this chart."
    show_legend: bool = True
    line_item_id: str = ""

    def render(self) -> str:
        """The chart as an HTML ``<figure>``: caption, legend and inline SVG."""
        rows = [row for row in self.rows if any(m.row == row.key for m in self.marks)]
        caption = _caption(self.title, self.subtitle or self.scale.caption)
        about = f' data-line-item="{escape(self.line_item_id)}"' if self.line_item_id else ""
        if not rows:
            return (
                f'<figure class="chart empty" data-chart="{escape(self.chart_id)}" '
                f'data-kind="{escape(self.kind)}"{about} data-marks="0">{caption}'
                f'<p class="no-data">{escape(self.empty_message)}</p></figure>'
            )
        used = {m.series for m in self.marks}
        series = [s for s in self.series if s.key in used]
        svg, count = _draw(rows, series, self.marks, self.scale)
        legend = _legend(series) if self.show_legend else ""
        return (
            f'<figure class="chart" data-chart="{escape(self.chart_id)}" '
            f'data-kind="{escape(self.kind)}"{about} data-marks="{count}">'
            f"{caption}{legend}{svg}</figure>"
        )


def _caption(title: str, subtitle: str) -> str:
    sub = f'<span class="unit">{escape(subtitle)}</span>' if subtitle else ""
    return f"<figcaption><strong>{escape(title)}</strong>{sub}</figcaption>"


def _legend(series: list[Series]) -> str:
    items = "".join(
        f'<li><span class="swatch" style="background:{s.color}"></span>{escape(s.label)}</li>'
        for s in series
    )
    return f'<ul class="legend">{items}</ul>'


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _fit(text: str, width: float) -> str:
    """Shorten ``text`` with an ellipsis so that it fits ``width`` pixels."""
    most = max(4, int(width / CHAR_WIDTH))
    return text if len(text) <= most else text[: most - 1].rstrip() + "\u2026"


def _wrap(text: str, width: float, most_lines: int) -> list[str]:
    """Break ``text`` at spaces into at most ``most_lines`` lines of ``width`` pixels."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < most_lines:
        line = words.pop(0)
        while words and _text_width(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words:
        lines[-1] = _fit(f"{lines[-1]} {' '.join(words)}", width)
    return [_fit(line, width) for line in lines]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) covering ``low`` .. ``high``."""
    if high <= low:
        return [low]
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def _draw(
    rows: list[Row], series: list[Series], marks: list[Mark], scale: Scale
) -> tuple[str, int]:
    values = [float(m.value) for m in marks]
    low, high = min(0.0, *values), max(0.0, *values)
    if low == high:
        high = 1.0
    label_column = min(
        max(
            max(_text_width(r.label), _text_width(r.sublabel) * 0.85) + r.depth * INDENT
            for r in rows
        )
        + 16,
        WIDTH * 0.36,
    )
    # Value labels stand right of the bar, or right of the zero line for a negative bar.
    right_room = max(_text_width(m.label) for m in marks) + 8
    plot_left = label_column + 4
    plot_right = WIDTH - 6 - right_room
    span = plot_right - plot_left

    def x_of(value: float) -> float:
        return plot_left + (value - low) / (high - low) * span

    series_index = {s.key: i for i, s in enumerate(series)}
    colors = {s.key: s.color for s in series}
    # room for a two-line label even beside a single bar
    row_height = max(len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + ROW_PADDING, 34)
    hierarchical = any(row.depth for row in rows)
    height = TOP_PADDING + len(rows) * row_height + AXIS_HEIGHT
    plot_bottom = height - AXIS_HEIGHT
    parts: list[str] = []

    # Gridlines and tick labels first, so bars draw over them. Ticks are in display units.
    unit = 10.0**scale.exponent
    for tick in nice_ticks(low / unit, high / unit, max(2, int(span // 80))):
        x = x_of(tick * unit)
        parts.append(
            f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP_PADDING}" '
            f'y2="{plot_bottom}"/><text class="tick" x="{x:.1f}" y="{plot_bottom + 15}" '
            f'text-anchor="middle">{escape(scale.tick(tick))}</text>'
        )
    zero = x_of(0.0)
    parts.append(
        f'<line class="zero" x1="{zero:.1f}" x2="{zero:.1f}" y1="{TOP_PADDING}" '
        f'y2="{plot_bottom}"/>'
    )

    count = 0
    for index, row in enumerate(rows):
        top = TOP_PADDING + index * row_height + ROW_PADDING / 2
        middle = top + (row_height - ROW_PADDING) / 2
        if index % 2 == 1:
            parts.append(
                f'<rect class="band" x="0" y="{top - ROW_PADDING / 2:.1f}" width="{WIDTH}" '
                f'height="{row_height}"/>'
            )
        indent = 4 + row.depth * INDENT
        room = label_column - indent - 8
        lines = _wrap(row.label, room, 1 if row.sublabel else 2)
        if row.sublabel:
            lines.append(_fit(row.sublabel, room / 0.85))
        first_y = middle + 4 - (len(lines) - 1) * 6.5
        css = "row-label total" if hierarchical and row.depth == 0 else "row-label"
        for number, line in enumerate(lines):
            is_sub = bool(row.sublabel) and number == len(lines) - 1
            parts.append(
                f'<text class="{"row-sublabel" if is_sub else css}" x="{indent}" '
                f'y="{first_y + number * 13:.1f}"><title>{escape(row.label)}</title>'
                f"{escape(line)}</text>"
            )
        for mark in (m for m in marks if m.row == row.key):
            y = top + series_index[mark.series] * (BAR_HEIGHT + BAR_GAP)
            value = float(mark.value)
            x0, x1 = sorted((zero, x_of(value)))
            width = max(x1 - x0, 1.0)
            color = mark.color or colors[mark.series]
            tooltip = f"{row.label} · {mark.label}" + (f" · {mark.note}" if mark.note else "")
            parts.append(
                f'<rect class="mark" data-row="{escape(row.key)}" '
                f'data-series="{escape(mark.series)}" data-value="{mark.value}" '
                f'x="{x0:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{color}"><title>{escape(tooltip)}</title></rect>'
            )
            text_x = (x0 + width if value >= 0 else zero) + 4
            parts.append(
                f'<text class="value" x="{text_x:.1f}" y="{y + BAR_HEIGHT - 4:.1f}">'
                f"{escape(mark.label)}</text>"
            )
            count += 1
    return (
        f'<svg class="bars" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" preserveAspectRatio="xMinYMin meet">'
        f"{''.join(parts)}</svg>",
        count,
    )
