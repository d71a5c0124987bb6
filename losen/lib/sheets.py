"""Reading an uploaded table (CSV or XLSX) row by row, within limits.

One reader for every import (the history import, target lists): a header row with the
columns in any order, then one row per record. `read_table` yields (line number,
{column: text}); the line number is the file's own (the header is line 1), so an error
report points at the line a person sees in a text editor or spreadsheet. Empty rows are
skipped.

Nothing is read whole into memory: CSV is decoded line by line, XLSX through openpyxl's
read-only (streaming) mode. A file is refused (`FileProblem`) before it costs much:

* over ``LOSEN_IMPORT_MAX_UNPACKED_BYTES``: a CSV's own size, or an XLSX's members as
  declared in its zip directory (checked before the workbook is opened: a small XLSX may
  unpack to gigabytes, and zipfile never unpacks more than a member declares);
* over ``LOSEN_IMPORT_MAX_ROWS`` rows: reading stops at the first row too many.

CSV is UTF-8 (with or without a byte-order mark), comma- or semicolon-separated (the
header decides: it has no quotes or dates to confuse a sniffer). Problems are told in the
active language.

Checking the rows is each import's own, but the problems every import meets (a required
cell left empty, a cell too long, a date that is not one or lies in the future) are
worded once, here: a check raises `RowProblem` and collects it as a `RowError`.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from losen.lib.dates import parse_written_date

XLSX_SUFFIXES = (".xlsx", ".xlsm")


class FileProblem(Exception):
    """The file as a whole cannot be read (format, encoding, header, size)."""


@dataclass(frozen=True)
class RowError:
    """A row that cannot be imported, and why (in the active language)."""

    line: int
    reason: str

    def __str__(self) -> str:
        return _("line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


class RowProblem(Exception):
    """What is wrong with one row, in the active language (a check makes it a RowError)."""


def empty(column: str) -> RowProblem:
    return RowProblem(_("%(column)s is empty") % {"column": column})


def too_long(column: str, limit: int) -> RowProblem:
    return RowProblem(
        _("%(column)s is longer than %(length)s characters") % {"column": column, "length": limit}
    )


def in_the_future(column: str, shown: object) -> RowProblem:
    """`shown` is the date as the import writes it back to the person."""
    return RowProblem(_("%(column)s %(date)s is in the future") % {"column": column, "date": shown})


def date_in(column: str, text: str) -> datetime.date:
    """The cell's date, written YYYY-MM-DD (a spreadsheet saved as CSV may add a time) or
    DD.MM.YYYY."""
    try:
        return parse_written_date(text)
    except ValueError:
        raise RowProblem(
            _("%(column)s %(value)r is not a date (DD.MM.YYYY or YYYY-MM-DD)")
            % {"column": column, "value": text}
        ) from None


def max_rows() -> int:
    return settings.LOSEN_IMPORT_MAX_ROWS


def max_unpacked_bytes() -> int:
    return settings.LOSEN_IMPORT_MAX_UNPACKED_BYTES


def read_table(
    name: str,
    source: Path | IO[bytes],
    required: Sequence[str],
    *,
    cell_text=None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of the file called `name` (its suffix decides the format).

    `source` is a path or a binary stream that can seek; `required` are the columns the
    header must have; `cell_text` turns an XLSX cell's value into text (default: str,
    whole floats without ".0").
    """
    if isinstance(source, Path):
        with source.open("rb") as stream:
            yield from read_table(name, stream, required, cell_text=cell_text)
        return
    rows = (
        _read_xlsx(source, required, cell_text or default_cell_text)
        if name.lower().endswith(XLSX_SUFFIXES)
        else _read_csv(source, required)
    )
    limit = max_rows()
    for count, row in enumerate(rows, 1):
        if count > limit:
            raise FileProblem(
                _("the file has more than %(rows)s rows; split it into several files")
                % {"rows": limit}
            )
        yield row


def _too_large(size: int) -> FileProblem:
    return FileProblem(
        _("the file unpacks to %(size)s, more than the %(limit)s an import may read")
        % {"size": filesizeformat(size), "limit": filesizeformat(max_unpacked_bytes())}
    )


def _header(cells: Iterable[str], required: Sequence[str]) -> list[str]:
    names = [str(c or "").strip().lstrip("\ufeff").lower() for c in cells]
    missing = [c for c in required if c not in names]
    if missing:
        raise FileProblem(
            _("the header row lacks the column(s): %(columns)s") % {"columns": ", ".join(missing)}
        )
    return names


def _as_dict(header: list[str], cells: Sequence[str]) -> dict[str, str]:
    values = dict.fromkeys(header, "")
    for name, cell in zip(header, cells, strict=False):
        if name:
            values[name] = cell.strip()
    return values


# CSV ---------------------------------------------------------------------------------


def _size(stream: IO[bytes]) -> int:
    here = stream.tell()
    size = stream.seek(0, io.SEEK_END)
    stream.seek(here)
    return size - here


def _lines(stream: IO[bytes]) -> Iterator[str]:
    """The stream's lines decoded; a decoding error names the byte of the file."""
    offset = 0
    for number, raw in enumerate(stream):
        try:
            yield raw.decode("utf-8-sig" if number == 0 else "utf-8")
        except UnicodeDecodeError as exc:
            raise FileProblem(
                _("the file is not UTF-8 text (byte %(byte)s)") % {"byte": offset + exc.start}
            ) from None
        offset += len(raw)


def _read_csv(stream: IO[bytes], required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    size = _size(stream)
    if size > max_unpacked_bytes():
        raise _too_large(size)
    lines = _lines(stream)
    try:
        first_line = next(lines)
    except StopIteration:
        raise FileProblem(_("the file is empty")) from None
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","

    def all_lines() -> Iterator[str]:
        yield first_line
        yield from lines

    reader = csv.reader(all_lines(), delimiter=delimiter)
    try:
        header = _header(next(reader), required)
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            yield reader.line_num, _as_dict(header, cells)
    except csv.Error as error:
        raise FileProblem(
            _("line %(line)s cannot be read as CSV (%(error)s)")
            % {"line": reader.line_num, "error": error}
        ) from None


# XLSX --------------------------------------------------------------------------------


def _check_zip(stream: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise FileProblem(_("the file cannot be read as XLSX (it is not a zip archive)")) from None
    if unpacked > max_unpacked_bytes():
        raise _too_large(unpacked)
    stream.seek(0)


def default_cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number or postal code typed as a number
    return str(value)


def date_cell_text(value) -> str:
    """Dates as YYYY-MM-DD, else as `default_cell_text`."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return default_cell_text(value)


def _read_xlsx(
    stream: IO[bytes], required: Sequence[str], cell_text
) -> Iterator[tuple[int, dict[str, str]]]:
    import openpyxl

    _check_zip(stream)
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Rows as they are: the size the sheet declares (some write A1:XFD1048576) would
        # pad every row to that many empty cells.
        sheet.reset_dimensions()
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileProblem(
            _("the file cannot be read as XLSX (%(error)s)") % {"error": type(exc).__name__}
        ) from None
    try:
        header = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            cells = ["" if v is None else cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = _header(cells, required)
                continue
            yield number, _as_dict(header, cells)
        if header is None:
            raise FileProblem(_("the file is empty"))
    finally:
        workbook.close()
