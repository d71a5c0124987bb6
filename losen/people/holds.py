"""What an import has written but not finished is held back from every reader.

Two importers write in short transactions and show what they wrote only when the whole
file is in: a target list (losen/outreach/importer.py) and a programme's history
(losen/imports/runs.py). Both come later in the import order (docs/architecture.md) than
the doors that must hide their rows, people's (losen/people/queries.py) and cases'
(losen/cases/queries/core.py). So each importer names here, when its app is ready, a
function that gives the ids it holds back (a subquery, or None when it holds nothing),
and the doors leave those out. The doors ask on every read; a source that holds nothing
should answer None from one indexed look-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

Held = Callable[[], "QuerySet[Any] | None"]

# Keyed by the importer's name, so a second `ready()` replaces rather than adds.
_PEOPLE: dict[str, Held] = {}
_CASES: dict[str, Held] = {}


def hold_people(name: str, source: Held) -> None:
    """Register `source`: the person ids an import holds back (values of one column)."""
    _PEOPLE[name] = source


def hold_cases(name: str, source: Held) -> None:
    """Register `source`: the case ids an import holds back (values of one column)."""
    _CASES[name] = source


def _without(rows: QuerySet[Any], sources: dict[str, Held]) -> QuerySet[Any]:
    for source in sources.values():
        held = source()
        if held is not None:
            rows = rows.exclude(pk__in=held)
    return rows


def without_held_people(people: QuerySet[Any]) -> QuerySet[Any]:
    return _without(people, _PEOPLE)


def without_held_cases(cases: QuerySet[Any]) -> QuerySet[Any]:
    return _without(cases, _CASES)
