"""Results month by month: referred, started, active, exited by outcome, and running totals.

Read from the case events (DESIGN: results are read from events, never reconstructed
from current state). For each case:

- referral date: the `referred` event's date (the earliest, if there are several);
- first start: the earliest `enrolment_started` date;
- exit: the date and top code of the case's latest recorded `exit` event.

An event's date is its `effective_on`, unless it has been corrected: then the latest
correction's `effective_on` wins (a correction carries the corrected date as its own).

The work is done in the database in one grouped query, whatever the number of cases:
each case's three dates come from correlated subqueries, and the cases are counted per
(referral month, start month, exit month, exit top code). The handful of rows that come
back (at most a few per combination of months) are folded into the month rows here.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, fields

from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, TruncMonth

from losen.cases.models import Case, CaseEvent, EventKind
from losen.lib.dates import add_months
from losen.lib.suppression import suppress_series
from losen.programs.models import Enrolment

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


def _dated(kind: str) -> QuerySet[CaseEvent]:
    """The outer case's events of a kind, each with `date`: its date after corrections."""
    latest_correction = CaseEvent.objects.filter(corrects=OuterRef("pk")).order_by(
        "-recorded_at", "-id"
    )
    return CaseEvent.objects.filter(case=OuterRef("pk"), kind=kind, corrects__isnull=True).annotate(
        date=Coalesce(
            Subquery(latest_correction.values("effective_on")[:1]),
            F("effective_on"),
            output_field=DateField(),
        )
    )


def _first_date(kind: str) -> Subquery:
    return Subquery(
        _dated(kind).order_by("date", "id").values("date")[:1], output_field=DateField()
    )


def _month_counts(
    *, organisation_id: int, team_id: int | None, measure_id: int | None
) -> list[dict]:
    """Cases counted per (referral month, start month, exit month, exit top code)."""
    cases = Case.objects.filter(organisation_id=organisation_id)
    if team_id is not None:
        cases = cases.filter(team_id=team_id)
    if measure_id is not None:
        cases = cases.filter(
            Exists(Enrolment.objects.filter(case=OuterRef("pk"), measure_id=measure_id))
        )
    exit_event = _dated(EventKind.EXIT).order_by("-recorded_at", "-id")
    return list(
        cases.alias(
            referred_on=_first_date(EventKind.REFERRED),
            started_on=_first_date(EventKind.ENROLMENT_STARTED),
            exited_on=Subquery(exit_event.values("date")[:1], output_field=DateField()),
        )
        .values(
            referred_month=TruncMonth("referred_on", output_field=DateField()),
            started_month=TruncMonth("started_on", output_field=DateField()),
            exited_month=TruncMonth("exited_on", output_field=DateField()),
            exit_top_code=Subquery(
                exit_event.annotate(top=KeyTextTransform("top_code", "data")).values("top")[:1],
                output_field=CharField(),
            ),
        )
        .annotate(cases=Count("pk"))
        .order_by()
    )


def monthly_results(
    *,
    organisation_id: int,
    start: datetime.date,
    end: datetime.date,
    team_id: int | None = None,
    measure_id: int | None = None,
) -> list[MonthRow]:
    """One row per month from `start`'s month to `end`'s month; totals count from `start`.

    A case counts as referred, started and exited in the months of those dates, and as
    active at the end of a month if it started on or before the month's last day and
    has no exit on or before it. `team_id` and `measure_id` (cases with an enrolment in
    the measure) narrow the cases. An exit without a known top code counts as unknown.
    """
    months = months_between(start, end)
    in_range = set(months)
    referred: Counter[datetime.date] = Counter()
    started: Counter[datetime.date] = Counter()
    exited: Counter[datetime.date] = Counter()
    exits: Counter[tuple[datetime.date, str]] = Counter()
    active: Counter[datetime.date] = Counter()
    for row in _month_counts(
        organisation_id=organisation_id, team_id=team_id, measure_id=measure_id
    ):
        n = row["cases"]
        referred_month, started_month, exited_month = (
            row["referred_month"],
            row["started_month"],
            row["exited_month"],
        )
        if referred_month in in_range:
            referred[referred_month] += n
        if started_month in in_range:
            started[started_month] += n
        if exited_month in in_range:
            top = row["exit_top_code"]
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
        hidden_since_last_total = 0  # before the first month, the running total is 0
        for cells in table:
            if cells[monthly] is None:
                hidden_since_last_total += 1
            if cells[total] is None:
                continue
            if hidden_since_last_total == 1:
                cells[total] = None
            else:
                hidden_since_last_total = 0
    return [[cells[c] for c in COUNTS] for cells in table]
