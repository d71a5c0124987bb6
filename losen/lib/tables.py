"""Tables that a page shows and an export writes: a caption, column labels and rows of cells.

A cell is a plain value (text, a month as a date, a count, an amount) or one of:

- `None`: a hidden count (shown as "–");
- `Pct(fraction)`: a share, shown as "43 %", exported as the number 43.0;
- `Days(number)`: a number of days, shown without needless decimals.

`displayed(rows)` gives the cells as the page and the PDF show them; `TableExporter` writes
a table to CSV and XLSX, keeping numbers as numbers and writing a hidden cell as "–".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.utils.formats import date_format, number_format

from losen.lib.exporters import Exporter
from losen.lib.suppression import PLACEHOLDER


@dataclass(frozen=True)
class Pct:
    fraction: float | None


@dataclass(frozen=True)
class Days:
    value: float | None


@dataclass
class Table:
    key: str  # the table's id on the page and its name in export addresses
    caption: str
    header: list[str]
    rows: list[list[Any]]
    footer: list[list[Any]] = field(default_factory=list)
    empty: str = ""


def _days(value: float) -> str:
    return number_format(round(value, 1), decimal_pos=1 if value % 1 else 0, use_l10n=True)


def display_cell(value: Any) -> str:
    """A cell as the page and the PDF show it."""
    if value is None:
        return PLACEHOLDER
    if isinstance(value, Pct):
        return PLACEHOLDER if value.fraction is None else f"{round(value.fraction * 100)} %"
    if isinstance(value, Days):
        return PLACEHOLDER if value.value is None else _days(value.value)
    if isinstance(value, datetime.date):
        return date_format(value, "F Y")
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def export_cell(value: Any) -> Any:
    """A cell as CSV and XLSX get it: numbers as numbers, hidden as "–"."""
    if isinstance(value, Pct):
        value = None if value.fraction is None else round(value.fraction * 100, 1)
    elif isinstance(value, Days):
        value = value.value
    return PLACEHOLDER if value is None else value


class Period(Protocol):
    """What an exported table's file name needs of a dashboard: its period."""

    @property
    def start(self) -> datetime.date: ...

    @property
    def end(self) -> datetime.date: ...


class TableExporter(Exporter):
    def __init__(self, table: Table, board: Period, *, about: str = "") -> None:
        self.table = table
        self.title = table.caption
        self.about = about
        self.filename = f"{table.key}-{board.start:%Y-%m}-{board.end:%Y-%m}"

    def header(self) -> list[str]:
        return self.table.header

    def rows(self) -> Iterable[list[Any]]:
        for row in [*self.table.rows, *self.table.footer]:
            yield [export_cell(value) for value in row]


def displayed(rows: Iterable[list[Any]]) -> list[list[str]]:
    return [[display_cell(value) for value in row] for row in rows]
