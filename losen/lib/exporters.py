"""Reports as exporters: a title, a header row, then rows; rendered by shared code.

CSV is semicolon-separated UTF-8 with a byte-order mark, so Norwegian and Swedish Excel
open it with the right letters and columns. A cell that starts with = + - or @ is
prefixed with an apostrophe so a spreadsheet does not run it as a formula.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = date_format(timezone.localtime(value), "Y-m-d H:i:s")
    elif isinstance(value, datetime.date):
        value = value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class Exporter:
    """Subclass and give `title`, `filename`, `header()` and `rows()`."""

    title: str = ""
    filename: str = "export"

    def header(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[list[Any]]:
        raise NotImplementedError


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(exporter: Exporter) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff"
    yield writer.writerow([escape_cell(h) for h in exporter.header()])
    for row in exporter.rows():
        yield writer.writerow([escape_cell(cell) for cell in row])


def csv_response(exporter: Exporter) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(exporter)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}.csv"'
    return response


def pdf_bytes(
    exporter: Exporter,
    *,
    template: str = "exports/table.pdf.html",
    context: dict[str, Any] | None = None,
) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        template,
        {
            "title": exporter.title,
            "header": exporter.header(),
            "rows": [
                [escape_cell(c) if c is not None else "" for c in row] for row in exporter.rows()
            ],
            "generated_at": timezone.now(),
            **(context or {}),
        },
    )
    return HTML(string=html).write_pdf()


def pdf_response(exporter: Exporter, **kwargs: Any) -> HttpResponse:
    response = HttpResponse(pdf_bytes(exporter, **kwargs), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}.pdf"'
    return response
