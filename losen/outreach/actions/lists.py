"""Target lists imported and discarded (the checks and the writer are in importer.py and
listfile.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.accounts.models import Organisation, Team, User
from losen.audit.actions import do_forget_undone_import
from losen.outreach import eligibility, listfile
from losen.outreach.importer import (
    CHUNK,
    ImportRefused,
    ListSummary,
    ListWriter,
    abandoned_lists,
    check_file,
)
from losen.outreach.models import (
    ListImport,
    ListMembership,
    PendingPerson,
    StatusChange,
    TargetEntry,
)
from losen.people.models import Follow, Person


def do_import_list(
    actor: User,
    name: str,
    stream: IO[bytes],
    *,
    organisation: Organisation,
    team: Team,
    scheme: str,
    received_on: datetime.date,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = CHUNK,
) -> ListSummary:
    """Import a target list, all or nothing (see losen/outreach/importer.py).

    A chunk of rows per transaction, the list hidden until the last one shows it.

    Everything written before the last transaction is new (the list, its entries
    and rows, the people it registers) and hidden while the list is not complete;
    what changes rows of earlier lists (entries that leave) waits for the last
    transaction. An import that fails on the way is undone (`do_discard_list`).
    """
    today = timezone.localdate()
    if received_on > today:
        raise ImportRefused(_("The date the list was received cannot be in the future."))
    if team.organisation_id != organisation.pk:
        raise ImportRefused(
            _("%(team)s is not a team of %(organisation)s.")
            % {"team": team.name, "organisation": organisation.name}
        )
    if listfile.SCHEME_COUNTRY[scheme] != organisation.country:
        raise ImportRefused(
            _("%(organisation)s is not in %(country)s: a %(scheme)s list does not belong there.")
            % {
                "organisation": organisation.name,
                "country": listfile.SCHEME_COUNTRY[scheme],
                "scheme": scheme.upper(),
            }
        )
    try:
        eligibility.rule_on(scheme, received_on)
    except eligibility.NoRuleOn:
        raise ImportRefused(
            _("No %(scheme)s rules cover lists received on %(date)s.")
            % {"scheme": scheme.upper(), "date": received_on}
        ) from None
    except eligibility.RuleError as error:
        raise ImportRefused(str(error)) from None
    rows = check_file(name, stream, scheme=scheme, today=today)
    do_clean_up_abandoned(organisation=organisation)
    summary = ListSummary(rows=len(rows))
    list_digest = listfile.digest(rows)
    complete = ListImport.objects.filter(state=ListImport.State.COMPLETE)
    same = complete.filter(
        organisation=organisation, scheme=scheme, received_on=received_on, digest=list_digest
    ).first()
    if same is not None:
        summary.already_imported = True
        summary.list_import_id = same.pk
        return summary
    later = (
        complete.filter(organisation=organisation, scheme=scheme)
        .order_by("-received_on")
        .values_list("received_on", flat=True)
        .first()
    )
    if later is not None and later > received_on:
        raise ImportRefused(
            _(
                "A list received on %(date)s has been imported already; "
                "an earlier list cannot be imported after it."
            )
            % {"date": later}
        )
    writer = ListWriter(actor, organisation, team, scheme, received_on, summary, chunk)
    list_import = writer.start(name, rows, list_digest)
    try:
        writer.write_rows(list_import, rows, progress)
    except BaseException:
        do_discard_list(list_import)
        raise
    return summary


def do_clean_up_abandoned(organisation: Organisation | None = None) -> int:
    """Undo the list imports a crash left half written; returns how many."""
    lists = list(abandoned_lists(organisation))
    for list_import in lists:
        do_discard_list(list_import)
    return len(lists)


def do_discard_list(list_import: ListImport) -> None:
    """Delete everything an import that never completed wrote, a chunk per transaction.

    Its entries, rows and people were hidden all along, so nothing else refers to them;
    entries of earlier lists were not touched (they change only as the list completes).
    """
    ListImport.objects.filter(pk=list_import.pk).update(state=ListImport.State.FAILED)
    while entries := list(
        TargetEntry.objects.filter(list_import=list_import).values_list("pk", flat=True)[:CHUNK]
    ):
        with transaction.atomic():
            StatusChange.objects.filter(entry_id__in=entries).delete()
            ListMembership.objects.filter(entry_id__in=entries).delete()
            TargetEntry.objects.filter(pk__in=entries).delete()
    while people := list(
        PendingPerson.objects.filter(list_import=list_import).values_list("person_id", flat=True)[
            :CHUNK
        ]
    ):
        with transaction.atomic():
            do_forget_undone_import(
                action="person.registered_from_list", model=Person, object_ids=people
            )
            ListMembership.objects.filter(person_id__in=people, list_import=list_import).delete()
            Follow.objects.filter(person_id__in=people).delete()
            PendingPerson.objects.filter(person_id__in=people).delete()
            Person.objects.filter(pk__in=people).delete()
    while members := list(
        ListMembership.objects.filter(list_import=list_import).values_list("pk", flat=True)[:CHUNK]
    ):
        with transaction.atomic():
            ListMembership.objects.filter(pk__in=members).delete()
    ListImport.objects.filter(pk=list_import.pk).delete()
