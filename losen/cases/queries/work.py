"""Reads for the work inside a case: the door to journal notes.

A journal note is the case's team's: coordinators and team leads of the team read it,
nobody else (not even the organisation's administrator). A confidential note is read
only by its author, the case's contact person and the team leads of the team. Any other
note answers 404, exactly as if it did not exist, and opening one writes an access-log row.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from losen.accounts.models import User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_access
from losen.audit.models import Purpose
from losen.cases.models import Case, JournalNote


def _readable_notes(actor: User) -> QuerySet[JournalNote]:
    scope = scope_of(actor)
    if not scope.casework_team_ids:
        return JournalNote.objects.none()
    open_to_reader = (
        Q(confidential=False)
        | Q(author_id=actor.pk)
        | Q(case__contact_person_id=actor.pk)
        | Q(case__team_id__in=scope.lead_team_ids)
    )
    return JournalNote.objects.filter(case__team_id__in=scope.casework_team_ids).filter(
        open_to_reader
    )


def notes_visible_to(actor: User, case: Case) -> QuerySet[JournalNote]:
    """The case's journal notes the actor may read, newest first."""
    return _readable_notes(actor).filter(case=case).select_related("author")


def get_note_for(
    actor: User, note_id: int | str, purpose: Purpose | str = Purpose.FOLLOW_UP
) -> JournalNote:
    """The note, if the actor may read it; logs the read of its person. 404 otherwise."""
    try:
        note = (
            _readable_notes(actor)
            .select_related("case__team__organisation", "case__person", "author")
            .get(pk=int(note_id))
        )
    except (JournalNote.DoesNotExist, ValueError, TypeError):
        raise Http404("No such note.") from None
    team = note.case.team
    do_log_access(
        actor,
        person_id=note.case.person_id,
        person_organisation_id=note.organisation_id,
        purpose=purpose,
        team=team,
        organisation=team.organisation,
        what="journal_note",
    )
    return note
