"""Tables shown on a page and exported: hidden counts, shares and days as each side needs them."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.utils import translation

from losen.lib.suppression import PLACEHOLDER
from losen.lib.tables import Days, Pct, Table, TableExporter, displayed


def test_a_hidden_count_a_share_and_days_are_shown_as_a_reader_expects():
    with translation.override("nb"):
        shown = displayed([[None, Pct(0.429), Pct(None), Days(12.0), Days(2.25), 1234]])
    assert shown == [[PLACEHOLDER, "43 %", PLACEHOLDER, "12", "2,2", "1\xa0234"]]


def test_an_exported_table_keeps_numbers_as_numbers_and_hides_counts_with_a_dash():
    table = Table(
        key="flow",
        caption="Flow",
        header=["Month", "Count", "Share"],
        rows=[[datetime.date(2026, 1, 1), None, Pct(0.5)]],
        footer=[["Total", 7, Days(3.5)]],
    )
    # Only the period's first and last month are read, for the file name.
    board = SimpleNamespace(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 1))
    exporter = TableExporter(table, board, about="x")
    assert exporter.filename == "flow-2026-01-2026-03"
    assert exporter.header() == ["Month", "Count", "Share"]
    assert list(exporter.rows()) == [
        [datetime.date(2026, 1, 1), PLACEHOLDER, 50.0],
        ["Total", 7, 3.5],
    ]
