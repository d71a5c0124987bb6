"""Inserting many rows at once without building model instances.

Imports write hundreds of thousands of rows. Django's `bulk_create` spends most of its
time building a model instance per row and compiling SQL for each batch; here each
table gets one INSERT statement and the driver gets plain tuples (`executemany`), with
every column the model has, its defaults filled in, and dates, times, JSON and decimals
prepared as the model field prepares them.

Nothing runs that `bulk_create` would not run either: no `save()`, no signals. Primary
keys are not returned: callers read back what they need with one query per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

# Field types whose values the driver cannot take as they are.
_PREPARED = (models.DateTimeField, models.DateField, models.JSONField, models.DecimalField)


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert `rows` (attname -> value; a missing column gets the field's default).

    Returns the number of rows inserted.
    """
    # The connection itself, not the thread-local proxy `django.db.connection`: it is
    # asked for once per value below.
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    prepare = {f.attname: f for f in fields if isinstance(f, _PREPARED)}
    quote = connection.ops.quote_name
    # Table and column names come from the model, every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    names = [f.attname for f in fields]
    # The same dates and times come back row after row: prepare each value once.
    prepared: dict[tuple[str, Any], Any] = {}
    params = []
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
                except TypeError:  # unhashable: a dict or list for a JSON field
                    value = field.get_db_prep_save(value, connection)
            values.append(value)
        params.append(values)
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
    return len(params)
