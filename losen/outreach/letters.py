"""Letters to people on a list: a PDF with a neutral sender (never the municipality's).

The envelope and the letter must not tell a neighbour or a family member that the
municipality's follow-up is writing: the sender is the ladder setting's neutral sender
(LadderConfig.letter_sender), by default the team's name, and the letter says nothing of
lists or registers on the outside. Norwegian or Swedish after the person's language.
What a letter needs before it can be printed (an address, a number to call back) is in
correspondence.py.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from losen.lib.exporters import Exporter, pdf_response
from losen.outreach import correspondence
from losen.outreach.ladder import ladder_for
from losen.outreach.models import TargetEntry


class Letter(Exporter):
    def __init__(self, entry: TargetEntry, sender_user, *, to_guardian: bool = False):
        self.entry = entry
        self.sender_user = sender_user
        self.to_guardian = to_guardian
        self.title = entry.team.name
        self.filename = f"brev-{entry.pk}"

    def header(self) -> list[str]:
        return []

    def rows(self):
        return []


class CannotPrint(Exception):
    """The letter lacks what it needs; `missing` says what, in words."""

    def __init__(self, missing: list[str]):
        super().__init__(", ".join(missing))
        self.missing = missing


def letter_response(entry: TargetEntry, sender_user, *, to_guardian: bool = False) -> HttpResponse:
    recipient = correspondence.letter_recipient(entry, to_guardian=to_guardian)
    missing = correspondence.letter_missing(entry, recipient)
    if missing:
        raise CannotPrint(missing)
    ladder = ladder_for(entry.organisation_id, entry.scheme)
    language = correspondence.language_of(entry)
    return pdf_response(
        Letter(entry, sender_user, to_guardian=to_guardian),
        template=f"outreach/letter.{language}.pdf.html",
        context={
            "entry": entry,
            "person": entry.person,
            "guardian": recipient.guardian,
            "address_lines": correspondence.address_lines(entry, recipient),
            "sender_name": ladder.letter_sender or entry.team.name,
            "coordinator": sender_user,
            "callback": correspondence.callback_number(entry),
            "today": timezone.localdate(),
        },
    )
