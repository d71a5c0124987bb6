"""Counts of young people on the measure pages: exact for the teams, rounded for the rest.

A manager or an organisation administrator without casework sees every count of young
people on a measure's pages (places taken, the waiting list) rounded to a multiple of 5
by the cases' cell keys, the same keys the results page rounds with: the same cases give
the same figure on both pages, and no difference between the two (or between two days)
is a count from 1 to 4. Coordinators and team leads, who enrol young people, see them
exactly.
"""

from __future__ import annotations

import random

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import shown
from losen.cases.actions.core import do_open_case, do_transition_case
from losen.cases.models import CaseState
from losen.lib import suppression
from losen.programs import actions
from losen.programs.models import Enrolment, Measure
from losen.reports.results import COUNTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(team_lead, municipality) -> Measure:
    return actions.do_create_measure(
        team_lead, municipality, name="Restart", kind=Measure.Kind.QUALIFICATION, capacity=7
    )


def accepted_case(coordinator, register, team, first_name):
    person = register(first_name=first_name, last_name="Test")
    case = do_open_case(coordinator, person, team)
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    return case


def fill(coordinator, register, team, measure, *, taking_part, waiting, prefix="Ung"):
    """Enrol so many young people that `taking_part` have a place and `waiting` wait."""
    cases = [
        accepted_case(coordinator, register, team, f"{prefix}{k}")
        for k in range(taking_part + waiting)
    ]
    for case in cases:
        actions.do_enrol(coordinator, case, measure)
    assert measure.enrolments.filter(status=Enrolment.Status.ACTIVE).count() == taking_part
    return cases


def rounded(cases) -> int:
    """The count of these cases as the results page rounds it."""
    key = suppression.key_coefficients("case").key
    return suppression.round_count(
        len(cases), suppression.cell_key(key(c.pk) for c in cases), threshold=4
    )


def list_row(client, measure) -> dict:
    response = client.get(reverse("programs:measures"))
    return next(
        r for s in response.context["staircases"] for r in s["rows"] if r["measure"] == measure
    )


@pytest.fixture
def seven_and_six(coordinator, register, team, measure):
    """Seven young people take part (every place taken) and six wait."""
    cases = fill(coordinator, register, team, measure, taking_part=7, waiting=6)
    return cases[:7], cases[7:]


def test_a_manager_sees_the_places_taken_and_the_waiting_list_rounded_by_the_cases_keys(
    client, manager, measure, seven_and_six
):
    taking_part, waiting = seven_and_six
    client.force_login(manager)
    row = list_row(client, measure)
    assert row["taken"] == rounded(taking_part)
    assert row["waiting"] == rounded(waiting)
    assert row["taken"] in (5, 10) and row["waiting"] in (5, 10)
    # Seven places minus a rounded count would give the rounding away: hidden.
    assert row["free"] == "–"
    page = client.get(reverse("programs:measures")).content.decode()
    assert 'id="counts-rounded"' in page


def test_the_coordinator_of_the_team_sees_the_places_exactly(
    client, coordinator, measure, seven_and_six
):
    client.force_login(coordinator)
    row = list_row(client, measure)
    assert (row["taken"], row["free"], row["waiting"]) == (7, 0, 6)
    assert 'id="counts-rounded"' not in client.get(reverse("programs:measures")).content.decode()


def test_an_organisation_administrator_sees_the_measure_page_rounded_too(
    client, org_admin, coordinator, measure, seven_and_six
):
    taking_part, waiting = seven_and_six
    url = reverse("programs:measure_detail", args=[measure.pk])
    client.force_login(org_admin)
    response = client.get(url)
    row = response.context["row"]
    assert (row["taken"], row["free"], row["waiting"]) == (
        rounded(taking_part),
        "–",
        rounded(waiting),
    )
    assert 'id="counts-rounded"' in response.content.decode()
    client.force_login(coordinator)
    row = client.get(url).context["row"]
    assert (row["taken"], row["free"], row["waiting"]) == (7, 0, 6)


def test_the_measures_download_rounds_for_a_manager_and_is_exact_for_the_team(
    client, manager, coordinator, measure, seven_and_six
):
    taking_part, waiting = seven_and_six

    def row_of(user) -> list[str]:
        client.force_login(user)
        response = client.get(reverse("programs:measures_export", args=["csv"]))
        text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
        return next(line.split(";") for line in text.splitlines() if ";Restart;" in line)

    taken, free, in_line = row_of(manager)[6:9]
    assert (int(taken), free, int(in_line)) == (rounded(taking_part), "–", rounded(waiting))
    assert row_of(coordinator)[6:9] == ["7", "0", "6"]


def test_choosing_a_full_measure_tells_an_administrator_it_is_full_but_not_how_many_wait(
    client, org_admin, coordinator, register, team, measure, seven_and_six
):
    case = accepted_case(coordinator, register, team, "Neste")
    url = reverse("programs:enrol", args=[case.pk])
    client.force_login(org_admin)
    note = client.get(url, {"measure": measure.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert shown("Full: the young person goes on the waiting list.") in note
    assert "6" not in note
    client.force_login(coordinator)
    note = client.get(url, {"measure": measure.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "6" in note


def test_free_places_tell_an_administrator_there_is_room_but_not_how_much(
    client, org_admin, coordinator, register, team, measure
):
    fill(coordinator, register, team, measure, taking_part=3, waiting=0)
    case = accepted_case(coordinator, register, team, "Neste")
    url = reverse("programs:enrol", args=[case.pk])
    client.force_login(org_admin)
    note = client.get(url, {"measure": measure.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert shown("There are free places.") in note
    assert "4" not in note
    client.force_login(coordinator)
    note = client.get(url, {"measure": measure.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert shown("%(free)s of %(capacity)s places free.", free=4, capacity=7) in note


def test_the_measure_page_and_the_results_page_round_the_same_young_people_alike(
    client, manager, coordinator, register, team, measure
):
    """Everyone in the measure started this month and still takes part: the results
    page's "active at the end of the month" for the measure is the same cases."""
    taking_part = fill(coordinator, register, team, measure, taking_part=3, waiting=0)
    client.force_login(manager)
    taken = list_row(client, measure)["taken"]
    this_month = timezone.localdate().strftime("%Y-%m")
    params = {"measure": measure.pk, "start": this_month, "end": this_month}
    board = client.get(reverse("reports:dashboard"), params).context["board"]
    active = board.cells[-1][COUNTS.index("active_end_of_month")]
    assert taken == active == rounded(taking_part)


def csv_counts(response, columns) -> list[int]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = [line.split(";") for line in text.splitlines()[2:]]  # after the title and header
    return [int(row[c]) for row in rows for c in columns if c < len(row) and row[c] != ""]


@pytest.mark.parametrize("seed", range(5))
def test_the_manager_s_measure_figures_minus_the_results_page_s_give_no_count_from_1_to_4(
    client, manager, coordinator, team_lead, register, team, municipality, seed
):
    """A measure with a handful of young people (taking part, waiting, ended),
    attacked the way a manager could: every figure the measure pages show minus every
    figure of the results page and its downloads for that measure, this year so far."""
    rng = random.Random(seed)
    taking_part, waiting, ended = rng.randint(1, 9), rng.randint(0, 9), rng.randint(0, 2)
    measure = actions.do_create_measure(
        team_lead,
        municipality,
        name=f"Kurs {seed}",
        kind=Measure.Kind.COURSE,
        capacity=taking_part + ended,
    )
    fill(coordinator, register, team, measure, taking_part=taking_part + ended, waiting=0)
    for enrolment in list(measure.enrolments.order_by("id"))[:ended]:
        actions.do_end_enrolment(
            coordinator, enrolment, end_on=timezone.localdate(), reason="completed"
        )
    measure.capacity = taking_part
    measure.save(update_fields=["capacity"])
    newcomers = [accepted_case(coordinator, register, team, f"V{k}") for k in range(waiting)]
    for case in newcomers:
        actions.do_enrol(coordinator, case, measure)

    client.force_login(manager)
    detail = client.get(reverse("programs:measure_detail", args=[measure.pk])).context["row"]
    listed = list_row(client, measure)
    shown_figures = [detail["taken"], detail["waiting"], listed["taken"], listed["waiting"]]
    on_measure_pages = [int(v) for v in shown_figures if str(v).isdigit()]  # "–": hidden
    today = timezone.localdate()
    params = {
        "measure": measure.pk,
        "start": today.replace(month=1).strftime("%Y-%m"),
        "end": today.strftime("%Y-%m"),
    }
    on_results_page = csv_counts(
        client.get(reverse("reports:flow_csv"), params), range(1, 1 + len(COUNTS))
    )
    for key, columns in (("cost-measures", (2,)), ("cost-months", (1, 7, 9))):
        url = reverse("reports:table_export", args=[key, "csv"])
        on_results_page += csv_counts(client.get(url, params), columns)
    assert on_results_page
    differences = {abs(a - b) for a in on_measure_pages for b in on_results_page + on_measure_pages}
    assert not differences & {1, 2, 3, 4}

    client.force_login(coordinator)  # the team's own figures: exact
    row = list_row(client, measure)
    assert (int(row["taken"]), int(row["waiting"])) == (taking_part, waiting)


def test_a_manager_is_not_told_that_nobody_takes_part_in_a_session(
    client, manager, coordinator, team_lead, measure, seven_and_six
):
    starts_at = timezone.now()
    session = actions.do_add_session(team_lead, measure, number=1, starts_at=starts_at)
    url = reverse("programs:session_detail", args=[measure.pk, session.pk])
    client.force_login(manager)
    page = client.get(url).content.decode()
    assert shown("Nobody on the list.") not in page
    assert shown("The attendance list is shown to the teams only.") in page
    client.force_login(coordinator)
    assert 'id="attendance-teams-only"' not in client.get(url).content.decode()
