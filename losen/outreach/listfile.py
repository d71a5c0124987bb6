"""Reading a target list (CSV or XLSX) and checking every row before anything is written.

The file has a header row (any column order) with the columns

``identity_number``  personnummer or samordningsnummer (KAA), fødselsnummer or D-nummer
                     (OT); required, once per file
``first_name``, ``last_name``   required
``address``, ``postal_code``, ``city``, ``phone``, ``email``   may be empty
``school_status``    dropped_out, studiebevis, never_started, introduction_programme, other
``birth_date``       optional: the birth date as registered (YYYY-MM-DD or DD.MM.YYYY)

The birth date is a fact of its own, not a reading of the number. A D-number's or
samordningsnummer's date may be the day it was registered (UDI), so the column wins over
it; any other number's date is the birth date, and a column that says otherwise is a row
error (a mistyped number or date). A Norwegian number of the 2032 series tells no century,
so its row needs the column: without it the age rules could not be applied and the row is
refused (the list comes from a register that knows the birth date; Losen does not guess
it, nor take it from a record the number may wrongly point to). A row whose number is a
coordination number and has no column gives the number's date to a new person; a person
already registered keeps their registered birth date, and the age rules read that.

CSV is UTF-8 (with or without a byte-order mark), comma- or semicolon-separated (the
header decides). Line numbers are the file's own (the header is line 1). An error never
repeats the identity number: it would end up in a log or on a screen.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from losen.lib import sheets
from losen.lib.idnumbers import IdentityNumber, InvalidIdentityNumber, parse_identity_number
from losen.lib.sheets import FileProblem, RowError, RowProblem
from losen.outreach.models import SchoolStatus

__all__ = ["FileProblem", "ListRow", "RowError", "check_rows", "digest", "read_rows"]

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
    "birth_date",
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
    # The birth_date column, when the file has one and the row fills it.
    stated_birth_date: datetime.date | None = None

    @property
    def birth_date(self) -> datetime.date:
        """The row's birth date: the column's, else the number's (checked to be one)."""
        born = self.stated_birth_date or self.number.birth_date
        assert born is not None
        return born

    @property
    def birth_date_is_firm(self) -> bool:
        """False when the date is only a coordination number's own (maybe not the birth)."""
        return self.stated_birth_date is not None or not self.number.date_may_differ


# Reading -------------------------------------------------------------------------------


def read_rows(name: str, stream: IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's rows, read as a stream within the import limits (see losen.lib.sheets)."""
    return sheets.read_table(name, stream, REQUIRED_COLUMNS, cell_text=sheets.date_cell_text)


# Checking ------------------------------------------------------------------------------


_STATUSES = frozenset(SchoolStatus.values)


def _number(text: str, scheme: str, today: datetime.date) -> IdentityNumber:
    if not text:
        raise sheets.empty("identity_number")
    try:
        number = parse_identity_number(text, country=SCHEME_COUNTRY[scheme], today=today)
    except InvalidIdentityNumber as error:
        raise RowProblem(_("identity_number: %(problem)s") % {"problem": error.message}) from None
    if str(number.kind) not in SCHEME_KINDS[scheme]:
        raise RowProblem(
            _("identity_number is a %(kind)s, not accepted on this list") % {"kind": number.kind}
        )
    return number


def _birth_date(text: str, number: IdentityNumber, today: datetime.date) -> datetime.date | None:
    """The birth_date column's date, checked against the number (see the module's doc)."""
    if not text:
        if number.birth_date is None:
            raise RowProblem(
                _(
                    "birth_date is empty, and the identity number does not tell the year of "
                    "birth (numbers issued from 2032 do not): give the birth date in a "
                    "birth_date column"
                )
            )
        return None
    born = sheets.date_in("birth_date", text)
    if born > today:
        raise sheets.in_the_future("birth_date", _shown(born))
    if number.birth_date is not None and not number.date_may_differ and born != number.birth_date:
        raise RowProblem(
            _("birth_date %(date)s does not match the identity number; check both")
            % {"date": _shown(born)}
        )
    return born


def _shown(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def _check(line: int, values: dict[str, str], scheme: str, today: datetime.date) -> ListRow:
    number = _number(values.get("identity_number", ""), scheme, today)
    stated_birth_date = _birth_date(values.get("birth_date", ""), number, today)
    for column in ("first_name", "last_name"):
        if not values.get(column):
            raise sheets.empty(column)
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            raise sheets.too_long(column, limit)
    phone = values.get("phone", "")
    if phone and not _PHONE.fullmatch(phone):
        raise RowProblem(_("phone %(value)r is not a phone number") % {"value": phone})
    email = values.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RowProblem(
                _("email %(value)r is not an e-mail address") % {"value": email}
            ) from None
    status = values.get("school_status", "").lower()
    if status not in _STATUSES:
        raise RowProblem(
            _("school_status %(value)r is not one of %(statuses)s")
            % {"value": values.get("school_status", ""), "statuses": ", ".join(SchoolStatus.values)}
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
        stated_birth_date=stated_birth_date,
    )


def check_rows(rows, *, scheme: str, today: datetime.date) -> tuple[list[ListRow], list[RowError]]:
    """Every row checked; every problem collected, never only the first."""
    good: list[ListRow] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    for line, values in rows:
        try:
            row = _check(line, values, scheme, today)
        except RowProblem as problem:
            errors.append(RowError(line, str(problem)))
            continue
        earlier = first_line.get(row.number.value)
        if earlier is not None:
            errors.append(
                RowError(
                    line, _("the identity number is already on line %(line)s") % {"line": earlier}
                )
            )
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
                # Only when given: a list without the column keeps the digest it had.
                *([r.stated_birth_date.isoformat()] if r.stated_birth_date else []),
            )
        )
        for r in rows
    ):
        h.update(key.encode())
        h.update(b"\x1e")
    return h.hexdigest()
