"""The history import writes a chunk at a time, shows nothing until it is complete, and an
import that stops half-way leaves nothing anyone sees, nor anything behind once undone."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from losen.audit.models import ChangeLog
from losen.cases.models import Case, CaseEvent, Referral
from losen.cases.queries.core import cases_visible_to
from losen.imports import runs
from losen.imports.history import ImportRefused, do_import_history, find_recorder
from losen.imports.models import HistoryImport, ImportedCase
from losen.outcomes.models import ExitOutcome, FollowUp
from losen.people.models import Follow, Person
from losen.people.queries import visible_to
from losen.programs.models import Enrolment, Measure
from losen.reports.milestones import case_milestones

pytestmark = pytest.mark.django_db

HEADER = (
    "person_ref,birth_date,referral_date,referral_source,measure,start_date,exit_date,exit_outcome"
)
CHUNK = 100  # (the import's own is larger: fewer rows make a faster test)
ROWS = 2 * CHUNK + 50  # three chunks


def write_history(tmp_path, count=ROWS, *, measure="Nytt tiltak"):
    path = tmp_path / "historikk.csv"
    lines = [HEADER] + [
        f"P-{i},2004-03-01,2024-01-10,nav,{measure},2024-02-01,"
        + ("2024-09-30,work" if i % 2 else ",")
        for i in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_history(path, team, **options):
    return do_import_history(
        find_recorder(team.organisation, None),
        path,
        organisation=team.organisation,
        team=team,
        create_measures=True,
        chunk=CHUNK,
        **options,
    )


def written_rows() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Person,
            Follow,
            Case,
            Referral,
            Enrolment,
            CaseEvent,
            ExitOutcome,
            FollowUp,
            ImportedCase,
            ChangeLog,
            Measure,
        )
    }


def year_2024(team):
    return case_milestones(
        organisation_id=team.organisation_id,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 12, 31),
    )


def referred(milestones) -> int:
    return sum(count for (referred_on, *_rest), count in milestones.flow.items() if referred_on)


def test_the_import_holds_no_transaction_between_chunks_and_shows_nothing_before_the_end(
    tmp_path, team, org_admin, coordinator
):
    outer = len(connection.atomic_blocks)  # the test's own transaction
    seen = []

    def between_chunks(done, total):
        # Here a page could write: the import holds no transaction of its own.
        seen.append(
            (
                done,
                len(connection.atomic_blocks) - outer,
                ImportedCase.objects.count(),
                visible_to(org_admin).count(),
                visible_to(coordinator).count(),
                cases_visible_to(org_admin).count(),
                referred(year_2024(team)),
            )
        )

    summary = import_history(write_history(tmp_path), team, progress=between_chunks)

    assert [done for done, *_ in seen] == [CHUNK, 2 * CHUNK, ROWS]
    assert all(depth == 0 for _, depth, *_ in seen)
    # Each chunk's cases are in (committed, on a real database) and yet shown to nobody,
    # not even in the results.
    assert [written for _, _, written, *_ in seen] == [CHUNK, 2 * CHUNK, ROWS]
    assert all(shown == (0, 0, 0, 0) for shown in (s[3:] for s in seen))
    assert summary.cases_created == ROWS
    # Complete: everyone at once.
    assert visible_to(org_admin).count() == ROWS
    assert visible_to(coordinator).count() == ROWS
    assert cases_visible_to(org_admin).count() == ROWS
    assert HistoryImport.objects.get().state == HistoryImport.State.COMPLETE


class Stop(Exception):
    pass


def test_an_import_that_fails_after_its_first_chunk_leaves_nothing_behind(tmp_path, team):
    before = written_rows()

    def fail_after_first_chunk(done, total):
        raise Stop

    with pytest.raises(Stop):
        import_history(write_history(tmp_path), team, progress=fail_after_first_chunk)

    assert written_rows() == before
    assert HistoryImport.objects.get().state == HistoryImport.State.FAILED


def test_the_same_file_imports_in_full_after_a_failed_try(tmp_path, team):
    def fail(done, total):
        raise Stop

    path = write_history(tmp_path)
    with pytest.raises(Stop):
        import_history(path, team, progress=fail)
    summary = import_history(path, team)

    assert summary.cases_created == ROWS
    assert summary.skipped == 0
    assert Measure.objects.filter(name="Nytt tiltak").count() == 1


def leave_behind_as_a_crash_would(tmp_path, team) -> HistoryImport:
    """An import whose process died before it was marked complete: its rows are written,
    its run still says running."""
    import_history(write_history(tmp_path), team)
    run = HistoryImport.objects.get()
    HistoryImport.objects.filter(pk=run.pk).update(
        state=HistoryImport.State.RUNNING, finished_at=None
    )
    return run


def test_a_run_left_behind_by_a_crash_is_shown_to_nobody(tmp_path, team, org_admin, coordinator):
    leave_behind_as_a_crash_would(tmp_path, team)

    assert visible_to(org_admin).count() == 0
    assert visible_to(coordinator).count() == 0
    assert cases_visible_to(coordinator).count() == 0
    assert referred(year_2024(team)) == 0


def test_an_import_while_another_is_alive_is_refused_and_writes_nothing(tmp_path, team):
    leave_behind_as_a_crash_would(tmp_path, team)
    before = written_rows()

    with (
        translation.override("en"),
        pytest.raises(ImportRefused, match="Another import into Testkommune is running"),
    ):
        import_history(write_history(tmp_path, 10, measure="Annet"), team)

    assert written_rows() == before


def test_the_next_import_removes_a_run_abandoned_by_a_crash_and_imports_in_full(
    tmp_path, team, org_admin
):
    before = written_rows()
    leave_behind_as_a_crash_would(tmp_path, team)

    with time_machine.travel(timezone.now() + runs.ABANDONED_AFTER + datetime.timedelta(minutes=1)):
        summary = import_history(write_history(tmp_path, 10), team)

    assert summary.cases_created == 10  # not "already imported": the crashed run is gone
    assert visible_to(org_admin).count() == 10
    assert written_rows()["Person"] == before["Person"] + 10


def test_clean_up_imports_removes_what_a_crash_left_and_only_that(tmp_path, team):
    leave_behind_as_a_crash_would(tmp_path, team)
    tmp_path.joinpath("second").mkdir()
    with time_machine.travel(timezone.now() + runs.ABANDONED_AFTER + datetime.timedelta(minutes=1)):
        call_command("clean-up-imports", verbosity=0)
        assert ImportedCase.objects.count() == 0
        import_history(write_history(tmp_path / "second", 10), team)
        call_command("clean-up-imports", verbosity=0)

    assert ImportedCase.objects.count() == 10
    assert Person.objects.count() == 10
    assert CaseEvent.objects.count() > 0
