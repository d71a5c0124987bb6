"""The measure's figures for the year beside the answers: always with small counts hidden."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import shown
from losen.cases.actions.core import do_open_case, do_record_event
from losen.cases.models import EventKind
from losen.grants.actions import do_save_grant_answers, do_submit_grant_report
from losen.grants.figures import compute
from losen.programs.models import Enrolment

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def add_case(register, team, measure, municipality):
    """A case in the measure, referred and started on a day, optionally exited."""
    made = []

    def add(day, exited_on=None, top_code="work"):
        person = register(first_name=f"Ung{len(made)}")
        case = do_open_case(None, person, team, opened_on=day)
        do_record_event(None, case, EventKind.REFERRED, effective_on=day)
        do_record_event(None, case, EventKind.ENROLMENT_STARTED, effective_on=day)
        Enrolment.objects.create(
            organisation=municipality,
            case=case,
            measure=measure,
            status="ended" if exited_on else "active",
            start_on=day,
            end_on=exited_on,
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

    return add


def test_the_figures_appear_beside_the_answers_and_every_count_is_rounded(
    client, coordinator, report, add_case
):
    for day in range(1, 8):
        add_case(D(2025, 3, day), exited_on=D(2025, 9, day), top_code="work")
    for day in range(1, 4):
        add_case(D(2025, 4, day), exited_on=D(2025, 11, day), top_code="education")
    for day in range(1, 3):
        add_case(D(2025, 6, day), exited_on=D(2025, 11, day), top_code="no_activity")
    add_case(D(2024, 5, 1))  # another year: not referred in 2025

    figures = compute(report, with_costs=False)
    assert figures["rounded_to"] == 5
    flow = figures["flow"]
    # Twelve cases referred, started and exited in 2025: the same cases, rounded alike.
    assert flow["referred"] == flow["started"] == flow["exited"]
    assert flow["referred"] in (10, 15)
    assert flow["active_end_of_period"] in (0, 5)  # the case from 2024
    outcomes = figures["exit_outcomes"]
    assert outcomes["work"]["count"] in (5, 10)  # 7
    assert outcomes["education"]["count"] in (0, 5)  # 3
    assert outcomes["no_activity"]["count"] in (0, 5)  # 2
    assert figures["work_or_education"]["count"] == 10  # 7 + 3, a multiple of five
    assert figures["work_or_education"]["share"] == round(10 / flow["exited"], 3)
    assert figures["cost"] is None

    client.force_login(coordinator)
    page = client.get(reverse("grants:edit", args=[report.pk])).content.decode()
    assert 'id="grant-figures"' in page
    assert shown("Figures for %(year)s", year=2025) in page
    assert f'<th scope="row">{shown("Referred")}</th><td>{flow["referred"]}</td>' in page


def test_the_figures_are_rounded_even_for_the_team_that_does_the_casework(
    client, coordinator, report, add_case
):
    for day in range(1, 4):
        add_case(D(2025, 2, day))
    client.force_login(coordinator)
    response = client.get(reverse("grants:detail", args=[report.pk]))
    assert response.context["figures"]["flow"]["referred"] in (0, 5)  # three
    assert response.context["figures"]["suppressed"] is True


def test_costs_are_shown_to_a_team_lead_but_not_to_a_coordinator(
    client, coordinator, team_lead, report, add_case
):
    for day in range(1, 6):
        add_case(D(2025, 1, day), exited_on=D(2025, 1, 31))
    client.force_login(coordinator)
    assert client.get(reverse("grants:detail", args=[report.pk])).context["cost_rows"] == []
    client.force_login(team_lead)
    response = client.get(reverse("grants:detail", args=[report.pk]))
    cost = response.context["figures"]["cost"]
    assert cost["participants"] == 5
    assert cost["monthly_cost"] == 10000
    # January's 145 participant-days (a mean of 4.7 young people) round by the cases'
    # key to 0 or 5 x 31 days, and the cost is 10,000 kroner per participant-month of them.
    assert cost["total_cost"] in (0, 50920)
    assert 'id="grant-cost"' in response.content.decode()


def test_a_submitted_report_keeps_the_figures_it_was_submitted_with(
    client, coordinator, team_lead, report, add_case, complete_answers
):
    for day in range(1, 6):
        add_case(D(2025, 3, day))
    do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    do_submit_grant_report(team_lead, report, expected_version=1, with_costs=True)
    for day in range(1, 6):
        add_case(D(2025, 6, day))  # registered late: the submitted report keeps its 5
    client.force_login(coordinator)
    response = client.get(reverse("grants:detail", args=[report.pk]))
    assert response.context["figures"]["flow"]["referred"] == 5
    assert compute(report, with_costs=False)["flow"]["referred"] == 10
