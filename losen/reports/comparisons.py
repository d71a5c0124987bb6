"""Comparisons and targets: the metric list, our figure of each, and progress over time.

`METRICS` is the one list of what a reference figure or a target may measure: its key
(stored on `ReferenceFigure.metric` and `Target.metric`), its label and unit, how the
dashboard's figure of it is read from a `Dashboard` (for reference figures: ours for
the chosen period, already suppressed where the dashboard is), and how it runs month by
month (for targets).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from losen.cases.svg import Series, line_chart
from losen.lib import suppression
from losen.lib.dates import add_months
from losen.reports.dashboard import DAYS_PER_MONTH, Access, Dashboard
from losen.reports.models import ReferenceFigure, Target, TargetReading
from losen.reports.results import MonthRow, monthly_results

HUNDRED = Decimal(100)
# A target over more months than this shows every third month (chart and table).
MAX_MONTHLY_POINTS = 60
# At most about this many labels under a chart's x axis.
MAX_TICKS = 12


class Unit(StrEnum):
    KR_PER_MONTH = "kr_per_month"
    KR = "kr"
    PERCENT = "percent"
    MONTHS = "months"
    ADULTS = "adults"
    PEOPLE = "people"
    NUMBER = "number"


class OverTime(StrEnum):
    """How a target's figure runs month by month."""

    RUNNING = "running"  # a running total since counting started, added to the baseline
    LEVEL = "level"  # the figure at the end of each month
    SHARE = "share"  # the share to work or education of the exits since counting started
    READINGS = "readings"  # entered by hand


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    unit: Unit
    # Our figure for the dashboard's period (None: hidden, not shown to the actor, or none).
    ours: Callable[[Dashboard], Decimal | None] | None = None
    # For targets: how the figure runs over time, and the month columns it counts.
    over_time: OverTime | None = None
    columns: tuple[str, ...] = ()
    # The figure is about cost, which the dashboard shows only to some roles.
    is_cost: bool = False

    @property
    def for_reference(self) -> bool:
        return self.ours is not None

    @property
    def for_target(self) -> bool:
        return self.over_time is not None

    @property
    def is_percent(self) -> bool:
        return self.unit == Unit.PERCENT


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _percent(fraction: float | None) -> Decimal | None:
    return None if fraction is None else _decimal(fraction) * HUNDRED


def _board(name: str) -> Callable[[Dashboard], Decimal | None]:
    """A Dashboard attribute as it is (absent on an older Dashboard: no figure)."""
    return lambda board: _decimal(getattr(board, name, None))


def _exit_share(top: str) -> Callable[[Dashboard], Decimal | None]:
    def ours(board: Dashboard) -> Decimal | None:
        share = board.exits.get(top)
        return None if share is None else _percent(share.share)

    return ours


def _work_or_education(board: Dashboard) -> Decimal | None:
    return None if board.work_or_education is None else _percent(board.work_or_education.share)


def _still_after(months: int) -> Callable[[Dashboard], Decimal | None]:
    def ours(board: Dashboard) -> Decimal | None:
        for figures in board.follow_ups:
            if figures.months == months:
                return _percent(figures.share)
        return None

    return ours


def _median_months_to_exit(board: Dashboard) -> Decimal | None:
    spread = board.times_total.get("exit")
    if spread is None or spread.median is None:
        return None
    return _decimal(spread.median) / DAYS_PER_MONTH


METRICS: dict[str, Metric] = {
    metric.key: metric
    for metric in (
        Metric(
            "cost_per_participant_month",
            gettext_lazy("Cost per participant per month"),
            Unit.KR_PER_MONTH,
            ours=_board("total_cost_per_participant_month"),
            is_cost=True,
        ),
        Metric(
            "cost_per_participant",
            gettext_lazy("Cost per participant"),
            Unit.KR,
            ours=_board("total_cost_per_participant"),
            is_cost=True,
        ),
        Metric(
            "cost_per_exit_to_work_or_education",
            gettext_lazy("Cost per exit to work or education"),
            Unit.KR,
            ours=_board("total_cost_per_exit"),
            is_cost=True,
        ),
        Metric(
            "adults_per_six",
            gettext_lazy("Adults per six young people"),
            Unit.ADULTS,
            ours=_board("total_adults_per_six"),
            is_cost=True,
        ),
        Metric(
            "share_work_or_education",
            gettext_lazy("Share exited to work or education"),
            Unit.PERCENT,
            ours=_work_or_education,
            over_time=OverTime.SHARE,
            columns=("exit_work", "exit_education"),
        ),
        Metric(
            "share_work",
            gettext_lazy("Share exited to work"),
            Unit.PERCENT,
            ours=_exit_share("work"),
        ),
        Metric(
            "share_education",
            gettext_lazy("Share exited to education"),
            Unit.PERCENT,
            ours=_exit_share("education"),
        ),
        Metric(
            "share_other_activity",
            gettext_lazy("Share exited to other activity"),
            Unit.PERCENT,
            ours=_exit_share("other_activity"),
        ),
        Metric(
            "share_still_6_months",
            gettext_lazy("Share still in work or education after 6 months"),
            Unit.PERCENT,
            ours=_still_after(6),
        ),
        Metric(
            "share_still_12_months",
            gettext_lazy("Share still in work or education after 12 months"),
            Unit.PERCENT,
            ours=_still_after(12),
        ),
        Metric(
            "median_months_to_exit",
            gettext_lazy("Median months from referral to exit"),
            Unit.MONTHS,
            ours=_median_months_to_exit,
        ),
        Metric(
            "exited_work_or_education",
            gettext_lazy("People exited to work or education (running total)"),
            Unit.PEOPLE,
            over_time=OverTime.RUNNING,
            columns=("exit_work", "exit_education"),
        ),
        Metric(
            "exited",
            gettext_lazy("People exited (running total)"),
            Unit.PEOPLE,
            over_time=OverTime.RUNNING,
            columns=("exited",),
        ),
        Metric(
            "started",
            gettext_lazy("People started in a measure (running total)"),
            Unit.PEOPLE,
            over_time=OverTime.RUNNING,
            columns=("started",),
        ),
        Metric(
            "referred",
            gettext_lazy("People referred (running total)"),
            Unit.PEOPLE,
            over_time=OverTime.RUNNING,
            columns=("referred",),
        ),
        Metric(
            "active",
            gettext_lazy("People active at the end of the month"),
            Unit.PEOPLE,
            over_time=OverTime.LEVEL,
            columns=("active_end_of_month",),
        ),
        Metric(
            "readings",
            gettext_lazy(
                "A figure entered by hand (for example recipients of social assistance aged 18–24)"
            ),
            Unit.NUMBER,
            over_time=OverTime.READINGS,
        ),
    )
}


def reference_metric_choices() -> list[tuple[str, Promise]]:
    return [(m.key, m.label) for m in METRICS.values() if m.for_reference]


def target_metric_choices() -> list[tuple[str, Promise]]:
    return [(m.key, m.label) for m in METRICS.values() if m.for_target]


def metric(key: str) -> Metric:
    return METRICS[key]


def metric_label(key: str) -> str:
    found = METRICS.get(key)
    return str(found.label) if found else key


# Numbers as shown


def _rounded(value: Decimal, places: int) -> Decimal:
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def plain_number(value: Decimal, places: int = 0) -> str:
    return number_format(_rounded(value, places), use_l10n=True, force_grouping=True)


# Places shown per unit: whole kroner, people and percent (as the dashboard's tables).
PLACES = {Unit.MONTHS: 1, Unit.ADULTS: 1}


def formatted(value: Decimal | None, unit: Unit, *, places: int | None = None) -> str:
    """A value with its unit, in the current language; hidden values read as "–"."""
    if value is None:
        return suppression.PLACEHOLDER
    places = PLACES.get(unit, 0) if places is None else places
    number = plain_number(value, places)
    if unit == Unit.KR_PER_MONTH:
        return _("%(value)s kr per month") % {"value": number}
    if unit == Unit.KR:
        return _("%(value)s kr") % {"value": number}
    if unit == Unit.PERCENT:
        return f"{number} %"
    if unit == Unit.MONTHS:
        whole = _rounded(value, places)
        count = int(whole) if whole == whole.to_integral_value() else 2
        return ngettext("%(value)s month", "%(value)s months", count) % {"value": number}
    return number


def difference(ours: Decimal | None, theirs: Decimal, unit: Unit) -> str:
    """Ours minus theirs, signed; percentages in percentage points."""
    if ours is None:
        return suppression.PLACEHOLDER
    places = PLACES.get(unit, 0)
    gap = _rounded(ours, places) - theirs
    sign = "+" if gap > 0 else ("−" if gap < 0 else "±")
    number = plain_number(abs(gap), 2 if unit != Unit.PERCENT else 1)
    if unit == Unit.PERCENT:
        return _("%(value)s percentage points") % {"value": f"{sign}{number}"}
    return sign + formatted(abs(gap), unit, places=2).lstrip()


def years(figure: ReferenceFigure) -> str:
    if figure.year_from and figure.year_to and figure.year_from != figure.year_to:
        return f"{figure.year_from}–{figure.year_to}"
    return str(figure.year_from or figure.year_to or "")


# Reference figures beside ours


def in_metric_order(figures: Sequence[ReferenceFigure]) -> list[ReferenceFigure]:
    """The figures in the order of METRICS, then by whose figure they are."""
    order = {key: index for index, key in enumerate(METRICS)}
    return sorted(figures, key=lambda f: (order.get(f.metric, len(order)), f.label))


@dataclass(frozen=True)
class Comparison:
    figure: ReferenceFigure
    metric: Metric
    theirs: str
    ours: str
    difference: str
    years: str = ""
    note: str = ""


def comparisons(figures: Sequence[ReferenceFigure], board: Dashboard) -> list[Comparison]:
    """Each reference figure beside the dashboard's figure of the same metric."""
    rows = []
    for figure in in_metric_order(figures):
        found = METRICS.get(figure.metric)
        if found is None or found.ours is None:
            continue
        note = ""
        if found.is_cost and not board.with_costs:
            ours = None
            note = _("Costs are shown to team leads, administrators and managers.")
        else:
            ours = found.ours(board)
            if ours is None and board.suppressed:
                note = _("Hidden or not enough to go on.")
        rows.append(
            Comparison(
                figure=figure,
                metric=found,
                theirs=formatted(figure.value, found.unit, places=2),
                ours=formatted(ours, found.unit),
                difference=difference(ours, figure.value, found.unit),
                years=years(figure),
                note=note,
            )
        )
    return rows


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
    return target.baseline_value + gap * _decimal(_elapsed(target, day))


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
    shown.elapsed = _elapsed(target, latest.as_of)
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
    columns = {
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


# The dashboard's section


def _shown_on_dashboard(
    target: Target, access: Access, team_id: int | None, measure_id: int | None
) -> bool:
    """Targets for what the dashboard shows, at a scope the actor may see."""
    if team_id is not None and target.team_id not in (None, team_id):
        return False
    if measure_id is not None and target.measure_id not in (None, measure_id):
        return False
    if target.metric == "readings":
        return True  # entered by hand for the organisation: no count of our young people
    if target.organisation_id in access.org_wide:
        return True
    return access.is_exact(target.team_id)


@dataclass(frozen=True)
class TargetView:
    progress: Progress
    chart: str


@dataclass(frozen=True)
class Section:
    organisation_id: int
    comparisons: list[Comparison]
    targets: list[TargetView]


def targets_for_dashboard(
    access: Access, organisation_id: int, *, team_id: int | None, measure_id: int | None
) -> list[Target]:
    targets = (
        Target.objects.filter(organisation_id=organisation_id)
        .select_related("team", "measure")
        .prefetch_related("readings")
    )
    return [t for t in targets if _shown_on_dashboard(t, access, team_id, measure_id)]


def target_view(target: Target, access: Access, *, today: datetime.date) -> TargetView:
    suppressed = not access.is_exact(target.team_id)
    readings = list(target.readings.all())  # prefetched, in date order
    shown = progress(target, suppressed=suppressed, today=today, readings=readings)
    return TargetView(progress=shown, chart=chart(shown, f"target-chart-{target.pk}"))


def dashboard_section(
    access: Access,
    board: Dashboard,
    *,
    organisation_id: int,
    team_id: int | None,
    measure_id: int | None,
    today: datetime.date,
) -> Section:
    figures = ReferenceFigure.objects.filter(organisation_id=organisation_id)
    return Section(
        organisation_id=organisation_id,
        comparisons=comparisons(list(figures), board),
        targets=[
            target_view(target, access, today=today)
            for target in targets_for_dashboard(
                access, organisation_id, team_id=team_id, measure_id=measure_id
            )
        ],
    )


def dashboard_context(form: Any, board: Dashboard | None) -> dict[str, Any]:
    """The dashboard's "comparisons" context: the section for the form's choices."""
    if board is None:
        return {}
    cleaned = form.cleaned_data
    return {
        "comparisons": dashboard_section(
            form.access,
            board,
            organisation_id=cleaned["organisation"],
            team_id=cleaned.get("team"),
            measure_id=cleaned.get("measure"),
            today=timezone.localdate(),
        )
    }
