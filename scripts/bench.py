#!/usr/bin/env python3
"""`make bench`: time the results report and the history import on SQLite and PostgreSQL.

    python scripts/bench.py [--youths N] [--databases sqlite,postgresql]

For each database it builds the demo data (`losen migrate`, `losen demo-data --youths N`)
and then measures, each step in a fresh child process (so each step's peak memory,
RU_MAXRSS of that child, is its own; it includes Django's start-up, about 60-80 MB):

1. `report results` for "Demo kommune" over the last 24 months: monthly_results() in
   process (best of 3 after one warm-up) beside one hand-written SQL statement that
   computes referred/started/exited per month from the case events; their figures are
   compared ("same figures").
2. The organisation dashboard for "Demo kommune" over the last 12 months, suppressed
   and with costs (build_dashboard(): every figure of the page), beside the same SQL
   statements run bare through the database driver (the database's share of the time;
   the difference is Django and the figures' assembly in Python).
3. The history import of a generated N-row CSV into a fresh organisation
   (create-organisation, then import-history --create-measures) beside bare SQL inserting
   the same N rows, one per case, into a temporary table with the CSV's columns
   (executemany, one transaction).

Before the databases, the import files are read without a database (step read-files):
the history CSV and the target list as XLSX, each read as a stream and then read and
checked as the imports do, with tracemalloc's peak for each (the memory a file costs).
During each import a thread writes a row every 0.2 s, as a page would: the longest it
waited for the database is printed (on SQLite it waits behind the import's transaction).

The SQLite demo database is kept as var/bench/demo-N.sqlite3 and reused when it holds N
young people; the import runs on a copy of it, so the kept file stays as built. Its keys
are kept in var/bench/keys.env (throwaway keys made on the first run). PostgreSQL runs on
a throwaway cluster (scripts/pg_test_cluster.py), always stopped afterwards.

Internal: `bench.py --step NAME --youths N` runs one step in a child process (with
DATABASE_URL set) and prints its result as JSON on the last line.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import datetime
import json
import os
import random
import resource
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
KEYS_FILE = BENCH_DIR / "keys.env"
VENV_BIN = ROOT / ".venv" / "bin"
LOSEN = VENV_BIN / "losen"
PG_CLUSTER = ROOT / "scripts" / "pg_test_cluster.py"
ORGANISATION = "Demo kommune"
MONTHS = 24
DASHBOARD_MONTHS = 12
DEMO_SEED = 1
COMPARED = ("referred", "started", "exited")
CSV_COLUMNS = (
    "person_ref",
    "birth_date",
    "referral_date",
    "referral_source",
    "measure",
    "start_date",
    "exit_date",
    "exit_outcome",
    "followup_6m",
    "followup_12m",
)
DATE_COLUMNS = {"birth_date", "referral_date", "start_date", "exit_date"}


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- the history file --------------------------------------------------------------


def write_history_csv(path: Path, count: int, seed: int = 1) -> None:
    """A history file of `count` rows (semicolon-separated), as import-history reads it.

    Dates lie between 2020 and the end of 2024: 10 % never started, 30 % still active,
    the rest exited with an outcome and follow-ups when they are due.
    """
    rng = random.Random(seed)
    outcomes = [
        "work.full_time",
        "work",
        "education.upper_secondary",
        "education",
        "other_activity.nav_measure",
        "no_activity",
        "unknown.moved",
    ]
    sources = ["nav", "municipality", "county", "relative", "self", "outreach", "other"]
    day = datetime.timedelta(days=1)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(CSV_COLUMNS)
        for i in range(count):
            referred = datetime.date(2020, 1, 1) + rng.randint(0, 1500) * day
            birth = referred - rng.randint(16 * 365, 28 * 365) * day
            measure = start = exit_ = outcome = f6 = f12 = ""
            r = rng.random()
            if r > 0.1:
                measure = rng.choice(["Restart", "Hangout", "Arbeidstrening"])
                started = referred + rng.randint(3, 30) * day
                start = started.isoformat()
                if r > 0.4:
                    exited = started + rng.randint(60, 365) * day
                    if exited < datetime.date(2025, 1, 1):
                        exit_ = exited.isoformat()
                        outcome = rng.choice(outcomes)
                        if exited < datetime.date(2024, 6, 1):
                            f6 = rng.choice([*outcomes, "not_reached"])
                        if exited < datetime.date(2024, 1, 1):
                            f12 = rng.choice([*outcomes, "not_reached", ""])
            writer.writerow(
                [
                    f"R{i:06d}",
                    birth.isoformat(),
                    referred.isoformat(),
                    rng.choice(sources),
                    measure,
                    start,
                    exit_,
                    outcome,
                    f6,
                    f12,
                ]
            )
    tmp.replace(path)


# --- child steps (run with DATABASE_URL set, in their own process) -------------------


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "losen.settings")
    import django

    django.setup()


def _report_months() -> tuple[datetime.date, datetime.date]:
    from django.utils import timezone

    from losen.lib.dates import add_months

    end = timezone.localdate().replace(day=1)
    return add_months(end, -(MONTHS - 1)), end


def _demo_organisation_id() -> int:
    from losen.accounts.models import Organisation

    return Organisation.objects.get(name=ORGANISATION).pk


def step_results_orm(args) -> dict:
    from losen.reports.results import monthly_results

    org_id = _demo_organisation_id()
    start, end = _report_months()
    times = []
    rows = []
    for _ in range(4):  # one warm-up, then best of 3
        t0 = time.perf_counter()
        rows = monthly_results(organisation_id=org_id, start=start, end=end)
        times.append(time.perf_counter() - t0)
    figures = {row.month.strftime("%Y-%m"): [getattr(row, c) for c in COMPARED] for row in rows}
    return {"seconds": min(times[1:]), "figures": figures}


# Referred / started: the earliest REFERRED / ENROLMENT_STARTED date of each case;
# exited: the date of the case's EXIT event (the latest, if there were several). Then
# counted per month. Events that are corrections are left out (the demo has none; the
# report would use a correction's date instead of the corrected event's).
RESULTS_SQL = """
WITH per_case AS (
    SELECT e.case_id,
           MIN(CASE WHEN e.kind = 'referred' THEN e.effective_on END) AS referred_on,
           MIN(CASE WHEN e.kind = 'enrolment_started' THEN e.effective_on END) AS started_on,
           MAX(CASE WHEN e.kind = 'exit' THEN e.effective_on END) AS exited_on
    FROM cases_caseevent e
    JOIN cases_case c ON c.id = e.case_id
    WHERE c.organisation_id = %(org)s
      AND e.kind IN ('referred', 'enrolment_started', 'exit')
      AND e.corrects_id IS NULL
    GROUP BY e.case_id
),
dated AS (
    SELECT {month_referred} AS month, 1 AS referred, 0 AS started, 0 AS exited
    FROM per_case WHERE referred_on BETWEEN %(start)s AND %(end)s
    UNION ALL
    SELECT {month_started}, 0, 1, 0 FROM per_case WHERE started_on BETWEEN %(start)s AND %(end)s
    UNION ALL
    SELECT {month_exited}, 0, 0, 1 FROM per_case WHERE exited_on BETWEEN %(start)s AND %(end)s
)
SELECT month, SUM(referred), SUM(started), SUM(exited)
FROM dated GROUP BY month ORDER BY month
"""


def results_sql(vendor: str) -> str:
    pg = vendor == "postgresql"
    month = "to_char({}, 'YYYY-MM')" if pg else "strftime('%%Y-%%m', {})"
    return RESULTS_SQL.format(
        month_referred=month.format("referred_on"),
        month_started=month.format("started_on"),
        month_exited=month.format("exited_on"),
    )


def step_results_sql(args) -> dict:
    from django.db import connection

    from losen.lib.dates import add_months

    org_id = _demo_organisation_id()
    start, end_month = _report_months()
    end = add_months(end_month, 1) - datetime.timedelta(days=1)
    sql = results_sql(connection.vendor)
    params = {"org": org_id, "start": start, "end": end}
    times = []
    rows = []
    with connection.cursor() as cursor:
        for _ in range(4):  # one warm-up, then best of 3
            t0 = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            times.append(time.perf_counter() - t0)
    figures = {month: [int(r), int(s), int(x)] for month, r, s, x in rows}
    return {"seconds": min(times[1:]), "figures": figures}


def _free_organisation_number() -> str:
    """A valid Norwegian organisation number (MOD11) not used yet."""
    from losen.accounts.models import Organisation

    rng = random.Random()
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    while True:
        digits = [9, *(rng.randrange(10) for _ in range(7))]
        check = 11 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        if check == 11:
            check = 0
        if check == 10:
            continue
        number = "".join(map(str, digits)) + str(check)
        if not Organisation.objects.filter(org_number=number).exists():
            return number


class _PageWrites:
    """A page's small write every 0.2 s in a connection of its own, while an import runs:
    the longest it waited for the database (SQLite: behind the import's transaction)."""

    def __init__(self):
        import threading

        self.waits: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        from django.db import connection, transaction

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_page_writes (at varchar(40))")
        while not self._stop.is_set():
            t0 = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("INSERT INTO bench_page_writes (at) VALUES (%s)", [str(t0)])
            self.waits.append(time.perf_counter() - t0)
            self._stop.wait(0.2)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_page_writes")
        connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def longest(self) -> float:
        return max(self.waits, default=0.0)


def step_import_orm(args) -> dict:
    from django.core.management import call_command

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"Bench import {stamp}"
    call_command(
        "create-organisation",
        name,
        kind="provider",
        number=_free_organisation_number(),
        verbosity=0,
    )
    t0 = time.perf_counter()
    with _PageWrites() as page:
        call_command(
            "import-history", args.csv, organisation=name, create_measures=True, verbosity=0
        )
    seconds = time.perf_counter() - t0

    from losen.imports.models import ImportedCase

    imported = ImportedCase.objects.filter(organisation__name=name).count()
    return {"seconds": seconds, "rows": imported, "page_wait": page.longest}


def step_import_sql(args) -> dict:
    from django.db import connection, transaction

    t0 = time.perf_counter()
    with open(args.csv, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f, delimiter=";")
        rows = [
            tuple(
                (datetime.date.fromisoformat(v) if v else None) if c in DATE_COLUMNS else v
                for c, v in ((c, line[c]) for c in CSV_COLUMNS)
            )
            for line in reader
        ]
    read = time.perf_counter() - t0
    columns = ", ".join(
        f"{c} {'date' if c in DATE_COLUMNS else 'varchar(200)'}" for c in CSV_COLUMNS
    )
    # The column names are this file's constants; the values go in as parameters.
    insert = (
        f"INSERT INTO bench_history ({', '.join(CSV_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(CSV_COLUMNS))})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE bench_history ({columns})")
        t1 = time.perf_counter()
        cursor.executemany(insert, rows)
        inserted = time.perf_counter() - t1
        cursor.execute("SELECT COUNT(*) FROM bench_history")
        count = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_history")
    return {"seconds": read + inserted, "read_seconds": read, "rows": count}


def _dashboard_once(org_id: int, start, end) -> None:
    from losen.reports.dashboard import build_dashboard

    build_dashboard(organisation_id=org_id, start=start, end=end, suppressed=True, with_costs=True)


def _dashboard_period():
    from losen.lib.dates import add_months

    _start, end = _report_months()
    return add_months(end, -(DASHBOARD_MONTHS - 1)), end


def step_dashboard_orm(args) -> dict:
    """The organisation dashboard's figures (build_dashboard), as the page computes them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org_id = _demo_organisation_id()
    start, end = _dashboard_period()
    times = []
    for _ in range(4):  # one warm-up, then best of 3
        t0 = time.perf_counter()
        _dashboard_once(org_id, start, end)
        times.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as queries:
        _dashboard_once(org_id, start, end)
    return {"seconds": min(times[1:]), "queries": len(queries)}


def step_dashboard_sql(args) -> dict:
    """The same SQL statements the dashboard sends, run bare: the database's share."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org_id = _demo_organisation_id()
    start, end = _dashboard_period()
    with CaptureQueriesContext(connection) as queries:
        _dashboard_once(org_id, start, end)
    statements = [q["sql"] for q in queries.captured_queries]
    times = []
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the driver's own cursor: no Django in between
        for _ in range(4):
            t0 = time.perf_counter()
            for sql in statements:
                raw.execute(sql)
                raw.fetchall()
            times.append(time.perf_counter() - t0)
    return {"seconds": min(times[1:]), "queries": len(statements)}


# --- outcome contracts: losen contract claims -------------------------------------------

CONTRACT = "UNG i Demo"


def _contract():
    """The demo's outcome contract (made by demo-data; made here on a demo built before)."""
    from losen.contracts.models import Contract

    found = Contract.objects.filter(name=CONTRACT).first()
    if found is not None:
        return found
    from django.utils import timezone

    from losen.accounts.models import Organisation
    from losen.demo.contracts import load_contract
    from losen.demo.world import demo_organisations

    by_name = {org.name: org for org in demo_organisations()}
    organisations = {"kommune": by_name["Demo kommune"], "pitstop": by_name["PitStop Demo"]}
    assert all(isinstance(o, Organisation) for o in organisations.values())
    load_contract(organisations, timezone.localdate())
    return Contract.objects.get(name=CONTRACT)


def step_contract_orm(args) -> dict:
    """`losen contract claims`: the claims brought up to date with the events and printed."""
    import io

    from django.core.management import call_command

    contract = _contract()
    times = []
    for _ in range(4):  # one warm-up (which may make the claims), then best of 3
        out = io.StringIO()
        t0 = time.perf_counter()
        call_command("contract", "claims", contract=contract.name, stdout=out)
        times.append(time.perf_counter() - t0)
    return {"seconds": min(times[1:]), "claims": out.getvalue().count("\n") - 1}


CONTRACT_SQL = """
SELECT c.id, c.person_id, p.birth_date,
       MIN(CASE WHEN e.kind = 'referred' THEN e.effective_on END),
       MIN(CASE WHEN e.kind = 'enrolment_started' THEN e.effective_on END),
       x.exited_on, x.top_code
FROM cases_case c
JOIN people_person p ON p.id = c.person_id
LEFT JOIN cases_caseevent e ON e.case_id = c.id AND e.corrects_id IS NULL
     AND e.kind IN ('referred', 'enrolment_started')
LEFT JOIN outcomes_exitoutcome x ON x.case_id = c.id
WHERE c.organisation_id = %s
GROUP BY c.id, c.person_id, p.birth_date, x.exited_on, x.top_code
"""
FOLLOW_UP_SQL = """
SELECT case_id, months, due_on, top_code FROM outcomes_followup
WHERE organisation_id = %s AND reached
"""


def step_contract_sql(args) -> dict:
    """The bare SQL that reads the same achievements: each case's referral, first start
    and exit, and the follow-ups reached, for the provider (no rules, no caps, no writes)."""
    from django.db import connection

    contract = _contract()
    times = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        sql = CONTRACT_SQL.replace("%s", "?") if connection.vendor == "sqlite" else CONTRACT_SQL
        follow = (
            FOLLOW_UP_SQL.replace("%s", "?") if connection.vendor == "sqlite" else FOLLOW_UP_SQL
        )
        for _ in range(4):
            t0 = time.perf_counter()
            raw.execute(sql, (contract.provider_id,))
            cases = len(raw.fetchall())
            raw.execute(follow, (contract.provider_id,))
            raw.fetchall()
            times.append(time.perf_counter() - t0)
    return {"seconds": min(times[1:]), "cases": cases}


# --- outreach: importing a target list (losen import-list) -----------------------------


def _synthetic_fnr(birth: datetime.date, individual: int) -> str | None:
    """A Test-Norge number (month + 80) for a birth date in 2000-2039, or None."""
    base = f"{birth.day:02d}{birth.month + 80:02d}{birth.year % 100:02d}{individual:03d}"
    digits = [int(c) for c in base]
    k1 = (11 - sum(w * d for w, d in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), digits, strict=True))) % 11
    if k1 == 10:
        return None
    digits.append(k1)
    k2 = (11 - sum(w * d for w, d in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), digits, strict=True))) % 11
    if k2 == 10:
        return None
    return base + str(k1) + str(k2)


def outreach_numbers(count: int) -> list[str]:
    """`count` distinct synthetic numbers, born 2004-2010 (in OT's target group in 2026)."""
    numbers: list[str] = []
    day = datetime.date(2004, 1, 1)
    while len(numbers) < count:
        for individual in range(500, 1000):
            number = _synthetic_fnr(day, individual)
            if number:
                numbers.append(number)
                if len(numbers) == count:
                    break
        day += datetime.timedelta(days=1)
    return numbers


LIST_COLUMNS = (
    "identity_number",
    "first_name",
    "last_name",
    "address",
    "postal_code",
    "city",
    "phone",
    "email",
    "school_status",
)


def _list_csv(youths: int) -> Path:
    """The target list: `youths` rows, the first half already registered (see below)."""
    path = BENCH_DIR / f"list-{youths}.csv"
    if not path.exists():
        numbers = outreach_numbers(youths + youths // 2)[youths // 2 :]
        rng = random.Random(2)
        statuses = ["dropped_out", "studiebevis", "never_started", "other"]
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, delimiter=";")
            writer.writerow(LIST_COLUMNS)
            for i, number in enumerate(numbers):
                writer.writerow(
                    [
                        number,
                        f"Ung{i}",
                        f"Listesen{i % 997}",
                        f"Veien {i % 300}",
                        "0150",
                        "Oslo",
                        f"4{i:07d}",
                        "",
                        rng.choice(statuses),
                    ]
                )
        tmp.replace(path)
    return path


def step_list_import_orm(args) -> dict:
    """`losen import-list` of an N-row list into a fresh county with N registered people,
    half of whom are on the list (so N/2 are matched and N/2 registered)."""
    from django.core.management import call_command
    from django.utils import timezone

    from losen.accounts.models import Organisation
    from losen.lib import crypto
    from losen.lib.idnumbers import mask_identity_number
    from losen.people.models import Person

    path = _list_csv(args.youths)
    name = f"Bench county {datetime.datetime.now():%Y%m%d-%H%M%S}"
    call_command(
        "create-organisation",
        name,
        kind="county",
        number=_free_organisation_number(),
        team="OT",
        verbosity=0,
    )
    organisation = Organisation.objects.get(name=name)
    existing = outreach_numbers(args.youths)
    half = args.youths // 2

    def name_of(i: int) -> tuple[str, str]:
        # The second half is on the list (row i - half): registered under the list's
        # name, or the import refuses the number as someone else's.
        if i < half:
            return "Registrert", str(i)
        return f"Ung{i - half}", f"Listesen{(i - half) % 997}"

    Person.objects.bulk_create(
        [
            Person(
                organisation=organisation,
                first_name=name_of(i)[0],
                last_name=name_of(i)[1],
                birth_date=datetime.date(2000 + int(n[4:6]), int(n[2:4]) - 80, int(n[0:2])),
                id_number_encrypted=crypto.encrypt(n),
                id_number_hash=crypto.lookup_hash(n),
                id_number_kind="fnr",
                id_number_masked=mask_identity_number(n),
            )
            for i, n in enumerate(existing)
        ],
        batch_size=2000,
    )
    t0 = time.perf_counter()
    with _PageWrites() as page:
        call_command(
            "import-list",
            str(path),
            organisation=name,
            scheme="ot",
            date=timezone.localdate().isoformat(),
            verbosity=0,
        )
    seconds = time.perf_counter() - t0
    people = Person.objects.filter(organisation=organisation).count()
    return {
        "seconds": seconds,
        "rows": args.youths,
        "registered": people - len(existing),
        "page_wait": page.longest,
    }


def step_list_import_sql(args) -> dict:
    """Bare SQL: the same rows read from the file and inserted with executemany."""
    from django.db import connection, transaction

    path = _list_csv(args.youths)
    t0 = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as f:
        rows = [tuple(line[c] for c in LIST_COLUMNS) for line in csv.DictReader(f, delimiter=";")]
    columns = ", ".join(f"{c} varchar(200)" for c in LIST_COLUMNS)
    insert = (
        f"INSERT INTO bench_list ({', '.join(LIST_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(LIST_COLUMNS))})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE bench_list ({columns})")
        cursor.executemany(insert, rows)
        cursor.execute("SELECT COUNT(*) FROM bench_list")
        count = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_list")
    return {"seconds": time.perf_counter() - t0, "rows": count}


def print_list_import(r: dict) -> None:
    """The outreach line of the table (steps import-list-orm and import-list-sql)."""
    a, b = r.get("import-list-orm"), r.get("import-list-sql")
    if not (a and b):
        return
    ratio = a["seconds"] / b["seconds"] if b["seconds"] else float("inf")
    label = f"import-list, {a['rows']} rows vs {a['rows']} people"
    print(
        f"  {label:<40} {a['seconds']:>9.3f} s {b['seconds']:>9.3f} s {ratio:>8.1f}x"
        f"  {a['maxrss_mb']:>7.0f} MB {b['maxrss_mb']:>7.0f} MB"
    )
    print(f"  (import-list: half matched, {a['registered']} registered; SQL: bulk insert only)")
    print(f"  (a page's write waited at most {a['page_wait']:.2f} s behind import-list)")


def _list_xlsx(youths: int) -> Path:
    """The target list of `_list_csv` as an XLSX workbook (openpyxl, write-only)."""
    import openpyxl

    path = BENCH_DIR / f"list-{youths}.xlsx"
    if not path.exists():
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        with open(_list_csv(youths), newline="", encoding="utf-8") as f:
            for row in csv.reader(f, delimiter=";"):
                sheet.append(row)
        tmp = path.with_suffix(".tmp")
        workbook.save(tmp)
        tmp.replace(path)
    return path


def _traced(work) -> float:
    """The tracemalloc peak of work(), in MB."""
    import gc
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return peak


def step_read_files(args) -> dict:
    """Reading the import files, no database: the history CSV and the list as XLSX.

    Each is read twice under tracemalloc: the rows only (the stream: its peak does not
    grow with the file), then read and checked as the import does (the checked rows are
    kept for the all-or-nothing write, so that peak grows with the rows, up to
    LOSEN_IMPORT_MAX_ROWS).
    """
    from django.conf import settings
    from django.test.utils import override_settings
    from django.utils import timezone

    from losen.imports import rows as history_rows
    from losen.outreach import listfile

    history = Path(args.csv)
    lists = _list_xlsx(args.youths)
    today = timezone.localdate()
    measures = {"restart", "hangout", "arbeidstrening"}
    out = {}
    limit = max(args.youths + 1, settings.LOSEN_IMPORT_MAX_ROWS)
    unpacked = max(settings.LOSEN_IMPORT_MAX_UNPACKED_BYTES, 1024**3)
    with override_settings(LOSEN_IMPORT_MAX_ROWS=limit, LOSEN_IMPORT_MAX_UNPACKED_BYTES=unpacked):
        for label, path, read, check in (
            (
                "history CSV",
                history,
                lambda: history_rows.read_rows(history),
                lambda r: history_rows.check_rows(r, today=today, measures=measures),
            ),
            (
                "list XLSX",
                lists,
                lambda: listfile.read_rows(lists.name, lists.open("rb")),
                lambda r: listfile.check_rows(r, scheme="ot", today=today),
            ),
        ):
            t0 = time.perf_counter()
            check(read())
            check_s = time.perf_counter() - t0  # without tracemalloc, which slows it
            read_mb = _traced(lambda read=read: sum(1 for _ in read()))
            check_mb = _traced(lambda read=read, check=check: check(read()))
            out[label] = {
                "file_mb": path.stat().st_size / 1e6,
                "read_peak_mb": read_mb,
                "check_seconds": check_s,
                "check_peak_mb": check_mb,
            }
    return {"files": out, "rows": args.youths}


def print_read_files(r: dict) -> None:
    print()
    print(f"== Reading the import files: {r['rows']} rows, no database ==")
    print(
        f"  {'file':<14} {'size':>9} {'read+check':>11} {'peak streamed':>14}"
        f" {'peak read+check':>16}"
    )
    for label, f in r["files"].items():
        print(
            f"  {label:<14} {f['file_mb']:>6.1f} MB {f['check_seconds']:>9.2f} s"
            f" {f['read_peak_mb']:>11.1f} MB {f['check_peak_mb']:>13.1f} MB"
        )
    print(
        "  (tracemalloc peaks: streamed = every row read and dropped; read+check = the checked"
        f" rows kept, as the import keeps them; the child's peak RSS {r['maxrss_mb']:.0f} MB)"
    )
    sys.stdout.flush()


STEPS = {
    "results-orm": step_results_orm,
    "results-sql": step_results_sql,
    "dashboard-orm": step_dashboard_orm,
    "dashboard-sql": step_dashboard_sql,
    "import-orm": step_import_orm,
    "import-sql": step_import_sql,
}
STEPS.update({"import-list-orm": step_list_import_orm, "import-list-sql": step_list_import_sql})
STEPS.update({"contract-orm": step_contract_orm, "contract-sql": step_contract_sql})
# Run once, not per database (measure() skips it).
FILE_STEPS = {"read-files": step_read_files}


def run_step(args) -> None:
    _setup_django()
    result = {**STEPS, **FILE_STEPS}[args.step](args)
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


# --- the parent: databases, children, table -----------------------------------------


def load_keys() -> dict[str, str]:
    """Throwaway keys for the bench databases, made once and kept with them."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not KEYS_FILE.exists():
        old = list(BENCH_DIR.glob("demo-*.sqlite3"))
        for path in old:  # encrypted with keys that are gone
            path.unlink()
        KEYS_FILE.write_text(
            f"LOSEN_SECRET_KEY={secrets.token_urlsafe(50)}\n"
            f"LOSEN_ID_KEY={base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}\n"
        )
        KEYS_FILE.chmod(0o600)
    keys = {}
    for line in KEYS_FILE.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            keys[name.strip()] = value.strip()
    return keys


def child_env(keys: dict[str, str], url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(keys)
    env.update(
        {
            "LOSEN_ALLOW_SYNTHETIC_IDS": "1",
            "DJANGO_SETTINGS_MODULE": "losen.settings",
            "DATABASE_URL": url,
        }
    )
    return env


def run_child(cmd: list[str], env: dict[str, str], *, capture: bool) -> tuple[str, float, float]:
    """Run a command; its stdout (if captured), wall seconds and peak RSS in MB."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE if capture else None, text=True
    )
    out = proc.stdout.read() if capture else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"bench: failed ({proc.returncode}): {' '.join(map(str, cmd))}")
    return out, time.perf_counter() - t0, usage.ru_maxrss / 1024


def build_demo(env: dict[str, str], youths: int) -> tuple[float, float]:
    run_child([str(LOSEN), "migrate", "--noinput", "-v0"], env, capture=False)
    cmd = [str(LOSEN), "demo-data", "--youths", str(youths), "--seed", str(DEMO_SEED), "-v0"]
    _out, seconds, rss = run_child(cmd, env, capture=True)  # its summary and logins: not shown
    return seconds, rss


def sqlite_people(path: Path) -> int | None:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return db.execute("SELECT COUNT(*) FROM people_person").fetchone()[0]
    except sqlite3.Error:
        return None


def prepare_sqlite(keys, youths: int) -> tuple[str, str, str]:
    """The kept demo database (built if needed) and a copy of it for the import."""
    kept = BENCH_DIR / f"demo-{youths}.sqlite3"
    if kept.exists() and sqlite_people(kept) == youths:
        say(f"SQLite: reusing {kept.relative_to(ROOT)} ({youths} young people)")
        # Tables added since it was built (no demo data in them).
        run_child(
            [str(LOSEN), "migrate", "--noinput", "-v0"],
            child_env(keys, f"sqlite:///{kept}"),
            capture=False,
        )
        built = "reused"
    else:
        partial = kept.with_name(kept.name + ".partial")
        for path in (kept, partial):
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                p.unlink(missing_ok=True)
        say(f"SQLite: building the demo data ({youths} young people) in {partial.name} ...")
        seconds, rss = build_demo(child_env(keys, f"sqlite:///{partial}"), youths)
        with contextlib.closing(sqlite3.connect(partial)) as db:  # fold the WAL in first
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.replace(kept)
        for p in (Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            p.unlink(missing_ok=True)
        built = f"built in {seconds:.0f} s, peak {rss:.0f} MB"
        say(f"SQLite: {built}")
    work = BENCH_DIR / "import-run.sqlite3"
    for p in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        p.unlink(missing_ok=True)
    src, dst = sqlite3.connect(kept), sqlite3.connect(work)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return f"sqlite:///{kept}", f"sqlite:///{work}", built


def measure(keys, results_url: str, import_url: str, youths: int, csv_path: Path) -> dict:
    me = [sys.executable, str(Path(__file__).resolve())]
    out = {}
    for step in STEPS:
        url = import_url if step.startswith("import") else results_url
        say(f"  {step} ...")
        cmd = [*me, "--step", step, "--youths", str(youths), "--csv", str(csv_path)]
        stdout, _wall, rss = run_child(cmd, child_env(keys, url), capture=True)
        result = json.loads(stdout.strip().splitlines()[-1])
        result["maxrss_mb"] = max(result["maxrss_mb"], rss)
        out[step] = result
    return out


def print_table(title: str, built: str, r: dict, youths: int) -> None:
    orm, sql = r["results-orm"], r["results-sql"]
    imp, ins = r["import-orm"], r["import-sql"]
    months = sorted(set(orm["figures"]) | set(sql["figures"]))
    same = all(orm["figures"].get(m, [0, 0, 0]) == sql["figures"].get(m, [0, 0, 0]) for m in months)

    def line(label, a, b):
        ratio = a["seconds"] / b["seconds"] if b["seconds"] else float("inf")
        print(
            f"  {label:<40} {a['seconds']:>9.3f} s {b['seconds']:>9.3f} s {ratio:>8.1f}x"
            f"  {a['maxrss_mb']:>7.0f} MB {b['maxrss_mb']:>7.0f} MB"
        )

    print()
    print(f"== {title}: {youths} young people (demo data {built}) ==")
    print(
        f"  {'step':<40} {'Losen':>11} {'bare SQL':>11} {'ratio':>9}"
        f"  {'peak RSS (Losen / SQL)':>21}"
    )
    line(f"report results, {ORGANISATION}, {MONTHS} months", orm, sql)
    line(f"import-history, {imp['rows']} rows (SQL: {ins['rows']})", imp, ins)
    print(
        f"  same figures (referred/started/exited, {len(months)} months): {'yes' if same else 'no'}"
    )
    if not same:
        for m in months:
            a, b = orm["figures"].get(m), sql["figures"].get(m)
            if a != b:
                print(f"    {m}: Losen {a}  SQL {b}")
    total = [sum(v[i] for v in orm["figures"].values()) for i in range(3)]
    print(f"  totals over the months: referred {total[0]}, started {total[1]}, exited {total[2]}")
    print(f"  (import SQL baseline: reading the CSV {ins['read_seconds']:.3f} s of it)")
    print(f"  (a page's write waited at most {imp['page_wait']:.2f} s behind import-history)")
    dash, dash_sql = r["dashboard-orm"], r["dashboard-sql"]
    line(f"dashboard, {ORGANISATION}, {DASHBOARD_MONTHS} months", dash, dash_sql)
    print(
        f"  (dashboard: {dash['queries']} SQL statements; its bare SQL runs the same "
        "statements through the driver, without Django or Python around them)"
    )
    print_list_import(r)
    contract, contract_sql = r["contract-orm"], r["contract-sql"]
    line(f"contract claims, {CONTRACT}, {contract['claims']} claims", contract, contract_sql)
    print(
        f"  (contract: the bare SQL reads the provider's {contract_sql['cases']} cases' "
        "referral, start, exit and follow-ups; Losen also applies the rules and caps, "
        "writes what changed and prints the CSV)"
    )
    sys.stdout.flush()


def bench_sqlite(keys, youths: int, csv_path: Path) -> None:
    results_url, import_url, built = prepare_sqlite(keys, youths)
    try:
        r = measure(keys, results_url, import_url, youths, csv_path)
    finally:
        work = Path(import_url.removeprefix("sqlite:///"))
        for p in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
            p.unlink(missing_ok=True)
    print_table("SQLite", built, r, youths)


def bench_postgresql(keys, youths: int, csv_path: Path) -> None:
    folder = tempfile.mkdtemp(prefix="losen-bench-pg.", dir="/tmp")
    try:
        url = subprocess.run(
            [sys.executable, str(PG_CLUSTER), "start", folder],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        say(f"PostgreSQL: throwaway cluster in {folder}; building the demo data ...")
        seconds, rss = build_demo(child_env(keys, url), youths)
        built = f"built in {seconds:.0f} s, peak {rss:.0f} MB"
        say(f"PostgreSQL: {built}")
        run_child(
            [
                sys.executable,
                "-c",
                "import django, os; django.setup(); from django.db import connection; "
                "connection.cursor().execute('VACUUM ANALYZE')",
            ],
            child_env(keys, url),
            capture=False,
        )
        r = measure(keys, url, url, youths, csv_path)
    finally:
        subprocess.run([sys.executable, str(PG_CLUSTER), "stop", folder], check=False)
    print_table("PostgreSQL", built, r, youths)


def bench_read_files(keys, youths: int, csv_path: Path) -> None:
    say("reading the import files ...")
    me = [sys.executable, str(Path(__file__).resolve())]
    cmd = [*me, "--step", "read-files", "--youths", str(youths), "--csv", str(csv_path)]
    stdout, _wall, rss = run_child(cmd, child_env(keys, "sqlite://:memory:"), capture=True)
    result = json.loads(stdout.strip().splitlines()[-1])
    result["maxrss_mb"] = max(result["maxrss_mb"], rss)
    print_read_files(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--youths",
        type=int,
        # A string default goes through `type` too: a malformed BENCH_YOUTHS is a usage
        # error that names it, not a traceback.
        default=os.environ.get("BENCH_YOUTHS") or "100000",
        help="young people in the demo data and rows in the history file (BENCH_YOUTHS)",
    )
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql"
    )
    parser.add_argument("--step", choices=[*STEPS, *FILE_STEPS], help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        run_step(args)
        return
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(databases) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    keys = load_keys()
    csv_path = BENCH_DIR / f"history-{args.youths}.csv"
    if not csv_path.exists():
        say(f"writing {csv_path.relative_to(ROOT)} ({args.youths} rows)")
        write_history_csv(csv_path, args.youths)
    started = time.perf_counter()
    bench_read_files(keys, args.youths, csv_path)
    if "sqlite" in databases:
        bench_sqlite(keys, args.youths, csv_path)
    if "postgresql" in databases:
        if shutil.which("initdb") or Path("/usr/lib/postgresql").exists():
            bench_postgresql(keys, args.youths, csv_path)
        else:
            print("\n== PostgreSQL: not run (no PostgreSQL server binaries here) ==")
    say(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
