"""Measures and staircases: who reads them, who defines them, and what the list shows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import shown
from losen.accounts.models import Role
from losen.audit.models import ChangeLog
from losen.cases.actions.core import do_open_case, do_transition_case
from losen.cases.models import CaseState
from losen.lib.errors import NotAllowed
from losen.programs import actions
from losen.programs.models import Enrolment, Measure, Staircase

pytestmark = pytest.mark.django_db


@pytest.fixture
def staircase(team_lead, municipality) -> Staircase:
    return actions.do_create_staircase(team_lead, municipality, name="PitStop-trappen")


@pytest.fixture
def pitstop(team_lead, municipality, staircase) -> dict[str, Measure]:
    """Three steps of PitStop's staircase, created out of order."""

    def make(name, step, **extra):
        return actions.do_create_measure(
            team_lead,
            municipality,
            name=name,
            kind=extra.pop("kind", Measure.Kind.CLARIFICATION),
            staircase=staircase,
            step=step,
            **extra,
        )

    return {
        "restart": make("Restart", 3, planned_weeks=13, capacity=2, monthly_cost=Decimal("4500")),
        "brobygger": make("Brobygger", 1, kind=Measure.Kind.OUTREACH),
        "hangout": make("Hangout", 2, kind=Measure.Kind.MEETING_PLACE),
    }


@pytest.fixture
def volunteer(make_user, team):
    return make_user("frivillig@test.no", Role.VOLUNTEER, team=team, full_name="Frida Frivillig")


def accepted_case(coordinator, register, team, first_name):
    person = register(first_name=first_name, last_name="Test")
    case = do_open_case(coordinator, person, team)
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    return case


def measure_form(**overrides):
    data = {
        "name": "Klar-Ferdig-Gå",
        "description": "Et 6 måneders kvalifiseringstiltak.",
        "kind": Measure.Kind.QUALIFICATION,
        "planned_weeks": "26",
        "capacity": "12",
        "monthly_cost": "4500",
        "staircase": "",
        "step": "",
        "adults": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_the_measures_page_lists_the_staircase_in_step_order(client, coordinator, pitstop):
    client.force_login(coordinator)
    response = client.get(reverse("programs:measures"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "PitStop-trappen" in page
    assert page.index("Brobygger") < page.index("Hangout") < page.index("Restart")


def test_the_measures_page_shows_places_taken_free_and_waiting(
    client, coordinator, register, team, pitstop
):
    restart = pitstop["restart"]
    for name in ["Ada", "Bo", "Cem"]:
        actions.do_enrol(coordinator, accepted_case(coordinator, register, team, name), restart)
    client.force_login(coordinator)
    response = client.get(reverse("programs:measures"))
    row = next(
        r for s in response.context["staircases"] for r in s["rows"] if r["measure"] == restart
    )
    assert (row["taken"], row["free"], row["waiting"]) == (2, 0, 1)


def test_a_coordinator_reads_the_measures_but_does_not_define_them(
    client, coordinator, pitstop, municipality
):
    client.force_login(coordinator)
    page = client.get(reverse("programs:measures")).content.decode()
    assert reverse("programs:measure_new") not in page
    assert client.get(reverse("programs:measure_new")).status_code == 404
    assert client.post(reverse("programs:measure_new"), measure_form()).status_code == 404
    restart = pitstop["restart"]
    assert client.get(reverse("programs:measure_edit", args=[restart.pk])).status_code == 404
    assert client.get(reverse("programs:staircase_new")).status_code == 404
    assert not Measure.objects.filter(name="Klar-Ferdig-Gå").exists()
    with pytest.raises(NotAllowed):
        actions.do_create_measure(coordinator, municipality, name="X", kind="course")


def test_a_team_lead_creates_a_measure_with_a_change_log_row(client, team_lead, staircase):
    client.force_login(team_lead)
    assert client.get(reverse("programs:measure_new")).status_code == 200
    response = client.post(
        reverse("programs:measure_new"),
        measure_form(staircase=str(staircase.pk), step="4"),
    )
    measure = Measure.objects.get(name="Klar-Ferdig-Gå")
    assert response["Location"] == reverse("programs:measure_detail", args=[measure.pk])
    assert (measure.planned_weeks, measure.capacity, measure.step) == (26, 12, 4)
    assert measure.monthly_cost == Decimal("4500")
    assert measure.staircase == staircase
    assert measure.organisation == staircase.organisation
    assert ChangeLog.objects.filter(action="measure.created", object_id=measure.pk).exists()


def test_an_organisation_administrator_edits_a_measure(client, org_admin, pitstop):
    restart = pitstop["restart"]
    client.force_login(org_admin)
    response = client.post(
        reverse("programs:measure_edit", args=[restart.pk]),
        measure_form(
            name="Restart",
            kind=Measure.Kind.CLARIFICATION,
            planned_weeks="13",
            capacity="8",
            staircase=str(restart.staircase_id),
            step="3",
        ),
    )
    assert response.status_code == 302
    restart.refresh_from_db()
    assert restart.capacity == 8
    log = ChangeLog.objects.get(action="measure.updated", object_id=restart.pk)
    assert "capacity" in log.changed_fields


def test_a_measure_name_is_unique_in_the_organisation(client, team_lead, pitstop):
    client.force_login(team_lead)
    response = client.post(reverse("programs:measure_new"), measure_form(name="restart"))
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Measure.objects.filter(name__iexact="restart").count() == 1


def test_a_step_needs_its_staircase_and_the_staircase_a_step(client, team_lead, staircase):
    client.force_login(team_lead)
    response = client.post(reverse("programs:measure_new"), measure_form(step="2"))
    assert "staircase" in response.context["form"].errors
    response = client.post(
        reverse("programs:measure_new"), measure_form(staircase=str(staircase.pk))
    )
    assert "step" in response.context["form"].errors
    assert not Measure.objects.exists()


def test_a_team_lead_creates_and_renames_a_staircase(client, team_lead):
    client.force_login(team_lead)
    response = client.post(
        reverse("programs:staircase_new"), {"name": "Tiltakstrapp", "description": ""}
    )
    assert response["Location"] == reverse("programs:measures")
    staircase = Staircase.objects.get(name="Tiltakstrapp")
    client.post(
        reverse("programs:staircase_edit", args=[staircase.pk]),
        {"name": "PitStop-modellen", "description": "Seks trinn"},
    )
    staircase.refresh_from_db()
    assert (staircase.name, staircase.description) == ("PitStop-modellen", "Seks trinn")
    assert ChangeLog.objects.filter(action="staircase.updated", object_id=staircase.pk).exists()


def test_a_colleague_in_another_team_reads_the_organisations_measures(client, colleague, pitstop):
    client.force_login(colleague)
    assert "Restart" in client.get(reverse("programs:measures")).content.decode()
    detail = reverse("programs:measure_detail", args=[pitstop["restart"].pk])
    assert client.get(detail).status_code == 200


def test_an_outsider_sees_only_their_own_organisations_measures(
    client, outsider, pitstop, make_user, outside_team
):
    outside_lead = make_user("leder@utenfor.no", Role.TEAM_LEAD, team=outside_team)
    actions.do_create_measure(
        outside_lead, outside_team.organisation, name="Utenforkurs", kind="course"
    )
    client.force_login(outsider)
    page = client.get(reverse("programs:measures")).content.decode()
    assert "Utenforkurs" in page
    assert "Restart" not in page
    restart = pitstop["restart"]
    assert client.get(reverse("programs:measure_detail", args=[restart.pk])).status_code == 404
    client.force_login(outside_lead)
    assert client.get(reverse("programs:measure_edit", args=[restart.pk])).status_code == 404
    with pytest.raises(NotAllowed):
        actions.do_update_measure(outside_lead, restart, capacity=100)


def test_a_volunteer_gets_not_found_for_the_measures_pages(client, volunteer, pitstop):
    client.force_login(volunteer)
    assert client.get(reverse("programs:measures")).status_code == 404
    detail = reverse("programs:measure_detail", args=[pitstop["restart"].pk])
    assert client.get(detail).status_code == 404


def test_costs_are_for_team_leads_and_managers_not_coordinators(
    client, coordinator, team_lead, manager, pitstop
):
    client.force_login(coordinator)
    assert "4500" not in client.get(reverse("programs:measures")).content.decode()
    detail = reverse("programs:measure_detail", args=[pitstop["restart"].pk])
    assert "4500" not in client.get(detail).content.decode()
    for user in (team_lead, manager):
        client.force_login(user)
        page = client.get(reverse("programs:measures")).content.decode()
        assert "4500" in page or "4 500" in page or "4\xa0500" in page


def test_a_manager_sees_no_small_count_and_no_names(
    client, coordinator, register, team, manager, pitstop
):
    restart = pitstop["restart"]
    actions.do_enrol(coordinator, accepted_case(coordinator, register, team, "Ada"), restart)
    client.force_login(manager)
    response = client.get(reverse("programs:measures"))
    row = next(
        r for s in response.context["staircases"] for r in s["rows"] if r["measure"] == restart
    )
    assert row["taken"] in (0, 5)  # one young person, rounded by the case's key
    assert row["free"] == "–"
    detail = client.get(reverse("programs:measure_detail", args=[restart.pk])).content.decode()
    assert "Ada" not in detail


def test_a_manager_cannot_count_the_waiting_list_or_other_teams_participants(
    client, coordinator, register, team, manager, pitstop
):
    restart = pitstop["restart"]
    restart.capacity = 1
    restart.save()
    for name in ["Ada", "Bo", "Carl"]:  # one takes the place, two wait
        actions.do_enrol(coordinator, accepted_case(coordinator, register, team, name), restart)
    client.force_login(manager)
    response = client.get(reverse("programs:measure_detail", args=[restart.pk]))
    assert response.context["waiting"] == []
    assert response.context["other_participants"] == 0
    page = response.content.decode()
    assert shown("A young person followed by another team") not in page
    assert 'id="aggregates-only"' in page
    client.force_login(coordinator)  # the team sees its own waiting list
    assert (
        len(client.get(reverse("programs:measure_detail", args=[restart.pk])).context["waiting"])
        == 2
    )


def test_the_waiting_list_shows_the_order_and_names_only_the_teams_own_cases(
    client, coordinator, colleague, register, team, other_team, pitstop
):
    restart = pitstop["restart"]
    for name in ["Ada", "Bo"]:
        actions.do_enrol(coordinator, accepted_case(coordinator, register, team, name), restart)
    carl = accepted_case(coordinator, register, team, "Carl")
    dina = register(first_name="Dina", last_name="Annen", in_team=other_team, actor=colleague)
    dina_case = do_open_case(colleague, dina, other_team)
    do_transition_case(colleague, dina_case, CaseState.ACCEPTED)
    actions.do_enrol(colleague, dina_case, restart)
    actions.do_enrol(coordinator, carl, restart)
    client.force_login(coordinator)
    response = client.get(reverse("programs:measure_detail", args=[restart.pk]))
    waiting = response.context["waiting"]
    assert [w["position"] for w in waiting] == [1, 2]
    assert [w["enrolment"].case for w in waiting] == [dina_case, carl]
    page = response.content.decode()
    assert "Dina" not in page
    assert "Carl Test" in page
    assert list(
        Enrolment.objects.filter(status="waiting")
        .order_by("waitlisted_at")
        .values_list("case", flat=True)
    ) == [dina_case.pk, carl.pk]
