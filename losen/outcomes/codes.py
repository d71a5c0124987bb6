"""The exit outcome code list: fixed, versioned, with finer sub-codes under five top codes.

A stored outcome keeps the version of the list it was coded with, so a later version
can add or split codes without changing what earlier exits meant. Each sub-code maps to
Udir's OT status code for Norwegian reporting (Udir's "Kodeverk for oppfølgingstjenesten":
OTAR in work, OTEV pupil, OTLL apprentice, OTOA training or work practice run by the
county, OTAP work practice or other NAV measure, OTKO combined county and NAV measure,
OTIF non-formal training, OTOV under follow-up and guidance, OTNO declined follow-up,
OTUK unknown activity, OTFA_IM moved to another county, OTFU_IM moved abroad). Where OT
distinguishes more finely than the exit list (OTVF private upper secondary school, OTMI
military service, OTBA caring for a child, OTSY ill), the outcome list's sub-codes are the
coarser ones.

Version 2026.2 follows Udir's groups (udir.no, "Kodeverk for oppfølgingstjenesten", OT
status codes valid from 15 September 2011, updated April 2021): OTKO is only a combined
county and NAV measure, so "other organised activity" is OTIF (non-formal training, in
the group "Avklart"); "no activity" has no OT code of its own (OTOV is the follow-up OT
gives, not an activity), so it maps to none and OT sets the status by hand; "moved" is
split into another county (OTFA_IM) and abroad (OTFU_IM). Version 2026.1 is kept in
OT_CODES_2026_1 so exits coded with it read as they were coded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

CODE_LIST_VERSION = "2026.2"


@dataclass(frozen=True)
class OutcomeCode:
    code: str  # "work.full_time"
    label: object  # lazy translation
    ot_code: str  # Udir's OT status code; "" where no single OT code follows
    retired_in: str = ""  # the version from which the code is no longer offered

    @property
    def top(self) -> str:
        return self.code.split(".", 1)[0]


TOP_LEVEL = {
    "work": _("Work"),
    "education": _("Education"),
    "other_activity": _("Other activity"),
    "no_activity": _("No activity"),
    "unknown": _("Unknown"),
}

CODES: tuple[OutcomeCode, ...] = (
    OutcomeCode("work.full_time", _("Ordinary work, full time"), "OTAR"),
    OutcomeCode("work.part_time", _("Ordinary work, part time"), "OTAR"),
    OutcomeCode("work.supported", _("Work with support"), "OTAR"),
    OutcomeCode("education.upper_secondary", _("Upper secondary school"), "OTEV"),
    OutcomeCode("education.apprenticeship", _("Apprenticeship"), "OTLL"),
    OutcomeCode("education.adult_education", _("Adult education"), "OTOA"),
    OutcomeCode("education.folk_high_school", _("Folk high school"), "OTIF"),
    OutcomeCode("education.higher_education", _("Higher education"), "OTEV"),
    OutcomeCode("other_activity.nav_measure", _("NAV measure"), "OTAP"),
    OutcomeCode("other_activity.work_training", _("Work training"), "OTAP"),
    OutcomeCode("other_activity.organised_activity", _("Other organised activity"), "OTIF"),
    OutcomeCode("no_activity", _("No activity"), ""),
    OutcomeCode("unknown.moved", _("Moved"), "OTFA_IM", retired_in="2026.2"),
    OutcomeCode("unknown.moved_county", _("Moved to another county"), "OTFA_IM"),
    OutcomeCode("unknown.moved_abroad", _("Moved abroad"), "OTFU_IM"),
    OutcomeCode("unknown.not_reached", _("Not reached"), "OTUK"),
    OutcomeCode("unknown.declined", _("Declined follow-up"), "OTNO"),
)
BY_CODE = {c.code: c for c in CODES}

# What version 2026.1 mapped differently (every other code maps as in the current list).
OT_CODES_2026_1 = {
    "other_activity.organised_activity": "OTKO",
    "no_activity": "OTOV",
}
_OT_CODES_BY_VERSION = {"2026.1": OT_CODES_2026_1}


def ot_code(code: str, version: str = CODE_LIST_VERSION) -> str:
    """Udir's OT code of an exit outcome, as the version it was coded with mapped it."""
    return _OT_CODES_BY_VERSION.get(version, {}).get(code, BY_CODE[code].ot_code)


def choices() -> list[tuple[object, list[tuple[str, object]]]]:
    """Grouped choices for a select: top-level label, then its sub-codes."""
    return [
        (label, [(c.code, c.label) for c in CODES if c.top == top and not c.retired_in])
        for top, label in TOP_LEVEL.items()
    ]


def get(code: str) -> OutcomeCode:
    return BY_CODE[code]
