"""The dashboard's month table as an exporter: the page's headings, one row per month.

The web downloads use the table's translated headings (losen.reports.tables.flow_table);
`losen report results` keeps the fixed machine column names (results.COLUMNS).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from losen.lib.exporters import Exporter
from losen.lib.suppression import PLACEHOLDER
from losen.reports.dashboard import Dashboard
from losen.reports.tables import flow_table


class FlowExporter(Exporter):
    """Results month by month; a hidden count reads as the placeholder ("–")."""

    def __init__(self, board: Dashboard, *, about: str = "") -> None:
        self.board = board
        self.title = _("Results month by month")
        self.about = about
        self.filename = f"results-{board.start:%Y-%m}-{board.end:%Y-%m}"

    def header(self) -> list[str]:
        return flow_table(self.board).header

    def rows(self) -> Iterable[list[Any]]:
        for row, cells in zip(self.board.rows, self.board.cells, strict=True):
            yield [row.month, *(PLACEHOLDER if c is None else c for c in cells)]
