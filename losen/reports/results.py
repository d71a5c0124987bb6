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
from dataclasses import dataclass, field, fields

from losen.lib.dates import add_months
from losen.lib.suppression import KEY_MODULUS, round_count
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
    # Each count's cell key (losen.lib.suppression): the sum of its cases' record keys.
    keys: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def rounded(self, name: str, *, threshold: int) -> int:
        """The count `name` rounded as it leaves the team (losen.lib.suppression)."""
        return round_count(getattr(self, name), self.keys.get(name, 0), threshold=threshold)


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(MonthRow) if f.name != "keys")
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
# The counts of one month (the others are the running totals).
MONTHLY = tuple(name for name in COUNTS if name not in CUMULATIVE_OF)


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
    # (column, month) -> count, and the same for the sums of the cases' record keys.
    counts: Counter[tuple[str, datetime.date]] = Counter()
    keys: Counter[tuple[str, datetime.date]] = Counter()

    def add(name: str, month: datetime.date, n: int, key: int) -> None:
        counts[name, month] += n
        keys[name, month] += key

    for flow, n in milestones.flow.items():
        referred_month, started_month, exited_month, top = flow
        key = milestones.flow_keys.get(flow, 0)
        if referred_month in in_range:
            add("referred", referred_month, n, key)
        if started_month in in_range:
            add("started", started_month, n, key)
        if exited_month in in_range:
            add("exited", exited_month, n, key)
            add(f"exit_{top if top in EXIT_TOP_CODES else 'unknown'}", exited_month, n, key)
        if started_month is None:
            continue
        for month in months:
            if started_month <= month and (exited_month is None or exited_month > month):
                add("active_end_of_month", month, n, key)

    rows = []
    so_far: Counter[str] = Counter()
    so_far_keys: Counter[str] = Counter()
    for month in months:
        row_keys = {name: keys[name, month] % KEY_MODULUS for name in MONTHLY}
        for total, monthly in CUMULATIVE_OF.items():
            so_far[total] += counts[monthly, month]
            so_far_keys[total] = (so_far_keys[total] + keys[monthly, month]) % KEY_MODULUS
            row_keys[total] = so_far_keys[total]
        rows.append(
            MonthRow(
                month=month,
                **{name: counts[name, month] for name in MONTHLY},
                **{total: so_far[total] for total in CUMULATIVE_OF},
                keys=row_keys,
            )
        )
    return rows


def round_results(rows: list[MonthRow], *, threshold: int) -> list[list[int]]:
    """The rows' counts (without the month) fit to leave the team: each rounded to a
    multiple of threshold + 1 by its cell key (losen.lib.suppression).

    No secondary suppression is needed: every published count is a multiple of the base,
    so no sum or difference of them (between months, running totals, teams, measures or
    start months) is a count from 1 to the threshold.
    """
    return [[row.rounded(name, threshold=threshold) for name in COUNTS] for row in rows]


def period_count(rows: list[MonthRow], names: tuple[str, ...]) -> tuple[int, int]:
    """The count over all `rows` of the monthly columns `names` (disjoint sets of cases),
    with its cell key."""
    count = sum(getattr(row, name) for row in rows for name in names)
    key = sum(row.keys.get(name, 0) for row in rows for name in names) % KEY_MODULUS
    return count, key
