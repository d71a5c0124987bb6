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
rather than their own team) are rounded to multiples of LOSEN_SMALL_COUNT_THRESHOLD + 1
by their cell keys (losen/lib/suppression.py), as the results are, so no small count
can be worked out from the totals or from the boards of other months; shares are built
on the rounded counts. See `publish`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from losen.lib import suppression
from losen.lib.dates import add_months
from losen.outreach import statuses
from losen.outreach.counts import statuses_on
from losen.outreach.ladder import default_ladder, ladder_for
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
    table, keys = _true_counts(
        organisation_id=organisation_id,
        scheme=scheme,
        months=months,
        team_id=team_id,
        today=today,
    )
    return publish(scheme, months, table, suppress=suppress, keys=keys)


def publish(
    scheme: str,
    months: list[datetime.date],
    table: list[list[int]],
    *,
    suppress: bool,
    keys: list[list[int]] | None = None,
) -> Board:
    """The board from the true counts (one row of COUNT_COLUMNS per month).

    `keys` holds each count's cell key (the sum of its records' keys, same shape as
    `table`; zeros when not given). Suppressed, every month's count is rounded to a
    multiple of the threshold + 1 by its cell key (losen.lib.suppression), and a month's
    attempts as one cell (its steps' attempts). The period's totals are the sums of the
    rounded months: the window moves on every month, and totals rounded as cells of their
    own would give a reader a new rounding of nearly the same months each month, to
    average. Every published count is a multiple of the base, and no sum or difference
    of them (between months, steps, totals, or the boards of other months) is a count
    from 1 to the threshold. A month's steps need not add up to its attempts.
    """
    threshold = suppression.configured_threshold()
    if keys is None:
        keys = [[0] * len(row) for row in table]
    index = {name: k for k, name in enumerate(COUNT_COLUMNS)}

    def shown(count: int, key: int) -> int:
        if not suppress:
            return count
        return suppression.round_count(count, key, threshold=threshold)

    def cell(k: int, names: tuple[str, ...]) -> int:
        count = sum(table[k][index[name]] for name in names)
        return shown(count, sum(keys[k][index[name]] for name in names))

    def share(reached_14: int | None, new: int | None) -> float | None:
        return suppression.share(reached_14, new, threshold=threshold if suppress else 0)

    rows = []
    for k, month in enumerate(months):
        values: dict[str, int | None] = {name: cell(k, (name,)) for name in COUNT_COLUMNS}
        values["attempts"] = cell(k, STEPS)
        rows.append(MonthRow(month, values, share(values["reached_14"], values["new"])))
    totals: dict[str, int | None] = {
        name: sum(row.values[name] or 0 for row in rows) for name in (*FLOWS, *STEPS, "attempts")
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
) -> tuple[list[list[int]], list[list[int]]]:
    """One row of COUNT_COLUMNS per month, as they are, and their cell keys."""
    entries = TargetEntry.objects.shown().filter(organisation_id=organisation_id, scheme=scheme)
    attempts = ContactAttempt.objects.filter(organisation_id=organisation_id, entry__scheme=scheme)
    if team_id is not None:
        entries = entries.filter(team_id=team_id)
        attempts = attempts.filter(entry__team_id=team_id)
    promise = (
        ladder_for(organisation_id, scheme).promise_days
        if organisation_id
        else default_ladder().promise_days
    )
    entry_key = suppression.key_coefficients("target_entry").key
    attempt_key = suppression.key_coefficients("contact_attempt").key
    last = _month_end(months[-1])
    # (column, month) -> the record keys of the count.
    found: dict[tuple[str, datetime.date], list[int]] = defaultdict(list)
    window = datetime.timedelta(days=promise)
    for pk, listed_on, reached_on in entries.filter(listed_on__range=(months[0], last)).values_list(
        "pk", "listed_on", "reached_on"
    ):
        month = listed_on.replace(day=1)
        found["new", month].append(entry_key(pk))
        if reached_on is not None and reached_on <= listed_on + window:
            found["reached_14", month].append(entry_key(pk))
    for pk, reached_on in entries.filter(reached_on__range=(months[0], last)).values_list(
        "pk", "reached_on"
    ):
        found["reached", reached_on.replace(day=1)].append(entry_key(pk))
    for pk, attempted_at, method in attempts.filter(
        attempted_at__date__range=(months[0], last)
    ).values_list("pk", "attempted_at", "method"):
        month = timezone.localtime(attempted_at).date().replace(day=1)
        found[method, month].append(attempt_key(pk))
    for month in months:
        if month > today:
            continue
        day = min(_month_end(month), today)
        for pk, code in statuses_on(organisation_id, scheme, day, team_id=team_id):
            found["on_list", month].append(entry_key(pk))
            if statuses.get(scheme, code).in_activity:
                found["in_activity", month].append(entry_key(pk))
    table = [[len(found.get((name, m), ())) for name in COUNT_COLUMNS] for m in months]
    keys = [
        [suppression.cell_key(found.get((name, m), ())) for name in COUNT_COLUMNS] for m in months
    ]
    return table, keys
