"""`losen report results ...`: the CSV on standard output and its errors."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from losen.accounts.models import Organisation
from losen.cases.actions.core import do_open_case, do_record_event
from losen.cases.models import EventKind

pytestmark = pytest.mark.django_db

D = datetime.date
HEADER = (
    "month,referred,started,active_end_of_month,exited,exit_work,exit_education,"
    "exit_other_activity,exit_no_activity,exit_unknown,cumulative_referred,"
    "cumulative_started,cumulative_exited,cumulative_exit_work,cumulative_exit_education"
)


@pytest.fixture
def add_cases(register, team):
    """`n` cases referred and started on `on`, and exited on `exited_on` with `top_code`."""
    count = [0]

    def add(n, on, *, exited_on=None, top_code="work"):
        for _ in range(n):
            count[0] += 1
            person = register(first_name=f"Ung{count[0]}")
            case = do_open_case(None, person, team, opened_on=on)
            do_record_event(None, case, EventKind.REFERRED, effective_on=on)
            do_record_event(None, case, EventKind.ENROLMENT_STARTED, effective_on=on)
            if exited_on:
                do_record_event(
                    None, case, EventKind.EXIT, effective_on=exited_on, data={"top_code": top_code}
                )

    return add


def report(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("report", "results", *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_prints_the_exact_header_and_one_row_per_month(add_cases, municipality):
    add_cases(2, D(2025, 1, 31), exited_on=D(2025, 3, 1), top_code="work")
    add_cases(1, D(2025, 2, 14), exited_on=D(2025, 3, 2), top_code="education")
    lines = report("--organisation", "Testkommune", "--from", "2025-01", "--to", "2025-03")
    assert lines == [
        HEADER,
        "2025-01,2,2,2,0,0,0,0,0,0,2,2,0,0,0",
        "2025-02,1,1,3,0,0,0,0,0,0,3,3,0,0,0",
        "2025-03,0,0,0,3,2,1,0,0,0,3,3,3,2,1",
    ]


def test_the_organisation_may_be_given_by_its_number_and_the_team_by_its_name(
    add_cases, municipality
):
    add_cases(1, D(2025, 1, 5))
    by_number = report("--organisation", "974 760 673", "--from", "2025-01", "--to", "2025-01")
    by_team = report(
        "--organisation", "testkommune", "--from", "2025-01", "--to", "2025-01", "--team", "Ungteam"
    )
    assert by_number == by_team == [HEADER, "2025-01,1,1,1,0,0,0,0,0,0,1,1,0,0,0"]


def test_an_unknown_organisation_fails_with_a_clear_message(municipality):
    with pytest.raises(CommandError, match="No organisation is called or numbered 'Nowhere'"):
        report("--organisation", "Nowhere", "--from", "2025-01", "--to", "2025-02")


def test_an_ambiguous_organisation_name_asks_for_the_number(municipality):
    Organisation.objects.create(
        name="Testkommune", kind=Organisation.Kind.PROVIDER, country="NO", org_number="923609016"
    )
    with pytest.raises(CommandError, match="More than one organisation matches"):
        report("--organisation", "Testkommune", "--from", "2025-01", "--to", "2025-02")


def test_an_unknown_team_and_bad_months_fail_clearly(municipality):
    with pytest.raises(CommandError, match="has no team called 'Nope'"):
        report(
            "--organisation",
            "Testkommune",
            "--from",
            "2025-01",
            "--to",
            "2025-01",
            "--team",
            "Nope",
        )
    with pytest.raises(CommandError, match="write it as YYYY-MM"):
        report("--organisation", "Testkommune", "--from", "2025-1-01", "--to", "2025-02")
    with pytest.raises(CommandError, match="--to is before --from"):
        report("--organisation", "Testkommune", "--from", "2025-03", "--to", "2025-02")


def test_an_unknown_organisation_exits_with_a_non_zero_status(municipality, capsys):
    from losen.reports.management.commands.report import Command

    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(
            [
                "losen",
                "report",
                "results",
                "--organisation",
                "Nowhere",
                "--from",
                "2025-01",
                "--to",
                "2025-01",
            ]
        )
    assert exit_.value.code != 0
    assert "No organisation is called or numbered 'Nowhere'" in capsys.readouterr().err


def test_suppress_rounds_every_count_to_a_multiple_of_five(add_cases, municipality, settings):
    settings.LOSEN_SMALL_COUNT_THRESHOLD = 4
    add_cases(7, D(2025, 1, 10), exited_on=D(2025, 2, 3), top_code="work")
    add_cases(2, D(2025, 1, 11), exited_on=D(2025, 2, 4), top_code="education")
    add_cases(5, D(2025, 1, 12))
    lines = report(
        "--organisation", "Testkommune", "--from", "2025-01", "--to", "2025-02", "--suppress"
    )
    exact = report("--organisation", "Testkommune", "--from", "2025-01", "--to", "2025-02")
    assert lines[0] == HEADER
    for rounded, true in zip(lines[1:], exact[1:], strict=True):
        month, *cells = rounded.split(",")
        true_month, *true_cells = true.split(",")
        assert month == true_month
        for shown, count in zip(map(int, cells), map(int, true_cells), strict=True):
            assert shown % 5 == 0
            assert abs(shown - count) < 5
            assert (shown == 0) == (count == 0) or count < 5


def test_suppress_gives_the_figures_the_results_page_gives_a_manager(
    add_cases, municipality, client, manager
):
    add_cases(10, D(2025, 1, 10))
    add_cases(3, D(2025, 2, 10))
    lines = report(
        "--organisation", "Testkommune", "--from", "2025-01", "--to", "2025-02", "--suppress"
    )
    client.force_login(manager)
    board = client.get(
        reverse("reports:dashboard"), {"start": "2025-01", "end": "2025-02"}
    ).context["board"]
    assert [line.split(",")[1:] for line in lines[1:]] == [
        [str(value) for value in row] for row in board.cells
    ]


def test_without_suppress_the_small_counts_are_exact(add_cases, municipality):
    add_cases(7, D(2025, 1, 10), exited_on=D(2025, 2, 3), top_code="work")
    add_cases(2, D(2025, 1, 11), exited_on=D(2025, 2, 4), top_code="education")
    lines = report("--organisation", "Testkommune", "--from", "2025-02", "--to", "2025-02")
    assert lines[1] == "2025-02,0,0,0,9,7,2,0,0,0,0,0,9,7,2"
