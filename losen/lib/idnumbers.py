"""Personal identity numbers for Norway and Sweden.

This is the single place in the project that knows how Norwegian
fødselsnummer / D-nummer / H-nummer and Swedish personnummer /
samordningsnummer are built. Everything here is a pure function: no models,
no database, and Django settings are only read at call time (and only when a
synthetic number needs the ``LOSEN_ALLOW_SYNTHETIC_IDS`` decision).

Gender is deliberately never derived or exposed, even though the older
numbers encode it. From 2032 the Norwegian numbers are gender neutral, and
this application has no business reading gender out of an identifier.

Sources the rules were checked against (read, not copied):

* Skatteetaten, "Nytt fødselsnummer fra 2032",
  https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/nytt-fodselsnummer-fra-2032/
  (weights for k1 and k2, the 0/1/2/3 remainder rule for k1, and the note that
  the individual number will no longer indicate the century).
* Skatteetaten, "Nye fødselsnummer og d-nummer fra 2032" (skatteetaten.no, deling /
  folkeregisteropplysninger / pid): the birth date is to be read from its own field in
  the population register, not from the number.
* UDI, "Mitt d-nummer stemmer ikke med fødselsdatoen min": when no D-number is free
  for a birth date, the registration date (day and month) is used instead, and the
  correct birth date is kept in the register. So a D-number's date may not be the
  birth date at all.
* Skatteetaten, "Test for konsumenter" (same site, /test-for-konsumenter/):
  synthetic numbers in the Tenor test population add 80 to the month, for
  both fødselsnummer and D-nummer, and keep the ordinary mod-11 check.
* NAV's synthetic test numbers, as made by NAV's test data generator: 40
  added to the month, and for synthetic D-numbers 40 added to the day as
  well. (No NAV specification was read for this; the rule is how those
  numbers are built.)
* 18 § folkbokföringslagen (1991:481) and Skatteverket's "Rättslig
  vägledning" on personnummer: Luhn (modulus 10, weights 2 and 1) check
  digit, and the hyphen being replaced by a plus sign "the year a person
  turns 100".
* Lag (2022:1697) om samordningsnummer, in force from 1 September 2023, the
  current legal basis of samordningsnummer (until then they were regulated
  in 18 a § folkbokföringslagen): the same shape and check digit as a
  personnummer, with 60 added to the day.
* 4 § förordningen (2006:39) om register och dokumentation vid fullgörandet
  av kommunernas aktivitetsansvar för ungdomar: the KAA register may hold
  a young person's personnummer or samordningsnummer, which is why both are
  accepted for Swedish people.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from stdnum import luhn

__all__ = [
    "IdKind",
    "IdentityNumber",
    "InvalidIdentityNumber",
    "mask_identity_number",
    "normalize_identity_number",
    "parse_identity_number",
]


class IdKind(StrEnum):
    FODSELSNUMMER = "fnr"
    D_NUMMER = "dnr"
    H_NUMMER = "hnr"
    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"


# Human messages. English msgids, translated through the normal gettext
# catalogues. They are written for case workers, not for developers.
_MESSAGES = {
    "empty": _("No identity number was given."),
    "characters": _(
        "The identity number may only contain digits "
        "(Swedish numbers may also have a - or + before the last four digits)."
    ),
    "length": _("The identity number has the wrong number of digits."),
    "checksum": _("The identity number is not valid (check digits do not match)."),
    "date": _("The date in the identity number is not a real date."),
    "future": _("The date in the identity number is in the future."),
    "synthetic_not_allowed": _("Synthetic test numbers are not allowed in this installation."),
    "country": _("Identity numbers from this country are not supported."),
}


class InvalidIdentityNumber(ValueError):
    """Raised when a personal identity number cannot be accepted.

    ``code`` is a stable machine code ("format", "checksum", "date",
    "synthetic_not_allowed", "country"); ``message`` is a lazily translated,
    human readable explanation.
    """

    def __init__(self, code: str, message=None):
        self.code = code
        self.message = message if message is not None else _MESSAGES.get(code, code)
        super().__init__(self.message)

    def __repr__(self) -> str:
        # Never evaluate the lazy message here: that would need configured
        # Django settings, and a repr must not fail.
        return f"InvalidIdentityNumber(code={self.code!r})"


def _error(code: str, message_key: str | None = None) -> InvalidIdentityNumber:
    return InvalidIdentityNumber(code, _MESSAGES[message_key or code])


# Coordination numbers (D-nummer, samordningsnummer): their date may be the day the
# number was registered rather than the birth date (see the UDI source above).
_COORDINATION_KINDS = frozenset({"dnr", "samordningsnummer"})


@dataclass(frozen=True, repr=False)
class IdentityNumber:
    """A valid number.

    ``birth_date`` is the date the number gives, or None when it gives none: a Norwegian
    number of the 2032 series (its check digits are valid only under the 2032 rule, so
    its individual number says nothing of the century), or a century the allocation
    table does not define. It is not the person's birth date: that is registered as a
    fact of its own (``Person.birth_date``), and for a coordination number it may differ
    from the number's date (``date_may_differ``).
    """

    country: str
    kind: str
    value: str
    birth_date: dt.date | None
    synthetic: bool

    @property
    def date_may_differ(self) -> bool:
        """True when the registered birth date may differ from the number's date."""
        return str(self.kind) in _COORDINATION_KINDS

    def masked(self) -> str:
        """The number with everything after the date part hidden."""
        return mask_identity_number(self.value)

    def __repr__(self) -> str:
        # The full number is personal data; keep it out of logs and tracebacks.
        return (
            f"IdentityNumber(country={self.country!r}, kind={str(self.kind)!r}, "
            f"value={self.masked()!r}, birth_date={self.birth_date!r}, "
            f"synthetic={self.synthetic!r})"
        )


# --------------------------------------------------------------------------
# Input handling shared by both countries
# --------------------------------------------------------------------------

# Only ASCII digits count: str.isdigit() and r"\d" also accept other scripts.
_DIGITS = re.compile(r"[0-9]+")
_NO_SHAPE = re.compile(r"[0-9]{11}")
_SE_SHAPE = re.compile(r"(?P<date>[0-9]{6}|[0-9]{8})(?P<sep>[-+]?)(?P<rest>[0-9]{4})")
_ALLOWED_CHARS = re.compile(r"[0-9+-]*")


def _clean(raw: object) -> str:
    """Remove all whitespace (including non-breaking spaces)."""
    if not isinstance(raw, str):
        raise _error("format", "empty" if raw is None else "characters")
    cleaned = "".join(raw.split())
    if not cleaned:
        raise _error("format", "empty")
    if not _ALLOWED_CHARS.fullmatch(cleaned):
        raise _error("format", "characters")
    return cleaned


def _detect_country(cleaned: str) -> str:
    if _NO_SHAPE.fullmatch(cleaned):
        return "NO"
    if _SE_SHAPE.fullmatch(cleaned):
        return "SE"
    if _DIGITS.fullmatch(cleaned):
        raise _error("format", "length")
    raise _error("format", "characters")


def _synthetic_allowed(explicit: bool | None) -> bool:
    if explicit is not None:
        return explicit
    # Read at call time, never at import time. Outside a configured Django
    # process the safe answer is "no".
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return bool(getattr(settings, "LOSEN_ALLOW_SYNTHETIC_IDS", False))
    except ImproperlyConfigured:
        return False


def _leap_possible(yy: int) -> bool:
    # With only two digits of the year we cannot know the century. Every year
    # with yy % 4 == 0 is a leap year in at least one of the candidate
    # centuries (00 -> 2000), so 29 February is accepted for those.
    return yy % 4 == 0


def _day_month_exists(day: int, month: int, yy: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        return _leap_possible(yy)
    # 2001 is not a leap year, so this gives 28 days for February.
    try:
        dt.date(2001, month, day)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------
# Norway
# --------------------------------------------------------------------------

# Weights from Skatteetaten. The trailing 1 multiplies the check digit itself,
# so a number is valid when the weighted sum modulo 11 is an accepted
# remainder (this is the same as computing k = 11 - (sum mod 11)).
_NO_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
_NO_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)

# Before 2032 only remainder 0 was used for k1. Numbers issued from
# 1 January 2032 may have remainder 0, 1, 2 or 3 for k1 (Skatteetaten:
# "k1 = {11,12,13,14} - (sum MOD 11)", with results above 10 reduced by 11 and
# 10 rejected, which is exactly "(sum + k1) MOD 11 in {0, 1, 2, 3}").
# Both series must be accepted side by side. k2 is unchanged: remainder 0.
_NO_K1_ACCEPTED_REMAINDERS = frozenset({0, 1, 2, 3})


def _weighted_mod11(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 11


def _no_check_digits_ok(digits: list[int]) -> bool:
    k1_remainder = _weighted_mod11(digits[:10], _NO_K1_WEIGHTS)
    k2_remainder = _weighted_mod11(digits, _NO_K2_WEIGHTS)
    return k1_remainder in _NO_K1_ACCEPTED_REMAINDERS and k2_remainder == 0


def _no_2032_series(digits: list[int]) -> bool:
    """Valid only under the 2032 rule (k1 remainder 1-3): issued from 1 January 2032.

    Such a number's individual number says nothing of the century (Skatteetaten), so no
    birth year can be read from it. A number with remainder 0 may be of either series;
    it is read with the old allocation table, as nothing else is known.
    """
    return _weighted_mod11(digits[:10], _NO_K1_WEIGHTS) != 0


def _no_century(individual: int, yy: int) -> int | None:
    """Century of birth from the individual number (pre-2032 allocation).

    000-499: 1900-1999
    500-749 with year 54-99: 1854-1899
    500-999 with year 00-39: 2000-2039
    900-999 with year 40-99: 1940-1999
    Anything else has no defined century (500-749 with 40-53, 750-899 with
    40-99). Skatteetaten has said the individual number will no longer tell
    the century for numbers issued from 2032, so the result is a best guess,
    and ``None`` means "unknown", not "invalid".
    """
    if individual <= 499:
        return 1900
    if individual <= 749 and yy >= 54:
        return 1800
    if yy <= 39:
        return 2000
    if individual >= 900:
        return 1900
    return None


def _parse_no(cleaned: str, *, allow_synthetic: bool | None, today: dt.date) -> IdentityNumber:
    if not _NO_SHAPE.fullmatch(cleaned):
        if _DIGITS.fullmatch(cleaned):
            raise _error("format", "length")
        raise _error("format", "characters")

    digits = [int(c) for c in cleaned]
    if not _no_check_digits_ok(digits):
        raise _error("checksum")

    day = int(cleaned[0:2])
    month = int(cleaned[2:4])
    yy = int(cleaned[4:6])
    individual = int(cleaned[6:9])

    kind = IdKind.FODSELSNUMMER
    synthetic = False

    # D-nummer: 40 added to the day (first digit 4-7).
    if 41 <= day <= 71:
        day -= 40
        kind = IdKind.D_NUMMER

    # Month offsets.
    # +40: H-nummer (assigned by health services). NAV's synthetic test
    #      numbers also add 40 to the month; on an ordinary day the two cannot
    #      be told apart from the number alone, so such a number is treated as
    #      an H-nummer and always accepted.
    #      Day + 40 and month + 40 together is read as one of NAV's synthetic
    #      numbers (NAV's test data generator adds 40 to the day as for a
    #      D-nummer and 40 to the month as for an H-nummer). It is synthetic
    #      like the Test-Norge numbers, reported as a D-nummer, and its date
    #      is read with both offsets removed.
    # +80: synthetic number from Skatteetaten's test population (Tenor,
    #      "Test-Norge"), for both fødselsnummer and D-nummer. Only accepted
    #      when the installation allows synthetic numbers.
    if 41 <= month <= 52:
        month -= 40
        if kind is IdKind.FODSELSNUMMER:
            kind = IdKind.H_NUMMER
        else:
            synthetic = True
    elif 81 <= month <= 92:
        month -= 80
        synthetic = True

    if not _day_month_exists(day, month, yy):
        raise _error("date")

    birth_date: dt.date | None = None
    # A number of the 2032 series gives no century: never guess one.
    century = None if _no_2032_series(digits) else _no_century(individual, yy)
    if century is not None:
        try:
            birth_date = dt.date(century + yy, month, day)
        except ValueError:
            # e.g. 29 February 1900: the date exists in another century only.
            birth_date = None
        if birth_date is not None and birth_date > today:
            # The allocation table cannot be trusted for this number (see
            # _no_century); do not report a birth date we know is wrong.
            birth_date = None

    if synthetic and not _synthetic_allowed(allow_synthetic):
        raise _error("synthetic_not_allowed")

    return IdentityNumber(
        country="NO",
        kind=kind,
        value=cleaned,
        birth_date=birth_date,
        synthetic=synthetic,
    )


# --------------------------------------------------------------------------
# Sweden
# --------------------------------------------------------------------------


def _latest_year_ending_in(yy: int, not_after: int) -> int:
    """The latest year <= not_after whose last two digits are yy."""
    return not_after - ((not_after - yy) % 100)


def _parse_se(cleaned: str, *, today: dt.date) -> IdentityNumber:
    match = _SE_SHAPE.fullmatch(cleaned)
    if match is None:
        if _DIGITS.fullmatch(cleaned):
            raise _error("format", "length")
        raise _error("format", "characters")

    date_part = match["date"]
    separator = match["sep"]
    rest = match["rest"]
    if len(date_part) == 8 and separator == "+":
        # The plus sign replaces the century; together with a four-digit
        # year it is contradictory.
        raise _error("format", "characters")

    short = date_part[-6:] + rest  # the 10-digit form the check digit covers
    if luhn.checksum(short) != 0:
        raise _error("checksum")

    yy = int(short[0:2])
    month = int(short[2:4])
    day = int(short[4:6])

    kind = IdKind.PERSONNUMMER
    if 61 <= day <= 91:
        # Samordningsnummer: 60 added to the day (lag (2022:1697) om
        # samordningsnummer).
        day -= 60
        kind = IdKind.SAMORDNINGSNUMMER

    if not _day_month_exists(day, month, yy):
        raise _error("date")

    if len(date_part) == 8:
        year = int(date_part[0:4])
    elif separator == "+":
        # 18 § folkbokföringslagen: the hyphen is replaced by a plus sign the
        # (calendar) year the person turns 100. So the person was born in or
        # before today.year - 100.
        year = _latest_year_ending_in(yy, today.year - 100)
    else:
        # Hyphen or no separator: under 100, born on or before today.
        year = _latest_year_ending_in(yy, today.year)
        if (month, day) > (today.month, today.day) and year == today.year:
            year -= 100

    try:
        birth_date = dt.date(year, month, day)
    except ValueError:
        # 29 February in a year that turned out not to be a leap year.
        raise _error("date") from None
    if birth_date > today:
        raise _error("date", "future")

    return IdentityNumber(
        country="SE",
        kind=kind,
        value=f"{year:04d}{short[2:]}",
        birth_date=birth_date,
        # Skatteverket's test numbers are not marked in the number itself, so
        # nothing Swedish is reported as synthetic.
        synthetic=False,
    )


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def parse_identity_number(
    raw: str,
    *,
    country: str | None = None,
    allow_synthetic: bool | None = None,
    today: dt.date | None = None,
) -> IdentityNumber:
    """Validate and normalise a Norwegian or Swedish personal identity number.

    ``country`` is "NO" or "SE"; when None it is detected from the shape
    (11 digits: Norway; 10 or 12 digits with an optional - or +: Sweden).
    ``allow_synthetic`` None means: read ``settings.LOSEN_ALLOW_SYNTHETIC_IDS``
    (default False). ``today`` anchors century decisions for 10-digit Swedish
    numbers and the future-date checks; it defaults to the current date.

    Raises InvalidIdentityNumber.
    """
    cleaned = _clean(raw)
    if today is None:
        today = dt.date.today()

    country = _detect_country(cleaned) if country is None else str(country).strip().upper()

    if country == "NO":
        return _parse_no(cleaned, allow_synthetic=allow_synthetic, today=today)
    if country == "SE":
        return _parse_se(cleaned, today=today)
    raise _error("country")


def normalize_identity_number(raw: str, **kwargs) -> str:
    """Convenience wrapper: the normalised value of a valid number."""
    return parse_identity_number(raw, **kwargs).value


def mask_identity_number(value: str) -> str:
    """Mask an already normalised identity number.

    Norway (11 digits): "DDMMYY*****". Sweden (12 digits): "YYYYMMDD-****"
    (a 10-digit Swedish value gives "YYMMDD-****"). Anything unexpected is
    masked completely rather than risk showing part of an individual number.
    """
    if not isinstance(value, str):
        return ""
    cleaned = "".join(value.split())
    if not _DIGITS.fullmatch(cleaned):
        return "*" * len(cleaned)
    if len(cleaned) == 11:
        return cleaned[:6] + "*" * 5
    if len(cleaned) == 12:
        return cleaned[:8] + "-****"
    if len(cleaned) == 10:
        return cleaned[:6] + "-****"
    return "*" * len(cleaned)
