"""A small line chart drawn on the server as SVG: no JavaScript, no external files.

`line_chart(...)` is a pure function from series to an SVG string. The chart is an image
with a name (`role="img"`, `aria-label`, `<title>`) and a description (`<desc>`); pages
show the same numbers as a table beside it, so nobody needs the picture to read them.
Series differ by colour *and* by dash pattern and marker shape (WCAG 1.4.1), and the
colours have at least 3:1 contrast against white (WCAG 1.4.11).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.formats import date_format

# (colour, dash pattern, marker) per series, in order.
STYLES = (
    ("#0b4f6c", "", "circle"),
    ("#a1262b", "6 4", "square"),
    ("#1e6b35", "2 3", "triangle"),
    ("#5b3a8c", "8 3 2 3", "diamond"),
)
INK = "#1b1f24"
GRID = "#c6ccd2"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _polygon(corners: list[tuple[float, float]], colour: str) -> str:
    points = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in corners)
    return f'<polygon points="{points}" fill="{colour}"/>'


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    r = 4.0
    if shape == "square":
        return (
            f'<rect x="{_fmt(x - r)}" y="{_fmt(y - r)}" width="{_fmt(2 * r)}" '
            f'height="{_fmt(2 * r)}" fill="{colour}"/>'
        )
    if shape == "triangle":
        return _polygon([(x, y - r - 1), (x - r - 1, y + r), (x + r + 1, y + r)], colour)
    if shape == "diamond":
        corners = [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
        return _polygon(corners, colour)
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}" fill="{colour}"/>'


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Unbroken stretches of points: a missing value breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def nice_max(value: int) -> int:
    """A y axis top: five ticks of 1, 2 or 5 times a power of ten (10, 25, 250 000).

    Up to 10 the chart ticks every whole number.
    """
    if value <= 10:
        return max(5, value)
    step = value / 5
    power = 10 ** math.floor(math.log10(step))
    nice = next(m * power for m in (1, 2, 5, 10) if m * power >= step)
    return int(nice * 5)


def line_chart(
    *,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_min: float = 1,
    y_max: float = 5,
    width: int = 400,
    height: int = 250,
    chart_id: str = "chart",
) -> str:
    """An SVG line chart of `series` (values on the y axis) over `x_labels`, evenly spaced."""
    if y_max <= y_min:
        raise ValueError("y_max must be above y_min")
    if len(series) > len(STYLES):
        raise ValueError(f"at most {len(STYLES)} series")
    for one in series:
        if len(one.values) != len(x_labels):
            raise ValueError("each series has one value per x label")

    # The y axis's numbers, one per whole step; the left margin fits the widest.
    step = 1 if y_max - y_min <= 10 else (y_max - y_min) / 5
    ticks = []
    tick = float(y_min)
    while tick <= y_max + 1e-9:
        ticks.append(tick)
        tick += step
    widest = max(len(_fmt(t)) for t in ticks)
    left, right, top = max(30.0, 12.0 + 8.0 * widest), 18.0, 12.0
    legend_rows = len(series)
    bottom = 34.0 + 18.0 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(x_labels)

    def x_at(index: int) -> float:
        if count <= 1:
            return left + plot_w / 2
        return left + plot_w * index / (count - 1)

    def y_at(value: float) -> float:
        value = min(max(value, y_min), y_max)
        return top + plot_h * (1 - (value - y_min) / (y_max - y_min))

    ident = escape(chart_id, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="chart" role="img" '
        f'aria-label="{escape(title, quote=True)}" '
        f'aria-describedby="{ident}-desc" font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    # Grid lines and the y axis's numbers.
    for tick in ticks:
        y = y_at(tick)
        parts.append(
            f'<line x1="{_fmt(left)}" y1="{_fmt(y)}" x2="{_fmt(width - right)}" y2="{_fmt(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{_fmt(left - 8)}" y="{_fmt(y + 4)}" text-anchor="end" fill="{INK}">'
            f"{_fmt(tick)}</text>"
        )
    # The x axis's labels.
    label_y = top + plot_h + 18
    for index, label in enumerate(x_labels):
        anchor = "middle"
        if count > 1 and index == 0:
            anchor = "start"
        elif count > 1 and index == count - 1:
            anchor = "end"
        parts.append(
            f'<text x="{_fmt(x_at(index))}" y="{_fmt(label_y)}" text-anchor="{anchor}" '
            f'fill="{INK}">{escape(label)}</text>'
        )
    # The lines, their markers, and the legend.
    for number, one in enumerate(series):
        colour, dash, shape = STYLES[number]
        points = [
            None if value is None else (x_at(i), y_at(value)) for i, value in enumerate(one.values)
        ]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in _runs(points):
            if len(run) > 1:
                coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in run)
                parts.append(
                    f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dash_attr}/>'
                )
        parts.extend(_marker(shape, x, y, colour) for x, y in filter(None, points))
        legend_y = label_y + 22 + 18 * number
        parts.append(
            f'<line x1="{_fmt(left)}" y1="{_fmt(legend_y - 4)}" x2="{_fmt(left + 28)}" '
            f'y2="{_fmt(legend_y - 4)}" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        )
        parts.append(_marker(shape, left + 14, legend_y - 4, colour))
        parts.append(
            f'<text x="{_fmt(left + 36)}" y="{_fmt(legend_y)}" fill="{INK}">'
            f"{escape(one.label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def month_chart(
    months: Sequence[datetime.date],
    *,
    title: str,
    description: str,
    series: Sequence[Series],
    chart_id: str,
    y_max: float | None = None,
    height: int = 320,
) -> str:
    """A chart of figures month by month (the dashboards'): one point per month, from 0
    to a round number above the highest value unless `y_max` is given."""
    if y_max is None:
        top = max((v for one in series for v in one.values if v is not None), default=0)
        y_max = nice_max(math.ceil(top))
    return line_chart(
        title=title,
        description=description,
        x_labels=[date_format(month, "M y") for month in months],
        series=series,
        y_min=0,
        y_max=y_max,
        width=max(560, 72 * len(months)),
        height=height,
        chart_id=chart_id,
    )
