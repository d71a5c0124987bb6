"""Results month by month, read from case events (losen/reports/results.py)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from losen.cases.actions.core import do_correct_event, do_open_case, do_record_event
from losen.cases.models import EventKind
from losen.programs.models import Enrolment, Measure
from losen.reports.results import COLUMNS, MonthRow, monthly_results, months_between

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def make_case(coordinator, register, team):
    """A case with a referral, optionally a start and an exit, as dated events."""
    made = []

    def make(
        referred_on, started_on=None, exited_on=None, top_code="work", *, in_team=None, actor=None
    ):
        in_team = in_team or team
        person = register(first_name=f"Ung{len(made)}", in_team=in_team, actor=actor)
        case = do_open_case(None, person, in_team, opened_on=referred_on)
        do_record_event(None, case, EventKind.REFERRED, effective_on=referred_on)
        if started_on:
            do_record_event(
                None, case, EventKind.ENROLMENT_STARTED, effective_on=started_on, data={}
            )
        if exited_on:
            do_record_event(
                None,
                case,
                EventKind.EXIT,
                effective_on=exited_on,
                data={"code": f"{top_code}.x", "top_code": top_code},
            )
        made.append(case)
        return case

    return make


def results(organisation, start=None, end=None, **kwargs):
    start = start or D(2025, 1, 1)
    end = end or D(2025, 6, 30)
    rows = monthly_results(organisation_id=organisation.pk, start=start, end=end, **kwargs)
    return {row.month.strftime("%Y-%m"): row for row in rows}


def test_the_rows_cover_every_month_from_start_to_end_and_the_columns_are_the_reports():
    assert months_between(D(2025, 11, 15), D(2026, 2, 1)) == [
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
    ]
    assert COLUMNS[:5] == ("month", "referred", "started", "active_end_of_month", "exited")
    assert COLUMNS[-1] == "cumulative_exit_education"


def test_an_organisation_without_cases_has_a_row_of_zeros_for_every_month(municipality):
    rows = monthly_results(organisation_id=municipality.pk, start=D(2025, 1, 1), end=D(2025, 3, 1))
    assert [r.month for r in rows] == [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)]
    assert rows[0] == MonthRow(D(2025, 1, 1), *([0] * (len(COLUMNS) - 1)))


def test_a_referral_on_the_last_day_of_a_month_counts_in_that_month(make_case, municipality):
    make_case(D(2025, 1, 31))
    rows = results(municipality)
    assert rows["2025-01"].referred == 1
    assert rows["2025-02"].referred == 0


def test_an_exit_on_the_first_day_of_a_month_counts_in_it_and_the_case_is_not_active_at_its_end(
    make_case, municipality
):
    make_case(D(2025, 1, 10), started_on=D(2025, 1, 31), exited_on=D(2025, 3, 1))
    rows = results(municipality)
    assert rows["2025-01"].started == 1
    assert [rows[m].active_end_of_month for m in ("2025-01", "2025-02", "2025-03")] == [1, 1, 0]
    assert rows["2025-03"].exited == 1
    assert rows["2025-03"].exit_work == 1
    assert rows["2025-02"].exited == 0


def test_a_case_still_active_counts_at_the_end_of_every_month_after_its_first_start(
    make_case, municipality
):
    case = make_case(D(2025, 2, 3), started_on=D(2025, 2, 28))
    # A later enrolment does not move the first start.
    do_record_event(None, case, EventKind.ENROLMENT_STARTED, effective_on=D(2025, 4, 2))
    rows = results(municipality)
    assert [r.active_end_of_month for r in rows.values()] == [0, 1, 1, 1, 1, 1]
    assert [r.started for r in rows.values()] == [0, 1, 0, 0, 0, 0]


def test_a_referred_case_that_never_started_is_not_active(make_case, municipality):
    make_case(D(2025, 2, 3))
    assert all(r.active_end_of_month == 0 for r in results(municipality).values())


def test_a_case_started_before_the_period_is_active_but_not_counted_as_started_in_it(
    make_case, municipality
):
    make_case(D(2024, 10, 1), started_on=D(2024, 11, 5), exited_on=D(2025, 2, 14))
    rows = results(municipality)
    assert [r.active_end_of_month for r in rows.values()] == [1, 0, 0, 0, 0, 0]
    assert sum(r.started for r in rows.values()) == 0
    assert sum(r.referred for r in rows.values()) == 0
    assert rows["2025-02"].exited == 1


def test_a_back_dated_event_counts_in_the_month_it_took_effect(make_case, municipality):
    case = make_case(D(2025, 1, 5))
    # Recorded today, but the start took effect in March 2025.
    do_record_event(None, case, EventKind.ENROLMENT_STARTED, effective_on=D(2025, 3, 17))
    rows = results(municipality)
    assert rows["2025-03"].started == 1
    assert rows["2025-02"].active_end_of_month == 0
    assert rows["2025-03"].active_end_of_month == 1


def test_a_correction_moves_a_referral_from_one_month_to_another(
    coordinator, make_case, municipality
):
    case = make_case(D(2025, 1, 20))
    referral = case.events.get(kind=EventKind.REFERRED)
    do_correct_event(coordinator, referral, note="Wrong month", effective_on=D(2025, 3, 2))
    rows = results(municipality)
    assert rows["2025-01"].referred == 0
    assert rows["2025-03"].referred == 1
    assert sum(r.referred for r in rows.values()) == 1


def test_the_latest_correction_wins(coordinator, make_case, municipality):
    case = make_case(D(2025, 1, 20), started_on=D(2025, 2, 1), exited_on=D(2025, 5, 9))
    exit_event = case.events.get(kind=EventKind.EXIT)
    do_correct_event(coordinator, exit_event, note="first fix", effective_on=D(2025, 3, 9))
    do_correct_event(coordinator, exit_event, note="second fix", effective_on=D(2025, 4, 9))
    rows = results(municipality)
    assert [r.exited for r in rows.values()] == [0, 0, 0, 1, 0, 0]
    assert [r.active_end_of_month for r in rows.values()] == [0, 1, 1, 0, 0, 0]


def test_exits_are_broken_down_by_top_code_and_the_cumulative_columns_count_from_the_start(
    make_case, municipality
):
    make_case(D(2024, 12, 1), started_on=D(2024, 12, 2), exited_on=D(2024, 12, 20))  # before
    make_case(D(2025, 1, 2), started_on=D(2025, 1, 3), exited_on=D(2025, 1, 30), top_code="work")
    make_case(
        D(2025, 1, 9), started_on=D(2025, 2, 3), exited_on=D(2025, 3, 3), top_code="education"
    )
    make_case(D(2025, 2, 9), started_on=D(2025, 2, 10), exited_on=D(2025, 3, 4), top_code="work")
    make_case(D(2025, 2, 9), started_on=D(2025, 2, 11), exited_on=D(2025, 3, 5), top_code="unknown")
    make_case(D(2025, 3, 9), started_on=D(2025, 3, 10), exited_on=D(2025, 3, 11), top_code="")
    make_case(
        D(2025, 3, 9), started_on=D(2025, 3, 10), exited_on=D(2025, 3, 12), top_code="no_activity"
    )
    make_case(
        D(2025, 3, 9),
        started_on=D(2025, 3, 10),
        exited_on=D(2025, 3, 13),
        top_code="other_activity",
    )
    rows = results(municipality, end=D(2025, 4, 1))
    march = rows["2025-03"]
    assert (march.exited, march.exit_work, march.exit_education) == (6, 1, 1)
    assert (march.exit_other_activity, march.exit_no_activity, march.exit_unknown) == (1, 1, 2)
    assert [r.cumulative_referred for r in rows.values()] == [2, 4, 7, 7]
    assert [r.cumulative_started for r in rows.values()] == [1, 4, 7, 7]
    assert [r.cumulative_exited for r in rows.values()] == [1, 1, 7, 7]
    assert [r.cumulative_exit_work for r in rows.values()] == [1, 1, 2, 2]
    assert [r.cumulative_exit_education for r in rows.values()] == [0, 0, 1, 1]


def test_another_organisations_cases_are_not_counted(
    make_case, municipality, outsider, outside_team, outside_organisation
):
    make_case(D(2025, 1, 5), started_on=D(2025, 1, 6))
    make_case(D(2025, 1, 5), started_on=D(2025, 1, 6), in_team=outside_team, actor=outsider)
    assert results(municipality)["2025-01"].referred == 1
    assert results(municipality)["2025-01"].active_end_of_month == 1
    assert results(outside_organisation)["2025-01"].referred == 1


def test_a_team_and_a_measure_narrow_the_cases(
    make_case, municipality, team, colleague, other_team
):
    in_team = make_case(D(2025, 1, 5))
    make_case(D(2025, 1, 6), in_team=other_team, actor=colleague)
    assert results(municipality)["2025-01"].referred == 2
    assert results(municipality, team_id=team.pk)["2025-01"].referred == 1
    measure = Measure.objects.create(
        organisation=municipality, name="Arbeidstrening", kind=Measure.Kind.WORK_TRAINING
    )
    Enrolment.objects.create(
        organisation=municipality,
        case=in_team,
        measure=measure,
        status=Enrolment.Status.ACTIVE,
        start_on=D(2025, 1, 7),
    )
    assert results(municipality, measure_id=measure.pk)["2025-01"].referred == 1


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(make_case, municipality):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            results(municipality)
        return len(queries)

    for day in range(1, 11):
        make_case(D(2025, 1, day), started_on=D(2025, 2, day), exited_on=D(2025, 4, day))
    few = count_queries()
    for day in range(1, 51):
        make_case(D(2025, 3, day % 28 + 1), started_on=D(2025, 4, day % 28 + 1))
    many = count_queries()
    # One grouped statement (it also names the cases with corrected milestones: none).
    assert few == many == 1
    assert results(municipality)["2025-04"].active_end_of_month == 50
