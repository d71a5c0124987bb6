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
from losen.lib.sheets import FileProblem, RowError
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

    @property
    def birth_date(self) -> datetime.date:
        assert self.number.birth_date is not None
        return self.number.birth_date


# Reading -------------------------------------------------------------------------------


def read_rows(name: str, stream: IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's rows, read as a stream within the import limits (see losen.lib.sheets)."""
    return sheets.read_table(name, stream, REQUIRED_COLUMNS)


# Checking ------------------------------------------------------------------------------


class _RowProblem(Exception):
    pass


_STATUSES = frozenset(SchoolStatus.values)


def _number(text: str, scheme: str, today: datetime.date) -> IdentityNumber:
    if not text:
        raise _RowProblem(_("identity_number is empty"))
    try:
        number = parse_identity_number(text, country=SCHEME_COUNTRY[scheme], today=today)
    except InvalidIdentityNumber as error:
        raise _RowProblem(_("identity_number: %(problem)s") % {"problem": error.message}) from None
    if str(number.kind) not in SCHEME_KINDS[scheme]:
        raise _RowProblem(
            _("identity_number is a %(kind)s, not accepted on this list") % {"kind": number.kind}
        )
    if number.birth_date is None:
        raise _RowProblem(_("identity_number: the birth date cannot be read from it"))
    return number


def _check(line: int, values: dict[str, str], scheme: str, today: datetime.date) -> ListRow:
    number = _number(values.get("identity_number", ""), scheme, today)
    for column in ("first_name", "last_name"):
        if not values.get(column):
            raise _RowProblem(_("%(column)s is empty") % {"column": column})
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            raise _RowProblem(
                _("%(column)s is longer than %(length)s characters")
                % {"column": column, "length": limit}
            )
    phone = values.get("phone", "")
    if phone and not _PHONE.fullmatch(phone):
        raise _RowProblem(_("phone %(value)r is not a phone number") % {"value": phone})
    email = values.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise _RowProblem(
                _("email %(value)r is not an e-mail address") % {"value": email}
            ) from None
    status = values.get("school_status", "").lower()
    if status not in _STATUSES:
        raise _RowProblem(
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
            )
        )
        for r in rows
    ):
        h.update(key.encode())
        h.update(b"\x1e")
    return h.hexdigest()
