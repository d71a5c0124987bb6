"""Runs of the history import: written in short transactions, shown only when complete.

SQLite lets one connection write at a time, and every page that shows personal data
writes an access-log row, so an import written in one transaction makes every page wait
for the whole import (5.7 s behind 20,000 rows; a 100,000-row import outlasted the 20 s
busy timeout and the pages failed). A run therefore writes its checked rows in chunks of
`CHUNK` rows, each chunk its own short transaction, and every case it writes is tied to
the run through its ImportedCase row. Until the run is marked complete (one short
transaction at the end) its people, cases and events are hidden from every reader:
`hidden_case_ids` and `hidden_person_ids` below, which the doors to people and cases
leave out (registered in losen/people/holds.py by this app's config), and the same
look-up in the results (losen/reports/milestones.py).

All or nothing still holds: a run that fails is undone by `do_discard_run`, which deletes
what the run wrote, children before parents, a chunk at a time (short transactions
again). A run left `running` by a crash (no sign of life for ABANDONED_AFTER) is hidden
all the same, and discarded by the next import into its organisation or by
`losen clean-up-imports`.

Between chunks the import pauses a little on SQLite (losen.lib.bulk.let_waiting_writers_in):
without it the import takes the lock again before a waiting page's busy handler wakes.
The same code path serves PostgreSQL, where one long transaction would not block pages:
there the chunks cost next to nothing and there is no pause, and one path is one thing
to test.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from losen.accounts.models import Organisation
from losen.audit.actions import do_forget_undone_import
from losen.cases.models import Case, CaseEvent, Referral
from losen.imports.models import HistoryImport, ImportedCase
from losen.outcomes.models import ExitOutcome, FollowUp
from losen.people.models import Follow, Person
from losen.programs.models import Enrolment, Measure

# Cases per write transaction: about 0.2 s of holding SQLite's write lock (each case is
# some ten rows: person, follow, case, referral, enrolment, events, exit, follow-ups).
CHUNK = 1000
# A running import touches its run after every chunk; one silent for this long is dead.
ABANDONED_AFTER = datetime.timedelta(minutes=15)


def any_incomplete() -> bool:
    """Whether some run is not complete (one indexed look-up: the usual answer is no)."""
    return HistoryImport.objects.exclude(state=HistoryImport.State.COMPLETE).exists()


def _incomplete_rows():
    return ImportedCase.objects.filter(run__isnull=False).exclude(
        run__state=HistoryImport.State.COMPLETE
    )


def hidden_case_ids():
    """The cases of runs that are not complete (a subquery), or None when there are none."""
    if not any_incomplete():
        return None
    return _incomplete_rows().values("case_id")


def hidden_person_ids():
    """The people of runs that are not complete (a subquery), or None when there are none."""
    if not any_incomplete():
        return None
    return _incomplete_rows().values("person_id")


def do_start_run(organisation: Organisation, file_name: str) -> HistoryImport:
    """Discard the organisation's abandoned runs, then start a new one.

    A run still alive in the same organisation refuses the new one (the caller turns
    ValueError into a message): two runs at once could both take the same person_ref.
    """
    do_clean_up_abandoned(organisation=organisation)
    with transaction.atomic():
        # Organisation row lock on PostgreSQL; on SQLite the write lock serialises this.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if HistoryImport.objects.filter(
            organisation=organisation, state=HistoryImport.State.RUNNING
        ).exists():
            raise RunBusy
        return HistoryImport.objects.create(organisation=organisation, file_name=file_name[:255])


class RunBusy(Exception):
    """Another import into the organisation is running."""


def do_note_alive(run: HistoryImport) -> None:
    run.alive_at = timezone.now()
    run.save(update_fields=["alive_at"])


def do_complete_run(run: HistoryImport) -> None:
    """The short transaction that shows the whole run at once."""
    run.state = HistoryImport.State.COMPLETE
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "finished_at"])


def do_discard_run(run: HistoryImport) -> None:
    """Delete everything the run wrote, a chunk of cases per transaction.

    The rows are invisible until the run is complete, so nobody can have attached
    anything to them (no access log, no note); what the run wrote is all there is.
    """
    with transaction.atomic():
        HistoryImport.objects.filter(pk=run.pk).update(state=HistoryImport.State.FAILED)
    run.state = HistoryImport.State.FAILED
    while True:
        chunk = list(
            ImportedCase.objects.filter(run=run)
            .order_by("pk")
            .values_list("pk", "case_id", "person_id")[:CHUNK]
        )
        if not chunk:
            break
        row_ids = [row[0] for row in chunk]
        cases = [row[1] for row in chunk]
        people = [row[2] for row in chunk]
        with transaction.atomic():
            _delete_cases(row_ids, cases, people)
    with transaction.atomic():
        for measure_id in run.created_measure_ids:
            if not Enrolment.objects.filter(measure_id=measure_id).exists():
                Measure.objects.filter(pk=measure_id).delete()
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])


def _delete_cases(row_ids: list[int], cases: list[int], people: list[int]) -> None:
    FollowUp.objects.filter(case_id__in=cases).delete()
    ExitOutcome.objects.filter(case_id__in=cases).delete()
    # Events of an import that never took place: removing them rewrites no history.
    CaseEvent.objects.filter(case_id__in=cases).order_by().purge()
    Enrolment.objects.filter(case_id__in=cases).delete()
    Referral.objects.filter(case_id__in=cases).delete()
    do_forget_undone_import(action="import_history_case", model=Case, object_ids=cases)
    ImportedCase.objects.filter(pk__in=row_ids).delete()
    Follow.objects.filter(person_id__in=people).delete()
    Case.objects.filter(pk__in=cases).delete()
    Person.objects.filter(pk__in=people).delete()


def abandoned_runs(organisation: Organisation | None = None):
    runs = HistoryImport.objects.filter(
        state__in=[HistoryImport.State.RUNNING, HistoryImport.State.FAILED],
    ).exclude(state=HistoryImport.State.RUNNING, alive_at__gt=timezone.now() - ABANDONED_AFTER)
    # A failed run whose undoing finished is done with; one that crashed while being
    # undone (no finished_at) is taken up again.
    runs = runs.exclude(state=HistoryImport.State.FAILED, finished_at__isnull=False)
    if organisation is not None:
        runs = runs.filter(organisation=organisation)
    return runs


def do_clean_up_abandoned(organisation: Organisation | None = None) -> int:
    """Discard the runs a crash left behind; returns how many."""
    runs = list(abandoned_runs(organisation))
    for run in runs:
        do_discard_run(run)
    return len(runs)
