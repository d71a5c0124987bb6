"""Targets followed month by month, from the baseline to the deadline, and their chart.

Targets are followed from the baseline to the deadline, whatever period the dashboard
shows. Counting starts on the first day of a month: the baseline date itself when it
is the 1st, else the 1st of the next month. A target's figure is

- a running total (people exited to work or education, started, referred): the
  baseline value plus what is counted since counting started;
- a level (people active at the end of the month): the month's figure;
- a share (of the exits since counting started, the share to work or education);
- a figure entered by hand (recipients of social assistance, say): the latest reading
  on or before the day.

Views outside the actor's own casework team round every count (a level, a running
total, both sides of a share) by its cell key, as the dashboard does
(losen.lib.suppression): no two published totals differ by a count from 1 to the
threshold. Readings entered by hand are not counts of our young people and are shown
as entered.

Progress: the share of the way from the baseline to the target covered by our latest
published value, against the share of the time from the baseline date to the deadline
gone by on that value's day. Reached, on track, behind, or not reached by the deadline.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from losen.lib import suppression
from losen.lib.charts import Series, line_chart
from losen.lib.dates import add_months
from losen.reports.metrics import HUNDRED, METRICS, Metric, OverTime, as_decimal, formatted
from losen.reports.models import Target, TargetReading
from losen.reports.results import MonthRow, monthly_results

# A target over more months than this shows every third month (chart and table).
MAX_MONTHLY_POINTS = 60
# At most about this many labels under a chart's x axis.
MAX_TICKS = 12


# Targets over time


class Status(StrEnum):
    REACHED = "reached"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"
    UNKNOWN = "unknown"


STATUS_LABELS = {
    Status.REACHED: gettext_lazy("Reached"),
    Status.ON_TRACK: gettext_lazy("On track"),
    Status.BEHIND: gettext_lazy("Behind"),
    Status.MISSED: gettext_lazy("Not reached by the deadline"),
    Status.UNKNOWN: gettext_lazy("Not known yet"),
}


@dataclass(frozen=True)
class Point:
    on: datetime.date  # the day the value holds for
    label: str  # in the table
    tick: str  # under the chart
    ours: Decimal | None
    planned: Decimal  # on the straight line from the baseline to the target
    as_of: datetime.date | None = None  # when `ours` was measured (a reading's day)


@dataclass
class Progress:
    target: Target
    metric: Metric
    suppressed: bool
    points: list[Point] = field(default_factory=list)
    current: Decimal | None = None
    current_on: datetime.date | None = None
    done: float | None = None  # share of the way from the baseline to the target
    elapsed: float = 0.0  # share of the time gone by on `current_on` (or today)
    status: Status = Status.UNKNOWN

    @property
    def percent_done(self) -> str:
        return suppression.PLACEHOLDER if self.done is None else f"{round(self.done * 100)} %"

    @property
    def percent_elapsed(self) -> str:
        return f"{round(self.elapsed * 100)} %"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    def shown(self, value: Decimal | None) -> str:
        # Readings are shown as entered; our counts and shares as the dashboard shows them.
        entered = self.metric.over_time == OverTime.READINGS
        return formatted(value, self.metric.unit, places=2 if entered else None)

    @property
    def baseline(self) -> str:
        return formatted(self.target.baseline_value, self.metric.unit, places=2)

    @property
    def goal(self) -> str:
        return formatted(self.target.target_value, self.metric.unit, places=2)

    @property
    def current_shown(self) -> str:
        return self.shown(self.current)

    @property
    def table(self) -> list[tuple[str, str, str]]:
        return [
            (p.label, self.shown(p.ours), formatted(p.planned, self.metric.unit))
            for p in self.points
        ]


def counting_start(baseline_on: datetime.date) -> datetime.date:
    """The first month counted: the baseline's month if it is the 1st, else the next."""
    first = baseline_on.replace(day=1)
    return first if baseline_on.day == 1 else add_months(first, 1)


def _month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def _elapsed(target: Target, day: datetime.date) -> float:
    span = (target.deadline - target.baseline_on).days
    gone = (day - target.baseline_on).days
    return min(max(gone / span, 0.0), 1.0)


def _planned(target: Target, day: datetime.date) -> Decimal:
    gap = target.target_value - target.baseline_value
    return target.baseline_value + gap * as_decimal(_elapsed(target, day))


def _running(
    rows: list[MonthRow], names: Sequence[str], *, suppressed: bool, threshold: int
) -> list[int]:
    """Running totals of the monthly columns `names` (disjoint sets of cases) from the
    first row; rounded by their cell keys outside the team (losen.lib.suppression)."""
    totals = []
    total = key = 0
    for row in rows:
        total += sum(getattr(row, name) for name in names)
        key += sum(row.keys.get(name, 0) for name in names)
        totals.append(
            suppression.round_count(total, key, threshold=threshold) if suppressed else total
        )
    return totals


def _counted(
    target: Target, found: Metric, rows: list[MonthRow], *, suppressed: bool, threshold: int
) -> list[Decimal | None]:
    """Our value at the end of each of `rows`' months (see the module docstring)."""
    if found.over_time == OverTime.LEVEL:
        (name,) = found.columns
        return [
            Decimal(row.rounded(name, threshold=threshold) if suppressed else getattr(row, name))
            for row in rows
        ]
    if found.over_time == OverTime.RUNNING:
        totals = _running(rows, found.columns, suppressed=suppressed, threshold=threshold)
        return [target.baseline_value + t for t in totals]
    # A share: the exits to work or education over all exits since counting started.
    part = _running(rows, found.columns, suppressed=suppressed, threshold=threshold)
    whole = _running(rows, ("exited",), suppressed=suppressed, threshold=threshold)
    # Rounded, a part can come out above its whole: a share is at most 100 %.
    return [
        min(Decimal(p) * HUNDRED / Decimal(w), HUNDRED) if w else None
        for p, w in zip(part, whole, strict=True)
    ]


def _read(readings: Sequence[TargetReading], day: datetime.date) -> TargetReading | None:
    """The latest reading on or before the day (`readings` in date order)."""
    found = None
    for reading in readings:
        if reading.measured_on <= day:
            found = reading
    return found


def progress(
    target: Target,
    *,
    suppressed: bool,
    today: datetime.date,
    threshold: int | None = None,
    readings: Sequence[TargetReading] | None = None,
) -> Progress:
    """The target's figure month by month from the baseline, and how far it has come."""
    found = METRICS[target.metric]
    threshold = suppression.configured_threshold() if threshold is None else threshold
    shown = Progress(target=target, metric=found, suppressed=suppressed)
    first = counting_start(target.baseline_on)
    if first > target.deadline:
        first = target.deadline.replace(day=1)
    months = []
    month = first
    while month <= target.deadline:
        months.append(month)
        month = add_months(month, 1)
    # The months up to today are known; the rest are the future.
    known = [m for m in months if m <= today]
    measured: dict[datetime.date, datetime.date] = {}  # month: the day of its reading
    if found.over_time == OverTime.READINGS:
        if readings is None:
            readings = list(target.readings.order_by("measured_on"))
        readings = sorted(
            (r for r in readings if r.measured_on >= target.baseline_on),
            key=lambda r: r.measured_on,
        )
        read = [_read(readings, min(_month_end(m), today)) for m in known]
        values = [None if r is None else r.value for r in read]
        measured = {m: r.measured_on for m, r in zip(known, read, strict=True) if r is not None}
        suppressed = shown.suppressed = False
    elif known:
        rows = monthly_results(
            organisation_id=target.organisation_id,
            start=first,
            end=min(_month_end(known[-1]), target.deadline),
            team_id=target.team_id,
            measure_id=target.measure_id,
        )
        values = _counted(target, found, rows, suppressed=suppressed, threshold=threshold)
    else:
        values = []
    values += [None] * (len(months) - len(known))

    points = [
        Point(
            on=target.baseline_on,
            label=date_format(target.baseline_on, "SHORT_DATE_FORMAT"),
            tick=date_format(target.baseline_on, "j.n.y"),
            ours=target.baseline_value,
            planned=target.baseline_value,
        )
    ]
    for month, value in zip(months, values, strict=True):
        on = min(_month_end(month), target.deadline)
        if value is not None and month <= today <= on:
            on = today  # this month so far
        label = (
            date_format(target.deadline, "SHORT_DATE_FORMAT")
            if month == months[-1]
            else date_format(month, "M Y")
        )
        tick = (
            date_format(target.deadline, "j.n.y")
            if month == months[-1]
            else date_format(month, "M y")
        )
        points.append(
            Point(
                on=on,
                label=label,
                tick=tick,
                ours=value,
                planned=_planned(target, on),
                as_of=measured.get(month, on),
            )
        )
    shown.points = _thinned(points)
    _judge(shown, points[len(known)] if known else None, today)
    return shown


def _ticks(labels: list[str]) -> list[str]:
    """Every n-th label (and the first and last), so they do not run into each other."""
    every = max(1, math.ceil(len(labels) / MAX_TICKS))
    last = len(labels) - 1
    return [
        label if i in (0, last) or (i % every == 0 and last - i >= every / 2) else ""
        for i, label in enumerate(labels)
    ]


def _thinned(points: list[Point]) -> list[Point]:
    """Every third month when there are many; the baseline and the last month stay."""
    if len(points) <= MAX_MONTHLY_POINTS + 1:
        return points
    last = len(points) - 1
    return [p for i, p in enumerate(points) if i == 0 or (last - i) % 3 == 0]


def _judge(shown: Progress, latest: Point | None, today: datetime.date) -> None:
    """Progress by the latest known month; unknown when its figure is hidden (an older
    published figure would judge by a stale value)."""
    target = shown.target
    shown.elapsed = _elapsed(target, today)
    if latest is None or latest.ours is None:
        shown.status = Status.UNKNOWN
        return
    shown.current, shown.current_on = latest.ours, latest.as_of
    gap = target.target_value - target.baseline_value
    shown.done = float((latest.ours - target.baseline_value) / gap)
    shown.elapsed = _elapsed(target, latest.as_of or today)
    if shown.done >= 1:
        shown.status = Status.REACHED
    elif today > target.deadline:
        shown.status = Status.MISSED
    elif shown.done >= shown.elapsed:
        shown.status = Status.ON_TRACK
    else:
        shown.status = Status.BEHIND


def nice_top(value: Decimal) -> int:
    """A y axis top of five round steps (1, 2 or 5 times a power of ten): 428 gives 500."""
    step = 1
    while step * 5 < value:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if step * 5 >= value:
                break
    return step * 5


def chart(shown: Progress, chart_id: str) -> str:
    """Our figure, the straight path from the baseline to the target, and the target."""
    target = shown.target
    points = shown.points
    columns: dict[str, list[Decimal | None]] = {
        _("Our figure"): [p.ours for p in points],
        _("Path to the target"): [p.planned for p in points],
        _("Target"): [target.target_value] * len(points),
    }
    values = [v for one in columns.values() for v in one if v is not None]
    top = 100 if shown.metric.is_percent else nice_top(max(values))
    description = _(
        "%(target)s: our figure from %(start)s, the straight path from the baseline "
        "%(baseline)s to the target %(goal)s, and the target, up to the deadline "
        "%(deadline)s. The same figures are in the table below."
    ) % {
        "target": target.description,
        "start": date_format(target.baseline_on, "SHORT_DATE_FORMAT"),
        "baseline": shown.baseline,
        "goal": shown.goal,
        "deadline": date_format(target.deadline, "SHORT_DATE_FORMAT"),
    }
    return line_chart(
        title=target.description,
        description=description,
        x_labels=_ticks([p.tick for p in points]),
        series=[
            Series(label, [None if v is None else float(v) for v in one])
            for label, one in columns.items()
        ],
        y_min=0,
        y_max=top,
        width=min(1100, max(560, 64 * len(points))),
        height=320,
        chart_id=chart_id,
    )
