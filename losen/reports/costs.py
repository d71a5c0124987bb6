"""Participant-days in measures, month by month, counted in the database in one statement.

Cost is counted in participant-months: an enrolment's days in a month, from its start
(or the month's first day) to its end (or the month's last day, or today if earlier),
both included, divided by 30.44 (the mean month), times the measure's monthly cost.
Enrolments that never started are not counted.

`participation(...)` returns, for the months of a period (those not in the future):

- per (month, measure): participant-days and the number of young people (cases);
- per month: the number of young people in any measure that month, and the number
  in any measure from the period's first day to the month's last (so far);
- per measure: the young people over the whole period.

A young person in two measures counts once in each measure and once in the totals, so
the per-measure counts add up to more than the totals.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from losen.cases.models import Case
from losen.lib.dates import add_months
from losen.lib.suppression import KEY_MODULUS, key_coefficients
from losen.programs.models import Enrolment


@dataclass
class Participation:
    months: list[datetime.date] = field(default_factory=list)  # first days
    days_in: dict[datetime.date, int] = field(default_factory=dict)  # counted days per month
    days: dict[tuple[datetime.date, int], int] = field(default_factory=dict)
    people: dict[tuple[datetime.date, int], int] = field(default_factory=dict)
    people_in_month: dict[datetime.date, int] = field(default_factory=dict)
    people_so_far: dict[datetime.date, int] = field(default_factory=dict)
    people_in_measure: dict[int, int] = field(default_factory=dict)
    # The cell key of each count of young people above (losen.lib.suppression), under
    # ("month", month, measure), ("in_month", month), ("so_far", month), ("measure", measure).
    keys: dict[tuple, int] = field(default_factory=dict)

    def measure_ids(self) -> set[int]:
        return set(self.people_in_measure)

    def measure_days(self) -> dict[int, int]:
        totals: dict[int, int] = defaultdict(int)
        for (_month, measure), days in self.days.items():
            totals[measure] += days
        return totals


def _months(start: datetime.date, end: datetime.date, today: datetime.date):
    """(first day, last counted day) per month of the period, up to today."""
    spans = []
    month = start.replace(day=1)
    while month <= end and month <= today:
        last = min(add_months(month, 1) - datetime.timedelta(days=1), end, today)
        spans.append((month, last))
        month = add_months(month, 1)
    return spans


def _sql(*, vendor: str, spans: int, team: bool, measure: bool, key: str) -> str:
    """`key` is the SQL of a case's record key (of `e.case_id`)."""
    enrolments = Enrolment._meta.db_table
    cases = Case._meta.db_table
    if vendor == "postgresql":
        row = "SELECT CAST(%s AS date), CAST(%s AS date)"
        overlap = "(LEAST(COALESCE(e.end_on, m.last), m.last) - GREATEST(e.start_on, m.first) + 1)"
    else:
        row = "SELECT %s, %s"
        overlap = (
            "CAST(julianday(MIN(COALESCE(e.end_on, m.last), m.last))"
            " - julianday(MAX(e.start_on, m.first)) + 1 AS INTEGER)"
        )
    months = " UNION ALL ".join([row] * spans)
    where = "e.organisation_id = %s AND e.start_on IS NOT NULL"
    if team:
        where += f" AND e.case_id IN (SELECT id FROM {cases} WHERE team_id = %s)"  # noqa: S608
    if measure:
        where += " AND e.measure_id = %s"
    # Built from constants only (table names); every value is a parameter.
    # The cases' keys summed once per case (DISTINCT: a case with two enrolments in a
    # month counts once; two cases with the same key, a rare collision, sum once, which
    # only changes the cell key, never the count).
    keys = f"SUM(DISTINCT {key})"
    return f"""
WITH months (first, last) AS ({months}),
scoped AS (
    SELECT e.case_id, e.measure_id, e.start_on, e.end_on FROM {enrolments} e WHERE {where}
      AND e.start_on <= %s AND (e.end_on IS NULL OR e.end_on >= %s)
)
SELECT 'month', m.first, e.measure_id, SUM({overlap}), COUNT(DISTINCT e.case_id), {keys}
FROM scoped e JOIN months m ON e.start_on <= m.last AND (e.end_on IS NULL OR e.end_on >= m.first)
GROUP BY m.first, e.measure_id
UNION ALL
SELECT 'in_month', m.first, NULL, NULL, COUNT(DISTINCT e.case_id), {keys}
FROM scoped e JOIN months m ON e.start_on <= m.last AND (e.end_on IS NULL OR e.end_on >= m.first)
GROUP BY m.first
UNION ALL
SELECT 'so_far', m.first, NULL, NULL, COUNT(DISTINCT e.case_id), {keys}
FROM scoped e JOIN months m ON e.start_on <= m.last
GROUP BY m.first
UNION ALL
SELECT 'measure', NULL, e.measure_id, NULL, COUNT(DISTINCT e.case_id), {keys}
FROM scoped e GROUP BY e.measure_id
"""  # noqa: S608


def _date(value: str | datetime.date) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def participation(
    *,
    organisation_id: int,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
    team_id: int | None = None,
    measure_id: int | None = None,
) -> Participation:
    """Participation in the organisation's measures from `start` to `end` (see above)."""
    spans = _months(start, end, today)
    found = Participation(
        months=[first for first, _last in spans],
        days_in={first: (last - first).days + 1 for first, last in spans},
    )
    if not spans:
        return found
    params: list = [value for span in spans for value in span]
    params.append(organisation_id)
    if team_id is not None:
        params.append(team_id)
    if measure_id is not None:
        params.append(measure_id)
    params += [spans[-1][1], spans[0][0]]
    sql = _sql(
        vendor=connection.vendor,
        spans=len(spans),
        team=team_id is not None,
        measure=measure_id is not None,
        key=key_coefficients("case").sql("e.case_id"),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for what, month, measure, days, people, key in cursor.fetchall():
            key = int(key) % KEY_MODULUS
            if what == "measure":
                found.people_in_measure[measure] = people
                found.keys["measure", measure] = key
                continue
            month = _date(month)
            if what == "month":
                found.days[month, measure] = int(days)
                found.people[month, measure] = people
                found.keys["month", month, measure] = key
            elif what == "in_month":
                found.people_in_month[month] = people
                found.keys["in_month", month] = key
            else:
                found.people_so_far[month] = people
                found.keys["so_far", month] = key
    return found
