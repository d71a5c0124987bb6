"""The outreach dashboard: month by month, for a team or an organisation and a scheme.

For each month:

``on_list``        people in the target group at the month's end
``new``            people who appeared on a list during the month
``reached_14``     of those, reached within the promise (14 days by default)
``share_14``       reached_14 / new
``reached``        people reached (contact made) during the month
``in_activity``    people in the group at the month's end whose status is an activity
                   (OT group "in activity"; KAA studies, work, measure)
``phone`` … ``home_visit``   attempts by ladder step during the month
``attempts``       all attempts during the month

The period's totals are published too: the sums of ``new``, ``reached_14``, ``reached``
and of the attempts (by step, and all of them). ``on_list`` and ``in_activity`` are
stocks at a month's end and have no total.

Counts that leave the team (managers, administrators, anyone looking at an organisation
rather than their own team) hide 1 to LOSEN_SMALL_COUNT_THRESHOLD with secondary
suppression (losen/lib/suppression.py), so no hidden count can be worked out from the
totals; shares are hidden when a count behind them is. See `publish`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth

from losen.lib import suppression
from losen.lib.dates import add_months
from losen.outreach import statuses
from losen.outreach.counts import status_counts
from losen.outreach.ladder import default_ladder, in_group_on, ladder_for
from losen.outreach.models import TargetEntry
from losen.outreach.models.ladder import ContactAttempt, Method

STOCKS = ("on_list", "in_activity")  # at a month's end: no total
FLOWS = ("new", "reached_14", "reached")  # during a month: the period's total is the sum
STEPS = tuple(Method.values)  # attempts by ladder step: a row total and column totals
COUNT_COLUMNS = ("on_list", "new", "reached_14", "reached", "in_activity", *STEPS)
TOTALLED = (*FLOWS, *STEPS, "attempts")


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date
    values: dict[str, int | None]  # COUNT_COLUMNS and "attempts"; None is hidden
    share_14: float | None


@dataclass(frozen=True)
class Board:
    """The figures fit for the viewer: exact for the team, suppressed outside it."""

    scheme: str
    start: datetime.date  # the first month
    end: datetime.date  # the last month
    suppressed: bool
    rows: list[MonthRow]
    totals: dict[str, int | None]  # TOTALLED over the period; None is hidden
    share_14: float | None  # over the period

    def column(self, name: str) -> list[int | None]:
        return [row.values[name] for row in self.rows]

    def shares(self) -> list[float | None]:
        return [row.share_14 for row in self.rows]


def _month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def build_board(
    *,
    organisation_id: int,
    scheme: str,
    start: datetime.date,
    end: datetime.date,
    team_id: int | None = None,
    today: datetime.date,
    suppress: bool,
) -> Board:
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    table = _true_counts(
        organisation_id=organisation_id,
        scheme=scheme,
        months=months,
        team_id=team_id,
        today=today,
    )
    return publish(scheme, months, table, suppress=suppress)


def publish(
    scheme: str, months: list[datetime.date], table: list[list[int]], *, suppress: bool
) -> Board:
    """The board from the true counts (one row of COUNT_COLUMNS per month).

    Suppressed, three parts are protected each on its own, since no published equation
    joins them:

    1. The stocks (``on_list``, ``in_activity``): every count from 1 to the threshold.
       From month to month they only bound the flows (people also leave the list, and
       that is not published), so they give nothing away exactly.
    2. The flows with their period totals: each column sums to its total, so a column
       with one hidden month would give it away; losen.lib.suppression hides a second.
    3. The attempts by step, with a total per month and per step and the grand total:
       a table with row and column totals, suppressed as one.

    ``reached_14`` is at most ``new``, and ``in_activity`` at most ``on_list``: bounds,
    not equations (see losen.lib.suppression, "Not covered").
    """
    # Threshold 0 hides nothing: the team's exact figures, with the same totals.
    threshold = suppression.configured_threshold() if suppress else 0
    index = {name: k for k, name in enumerate(COUNT_COLUMNS)}

    def part(names: tuple[str, ...]) -> list[list[int]]:
        return [[row[index[name]] for name in names] for row in table]

    stocks = suppression.suppress_table(
        part(STOCKS), threshold=threshold, row_totals=False, column_totals=False
    )
    flows = suppression.suppress_table(
        part(FLOWS), threshold=threshold, row_totals=False, column_totals=True
    )
    steps = suppression.suppress_table(part(STEPS), threshold=threshold)

    def share(reached_14: int | None, new: int | None) -> float | None:
        return suppression.share(reached_14, new, threshold=threshold)

    rows = []
    for k, month in enumerate(months):
        values: dict[str, int | None] = {
            **dict(zip(STOCKS, stocks.rows[k], strict=True)),
            **dict(zip(FLOWS, flows.rows[k], strict=True)),
            **dict(zip(STEPS, steps.rows[k], strict=True)),
            "attempts": steps.row_totals[k],
        }
        rows.append(MonthRow(month, values, share(values["reached_14"], values["new"])))
    totals: dict[str, int | None] = {
        **dict(zip(FLOWS, flows.column_totals, strict=True)),
        **dict(zip(STEPS, steps.column_totals, strict=True)),
        "attempts": steps.grand_total,
    }
    return Board(
        scheme=scheme,
        start=months[0],
        end=months[-1],
        suppressed=suppress,
        rows=rows,
        totals=totals,
        share_14=share(totals["reached_14"], totals["new"]),
    )


def _true_counts(
    *,
    organisation_id: int,
    scheme: str,
    months: list[datetime.date],
    team_id: int | None,
    today: datetime.date,
) -> list[list[int]]:
    """One row of COUNT_COLUMNS per month, as they are."""
    entries = TargetEntry.objects.filter(organisation_id=organisation_id, scheme=scheme)
    attempts = ContactAttempt.objects.filter(organisation_id=organisation_id, entry__scheme=scheme)
    if team_id is not None:
        entries = entries.filter(team_id=team_id)
        attempts = attempts.filter(entry__team_id=team_id)
    promise = (
        ladder_for(organisation_id, scheme).promise_days
        if organisation_id
        else default_ladder().promise_days
    )
    last = _month_end(months[-1])
    new: dict[datetime.date, int] = {}
    reached_14: dict[datetime.date, int] = {}
    window = datetime.timedelta(days=promise)
    for listed_on, reached_on in entries.filter(listed_on__range=(months[0], last)).values_list(
        "listed_on", "reached_on"
    ):
        month = listed_on.replace(day=1)
        new[month] = new.get(month, 0) + 1
        if reached_on is not None and reached_on <= listed_on + window:
            reached_14[month] = reached_14.get(month, 0) + 1
    reached = dict(
        entries.filter(reached_on__range=(months[0], last))
        .annotate(m=TruncMonth("reached_on"))
        .values_list("m")
        .annotate(n=Count("id"))
        .values_list("m", "n")
    )
    by_method: dict[tuple[datetime.date, str], int] = {}
    for m, method, n in (
        attempts.filter(attempted_at__date__range=(months[0], last))
        .annotate(m=TruncMonth("attempted_at"))
        .values_list("m", "method")
        .annotate(n=Count("id"))
        .values_list("m", "method", "n")
    ):
        key = (m.date() if isinstance(m, datetime.datetime) else m, method)
        by_method[key] = by_method.get(key, 0) + n
    table: list[list[int]] = []
    for month in months:
        day = min(_month_end(month), today)
        on_list = in_group_on(entries, scheme, day).count() if month <= today else 0
        counts = (
            status_counts(organisation_id, scheme, day, team_id=team_id) if month <= today else {}
        )
        active = sum(
            n for code, n in counts.items() if statuses.BY_SCHEME[scheme][code].in_activity
        )
        table.append(
            [
                on_list,
                _get(new, month),
                _get(reached_14, month),
                _get(reached, month),
                active,
                *(by_method.get((month, method), 0) for method in STEPS),
            ]
        )
    return table


def _get(counts: dict, month: datetime.date) -> int:
    for key, value in counts.items():
        day = key.date() if isinstance(key, datetime.datetime) else key
        if day == month:
            return value
    return 0
