"""Results month by month: referred, started, active, exited by outcome, and running totals.

Read from the case events (DESIGN: results are read from events, never reconstructed
from current state), through the cases' milestones (losen.reports.milestones): each
case's referral date (the earliest `referred` event), first start (the earliest
`enrolment_started`) and exit (the date and top code of its latest recorded `exit`),
with corrections applied.

The milestones come back already counted per (referral month, start month, exit month,
exit top code), a handful of rows whatever the number of cases, and are folded into the
month rows here.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, fields

from losen.lib.dates import add_months
from losen.lib.suppression import protect_running_totals, suppress_series
from losen.reports.milestones import Milestones, case_milestones

# The outcome list's top codes, in the order of the report's columns.
EXIT_TOP_CODES = ("work", "education", "other_activity", "no_activity", "unknown")


@dataclass(frozen=True)
class MonthRow:
    """One month of results; the field names are the report's column names."""

    month: datetime.date  # the first day of the month
    referred: int
    started: int
    active_end_of_month: int
    exited: int
    exit_work: int
    exit_education: int
    exit_other_activity: int
    exit_no_activity: int
    exit_unknown: int
    cumulative_referred: int
    cumulative_started: int
    cumulative_exited: int
    cumulative_exit_work: int
    cumulative_exit_education: int


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(MonthRow))
COUNTS = COLUMNS[1:]
# The monthly exit breakdown, which adds up to `exited`.
EXIT_BREAKDOWN = (
    "exit_work",
    "exit_education",
    "exit_other_activity",
    "exit_no_activity",
    "exit_unknown",
)
# Each running total and the monthly column it adds up.
CUMULATIVE_OF = {
    "cumulative_referred": "referred",
    "cumulative_started": "started",
    "cumulative_exited": "exited",
    "cumulative_exit_work": "exit_work",
    "cumulative_exit_education": "exit_education",
}


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the months from `start`'s month to `end`'s month, both included."""
    months = []
    month = month_start(start)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def monthly_results(
    *,
    organisation_id: int,
    start: datetime.date,
    end: datetime.date,
    team_id: int | None = None,
    measure_id: int | None = None,
    milestones: Milestones | None = None,
) -> list[MonthRow]:
    """One row per month from `start`'s month to `end`'s month; totals count from `start`.

    A case counts as referred, started and exited in the months of those dates, and as
    active at the end of a month if it started on or before the month's last day and
    has no exit on or before it. `team_id` and `measure_id` (cases with an enrolment in
    the measure) narrow the cases. An exit without a known top code counts as unknown.
    `milestones`, when given, are the cases' milestones already read (with the same
    organisation, team, measure and period).
    """
    if milestones is None:
        milestones = case_milestones(
            organisation_id=organisation_id,
            start=start,
            end=end,
            team_id=team_id,
            measure_id=measure_id,
            with_times=False,
        )
    months = months_between(start, end)
    in_range = set(months)
    referred: Counter[datetime.date] = Counter()
    started: Counter[datetime.date] = Counter()
    exited: Counter[datetime.date] = Counter()
    exits: Counter[tuple[datetime.date, str]] = Counter()
    active: Counter[datetime.date] = Counter()
    for (referred_month, started_month, exited_month, top), n in milestones.flow.items():
        if referred_month in in_range:
            referred[referred_month] += n
        if started_month in in_range:
            started[started_month] += n
        if exited_month in in_range:
            exited[exited_month] += n
            exits[exited_month, top if top in EXIT_TOP_CODES else "unknown"] += n
        if started_month is None:
            continue
        for month in months:
            if started_month <= month and (exited_month is None or exited_month > month):
                active[month] += n

    rows = []
    totals: Counter[str] = Counter()
    for month in months:
        totals["referred"] += referred[month]
        totals["started"] += started[month]
        totals["exited"] += exited[month]
        totals["work"] += exits[month, "work"]
        totals["education"] += exits[month, "education"]
        rows.append(
            MonthRow(
                month=month,
                referred=referred[month],
                started=started[month],
                active_end_of_month=active[month],
                exited=exited[month],
                exit_work=exits[month, "work"],
                exit_education=exits[month, "education"],
                exit_other_activity=exits[month, "other_activity"],
                exit_no_activity=exits[month, "no_activity"],
                exit_unknown=exits[month, "unknown"],
                cumulative_referred=totals["referred"],
                cumulative_started=totals["started"],
                cumulative_exited=totals["exited"],
                cumulative_exit_work=totals["work"],
                cumulative_exit_education=totals["education"],
            )
        )
    return rows


def suppress_results(rows: list[MonthRow], *, threshold: int) -> list[list[int | None]]:
    """The rows' counts (without the month) fit to leave the team; None is a hidden count.

    1. Every count from 1 to `threshold` is hidden.
    2. Per row, the exit breakdown is protected against `exited` (losen.lib.suppression):
       one hidden cell among them would be given away by subtraction, so a second goes.
    3. Per running total: two published totals give the sum of the monthly counts
       between them, so a stretch of months holding exactly one hidden monthly count
       would give it away; the later total is hidden too, and the stretch runs on.

    Not covered: `active_end_of_month` from month to month only bounds the starts and
    exits in between (exits of cases that never started keep it from being an equation).
    """
    table = []
    for row in rows:
        cells = dict(
            zip(
                COUNTS,
                suppress_series([getattr(row, c) for c in COUNTS], threshold=threshold),
                strict=True,
            )
        )
        breakdown = suppress_series(
            [getattr(row, c) for c in EXIT_BREAKDOWN], threshold=threshold, total=row.exited
        )
        cells.update(zip(EXIT_BREAKDOWN, breakdown, strict=True))
        table.append(cells)
    for total, monthly in CUMULATIVE_OF.items():
        published = protect_running_totals(
            [cells[monthly] for cells in table], [cells[total] for cells in table]
        )
        for cells, value in zip(table, published, strict=True):
            cells[total] = value
    return [[cells[c] for c in COUNTS] for cells in table]
