"""A target list is written a chunk at a time, shown only when complete, and an import
that stops half-way is seen by nobody and leaves nothing once undone."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone, translation

from losen.audit.models import ChangeLog
from losen.outreach import importer, listfile
from losen.outreach.actions.lists import do_import_list
from losen.outreach.models import (
    ListImport,
    ListMembership,
    PendingPerson,
    StatusChange,
    TargetEntry,
)
from losen.outreach.queries.ladder import entries_visible_to
from losen.outreach.queries.lists import lists_visible_to
from losen.outreach.tests.conftest import list_csv
from losen.people.models import Follow, Person
from losen.people.queries import visible_to

pytestmark = pytest.mark.django_db

FEB = datetime.date(2026, 2, 1)
MAR = datetime.date(2026, 3, 1)
CHUNK = 100
NEW = 2 * CHUNK + 50


def listed(fnr, count, *, first=0):
    born = datetime.date(2008, 1, 1)
    return [
        {
            "identity_number": fnr(born + datetime.timedelta(days=i), i % 400),
            "first_name": f"Ung{i}",
            "last_name": "Hansen",
        }
        for i in range(first, first + count)
    ]


@pytest.fixture
def february(import_list, fnr):
    """Five people on February's list: three are on March's too, two are not."""
    import_list(listed(fnr, 5), received_on=FEB)


def march(fnr):
    return listed(fnr, 3) + listed(fnr, NEW, first=1000)


def import_march(fnr, coordinator, municipality, team, **options):
    return do_import_list(
        coordinator,
        "mars.csv",
        io.BytesIO(list_csv(march(fnr))),
        organisation=municipality,
        team=team,
        scheme="ot",
        received_on=MAR,
        chunk=CHUNK,
        **options,
    )


def written_rows() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Person,
            Follow,
            ListImport,
            TargetEntry,
            ListMembership,
            StatusChange,
            ChangeLog,
            PendingPerson,
        )
    }


def still_open() -> int:
    return TargetEntry.objects.filter(left_on__isnull=True).count()


def test_the_list_import_holds_no_transaction_between_chunks_and_shows_nothing_before_the_end(
    february, fnr, coordinator, org_admin, municipality, team
):
    outer = len(connection.atomic_blocks)
    seen = []

    def between_chunks(done, total):
        seen.append(
            (
                done,
                len(connection.atomic_blocks) - outer,
                Person.objects.count(),
                visible_to(coordinator).count(),
                visible_to(org_admin).count(),
                entries_visible_to(coordinator).count(),
                lists_visible_to(coordinator).count(),
                TargetEntry.objects.shown().filter(left_on__isnull=True).count(),
            )
        )

    summary = import_march(fnr, coordinator, municipality, team, progress=between_chunks)

    assert [s[0] for s in seen] == [CHUNK, 2 * CHUNK, 3 + NEW]
    assert all(s[1] == 0 for s in seen)  # a page can write here
    assert [s[2] for s in seen] == [5 + CHUNK - 3, 5 + 2 * CHUNK - 3, 5 + NEW]
    # Written, and yet shown to nobody: February's list as it was, nothing of March's.
    assert all(s[3:] == (5, 5, 5, 1, 5) for s in seen)
    assert (summary.new, summary.stayed, summary.left) == (NEW, 3, 2)
    assert visible_to(coordinator).count() == 5 + NEW
    assert entries_visible_to(coordinator).filter(left_on__isnull=True).count() == 3 + NEW
    assert lists_visible_to(coordinator).count() == 2
    assert PendingPerson.objects.count() == 0


class Stop(Exception):
    pass


def test_a_list_import_that_fails_after_its_first_chunk_leaves_nothing_behind(
    february, fnr, coordinator, municipality, team
):
    before = written_rows()

    def fail(done, total):
        raise Stop

    with pytest.raises(Stop):
        import_march(fnr, coordinator, municipality, team, progress=fail)

    assert written_rows() == before
    assert still_open() == 5  # nobody left February's list


def test_the_same_list_imports_in_full_after_a_failed_try(
    february, fnr, coordinator, municipality, team
):
    def fail(done, total):
        raise Stop

    with pytest.raises(Stop):
        import_march(fnr, coordinator, municipality, team, progress=fail)
    summary = import_march(fnr, coordinator, municipality, team)

    assert not summary.already_imported
    assert (summary.new, summary.people_created, summary.left) == (NEW, NEW, 2)


def leave_half_written(fnr, coordinator, municipality, team) -> ListImport:
    """What a process that died after March's first chunk leaves: the list running,
    one chunk of it written, February's entries untouched."""
    rows = importer.check_file(
        "mars.csv", io.BytesIO(list_csv(march(fnr))), scheme="ot", today=timezone.localdate()
    )
    writer = importer.ListWriter(coordinator, municipality, team, "ot", MAR, importer.ListSummary())
    list_import = writer.start("mars.csv", rows, listfile.digest(rows))
    open_entries = {
        person_id: (entry_id, listed_on)
        for person_id, entry_id, listed_on in TargetEntry.objects.filter(
            left_on__isnull=True
        ).values_list("person_id", "id", "listed_on")
    }
    with transaction.atomic():
        writer._write_chunk(list_import, rows[:CHUNK], open_entries)
    return list_import


def test_a_list_left_half_written_by_a_crash_is_shown_to_nobody(
    february, fnr, coordinator, org_admin, municipality, team
):
    leave_half_written(fnr, coordinator, municipality, team)

    assert Person.objects.count() > 5
    assert visible_to(coordinator).count() == visible_to(org_admin).count() == 5
    assert entries_visible_to(coordinator).count() == 5
    assert lists_visible_to(coordinator).count() == 1


def test_a_list_import_while_another_is_alive_is_refused_and_writes_nothing(
    february, fnr, coordinator, municipality, team
):
    leave_half_written(fnr, coordinator, municipality, team)
    before = written_rows()

    with (
        translation.override("en"),
        pytest.raises(importer.ImportRefused, match="Another OT list for Testkommune"),
    ):
        import_march(fnr, coordinator, municipality, team)

    assert written_rows() == before


def test_the_next_list_import_removes_one_abandoned_by_a_crash_and_imports_in_full(
    february, fnr, coordinator, municipality, team
):
    before = written_rows()
    leave_half_written(fnr, coordinator, municipality, team)

    later = timezone.now() + importer.ABANDONED_AFTER + datetime.timedelta(minutes=1)
    with time_machine.travel(later):
        summary = import_march(fnr, coordinator, municipality, team)

    assert (summary.new, summary.people_created, summary.left) == (NEW, NEW, 2)
    assert written_rows()["Person"] == before["Person"] + NEW
    assert ListImport.objects.count() == 2


def test_clean_up_imports_removes_a_list_left_half_written(
    february, fnr, coordinator, municipality, team
):
    before = written_rows()
    leave_half_written(fnr, coordinator, municipality, team)

    call_command("clean-up-imports", verbosity=0)  # still alive: kept
    assert written_rows() != before
    later = timezone.now() + importer.ABANDONED_AFTER + datetime.timedelta(minutes=1)
    with time_machine.travel(later):
        call_command("clean-up-imports", verbosity=0)

    assert written_rows() == before
    assert still_open() == 5
