"""`losen import-history`: the right cases, events, exits and follow-ups, all or nothing."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from losen.audit.actors import HISTORY_IMPORT_USER
from losen.audit.models import ChangeLog
from losen.cases.models import Case, CaseEvent, CaseState, EventKind, Referral, ReferralSource
from losen.imports.history import IMPORTED_FIRST_NAME
from losen.imports.models import ImportedCase
from losen.outcomes.models import ExitOutcome, FollowUp
from losen.people.models import Follow, Person
from losen.programs.models import Enrolment, Measure

pytestmark = pytest.mark.django_db

HEADER = [
    "person_ref",
    "birth_date",
    "referral_date",
    "referral_source",
    "measure",
    "start_date",
    "exit_date",
    "exit_outcome",
    "followup_6m",
    "followup_12m",
]
ROWS = [
    # still waiting to start
    ["P-1", "2005-04-02", "2024-01-10", "nav", "", "", "", "", "", ""],
    # active
    ["P-2", "2004-11-20", "2024-02-01", "municipality", "Klart jeg kan", "2024-02-15"]
    + ["", "", "", ""],
    # ended with a sub-code, both follow-ups registered
    ["P-3", "2003-06-30", "2022-03-01", "self", "Klart jeg kan", "2022-03-14", "2022-12-01"]
    + ["work.part_time", "education.upper_secondary", "not_reached"],
    # ended with a top-level code only, no follow-up yet
    ["P-4", "2006-01-05", "2023-01-09", "outreach", "Klart jeg kan", "2023-01-20"]
    + ["2023-06-30", "work", "", ""],
]


def write_csv(tmp_path, rows, *, delimiter=",", bom=False, header=HEADER, name="historikk.csv"):
    path = tmp_path / name
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(tmp_path, rows):
    path = tmp_path / "historikk.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        # Dates as real spreadsheet dates, the way Excel saves them.
        sheet.append(
            [
                datetime.date.fromisoformat(v) if i in (1, 2, 5, 6) and v else (v or None)
                for i, v in enumerate(row)
            ]
        )
    workbook.save(path)
    return path


@pytest.fixture
def measure(municipality):
    return Measure.objects.create(
        organisation=municipality, name="Klart jeg kan", kind=Measure.Kind.COURSE, planned_weeks=8
    )


def run(path, organisation="Testkommune", **options):
    call_command("import-history", str(path), organisation=organisation, verbosity=0, **options)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Person,
            Case,
            Referral,
            Follow,
            CaseEvent,
            Enrolment,
            ExitOutcome,
            FollowUp,
            ImportedCase,
            Measure,
        )
    }


def assert_the_four_cases_are_imported(team):
    cases = {c.person.last_name: c for c in Case.objects.select_related("person")}
    assert set(cases) == {"P-1", "P-2", "P-3", "P-4"}
    assert {ref: c.state for ref, c in cases.items()} == {
        "P-1": CaseState.ACCEPTED,
        "P-2": CaseState.ACTIVE,
        "P-3": CaseState.ENDED,
        "P-4": CaseState.ENDED,
    }
    assert all(c.team == team for c in cases.values())
    assert all(c.person.first_name == IMPORTED_FIRST_NAME for c in cases.values())
    assert Follow.objects.filter(team=team).count() == 4
    assert cases["P-3"].ended_on == datetime.date(2022, 12, 1)
    assert cases["P-1"].opened_on == datetime.date(2024, 1, 10)
    assert Referral.objects.get(case=cases["P-2"]).source == ReferralSource.SOCIAL_SERVICES

    kinds = list(
        cases["P-3"].events.order_by("effective_on", "id").values_list("kind", "effective_on")
    )
    assert kinds == [
        (EventKind.REFERRED, datetime.date(2022, 3, 1)),
        (EventKind.STATE_CHANGED, datetime.date(2022, 3, 1)),
        (EventKind.ENROLMENT_STARTED, datetime.date(2022, 3, 14)),
        (EventKind.STATE_CHANGED, datetime.date(2022, 3, 14)),
        (EventKind.ENROLMENT_ENDED, datetime.date(2022, 12, 1)),
        (EventKind.EXIT, datetime.date(2022, 12, 1)),
        (EventKind.STATE_CHANGED, datetime.date(2022, 12, 1)),
        (EventKind.FOLLOW_UP_REGISTERED, datetime.date(2023, 6, 1)),
        (EventKind.FOLLOW_UP_REGISTERED, datetime.date(2023, 12, 1)),
    ]
    exit_event = cases["P-3"].events.get(kind=EventKind.EXIT)
    assert exit_event.data == {
        "code": "work.part_time",
        "top_code": "work",
        "version": "2026.2",
        "ot_code": "OTAR",
    }
    assert [e.kind for e in cases["P-1"].events.all()] == [
        EventKind.REFERRED,
        EventKind.STATE_CHANGED,
    ]

    enrolment = Enrolment.objects.get(case=cases["P-3"])
    assert enrolment.status == Enrolment.Status.ENDED
    assert enrolment.end_reason == Enrolment.EndReason.CASE_ENDED
    assert enrolment.end_on == datetime.date(2022, 12, 1)
    assert Enrolment.objects.get(case=cases["P-2"]).status == Enrolment.Status.ACTIVE
    assert not Enrolment.objects.filter(case=cases["P-1"]).exists()

    exit_3 = ExitOutcome.objects.get(case=cases["P-3"])
    assert (exit_3.code, exit_3.top_code, exit_3.note) == ("work.part_time", "work", "")
    exit_4 = ExitOutcome.objects.get(case=cases["P-4"])
    assert (exit_4.code, exit_4.top_code) == ("work.full_time", "work")
    assert "«work»" in exit_4.note

    six, twelve = FollowUp.objects.filter(case=cases["P-3"]).order_by("months")
    assert (six.reached, six.code, six.top_code) == (True, "education.upper_secondary", "education")
    assert six.registered_on == datetime.date(2023, 6, 1)
    assert (twelve.reached, twelve.code, twelve.registered_on) == (
        False,
        "",
        datetime.date(2023, 12, 1),
    )
    unregistered = FollowUp.objects.filter(case=cases["P-4"])
    assert [f.registered_on for f in unregistered] == [None, None]


def test_a_comma_csv_imports_the_right_cases_events_exits_and_follow_ups(tmp_path, team, measure):
    run(write_csv(tmp_path, ROWS))
    assert_the_four_cases_are_imported(team)
    assert ChangeLog.objects.filter(action="import_history_case").count() == 4
    assert CaseEvent.objects.filter(recorded_by__email=HISTORY_IMPORT_USER).count() == 2 + 4 + 9 + 7


def test_a_semicolon_csv_with_a_bom_imports_the_same(tmp_path, team, measure):
    run(write_csv(tmp_path, ROWS, delimiter=";", bom=True))
    assert_the_four_cases_are_imported(team)


def test_an_xlsx_file_imports_the_same(tmp_path, team, measure):
    run(write_xlsx(tmp_path, ROWS))
    assert_the_four_cases_are_imported(team)


def test_the_organisation_can_be_named_by_its_number(tmp_path, team, measure):
    run(write_csv(tmp_path, ROWS), organisation="974 760 673")
    assert Case.objects.count() == 4


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(tmp_path, team, measure, capsys):
    bad = ["P-5", "2005-01-01", "2024-01-10", "nav", "Klart jeg kan", "2024-01-20"]
    bad += ["2024-01-15", "work", "", ""]
    path = write_csv(tmp_path, [*ROWS, bad])
    before = counts()
    with pytest.raises(CommandError, match="1 of 5 rows"):
        run(path)
    assert counts() == before
    assert "historikk.csv: line 6: exit_date 2024-01-15 is before start_date 2024-01-20" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({1: "2005-13-01"}, "birth_date '2005-13-01' is not a date"),
        ({1: "1950-01-01"}, "years old on the referral date"),
        ({5: "2024-01-01"}, "start_date 2024-01-01 is before referral_date 2024-01-10"),
        ({3: "school"}, "referral_source 'school' is not one of"),
        ({7: "work.sometimes", 6: "2024-03-01", 5: "2024-01-20"}, "is not a code"),
        ({6: "2024-03-01", 5: "2024-01-20"}, "exit_outcome is empty"),
        ({0: "P-2"}, "person_ref 'P-2' is already on line 3"),
        ({2: "2999-01-01"}, "referral_date 2999-01-01 is in the future"),
    ],
)
def test_every_kind_of_bad_row_is_reported_with_its_reason(
    tmp_path, team, measure, capsys, change, reason
):
    row = ["P-5", "2005-01-01", "2024-01-10", "nav", "Klart jeg kan", "", "", "", "", ""]
    for index, value in change.items():
        row[index] = value
    with pytest.raises(CommandError):
        run(write_csv(tmp_path, [*ROWS, row]))
    err = capsys.readouterr().err
    assert "line 6: " in err
    assert reason in err
    assert Case.objects.count() == 0


def test_every_bad_row_is_listed_not_just_the_first(tmp_path, team, measure, capsys):
    rows = [list(r) for r in ROWS]
    rows[0][1] = "not a date"
    rows[2][3] = "neighbour"
    with pytest.raises(CommandError, match="2 of 4 rows"):
        run(write_csv(tmp_path, rows))
    err = capsys.readouterr().err
    assert "line 2: birth_date" in err
    assert "line 4: referral_source" in err


def test_a_header_without_a_required_column_is_refused(tmp_path, team, measure):
    header = [h for h in HEADER if h != "exit_outcome"]
    rows = [r[:7] + r[8:] for r in ROWS]
    with pytest.raises(CommandError, match="lacks the column.*exit_outcome"):
        run(write_csv(tmp_path, rows, header=header))


def test_importing_the_same_file_twice_changes_nothing(tmp_path, team, measure, capsys):
    path = write_csv(tmp_path, ROWS)
    run(path)
    after_first = counts()
    call_command("import-history", str(path), organisation="Testkommune")
    assert counts() == after_first
    assert "4 skipped as already imported (4 unchanged, 0 changed since)" in (
        capsys.readouterr().out
    )


def test_a_changed_row_of_an_imported_person_is_reported_and_not_applied(
    tmp_path, team, measure, capsys
):
    run(write_csv(tmp_path, ROWS))
    rows = [list(r) for r in ROWS]
    rows[0][2] = "2024-01-11"
    rows.append(["P-9", "2005-04-02", "2024-01-10", "relative", "", "", "", "", "", ""])
    run(write_csv(tmp_path, rows, name="ny.csv"))
    assert Case.objects.count() == 5
    assert Case.objects.get(person__last_name="P-1").opened_on == datetime.date(2024, 1, 10)
    assert "line 2: 'P-1' was imported before with other values" in capsys.readouterr().err


def test_an_unknown_measure_fails_and_imports_nothing(tmp_path, team, measure, capsys):
    rows = [*ROWS, ["P-5", "2005-01-01", "2024-01-10", "nav", "Jobbklubb", "2024-01-20"]]
    rows[-1] += ["", "", "", ""]
    with pytest.raises(CommandError):
        run(write_csv(tmp_path, rows))
    assert "line 6: measure 'Jobbklubb' is not a measure of the organisation" in (
        capsys.readouterr().err
    )
    assert Case.objects.count() == 0


def test_an_unknown_measure_is_created_with_create_measures(tmp_path, team, measure):
    rows = [*ROWS, ["P-5", "2005-01-01", "2024-01-10", "nav", "Jobbklubb", "2024-01-20"]]
    rows[-1] += ["", "", "", ""]
    run(write_csv(tmp_path, rows), create_measures=True)
    created = Measure.objects.get(name="Jobbklubb")
    assert created.organisation == team.organisation
    assert created.monthly_cost is None
    assert Enrolment.objects.get(case__person__last_name="P-5").measure == created
    assert Case.objects.count() == 5


def test_an_unknown_organisation_fails_clearly(tmp_path, team, measure):
    with pytest.raises(CommandError, match="No organisation is called or numbered 'Nowhere'"):
        run(write_csv(tmp_path, ROWS), organisation="Nowhere")


def test_an_organisation_with_several_teams_needs_the_team_named(
    tmp_path, team, other_team, measure
):
    with pytest.raises(CommandError, match="has 2 teams: choose one with --team"):
        run(write_csv(tmp_path, ROWS))
    run(write_csv(tmp_path, ROWS), team="Oppfølgingsteam")
    assert set(Case.objects.values_list("team", flat=True)) == {other_team.pk}


def test_the_recorder_must_work_in_the_organisation(tmp_path, team, measure, coordinator, outsider):
    with pytest.raises(CommandError, match="No active user"):
        run(write_csv(tmp_path, ROWS), recorded_by=outsider.email)
    run(write_csv(tmp_path, ROWS), recorded_by=coordinator.email)
    assert ExitOutcome.objects.filter(recorded_by=coordinator).count() == 2


def test_the_import_user_cannot_log_in(tmp_path, team, measure):
    run(write_csv(tmp_path, ROWS))
    user = ExitOutcome.objects.first().recorded_by
    assert user.email == HISTORY_IMPORT_USER
    assert not user.is_active
    assert not user.has_usable_password()


def test_a_file_over_the_row_limit_is_refused_and_nothing_is_imported(
    tmp_path, team, measure, settings
):
    settings.LOSEN_IMPORT_MAX_ROWS = 3
    before = counts()
    with pytest.raises(CommandError, match="more than 3 rows; split it into several files"):
        run(write_csv(tmp_path, ROWS))
    with pytest.raises(CommandError, match="more than 3 rows"):
        run(write_xlsx(tmp_path, ROWS))
    assert counts() == before
    run(write_csv(tmp_path, ROWS[:3]))
    assert Case.objects.count() == 3


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_and_nothing_is_imported(
    tmp_path, team, measure, settings
):
    path = write_xlsx(tmp_path, ROWS)
    settings.LOSEN_IMPORT_MAX_UNPACKED_BYTES = path.stat().st_size  # it unpacks to more
    with pytest.raises(CommandError, match="historikk.xlsx: the file unpacks to"):
        run(path)
    assert not Case.objects.exists()


def test_the_command_speaks_the_language_asked_for(tmp_path, team, measure, capsys):
    path = write_csv(tmp_path, [["P-1", "2005-13-01", "2024-01-10", "nav", "", "", "", "", "", ""]])
    with pytest.raises(CommandError) as refused:
        run(path, language="sv")
    assert "1 av 1 rad har fel" in str(refused.value)
    assert "rad 2: birth_date '2005-13-01' är inte ett datum" in capsys.readouterr().err
