"""The status codes of a person on a target list, versioned like the exit code list.

Norway: Udir's "Kodeverk for oppfølgingstjenesten" (OT status codes, valid from
15 September 2011, updated April 2021), in its five groups: unknown activity (OTUK, the
first code until contact is made with the young person), under follow-up (OTOV), in
activity, clarified ("Avklart", where OTIF belongs), and registered but outside the target
group (the _IM codes, and "Feil" for a registration by mistake, spelt as Udir spells it:
"5.5 Feil - Registrert i OT ved en feil"). Sweden: the occupation categories of the KAA
register (studies, work, a measure, no activity, unknown), which the half-yearly report to
Statistics Sweden counts.

A status change keeps the code list version it was recorded with.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

STATUS_LIST_VERSION = "2021.04"


@dataclass(frozen=True)
class Status:
    code: str
    label: object
    group: str

    @property
    def in_activity(self) -> bool:
        return self.group in ("activity",)


GROUPS = {
    "unknown": _("Unknown activity"),
    "follow_up": _("Under follow-up and guidance"),
    "activity": _("In activity"),
    "clarified": _("Clarified"),
    "outside": _("Registered, but outside the target group"),
}

OT_STATUSES: tuple[Status, ...] = (
    Status("OTUK", _("Unknown activity"), "unknown"),
    Status("OTOV", _("Follow-up and guidance"), "follow_up"),
    Status("OTOA", _("Training or work practice run by the county"), "activity"),
    Status("OTAP", _("Work practice or another NAV measure"), "activity"),
    Status("OTKO", _("Combined measure of the county (or municipality) and NAV"), "activity"),
    Status("OTAR", _("In work"), "activity"),
    Status("OTEV", _("Pupil"), "activity"),
    Status("OTVF", _("Pupil at a private upper secondary school"), "activity"),
    Status("OTLL", _("Apprentice, training candidate or certificate candidate"), "activity"),
    Status("OTNO", _("Declined follow-up"), "clarified"),
    Status("OTMI", _("In military service"), "clarified"),
    Status("OTBA", _("Caring for a child"), "clarified"),
    Status("OTSY", _("Ill or in an institution"), "clarified"),
    Status("OTIF", _("Non-formal training"), "clarified"),
    Status("ELGS_IM", _("Pupil in primary school, preventive work"), "outside"),
    Status("ELVG_IM", _("Pupil or apprentice, preventive work"), "outside"),
    Status("OTFA_IM", _("Moved to another county"), "outside"),
    Status("OTFU_IM", _("Moved abroad or staying abroad"), "outside"),
    Status("Feil", _("Registered by mistake"), "outside"),
    Status("OTAR_IM", _("In work (outside the target group)"), "outside"),
    Status("OTEV_IM", _("Pupil (outside the target group)"), "outside"),
    Status("OTVF_IM", _("Pupil at a private school (outside the target group)"), "outside"),
    Status("OTLL_IM", _("Apprentice (outside the target group)"), "outside"),
)

KAA_STATUSES: tuple[Status, ...] = (
    Status("studies", _("Studies"), "activity"),
    Status("work", _("Work"), "activity"),
    Status("measure", _("Measure"), "activity"),
    Status("no_activity", _("No activity"), "follow_up"),
    Status("unknown", _("Unknown"), "unknown"),
)

BY_SCHEME = {
    "ot": {s.code: s for s in OT_STATUSES},
    "kaa": {s.code: s for s in KAA_STATUSES},
}
# The first status of a person on a list, and the status contact turns it into (if the
# status is still the first one): OTUK until contact is made, then OTOV.
INITIAL = {"ot": "OTUK", "kaa": "unknown"}
ON_CONTACT = {"ot": "OTOV", "kaa": None}
ON_DECLINED = {"ot": "OTNO", "kaa": None}
# Contact is with the young person (Udir: OTUK stays "inntil oppfølgingstjenesten har
# etablert kontakt med ungdommen"): a guardian's answer counts only when the worker says so.
# Codes once written otherwise, read as the code they are now (FEIL was Losen's spelling).
ALIASES = {"ot": {"FEIL": "Feil"}, "kaa": {}}


def contact_with_young_person(to_guardian: bool, guardian_answer_counts: bool) -> bool:
    return not to_guardian or guardian_answer_counts


def canonical(scheme: str, code: str) -> str:
    """A stored code as the list writes it now (statuses are append-only, so never rewritten)."""
    return ALIASES[scheme].get(code, code)


def get(scheme: str, code: str) -> Status:
    return BY_SCHEME[scheme][canonical(scheme, code)]


def choices(scheme: str) -> list[tuple[str, object]]:
    statuses = OT_STATUSES if scheme == "ot" else KAA_STATUSES
    return [(s.code, f"{s.code} – {s.label}" if scheme == "ot" else s.label) for s in statuses]


def codes(scheme: str) -> list[str]:
    return list(BY_SCHEME[scheme])
