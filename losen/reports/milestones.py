"""Each case's milestones, read from its events in one grouped pass over the database.

A case's milestones are:

- referral: the earliest `referred` event;
- first contact: the earliest event that needs the young person there: application
  signed, consent given, mapping recorded or a first start in a measure;
- start: the earliest `enrolment_started` event;
- exit: the case's latest recorded `exit` event, with its top code.

An event's date is its `effective_on`, unless it has been corrected: then the latest
correction's `effective_on` wins (a correction carries the corrected date as its own).

`case_milestones()` returns them already counted, never case by case, so its cost in
Python does not grow with the number of cases:

- `flow`: cases per (referral month, start month, exit month, exit top code), the input
  of the monthly results (losen.reports.results);
- `times`: cases per (milestone, month of the milestone, days since the referral) for
  the milestones inside the period, the input of the medians and quartiles;
- `flow_keys` and `times_keys`: the sums of the same cases' record keys
  (losen.lib.suppression), computed in the same statement, from which every count's
  cell key follows by addition.

One SQL statement does the counting (window functions and common table expressions, on
SQLite and PostgreSQL alike). Cases with a corrected milestone event are left out of it
(it names them) and worked out here from their events: corrections are rare, and doing
them in SQL would cost every case a correlated look-up.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, overload

from django.db import connection
from django.db.models import Q

from losen.cases.models import Case, CaseEvent, EventKind
from losen.imports.models import HistoryImport, ImportedCase
from losen.lib.suppression import KEY_MODULUS, KeyCoefficients, key_coefficients
from losen.programs.models import Enrolment

REFERRAL = "referral"
CONTACT = "contact"
START = "start"
EXIT = "exit"
# The milestones whose time from the referral is reported, in the order shown.
TIMED = (CONTACT, START, EXIT)

CONTACT_KINDS = (
    EventKind.APPLICATION_SIGNED,
    EventKind.CONSENT_GIVEN,
    EventKind.MAPPING_RECORDED,
    EventKind.ENROLMENT_STARTED,
)
KINDS = tuple(
    dict.fromkeys((EventKind.REFERRED, *CONTACT_KINDS, EventKind.ENROLMENT_STARTED, EventKind.EXIT))
)

Month = datetime.date  # the first day of a month
FlowKey = tuple[Month | None, Month | None, Month | None, str | None]
TimeKey = tuple[str, Month, int]


@dataclass
class Milestones:
    flow: Counter[FlowKey] = field(default_factory=Counter)
    times: Counter[TimeKey] = field(default_factory=Counter)
    # The sums of the cases' record keys (losen.lib.suppression, cell keys), per key of
    # `flow` and of `times`: the cell key of any count made of them is their sum.
    flow_keys: Counter[FlowKey] = field(default_factory=Counter)
    times_keys: Counter[TimeKey] = field(default_factory=Counter)

    def add_flow(self, key: FlowKey, count: int, keys: int) -> None:
        self.flow[key] += count
        self.flow_keys[key] = (self.flow_keys[key] + keys) % KEY_MODULUS

    def add_time(self, key: TimeKey, count: int, keys: int) -> None:
        self.times[key] += count
        self.times_keys[key] = (self.times_keys[key] + keys) % KEY_MODULUS


@dataclass
class _Case:
    """One case's milestones (for the few cases worked out in Python)."""

    case_id: int = 0
    referred_on: datetime.date | None = None
    contacted_on: datetime.date | None = None
    started_on: datetime.date | None = None
    exited_on: datetime.date | None = None
    exit_top: str | None = None


@overload
def _month(value: None) -> None: ...
@overload
def _month(value: str | datetime.date) -> Month: ...
def _month(value: str | datetime.date | None) -> Month | None:
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    return datetime.date(int(value[:4]), int(value[5:7]), 1)


FLOW_KINDS = (EventKind.REFERRED, EventKind.ENROLMENT_STARTED, EventKind.EXIT)


def _sql(*, vendor: str, team: bool, measure: bool, times: bool, keys: KeyCoefficients) -> str:
    events = CaseEvent._meta.db_table
    cases = Case._meta.db_table
    enrolments = Enrolment._meta.db_table
    if vendor == "postgresql":
        month = "to_char({}, 'YYYY-MM')"
        days = "({1} - {0})"
        top = "e.data ->> 'top_code'"
    else:
        month = "substr({}, 1, 7)"
        days = "CAST(julianday({1}) - julianday({0}) AS INTEGER)"
        top = "json_extract(e.data, '$.top_code')"
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    # Without the times, the first contact is not needed: fewer events to read.
    scoped_kinds = kinds if times else ", ".join(f"'{k}'" for k in FLOW_KINDS)
    contact_kinds = ", ".join(f"'{k}'" for k in CONTACT_KINDS)
    narrowing = ""
    if team:
        narrowing += f" AND {{case}} IN (SELECT id FROM {cases} WHERE team_id = %(team)s)"  # noqa: S608
    if measure:
        narrowing += (
            f" AND {{case}} IN (SELECT case_id FROM {enrolments} WHERE measure_id = %(measure)s)"  # noqa: S608
        )
    # Not the cases of an import that is not complete yet (losen/imports/runs.py): a
    # look-up in the index of the runs' states, empty but while an import is written.
    incomplete = ", ".join(
        f"'{state}'" for state in HistoryImport.State if state != HistoryImport.State.COMPLETE
    )
    narrowing += (
        f" AND {{case}} NOT IN (SELECT i.case_id FROM {ImportedCase._meta.db_table} i"  # noqa: S608
        f" JOIN {HistoryImport._meta.db_table} r ON r.id = i.run_id"
        f" WHERE r.state IN ({incomplete}))"
    )
    in_period = "BETWEEN %(start)s AND %(end)s"
    # Each case's record key, summed per group (a cell key; see losen.lib.suppression).
    key = f"SUM({keys.sql('case_id')})"
    times_part = (
        f"""UNION ALL
SELECT '{CONTACT}', {month.format("contacted_on")}, NULL, NULL, NULL,
       {days.format("referred_on", "contacted_on")}, COUNT(*), {key}
FROM cases WHERE contacted_on {in_period} AND referred_on <= contacted_on GROUP BY 2, 6
UNION ALL
SELECT '{START}', {month.format("started_on")}, NULL, NULL, NULL,
       {days.format("referred_on", "started_on")}, COUNT(*), {key}
FROM cases WHERE started_on {in_period} AND referred_on <= started_on GROUP BY 2, 6
UNION ALL
SELECT '{EXIT}', {month.format("exited_on")}, NULL, NULL, NULL,
       {days.format("referred_on", "exited_on")}, COUNT(*), {key}
FROM cases WHERE exited_on {in_period} AND referred_on <= exited_on GROUP BY 2, 6
"""  # noqa: S608
        if times
        else ""
    )
    # Built from constants only (table names, event kinds); every value is a parameter.
    return f"""
WITH corrected AS (
    SELECT DISTINCT t.case_id FROM {events} c JOIN {events} t ON t.id = c.corrects_id
    WHERE c.corrects_id IS NOT NULL AND t.organisation_id = %(org)s
      AND t.kind IN ({kinds}){narrowing.format(case="t.case_id")}
),
scoped AS (
    SELECT e.case_id, e.kind, e.effective_on, e.recorded_at, e.id,
           CASE WHEN e.kind = 'exit' THEN {top} END AS top
    FROM {events} e
    WHERE e.organisation_id = %(org)s
      AND e.kind IN ({scoped_kinds})
      AND e.corrects_id IS NULL{narrowing.format(case="e.case_id")}
      AND e.case_id NOT IN (SELECT case_id FROM corrected)
),
per_case AS (
    SELECT case_id,
           MIN(CASE WHEN kind = 'referred' THEN effective_on END) AS referred_on,
           MIN(CASE WHEN kind IN ({contact_kinds}) THEN effective_on END) AS contacted_on,
           MIN(CASE WHEN kind = 'enrolment_started' THEN effective_on END) AS started_on
    FROM scoped GROUP BY case_id
),
exits AS (
    SELECT case_id, effective_on AS exited_on, top,
           ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY recorded_at DESC, id DESC) AS n
    FROM scoped WHERE kind = 'exit'
),
cases AS (
    SELECT p.case_id, p.referred_on, p.contacted_on, p.started_on, x.exited_on, x.top
    FROM per_case p LEFT JOIN exits x ON x.case_id = p.case_id AND x.n = 1
)
SELECT 'flow', {month.format("referred_on")}, {month.format("started_on")},
       {month.format("exited_on")}, top, NULL, COUNT(*), {key}
FROM cases GROUP BY 2, 3, 4, 5
{times_part}UNION ALL
SELECT 'corrected', NULL, NULL, NULL, NULL, case_id, NULL, NULL FROM corrected
"""  # noqa: S608


def _corrected_cases(*, organisation_id: int, case_ids: list[int]) -> Iterable[_Case]:
    """The cases the SQL leaves out (a milestone event corrected), worked out here."""
    if not case_ids:
        return []
    originals = list(
        CaseEvent.objects.filter(
            organisation_id=organisation_id,
            case_id__in=case_ids,
            kind__in=KINDS,
            corrects__isnull=True,
        ).values_list("id", "case_id", "kind", "effective_on", "recorded_at", "data")
    )
    corrected_dates: dict[int, datetime.date] = {}
    for target, effective_on in (
        CaseEvent.objects.filter(Q(corrects__in=[row[0] for row in originals]))
        .order_by("recorded_at", "id")
        .values_list("corrects_id", "effective_on")
    ):
        corrected_dates[target] = effective_on  # the latest correction wins
    cases: dict[int, _Case] = {}
    latest_exit: dict[int, tuple] = {}
    for pk, case_id, kind, effective_on, recorded_at, data in originals:
        day = corrected_dates.get(pk, effective_on)
        case = cases.setdefault(case_id, _Case(case_id=case_id))
        if kind == EventKind.REFERRED:
            case.referred_on = min(filter(None, (case.referred_on, day)))
        if kind in CONTACT_KINDS:
            case.contacted_on = min(filter(None, (case.contacted_on, day)))
        if kind == EventKind.ENROLMENT_STARTED:
            case.started_on = min(filter(None, (case.started_on, day)))
        if kind == EventKind.EXIT and (
            case_id not in latest_exit or (recorded_at, pk) > latest_exit[case_id]
        ):
            latest_exit[case_id] = (recorded_at, pk)
            case.exited_on = day
            case.exit_top = (data or {}).get("top_code")
    return cases.values()


def case_milestones(
    *,
    organisation_id: int,
    start: datetime.date,
    end: datetime.date,
    team_id: int | None = None,
    measure_id: int | None = None,
    with_times: bool = True,
) -> Milestones:
    """The organisation's cases (a team's, or those with an enrolment in a measure).

    `with_times=False` counts the flow only (`times` stays empty), reading fewer events.
    """
    params: dict[str, Any] = {"org": organisation_id, "team": team_id, "measure": measure_id}
    params.update(start=start, end=end)
    keys = key_coefficients("case")
    sql = _sql(
        vendor=connection.vendor,
        team=team_id is not None,
        measure=measure_id is not None,
        times=with_times,
        keys=keys,
    )
    found = Milestones()
    corrected = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for what, month_a, month_b, month_c, top, days, count, key in cursor.fetchall():
            if what == "corrected":
                corrected.append(days)  # the case's id
            elif what == "flow":
                flow = (_month(month_a), _month(month_b), _month(month_c), top)
                found.add_flow(flow, count, int(key))
            else:
                found.add_time((what, _month(month_a), int(days)), count, int(key))
    for case in _corrected_cases(organisation_id=organisation_id, case_ids=corrected):
        key = keys.key(case.case_id)
        found.add_flow(
            (
                _month(case.referred_on),
                _month(case.started_on),
                _month(case.exited_on),
                case.exit_top,
            ),
            1,
            key,
        )
        if case.referred_on is None or not with_times:
            continue
        timed = ((CONTACT, case.contacted_on), (START, case.started_on), (EXIT, case.exited_on))
        for what, day in timed:
            if day is not None and start <= day <= end and case.referred_on <= day:
                found.add_time((what, _month(day), (day - case.referred_on).days), 1, key)
    return found
