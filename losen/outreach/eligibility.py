"""Who is in a target group on a given day: versioned rules read from data files.

The rules live in ``losen/outreach/rules/<scheme>.json`` (``kaa.json`` for the Swedish
municipal activity duty, ``ot.json`` for the Norwegian follow-up service), not in code.
Each file holds a list of versions, each valid from a date (and to a date, or open): a
change in the law is a new version with a later ``valid_from``, so a day in the past is
always judged by the rules of that day. A version says:

``age``                       ``basis`` "birthday" (the age on the day) or "year" (the age
                              the person turns in the day's calendar year), ``min`` and
                              ``max`` inclusive (``null``: no bound)
``excluded_school_statuses``  list statuses outside the group (introduction programmes in
                              KAA from 2018-07-01)
``age_leave_reason``          the reason recorded when the age rule takes a person out
``rights_information``        whether everyone on the list is sent information about their
                              rights (and a guardian under 18): OT

The contact ladder's defaults are in ``rules/ladder.json`` (see ladder.py).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from losen.people.models import age_on

RULES_DIR = Path(__file__).resolve().parent / "rules"
SCHEMES = ("kaa", "ot")


class RuleError(Exception):
    """A rules file is missing, malformed, or has no version for a day."""


class NoRuleOn(RuleError):
    """No version of the scheme's rules covers the day."""


@dataclass(frozen=True)
class RuleVersion:
    scheme: str
    version: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    age_basis: str
    min_age: int | None
    max_age: int | None
    excluded_school_statuses: frozenset[str]
    age_leave_reason: str
    rights_information: bool

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def age(self, birth_date: datetime.date, day: datetime.date) -> int:
        if self.age_basis == "year":
            return day.year - birth_date.year
        return age_on(birth_date, day)

    def age_eligible(self, birth_date: datetime.date, day: datetime.date) -> bool:
        age = self.age(birth_date, day)
        if self.min_age is not None and age < self.min_age:
            return False
        return self.max_age is None or age <= self.max_age

    def birth_date_range(
        self, day: datetime.date
    ) -> tuple[datetime.date | None, datetime.date | None]:
        """(earliest, latest) birth date inside the age window on `day`, both inclusive."""
        if self.age_basis == "year":
            earliest = (
                datetime.date(day.year - self.max_age, 1, 1) if self.max_age is not None else None
            )
            latest = (
                datetime.date(day.year - self.min_age, 12, 31) if self.min_age is not None else None
            )
            return earliest, latest
        earliest = latest = None
        if self.max_age is not None:
            # Under max + 1 on the day: born after the same day max + 1 years before.
            earliest = _same_day_years_before(day, self.max_age + 1) + datetime.timedelta(days=1)
        if self.min_age is not None:
            latest = _same_day_years_before(day, self.min_age)
        return earliest, latest


def _same_day_years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February becomes 28 February (see age_on)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


@lru_cache(maxsize=8)
def versions(scheme: str) -> tuple[RuleVersion, ...]:
    if scheme not in SCHEMES:
        raise RuleError(f"unknown scheme {scheme!r}")
    path = RULES_DIR / f"{scheme}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = tuple(
            RuleVersion(
                scheme=scheme,
                version=str(v["version"]),
                valid_from=_date(v["valid_from"]),  # type: ignore[arg-type]
                valid_to=_date(v.get("valid_to")),
                age_basis=v["age"]["basis"],
                min_age=v["age"].get("min"),
                max_age=v["age"].get("max"),
                excluded_school_statuses=frozenset(v.get("excluded_school_statuses", [])),
                age_leave_reason=v.get("age_leave_reason", "age_window"),
                rights_information=bool(v.get("rights_information", False)),
            )
            for v in data["versions"]
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RuleError(f"{path.name}: {exc}") from exc
    ordered = tuple(sorted(found, key=lambda v: v.valid_from))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.valid_to is None or before.valid_to >= after.valid_from:
            raise RuleError(f"{path.name}: version {before.version} overlaps {after.version}")
    for version in ordered:
        if version.age_basis not in ("birthday", "year"):
            raise RuleError(f"{path.name}: age basis {version.age_basis!r}")
    return ordered


@lru_cache(maxsize=8)
def description(scheme: str) -> dict:
    """The file's name, law, country and notes (for the README and the pages)."""
    data = json.loads((RULES_DIR / f"{scheme}.json").read_text(encoding="utf-8"))
    return {k: data[k] for k in ("name", "law", "country", "identity_number_kinds", "notes")}


def rule_on(scheme: str, day: datetime.date) -> RuleVersion:
    for version in versions(scheme):
        if version.covers(day):
            return version
    raise NoRuleOn(f"no {scheme} rule covers {day}")


def is_eligible(
    scheme: str, birth_date: datetime.date, day: datetime.date, school_status: str = ""
) -> bool:
    rule = rule_on(scheme, day)
    if school_status and school_status in rule.excluded_school_statuses:
        return False
    return rule.age_eligible(birth_date, day)


@lru_cache(maxsize=65536)
def ineligibility_reason(
    scheme: str, birth_date: datetime.date, day: datetime.date, school_status: str = ""
) -> str:
    """Why a listed person is outside the group on `day` ("" when inside)."""
    rule = rule_on(scheme, day)
    if not rule.age_eligible(birth_date, day):
        return rule.age_leave_reason
    if school_status and school_status in rule.excluded_school_statuses:
        return "introduction_programme"
    return ""


def age_window_ended_on(
    scheme: str, birth_date: datetime.date, after: datetime.date, until: datetime.date
) -> datetime.date | None:
    """The first day in (after, until] on which the age rule puts the person outside.

    Candidates are the days the answer can change on: birthdays, New Year's days, and
    the days a new rule version starts. None when the person is inside all along.
    """
    candidates = {until}
    for year in range(after.year, until.year + 1):
        candidates.add(datetime.date(year, 1, 1))
        try:
            candidates.add(birth_date.replace(year=year))
        except ValueError:
            candidates.add(datetime.date(year, 3, 1))
    candidates |= {v.valid_from for v in versions(scheme)}
    for day in sorted(c for c in candidates if after < c <= until):
        if not rule_on(scheme, day).age_eligible(birth_date, day):
            return day
    return None
