"""Inserting many rows at once without building model instances.

Imports write hundreds of thousands of rows (the history import, target lists). Django's
`bulk_create` spends most of its time building a model instance per row and compiling
SQL for each batch; here each table gets one INSERT statement and the driver gets plain
tuples (executemany on SQLite; COPY on PostgreSQL), with every column the model has,
its defaults filled in, and dates, times, JSON and decimals prepared as the model field
prepares them.

Nothing runs that `bulk_create` would not run either: no `save()`, no signals. Primary
keys are not returned: callers read back what they need with one query per batch.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.constants import OnConflict


def _can_copy(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import (  # type: ignore[import-untyped]
        is_psycopg3,
    )

    return is_psycopg3


# How SQLite's busy handler waits for the write lock (sqliteDefaultBusyCallback): it
# sleeps these many seconds in turn, then 0.1 s at a time until the busy timeout.
_BUSY_SLEEPS = (0.001, 0.002, 0.005, 0.010, 0.015, 0.020, 0.025, 0.025, 0.025, 0.050, 0.050)
_BUSY_SLEEP_LAST = 0.100


def _busy_sleep_after(waited: float) -> float:
    """The sleep a page's busy handler is in after waiting `waited` seconds."""
    for sleep in _BUSY_SLEEPS:
        if waited < sleep:
            return sleep
        waited -= sleep
    return _BUSY_SLEEP_LAST


def let_waiting_writers_in(held_for: float) -> None:
    """Between two write transactions of an import that held the lock `held_for` seconds.

    On SQLite a page that waited all that while is asleep in its busy handler; without a
    pause the import takes the lock again before it wakes, chunk after chunk. Pausing a
    little longer than that sleep lets every waiting page in. PostgreSQL locks rows, so
    pages never wait for an import there, and there is no pause.
    """
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        time.sleep(1.1 * _busy_sleep_after(held_for))


MAX_ROWS_PER_STATEMENT = 2000
MAX_PARAMETERS = 65535
# Field types whose values the driver cannot take as they are.
_PREPARED = (models.DateTimeField, models.DateField, models.JSONField, models.DecimalField)


def insert_rows(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    *,
    ignore_conflicts: bool = False,
) -> int:
    """Insert `rows` (attname -> value; missing columns get the field's default).

    Returns the number of rows inserted.
    """
    # The connection itself, not the thread-local proxy `django.db.connection`: it is
    # asked for once per value below.
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    prepare = {f.attname: f for f in fields if isinstance(f, _PREPARED)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    sql = (
        f"{connection.ops.insert_statement(on_conflict=on_conflict)} "
        f"{connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    )
    if ignore_conflicts:
        suffix = connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
        if suffix:
            sql = f"{sql} {suffix}"
    names = [f.attname for f in fields]
    # The same dates and times come back row after row: prepare each value once.
    prepared: dict[tuple[str, Any], Any] = {}
    params: list[list[Any]] = []
    for row in rows:
        values = []
        for name in names:
            value = row[name] if name in row else defaults[name]
            field = prepare.get(name)
            if field is not None and value is not None:
                try:
                    value = prepared[name, value]
                except KeyError:
                    value = prepared.setdefault(
                        (name, value), field.get_db_prep_save(value, connection)
                    )
                except TypeError:  # unhashable (a list for a JSON field)
                    value = field.get_db_prep_save(value, connection)
            values.append(value)
        params.append(values)
    if not params:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # In-process: executemany is the fastest way in.
            cursor.executemany(sql, params)
        elif _can_copy(connection) and not ignore_conflicts:
            # PostgreSQL with psycopg 3: COPY, some twenty times faster than INSERT with
            # parameters (which the server must parse and plan).
            table = connection.ops.quote_name(model._meta.db_table)
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
        else:
            # Over the network: one statement for many rows (as bulk_create does), in
            # batches that keep under PostgreSQL's 65,535 parameters.
            batch = max(1, min(MAX_ROWS_PER_STATEMENT, MAX_PARAMETERS // len(fields)))
            head, _sep, tail = sql.partition(f"VALUES ({placeholders})")
            for start in range(0, len(params), batch):
                part = params[start : start + batch]
                groups = ", ".join([f"({placeholders})"] * len(part))
                cursor.execute(f"{head}VALUES {groups}{tail}", [v for one in part for v in one])
    return len(params)
