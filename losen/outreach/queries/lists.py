"""Reads of the target lists: the lists, their members, who still needs the notice of rights."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import Http404

from losen.accounts.models import User
from losen.accounts.scope import scope_of
from losen.outreach.models import (
    ListImport,
    ListMembership,
    MembershipChange,
    Notice,
    TargetEntry,
)
from losen.outreach.queries.ladder import entries_visible_to, rights_recipients
from losen.people.queries import visible_to


def lists_visible_to(actor: User) -> QuerySet[ListImport]:
    scope = scope_of(actor)
    return ListImport.objects.filter(
        team_id__in=scope.casework_team_ids, state=ListImport.State.COMPLETE
    ).select_related("team", "imported_by")


def get_list_for(actor: User, list_id: int | str) -> ListImport:
    try:
        return lists_visible_to(actor).get(pk=int(list_id))
    except (ListImport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such list.") from None


def members_of(actor: User, list_import: ListImport, change: str) -> QuerySet[ListMembership]:
    return (
        ListMembership.objects.filter(
            list_import=list_import, change=change, person__in=visible_to(actor)
        )
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "id")
    )


def rights_information_due(
    actor: User, list_import: ListImport, day: datetime.date
) -> list[tuple[TargetEntry, list[str]]]:
    """The people still on a list (new on it or stayed) who have not had the information
    about rights, each with whom it is still to go to (the young person; a guardian under
    18 on `day`). Two queries, however long the list."""
    on_list = entries_visible_to(actor).filter(
        scheme=list_import.scheme,
        left_on__isnull=True,
        pk__in=ListMembership.objects.filter(
            list_import=list_import,
            change__in=[MembershipChange.NEW, MembershipChange.STAYED],
        ).values("entry_id"),
    )
    sent = set(
        Notice.objects.filter(
            entry__in=on_list.values("pk"), kind=Notice.Kind.RIGHTS_INFORMATION
        ).values_list("entry_id", "recipient")
    )
    due = []
    for entry in on_list.select_related("person").order_by("id"):
        missing = [r for r in rights_recipients(entry, day) if (entry.pk, r) not in sent]
        if missing:
            due.append((entry, missing))
    return due
