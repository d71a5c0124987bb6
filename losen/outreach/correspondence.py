"""What outreach letters and SMS say, who they go to, and what must be known first.

Every letter and SMS carries a number to call back: the team's (``Team.phone``), so
that the young person or a guardian can answer without replying to an unknown number.
A message to a guardian is written for the guardian and names the young person it is
about. A letter needs a postal address; what is missing is said in words, before
anything is printed or sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from losen.outreach.models import TargetEntry
from losen.people.models import Guardian


@dataclass(frozen=True)
class Recipient:
    """The young person, or the guardian a message to a guardian goes to."""

    to_guardian: bool
    guardian: Guardian | None = None

    @property
    def key(self) -> str:
        return "guardian" if self.to_guardian else "youth"


def language_of(entry: TargetEntry) -> str:
    """Norwegian or Swedish: after the person's language, Swedish for the KAA."""
    return "sv" if entry.person.preferred_language == "sv" or entry.scheme == "kaa" else "nb"


def callback_number(entry: TargetEntry) -> str:
    return entry.team.phone.strip()


def guardians_of(entry: TargetEntry) -> list[Guardian]:
    """The person's guardians, read once per page: later calls use the prefetched list."""
    prefetch_related_objects([entry.person], "guardians")
    return list(entry.person.guardians.all())


def sms_recipient(entry: TargetEntry, *, to_guardian: bool) -> Recipient:
    if not to_guardian:
        return Recipient(to_guardian=False)
    guardian = next((g for g in guardians_of(entry) if g.phone.strip()), None)
    return Recipient(to_guardian=True, guardian=guardian)


def letter_recipient(entry: TargetEntry, *, to_guardian: bool) -> Recipient:
    if not to_guardian:
        return Recipient(to_guardian=False)
    guardian = next((g for g in guardians_of(entry) if g.address.strip()), None)
    return Recipient(to_guardian=True, guardian=guardian)


def phone_of(entry: TargetEntry, recipient: Recipient) -> str:
    if recipient.to_guardian:
        return recipient.guardian.phone if recipient.guardian else ""
    return entry.person.phone


NO_CALLBACK = _("a number to call back (the team's phone number, set by an administrator)")


def sms_missing(entry: TargetEntry, recipient: Recipient) -> list[str]:
    """What must be registered before this SMS can go, in words; [] when nothing."""
    missing = []
    if not phone_of(entry, recipient).strip():
        missing.append(
            _("a guardian with a phone number")
            if recipient.to_guardian
            else _("the young person's phone number")
        )
    if not callback_number(entry):
        missing.append(NO_CALLBACK)
    return [str(m) for m in missing]


def letter_missing(entry: TargetEntry, recipient: Recipient) -> list[str]:
    """What must be registered before this letter can be printed, in words."""
    missing = []
    if recipient.to_guardian:
        if recipient.guardian is None:
            missing.append(_("a guardian with an address"))
    else:
        person = entry.person
        if not person.address.strip():
            missing.append(_("the street address"))
        if not person.postal_code.strip():
            missing.append(_("the postal code"))
        if not person.city.strip():
            missing.append(_("the postal town"))
    if not callback_number(entry):
        missing.append(NO_CALLBACK)
    return [str(m) for m in missing]


def address_lines(entry: TargetEntry, recipient: Recipient) -> list[str]:
    """The letter's window: name and postal address of whom it goes to."""
    if recipient.to_guardian and recipient.guardian is not None:
        guardian = recipient.guardian
        parts = [part.strip() for part in guardian.address.replace("\n", ",").split(",")]
        return [guardian.name, *[part for part in parts if part]]
    person = entry.person
    return [person.full_name, person.address, f"{person.postal_code} {person.city}".strip()]


def sms_text(entry: TargetEntry, recipient: Recipient, *, sender) -> str:
    """The first-contact SMS, for the young person or for a guardian, with the number."""
    kind = "guardian" if recipient.to_guardian else "first_contact"
    return render_to_string(
        f"outreach/sms/{kind}.{language_of(entry)}.txt",
        {
            "person": entry.person,
            "guardian": recipient.guardian,
            "sender": sender,
            "team": entry.team,
            "callback": callback_number(entry),
        },
    ).strip()


def carries_number(text: str, number: str) -> bool:
    """Whether the text still holds the number, written with or without country code
    and spaces: its last eight digits, in a row, are in the text's digits."""
    wanted = "".join(c for c in number if c.isdigit())[-8:]
    return bool(wanted) and wanted in "".join(c for c in text if c.isdigit())
