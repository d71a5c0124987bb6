"""Reports as exporters: a title line, a header row, then rows; rendered by shared code.

Every download says whose figures they are and when on its first line (`title_line()`):
the title, then `about` (the organisation, the team or measure, and the period, or "as
of" a day for a list as it stands; see `about_line`). CSV starts with that line as one
cell, XLSX has it as a bold row above the header, and the PDFs have it as their heading.

CSV is semicolon-separated UTF-8 with a byte-order mark, so Norwegian and Swedish Excel
open it with the right letters and columns. A cell that starts with = + - or @ is
prefixed with an apostrophe so a spreadsheet does not run it as a formula.

XLSX is written by openpyxl in write-only mode, so memory does not grow with the rows.
Numbers stay numbers and dates stay dates; text gets the same apostrophe rule as CSV
and is stored explicitly as a string, never as a formula. The header row is bold.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import os
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


def period_text(start: datetime.date, end: datetime.date) -> str:
    """A period of months as people write it: "January 2026 – March 2026"."""
    first, last = date_format(start, "F Y"), date_format(end, "F Y")
    return first if first == last else f"{first} – {last}"


def as_of_text(day: datetime.date) -> str:
    """A list as it stands on a day: "as of 4 December 2026"."""
    return _("as of %(date)s") % {"date": date_format(day, "DATE_FORMAT")}


def about_line(*parts: str | None) -> str:
    """Whose and when, in one line: the organisation, the team or measure, the period."""
    return " · ".join(str(part) for part in parts if part)


class Exporter:
    """Subclass and give `title`, `about`, `filename`, `header()` and `rows()`."""

    title: str = ""
    # Whose figures and when: organisation, team or measure, period (see about_line).
    about: str = ""
    filename: str = "export"

    def title_line(self) -> str:
        """The download's first line: what it is, whose and when."""
        return about_line(self.title, self.about)

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
    yield writer.writerow([escape_cell(exporter.title_line())])
    yield writer.writerow([escape_cell(h) for h in exporter.header()])
    for row in exporter.rows():
        yield writer.writerow([escape_cell(cell) for cell in row])


def write_csv(exporter: Exporter, target: IO[bytes]) -> None:
    """The exporter as CSV into a binary file, line by line."""
    for line in csv_lines(exporter):
        target.write(line.encode("utf-8"))


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
            "title_line": exporter.title_line(),
            "about": exporter.about,
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


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
_XLSX_NATIVE = (bool, int, float, decimal.Decimal, datetime.date)  # datetime is a date
# Control characters that XML (and so XLSX) cannot hold; openpyxl refuses them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: no []:*?/\\, no edge apostrophes, 31 characters."""
    cleaned = " ".join(_SHEET_TITLE_FORBIDDEN.sub(" ", title).split()).strip("'").strip()
    if len(cleaned) > 31:
        cut = cleaned[:32]
        # A whole word short rather than a word cut off ("… etter status", not "… etter s").
        cleaned = cut[: cut.rfind(" ")] if " " in cut else cut[:31]
    return cleaned.rstrip() or "Rapport"


def _xlsx_cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    """A number, date or None as is (openpyxl types them); text as a string cell."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(timezone.localtime(value))  # Excel has no time zones
    if not bold and (value is None or isinstance(value, _XLSX_NATIVE)):
        return value
    if value is None or isinstance(value, _XLSX_NATIVE):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = WriteOnlyCell(sheet, value=_XML_ILLEGAL.sub("", escape_cell(value)))
        cell.data_type = "s"  # never a formula, whatever the text looks like
    if bold:
        cell.font = _BOLD
    return cell


def write_xlsx(exporter: Exporter, target: str | os.PathLike | IO[bytes]) -> None:
    """The exporter as XLSX into a file or path; rows go to disk as they come."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(exporter.title))
    header = exporter.header()
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(str(name)) + 2)
    sheet.freeze_panes = "A3"
    sheet.append([_xlsx_cell(sheet, exporter.title_line(), bold=True)])
    sheet.append([_xlsx_cell(sheet, name, bold=True) for name in header])
    for row in exporter.rows():
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(target)


def xlsx_bytes(exporter: Exporter) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(exporter, buffer)
    return buffer.getvalue()


def xlsx_response(exporter: Exporter) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(exporter), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}.xlsx"'
    return response
