"""Reading a history file (CSV or XLSX) and checking every row before anything is written.

The file has a header row and one row per case; see losen/imports/history.py for the
columns and what each becomes. `read_rows` yields (line number, {column: text}); the
line number is the file's own (the header is line 1), so an error report points at the
line a person sees in a text editor or spreadsheet. `check_rows` turns them into
`HistoryRow`s and collects every problem, never stopping at the first. The rows are read
as a stream (losen.lib.sheets) and a file over the import limits is refused.

Problems are told in the active language: the web import's owner's, or the one
`losen import-history` activates (the organisation's, or --language).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from losen.cases.models import ReferralSource
from losen.lib import sheets
from losen.lib.dates import add_months, parse_written_date
from losen.lib.sheets import RowError, RowProblem
from losen.outcomes import codes

REQUIRED_COLUMNS = (
    "person_ref",
    "birth_date",
    "referral_date",
    "referral_source",
    "measure",
    "start_date",
    "exit_date",
    "exit_outcome",
)
OPTIONAL_COLUMNS = ("followup_6m", "followup_12m")
FOLLOW_UP_COLUMNS = {6: "followup_6m", 12: "followup_12m"}

# The file's referral sources and the closest of Losen's. The spreadsheets know only
# "municipality"; in the source documents a municipal referral comes from the social
# services (NAV's municipal part or the municipality's own), so that is where it goes.
SOURCES = {
    "nav": ReferralSource.NAV,
    "municipality": ReferralSource.SOCIAL_SERVICES,
    "county": ReferralSource.COUNTY,
    "relative": ReferralSource.RELATIVE,
    "self": ReferralSource.SELF,
    "outreach": ReferralSource.OUTREACH,
    "other": ReferralSource.OTHER,
}

# A top-level code alone is stored as this sub-code (the code list has no bare "work"),
# and the outcome's note says so. The defaults are the list's broadest sub-code with the
# same OT code where there is one: ordinary work (OTAR for all work), upper secondary
# (OTEV), other organised activity, and "not reached" (OTUK, unknown activity).
TOP_CODE_DEFAULTS = {
    "work": "work.full_time",
    "education": "education.upper_secondary",
    "other_activity": "other_activity.organised_activity",
    "no_activity": "no_activity",
    "unknown": "unknown.not_reached",
}
NOT_REACHED = "not_reached"

# Who the programmes follow: young people, so an age outside this on the referral date
# is taken to be a typing error in the birth date.
MIN_AGE, MAX_AGE = 10, 40
MAX_REF_LENGTH = 100


@dataclass(frozen=True)
class Outcome:
    code: str  # a code of the list, e.g. "work.full_time"
    given: str  # what the file said, e.g. "work"

    @property
    def defaulted(self) -> bool:
        return self.code != self.given


@dataclass(frozen=True)
class FollowUpValue:
    months: int
    due_on: datetime.date
    reached: bool
    outcome: Outcome | None


@dataclass(frozen=True)
class HistoryRow:
    line: int
    person_ref: str
    birth_date: datetime.date
    referral_date: datetime.date
    source: str
    measure: str
    start_date: datetime.date | None
    exit_date: datetime.date | None
    exit_outcome: Outcome | None
    follow_ups: tuple[FollowUpValue, ...]
    digest: str


# Reading -------------------------------------------------------------------------------


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's rows, read as a stream within the import limits (see losen.lib.sheets)."""
    return sheets.read_table(path.name, path, REQUIRED_COLUMNS, cell_text=sheets.date_cell_text)


# Checking ------------------------------------------------------------------------------


def _date(values: dict[str, str], column: str, *, required: bool) -> datetime.date | None:
    text = values.get(column, "")
    if not text:
        if required:
            raise sheets.empty(column)
        return None
    return sheets.date_in(column, text)


_DATE_COLUMNS = ("birth_date", "referral_date", "start_date", "exit_date")


def _canonical(values: dict[str, str], column: str) -> str:
    """A cell as the row's digest reads it: a date written DD.MM.YYYY as YYYY-MM-DD.

    So the same history saved with either way of writing dates is the same history;
    ISO dates are read as they are, giving the digests earlier imports kept.
    """
    text = values.get(column, "")
    if column in _DATE_COLUMNS and text and "-" not in text:
        return parse_written_date(text).isoformat()
    return text.casefold()


def _outcome(column: str, text: str) -> Outcome:
    given = text.lower()
    if given in codes.BY_CODE:
        return Outcome(given, given)
    if given in TOP_CODE_DEFAULTS:
        return Outcome(TOP_CODE_DEFAULTS[given], given)
    raise RowProblem(
        _("%(column)s %(value)r is not a code of the exit code list")
        % {"column": column, "value": text}
    )


def _check(
    line: int, values: dict[str, str], today: datetime.date, measures, any_measure: bool
) -> HistoryRow:
    person_ref = values["person_ref"]
    if not person_ref:
        raise sheets.empty("person_ref")
    if len(person_ref) > MAX_REF_LENGTH:
        raise sheets.too_long("person_ref", MAX_REF_LENGTH)
    birth_date = _date(values, "birth_date", required=True)
    referral_date = _date(values, "referral_date", required=True)
    start_date = _date(values, "start_date", required=False)
    exit_date = _date(values, "exit_date", required=False)
    assert birth_date and referral_date
    for column, day in (
        ("referral_date", referral_date),
        ("start_date", start_date),
        ("exit_date", exit_date),
    ):
        if day and day > today:
            raise sheets.in_the_future(column, day)
    age = referral_date.year - birth_date.year
    age -= (referral_date.month, referral_date.day) < (birth_date.month, birth_date.day)
    if not MIN_AGE <= age <= MAX_AGE:
        raise RowProblem(
            _(
                "birth_date %(date)s makes the person %(age)s years old on the referral date "
                "(expected %(min)s–%(max)s)"
            )
            % {"date": birth_date, "age": age, "min": MIN_AGE, "max": MAX_AGE}
        )
    source = SOURCES.get(values["referral_source"].lower())
    if source is None:
        raise RowProblem(
            _("referral_source %(value)r is not one of %(sources)s")
            % {"value": values["referral_source"], "sources": ", ".join(SOURCES)}
        )
    measure = values["measure"]
    if start_date and not measure:
        raise RowProblem(_("measure is empty, but the row has a start_date"))
    if measure and not any_measure and measure.casefold() not in measures:
        raise RowProblem(
            _("measure %(value)r is not a measure of the organisation") % {"value": measure}
        )
    if start_date and start_date < referral_date:
        raise RowProblem(
            _("start_date %(start)s is before referral_date %(referral)s")
            % {"start": start_date, "referral": referral_date}
        )
    if exit_date and exit_date < (start_date or referral_date):
        before = "start_date" if start_date else "referral_date"
        raise RowProblem(
            _("exit_date %(exit)s is before %(column)s %(date)s")
            % {"exit": exit_date, "column": before, "date": start_date or referral_date}
        )
    outcome_text = values["exit_outcome"]
    if exit_date and not outcome_text:
        raise RowProblem(_("exit_outcome is empty, but the row has an exit_date"))
    if outcome_text and not exit_date:
        raise RowProblem(_("exit_outcome is given, but exit_date is empty"))
    exit_outcome = _outcome("exit_outcome", outcome_text) if outcome_text else None
    follow_ups = []
    for months, column in FOLLOW_UP_COLUMNS.items():
        text = values.get(column, "")
        if not text:
            continue
        if not exit_date:
            raise RowProblem(_("%(column)s is given, but exit_date is empty") % {"column": column})
        due_on = add_months(exit_date, months)
        if due_on > today:
            raise RowProblem(
                _("%(column)s is given, but the follow-up is not due until %(date)s")
                % {"column": column, "date": due_on}
            )
        if text.lower() in (NOT_REACHED, "unknown.not_reached"):
            follow_ups.append(FollowUpValue(months, due_on, reached=False, outcome=None))
        else:
            outcome = _outcome(column, text)
            follow_ups.append(FollowUpValue(months, due_on, reached=True, outcome=outcome))
    canonical = "\x1f".join(_canonical(values, c) for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    return HistoryRow(
        line=line,
        person_ref=person_ref,
        birth_date=birth_date,
        referral_date=referral_date,
        source=source,
        measure=measure,
        start_date=start_date,
        exit_date=exit_date,
        exit_outcome=exit_outcome,
        follow_ups=tuple(follow_ups),
        digest=hashlib.sha256(canonical.encode()).hexdigest(),
    )


def check_rows(
    rows, *, today: datetime.date, measures: set[str], any_measure: bool = False
) -> tuple[list[HistoryRow], list[RowError]]:
    """Every row checked; `measures` are the organisation's names, casefolded.

    A measure not in `measures` is an error, unless `any_measure` (the import may create
    the measures it does not find). `rows` is read once, as it comes: only the checked
    rows are kept.
    """
    good: list[HistoryRow] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    for line, values in rows:
        try:
            row = _check(line, values, today, measures, any_measure)
        except RowProblem as problem:
            errors.append(RowError(line, str(problem)))
            continue
        key = row.person_ref
        if key in first_line:
            errors.append(
                RowError(
                    line,
                    _("person_ref %(value)r is already on line %(line)s")
                    % {"value": row.person_ref, "line": first_line[key]},
                )
            )
            continue
        first_line[key] = line
        good.append(row)
    return good, errors
