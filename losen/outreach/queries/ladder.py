"""Reads of the contact ladder: the entries of the actor's teams, one entry, its statuses."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import Http404

from losen.accounts.models import User
from losen.accounts.scope import scope_of
from losen.audit.models import Purpose
from losen.outreach.models import (
    Notice,
    StatusChange,
    TargetEntry,
)
from losen.people.models import age_on
from losen.people.queries import get_person_for, visible_to


def entries_visible_to(actor: User) -> QuerySet[TargetEntry]:
    scope = scope_of(actor)
    if not scope.casework_team_ids:
        return TargetEntry.objects.none()
    return TargetEntry.objects.shown().filter(
        team_id__in=scope.casework_team_ids, person__in=visible_to(actor)
    )


def get_entry_for(
    actor: User, entry_id: int | str, purpose: Purpose | str = Purpose.FOLLOW_UP
) -> TargetEntry:
    try:
        entry = (
            entries_visible_to(actor)
            .select_related("team", "assigned_to", "organisation", "case")
            .get(pk=int(entry_id))
        )
    except (TargetEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("No such entry.") from None
    entry.person = get_person_for(actor, entry.person_id, purpose, what="outreach")
    return entry


def rights_recipients(entry: TargetEntry, day: datetime.date) -> list[str]:
    """Who gets the information about rights: the young person, and a guardian under 18."""
    recipients = [Notice.Recipient.YOUTH.value]
    if age_on(entry.person.birth_date, day) < 18:
        recipients.append(Notice.Recipient.GUARDIAN.value)
    return recipients


def status_history(entry: TargetEntry) -> QuerySet[StatusChange]:
    return entry.statuses.select_related("recorded_by").order_by("effective_on", "recorded_at")
