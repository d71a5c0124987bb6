"""Organisation numbers for Norway and Sweden.

* Norway: the 9-digit organisasjonsnummer from Enhetsregisteret
  (Brønnøysundregistrene), mod-11 check digit (stdnum.no.orgnr).
* Sweden: the 10-digit organisationsnummer, Luhn check digit
  (stdnum.se.orgnr). A 12-digit form with the prefix "16" (used by some
  registers to make organisation numbers the same length as personnummer)
  is accepted and reduced to 10 digits.

Pure functions only; no Django settings are read.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr

__all__ = ["InvalidOrganisationNumber", "normalize_organisation_number"]

_MESSAGES = {
    "empty": _("No organisation number was given."),
    "characters": _("The organisation number may only contain digits."),
    "length": _("The organisation number has the wrong number of digits."),
    "checksum": _("The organisation number is not valid (check digit does not match)."),
    "country": _("Organisation numbers from this country are not supported."),
}


class InvalidOrganisationNumber(ValueError):
    """Raised when an organisation number cannot be accepted.

    ``code`` is a stable machine code ("format", "checksum", "country");
    ``message`` is a lazily translated, human readable explanation.
    """

    def __init__(self, code: str, message=None):
        self.code = code
        self.message = message if message is not None else _MESSAGES.get(code, code)
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"InvalidOrganisationNumber(code={self.code!r})"


def _error(code: str, message_key: str | None = None) -> InvalidOrganisationNumber:
    return InvalidOrganisationNumber(code, _MESSAGES[message_key or code])


# Only ASCII digits: str.isdigit() and r"\d" also accept other scripts.
_DIGITS = re.compile(r"[0-9]+")

_RULES = {
    # country: (separators tolerated besides whitespace, length, stdnum module)
    "NO": ("", 9, no_orgnr),
    "SE": ("-", 10, se_orgnr),
}


def normalize_organisation_number(raw: str, country: str) -> str:
    """Validate an organisation number and return its digits only.

    ``country`` is "NO" (9 digits) or "SE" (10 digits). Whitespace is
    tolerated, and for Sweden the usual hyphen (NNNNNN-NNNN).
    Raises InvalidOrganisationNumber.
    """
    country_code = str(country or "").strip().upper()
    if country_code not in _RULES:
        raise _error("country")
    separators, length, module = _RULES[country_code]

    if not isinstance(raw, str):
        raise _error("format", "empty" if raw is None else "characters")
    cleaned = "".join(raw.split())
    if not cleaned:
        raise _error("format", "empty")
    for separator in separators:
        cleaned = cleaned.replace(separator, "")
    if not _DIGITS.fullmatch(cleaned):
        raise _error("format", "characters")

    if country_code == "SE" and len(cleaned) == 12 and cleaned.startswith("16"):
        cleaned = cleaned[2:]
    if len(cleaned) != length:
        raise _error("format", "length")

    try:
        module.validate(cleaned)
    except InvalidChecksum:
        raise _error("checksum") from None
    except ValidationError:
        raise _error("format", "characters") from None
    return cleaned
