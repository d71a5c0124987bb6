"""Reading a target list (CSV or XLSX) and checking every row before anything is written.

The file has a header row (any column order) with the columns

``identity_number``  personnummer or samordningsnummer (KAA), fødselsnummer or D-nummer
                     (OT); required, once per file
``first_name``, ``last_name``   required
``address``, ``postal_code``, ``city``, ``phone``, ``email``   may be empty
``school_status``    dropped_out, studiebevis, never_started, introduction_programme, other

CSV is UTF-8 (with or without a byte-order mark), comma- or semicolon-separated (the
header decides). Line numbers are the file's own (the header is line 1). An error never
repeats the identity number: it would end up in a log or on a screen.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from losen.lib.idnumbers import IdentityNumber, InvalidIdentityNumber, parse_identity_number
from losen.outreach.models import SchoolStatus

COLUMNS = (
    "identity_number",
    "first_name",
    "last_name",
    "address",
    "postal_code",
    "city",
    "phone",
    "email",
    "school_status",
)
REQUIRED_COLUMNS = ("identity_number", "first_name", "last_name", "school_status")
LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "address": 200,
    "postal_code": 10,
    "city": 100,
    "phone": 30,
    "email": 254,
}
SCHEME_COUNTRY = {"kaa": "SE", "ot": "NO"}
SCHEME_KINDS = {"kaa": {"personnummer", "samordningsnummer"}, "ot": {"fnr", "dnr"}}
_PHONE = re.compile(r"\+?[0-9 ()-]{5,30}")


class FileProblem(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ListRow:
    line: int
    number: IdentityNumber
    first_name: str
    last_name: str
    address: str
    postal_code: str
    city: str
    phone: str
    email: str
    school_status: str

    @property
    def birth_date(self) -> datetime.date:
        assert self.number.birth_date is not None
        return self.number.birth_date


# Reading -------------------------------------------------------------------------------


def read_rows(name: str, stream: IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    if name.lower().endswith((".xlsx", ".xlsm")):
        yield from _read_xlsx(stream)
    else:
        yield from _read_csv(stream.read())


def _header(cells: list[str]) -> list[str]:
    names = [str(c or "").strip().lstrip("\ufeff").lower() for c in cells]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise FileProblem(f"the header row lacks the column(s): {', '.join(missing)}")
    return names


def _read_csv(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"the file is not UTF-8 text (byte {exc.start})") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _header(next(reader))
    except StopIteration:
        raise FileProblem("the file is empty") from None
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        yield reader.line_num, _as_dict(header, cells)


def _read_xlsx(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileProblem(f"the file cannot be read as XLSX ({type(exc).__name__})") from None
    try:
        header = None
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            cells = ["" if v is None else _cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = _header(cells)
                continue
            yield number, _as_dict(header, cells)
        if header is None:
            raise FileProblem("the file is empty")
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number or postal code typed as a number
    return str(value)


def _as_dict(header: list[str], cells: list[str]) -> dict[str, str]:
    values = dict.fromkeys(header, "")
    for name, cell in zip(header, cells, strict=False):
        if name:
            values[name] = cell.strip()
    return values


# Checking ------------------------------------------------------------------------------


class _RowProblem(Exception):
    pass


_STATUSES = frozenset(SchoolStatus.values)


def _number(text: str, scheme: str, today: datetime.date) -> IdentityNumber:
    if not text:
        raise _RowProblem("identity_number is empty")
    try:
        number = parse_identity_number(text, country=SCHEME_COUNTRY[scheme], today=today)
    except InvalidIdentityNumber as error:
        raise _RowProblem(f"identity_number: {error.message}") from None
    if str(number.kind) not in SCHEME_KINDS[scheme]:
        raise _RowProblem(f"identity_number is a {number.kind}, not accepted on this list")
    if number.birth_date is None:
        raise _RowProblem("identity_number: the birth date cannot be read from it")
    return number


def _check(line: int, values: dict[str, str], scheme: str, today: datetime.date) -> ListRow:
    number = _number(values.get("identity_number", ""), scheme, today)
    for column in ("first_name", "last_name"):
        if not values.get(column):
            raise _RowProblem(f"{column} is empty")
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            raise _RowProblem(f"{column} is longer than {limit} characters")
    phone = values.get("phone", "")
    if phone and not _PHONE.fullmatch(phone):
        raise _RowProblem(f"phone {phone!r} is not a phone number")
    email = values.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise _RowProblem(f"email {email!r} is not an e-mail address") from None
    status = values.get("school_status", "").lower()
    if status not in _STATUSES:
        raise _RowProblem(
            f"school_status {values.get('school_status', '')!r} is not one of "
            f"{', '.join(SchoolStatus.values)}"
        )
    return ListRow(
        line=line,
        number=number,
        first_name=values["first_name"],
        last_name=values["last_name"],
        address=values.get("address", ""),
        postal_code=values.get("postal_code", ""),
        city=values.get("city", ""),
        phone=phone,
        email=email,
        school_status=status,
    )


def check_rows(rows, *, scheme: str, today: datetime.date) -> tuple[list[ListRow], list[RowError]]:
    """Every row checked; every problem collected, never only the first."""
    good: list[ListRow] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    for line, values in rows:
        try:
            row = _check(line, values, scheme, today)
        except _RowProblem as problem:
            errors.append(RowError(line, str(problem)))
            continue
        earlier = first_line.get(row.number.value)
        if earlier is not None:
            errors.append(RowError(line, f"the identity number is already on line {earlier}"))
            continue
        first_line[row.number.value] = line
        good.append(row)
    return good, errors


def digest(rows: list[ListRow]) -> str:
    """The same people with the same details give the same digest, in any order."""
    h = hashlib.sha256()
    for key in sorted(
        "\x1f".join(
            (
                r.number.value,
                r.first_name,
                r.last_name,
                r.address,
                r.postal_code,
                r.city,
                r.phone,
                r.email,
                r.school_status,
            )
        )
        for r in rows
    ):
        h.update(key.encode())
        h.update(b"\x1e")
    return h.hexdigest()
