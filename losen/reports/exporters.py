"""The dashboard's month table as an exporter: header = COLUMNS, one row per month."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from losen.lib.exporters import Exporter
from losen.lib.suppression import PLACEHOLDER
from losen.reports.dashboard import Dashboard
from losen.reports.results import COLUMNS


class FlowExporter(Exporter):
    """Results month by month; a hidden count reads as the placeholder ("–")."""

    title = "Results month by month"

    def __init__(self, board: Dashboard) -> None:
        self.board = board
        self.filename = f"results-{board.start:%Y-%m}-{board.end:%Y-%m}"

    def header(self) -> list[str]:
        return list(COLUMNS)

    def rows(self) -> Iterable[list[Any]]:
        for row, cells in zip(self.board.rows, self.board.cells, strict=True):
            yield [row.month, *(PLACEHOLDER if c is None else c for c in cells)]
