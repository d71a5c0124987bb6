"""The KAA file to Statistics Sweden covers everyone responsible during the half-year.

A generated half-year (2026H1) where people leave for each reason: one turns 20, one
moves, one starts a national programme, one completes one; one left before the half-year
and one leaves after it; one comes onto the list during it. Each who left during the
half-year is in the file with the day and reason, the contact flag, and every measure
with its dates and whether it was declined. A file of the people on the list on the
cut-off day alone (what layout 2026.1 made) misses exactly those who left.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone, translation

from losen.outreach import statutory
from losen.outreach.actions.exports import do_make_statutory_export
from losen.outreach.actions.kaa import (
    do_add_kaa_measure,
    do_record_kaa_leaving,
    do_update_kaa_measure,
)
from losen.outreach.actions.ladder import do_log_attempt, do_set_status
from losen.outreach.ladder import in_group_on
from losen.outreach.models import TargetEntry
from losen.outreach.tests.conftest import swedish_pnr

KAA = "scb-kaa-example@2026.2"
D = datetime.date

BIRTHS = {
    "Stays": D(2008, 1, 5),
    "Twenty": D(2006, 4, 10),  # 20 on 10 April 2026: inside the half-year
    "Moves": D(2008, 5, 5),
    "Starts": D(2007, 9, 9),  # starts a national programme
    "Completes": D(2007, 2, 2),  # completes one
    "Before": D(2008, 8, 8),  # moved away before the half-year
    "After": D(2008, 10, 10),  # moves after it
    "Newcomer": D(2009, 3, 3),  # comes onto the list during it
}


def row_for(name: str, serial: int) -> dict:
    return {
        "identity_number": swedish_pnr(BIRTHS[name], serial),
        "first_name": name,
        "last_name": "Ek",
    }


def serial(name: str) -> int:
    return list(BIRTHS).index(name) + 1


def pnr(name: str) -> str:
    return swedish_pnr(BIRTHS[name], serial(name))


def entry(name: str) -> TargetEntry:
    return TargetEntry.objects.filter(person__first_name=name).latest("listed_on")


def reached(actor, name: str, day: datetime.date) -> None:
    do_log_attempt(
        actor,
        entry(name),
        method="phone",
        result="reached",
        attempted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
    )


def measure(actor, name: str, start_on, end_on=None, end_reason="", declined=False):
    return do_add_kaa_measure(
        actor,
        entry(name),
        plan="Studievägledning",
        goal="Börja studera",
        start_on=start_on,
        end_on=end_on,
        end_reason=end_reason,
        declined=declined,
    )


@pytest.fixture
def half_year(import_kaa, kaa_coordinator):
    """2026H1 as it happened, recorded the way a KAA team records it."""
    first = ["Stays", "Twenty", "Moves", "Starts", "Completes", "Before", "After"]
    import_kaa([row_for(n, serial(n)) for n in first], received_on=D(2025, 12, 1))
    do_record_kaa_leaving(kaa_coordinator, entry("Before"), left_on=D(2025, 12, 20), reason="moved")
    reached(kaa_coordinator, "Stays", D(2026, 2, 10))
    reached(kaa_coordinator, "Twenty", D(2025, 12, 18))
    reached(kaa_coordinator, "Completes", D(2026, 1, 15))
    do_set_status(kaa_coordinator, entry("Stays"), code="measure", effective_on=D(2026, 2, 1))
    measure(kaa_coordinator, "Stays", D(2026, 2, 1), D(2026, 3, 15), "completed")
    measure(kaa_coordinator, "Stays", D(2026, 4, 1), declined=True)
    measure(kaa_coordinator, "Twenty", D(2025, 12, 10), D(2026, 1, 31), "work")
    measure(kaa_coordinator, "Twenty", D(2025, 12, 2), D(2025, 12, 9), "other")  # before H1
    measure(kaa_coordinator, "Moves", D(2026, 1, 10), D(2026, 2, 28), "moved")
    measure(kaa_coordinator, "Starts", D(2026, 2, 15), declined=True)
    do_record_kaa_leaving(kaa_coordinator, entry("Moves"), left_on=D(2026, 3, 1), reason="moved")
    # The spring list: "Starts" is no longer on it (the list cannot say why), one is new.
    second = ["Stays", "Twenty", "Completes", "After", "Newcomer"]
    import_kaa([row_for(n, serial(n)) for n in second], received_on=D(2026, 4, 1))
    assert entry("Starts").left_reason == "not_on_list"
    do_record_kaa_leaving(
        kaa_coordinator, entry("Starts"), left_on=D(2026, 3, 20), reason="national_started"
    )
    do_record_kaa_leaving(
        kaa_coordinator, entry("Completes"), left_on=D(2026, 6, 10), reason="national_completed"
    )
    do_record_kaa_leaving(kaa_coordinator, entry("After"), left_on=D(2026, 7, 15), reason="moved")
    measure(kaa_coordinator, "Newcomer", D(2026, 6, 20))
    return first + ["Newcomer"]


def make_file(actor, organisation) -> tuple[object, dict[str, dict]]:
    export = do_make_statutory_export(actor, organisation, statutory.layouts()[KAA], "2026H1")
    text = statutory.content_of(export).decode()
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    return export, {row["personnummer"]: row for row in rows}


def measures_of(row: dict) -> list[tuple[str, str, str, str]]:
    found = []
    for n in range(1, 5):
        if row[f"insats{n}_start"]:
            found.append(
                (
                    row[f"insats{n}_start"],
                    row[f"insats{n}_slut"],
                    row[f"insats{n}_avbojd"],
                    row[f"insats{n}_avslutsorsak"],
                )
            )
    return found


def test_everyone_responsible_during_the_half_year_is_in_the_file(
    half_year, kaa_coordinator, swedish_municipality
):
    export, rows = make_file(kaa_coordinator, swedish_municipality)
    in_file = {name for name in BIRTHS if pnr(name) in rows}
    assert in_file == {"Stays", "Twenty", "Moves", "Starts", "Completes", "After", "Newcomer"}
    assert export.rows == 7 and len(export.person_ids) == 7


def test_each_who_left_has_the_day_and_the_reason(half_year, kaa_coordinator, swedish_municipality):
    _export, rows = make_file(kaa_coordinator, swedish_municipality)
    left = {
        name: (rows[pnr(name)]["ansvar_upphorde"], rows[pnr(name)]["orsak_upphorde"])
        for name in BIRTHS
        if pnr(name) in rows
    }
    assert left == {
        "Stays": ("", ""),
        "Twenty": ("2026-04-10", "1"),  # the 20th birthday, found from the rules
        "Moves": ("2026-03-01", "2"),
        "Starts": ("2026-03-20", "3"),  # the real day, not the day of the spring list
        "Completes": ("2026-06-10", "4"),
        "After": ("", ""),  # left after the half-year: still covered at its end
        "Newcomer": ("", ""),
    }
    assert rows[pnr("Newcomer")]["ansvar_fran"] == "2026-04-01"
    assert rows[pnr("Twenty")]["ansvar_fran"] == "2025-12-01"


def test_the_file_says_whether_contact_was_made(half_year, kaa_coordinator, swedish_municipality):
    _export, rows = make_file(kaa_coordinator, swedish_municipality)
    contact = {name: rows[pnr(name)]["kontakt_etablerad"] for name in BIRTHS if pnr(name) in rows}
    assert contact == {
        "Stays": "1",
        "Twenty": "1",
        "Moves": "0",
        "Starts": "0",
        "Completes": "1",
        "After": "0",
        "Newcomer": "0",
    }


def test_each_measure_of_the_half_year_has_its_dates_and_whether_it_was_declined(
    half_year, kaa_coordinator, swedish_municipality
):
    _export, rows = make_file(kaa_coordinator, swedish_municipality)
    assert measures_of(rows[pnr("Stays")]) == [
        ("2026-02-01", "2026-03-15", "0", "1"),
        ("2026-04-01", "", "1", ""),
    ]
    # The measure that ended before the half-year is not in it; the one running into it is.
    assert measures_of(rows[pnr("Twenty")]) == [("2025-12-10", "2026-01-31", "0", "3")]
    assert measures_of(rows[pnr("Moves")]) == [("2026-01-10", "2026-02-28", "0", "7")]
    assert measures_of(rows[pnr("Starts")]) == [("2026-02-15", "", "1", "")]
    assert measures_of(rows[pnr("Newcomer")]) == [("2026-06-20", "", "0", "")]
    assert measures_of(rows[pnr("Completes")]) == []
    assert rows[pnr("Stays")]["sysselsattning"] == "3"  # measure


def test_a_list_of_the_cut_off_day_alone_misses_exactly_those_who_left(
    half_year, kaa_coordinator, swedish_municipality
):
    """What layout 2026.1 read: the old file would have lost these four people, and its
    check against the count on the cut-off day would have hidden the loss."""
    on_the_day = in_group_on(
        TargetEntry.objects.filter(organisation=swedish_municipality), "kaa", D(2026, 6, 30)
    ).values_list("person__first_name", flat=True)
    _export, rows = make_file(kaa_coordinator, swedish_municipality)
    in_file = {name for name in BIRTHS if pnr(name) in rows}
    assert in_file - set(on_the_day) == {"Twenty", "Moves", "Starts", "Completes"}


def test_the_row_check_counts_the_half_years_whole_group(
    half_year, kaa_coordinator, swedish_municipality
):
    start, end = D(2026, 1, 1), D(2026, 6, 30)
    assert (
        statutory.half_year_group_count(swedish_municipality, "kaa", start, end, timezone.now())
        == 7
    )


def test_a_leaving_whose_reason_is_not_known_refuses_the_file_with_a_clear_message(
    import_kaa, kaa_coordinator, swedish_municipality
):
    import_kaa([row_for("Stays", 1), row_for("Starts", 4)], received_on=D(2026, 1, 10))
    import_kaa([row_for("Stays", 1)], received_on=D(2026, 3, 1))
    gone = entry("Starts")
    with translation.override("sv"), pytest.raises(statutory.ExportRefused) as refused:
        make_file(kaa_coordinator, swedish_municipality)
    assert refused.value.problems == [
        f"listpost {gone.pk}: lämnade listan 2026-03-01 av ett skäl som ännu inte är känt; "
        "registrera datum och skäl i personens KAA-register"
    ]
    assert str(refused.value) == "1 problem; inget exporterades."
    do_record_kaa_leaving(kaa_coordinator, gone, left_on=D(2026, 2, 20), reason="national_started")
    _export, rows = make_file(kaa_coordinator, swedish_municipality)
    assert rows[pnr("Starts")]["ansvar_upphorde"] == "2026-02-20"


def test_more_measures_than_the_layout_has_room_for_refuse_the_file(
    import_kaa, kaa_coordinator, swedish_municipality
):
    import_kaa([row_for("Stays", 1)], received_on=D(2026, 1, 10))
    for month in range(1, 6):
        measure(kaa_coordinator, "Stays", D(2026, month + 1, 1), D(2026, month + 1, 20), "other")
    with translation.override("en"), pytest.raises(statutory.ExportRefused) as refused:
        make_file(kaa_coordinator, swedish_municipality)
    assert "5 measures in the half-year, but the layout has room for 4" in refused.value.problems[0]


def test_a_measure_changed_after_the_file_was_made_is_read_as_it_was(
    import_kaa, kaa_coordinator, swedish_municipality
):
    import_kaa([row_for("Stays", 1)], received_on=D(2026, 1, 10))
    made = measure(kaa_coordinator, "Stays", D(2026, 2, 1))
    export, _rows = make_file(kaa_coordinator, swedish_municipality)
    do_update_kaa_measure(
        kaa_coordinator, made, expected_version=1, declined=True, start_on=D(2026, 2, 3)
    )
    content, _count, _people = statutory.build(
        swedish_municipality, statutory.layouts()[KAA], "2026H1", known_at=export.known_at
    )
    assert content == statutory.content_of(export)


def test_the_half_year_file_waits_for_the_half_year_to_end(
    import_kaa, kaa_coordinator, swedish_municipality
):
    period = f"{timezone.localdate().year + 1}H1"
    with translation.override("en"), pytest.raises(statutory.ExportRefused) as refused:
        do_make_statutory_export(
            kaa_coordinator, swedish_municipality, statutory.layouts()[KAA], period
        )
    assert "make the file from the day after" in str(refused.value)
