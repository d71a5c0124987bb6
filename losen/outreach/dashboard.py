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

Counts that leave the team (managers, administrators, anyone looking at an organisation
rather than their own team) hide 1 to LOSEN_SMALL_COUNT_THRESHOLD with secondary
suppression (losen/lib/suppression.py); shares are hidden when a count behind them is.
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

COUNT_COLUMNS = ("on_list", "new", "reached_14", "reached", "in_activity", *Method.values)


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date
    values: dict[str, int | None]
    share_14: float | None


def _month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def monthly(
    *,
    organisation_id: int,
    scheme: str,
    start: datetime.date,
    end: datetime.date,
    team_id: int | None = None,
    today: datetime.date,
    suppress: bool,
) -> list[MonthRow]:
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
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
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
                *(by_method.get((month, method), 0) for method in Method.values),
            ]
        )
    if suppress and table:
        shown = suppression.suppress_table_configured(
            table, row_totals=False, column_totals=False
        ).rows
    else:
        shown = table
    threshold = suppression.configured_threshold()
    rows = []
    for month, true_values, values in zip(months, table, shown, strict=True):
        named = dict(zip(COUNT_COLUMNS, values, strict=True))
        if suppress:
            share = suppression.share(named["reached_14"], named["new"], threshold=threshold)
        else:
            share = true_values[2] / true_values[1] if true_values[1] else None
        rows.append(MonthRow(month, named, share))
    return rows


def _get(counts: dict, month: datetime.date) -> int:
    for key, value in counts.items():
        day = key.date() if isinstance(key, datetime.datetime) else key
        if day == month:
            return value
    return 0
