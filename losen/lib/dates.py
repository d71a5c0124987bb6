"""Date arithmetic the chain needs in several places."""

from __future__ import annotations

import calendar
import datetime
import re

# The ways a date is written in the files Losen imports: ISO (also the Swedish way) and
# the Norwegian day.month.year. A two-digit year is never accepted: its century is a guess.
_ISO = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})")
_DOTTED = re.compile(r"(?P<day>[0-9]{1,2})\.(?P<month>[0-9]{1,2})\.(?P<year>[0-9]{4})")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's last day (31 Aug + 6 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def parse_written_date(text: str) -> datetime.date:
    """A date as a file writes it: YYYY-MM-DD or DD.MM.YYYY (D.M.YYYY too).

    A spreadsheet saved as CSV may add a time to an ISO date ("2024-03-01 00:00:00");
    it is dropped. Raises ValueError for anything else, or a day that does not exist.
    """
    text = text.strip()
    if len(text) > 10 and text[10] in " T" and _ISO.fullmatch(text[:10]):
        text = text[:10]
    match = _ISO.fullmatch(text) or _DOTTED.fullmatch(text)
    if match is None:
        raise ValueError(text)
    return datetime.date(int(match["year"]), int(match["month"]), int(match["day"]))
