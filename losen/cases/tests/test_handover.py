"""Hand-over: a team lead moves a coordinator's open cases to another one in one step."""

from __future__ import annotations

import pytest
from django.urls import reverse

from losen.accounts.models import Role
from losen.cases.actions.core import do_assign_contact_person, do_open_case, do_transition_case
from losen.cases.models import Case, CaseEvent, CaseState, EventKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(make_user, team):
    return make_user("ny@test.no", Role.COORDINATOR, team=team, full_name="Nina Ny")


@pytest.fixture
def karis_cases(coordinator, register, team, case):
    """Kari's open cases (three), and one that is ended."""
    second = do_open_case(coordinator, register(first_name="Ola"), team)
    third = do_open_case(coordinator, register(first_name="Siri"), team)
    ended = do_open_case(coordinator, register(first_name="Tom"), team)
    for c in (second, third, ended):
        do_assign_contact_person(coordinator, c, coordinator)
    do_transition_case(coordinator, ended, CaseState.REDIRECTED)
    return {"open": [case, second, third], "ended": ended}


def url(**query) -> str:
    base = reverse("cases:handover")
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_team_lead_sees_the_coordinators_open_cases_all_ticked(
    client, team_lead, coordinator, karis_cases, receiver
):
    client.force_login(team_lead)
    response = client.get(url(from_user=coordinator.pk))
    assert response.status_code == 200
    page = response.content.decode()
    for open_case in karis_cases["open"]:
        assert f'value="{open_case.pk}"' in page
    assert f'value="{karis_cases["ended"].pk}"' not in page
    assert page.count('type="checkbox" name="cases"') == 3
    assert page.count("checked") >= 3
    assert "Nina Ny" in page


def test_the_chosen_cases_are_handed_over_in_one_step_with_an_event_on_each(
    client, team_lead, coordinator, karis_cases, receiver
):
    first, second, third = karis_cases["open"]
    client.force_login(team_lead)
    response = client.post(
        reverse("cases:handover"),
        {
            "from_user": coordinator.pk,
            "cases": [first.pk, second.pk],
            "to_user": receiver.pk,
            "note": "Kari has started in another job",
        },
    )
    assert response.status_code == 302
    assert set(Case.objects.filter(contact_person=receiver).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    third.refresh_from_db()
    assert third.contact_person == coordinator  # not ticked
    events = CaseEvent.objects.filter(
        kind=EventKind.CONTACT_PERSON_ASSIGNED, note="Kari has started in another job"
    )
    assert {e.case_id for e in events} == {first.pk, second.pk}
    assert all(e.recorded_by == team_lead and e.data["to"] == receiver.pk for e in events)


def test_a_hand_over_needs_a_note(client, team_lead, coordinator, karis_cases, receiver):
    client.force_login(team_lead)
    response = client.post(
        reverse("cases:handover"),
        {
            "from_user": coordinator.pk,
            "cases": [c.pk for c in karis_cases["open"]],
            "to_user": receiver.pk,
            "note": "",
        },
    )
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert not Case.objects.filter(contact_person=receiver).exists()


def test_the_receiver_must_work_in_the_team(client, team_lead, coordinator, colleague, karis_cases):
    client.force_login(team_lead)
    response = client.post(
        reverse("cases:handover"),
        {
            "from_user": coordinator.pk,
            "cases": [karis_cases["open"][0].pk],
            "to_user": colleague.pk,
            "note": "x",
        },
    )
    assert response.status_code == 200
    assert not Case.objects.filter(contact_person=colleague).exists()


def test_cases_of_another_coordinator_cannot_be_slipped_into_the_hand_over(
    client, team_lead, coordinator, receiver, karis_cases, register, team
):
    someone_else = do_open_case(team_lead, register(first_name="Ulla"), team)
    do_assign_contact_person(team_lead, someone_else, team_lead)
    client.force_login(team_lead)
    response = client.post(
        reverse("cases:handover"),
        {
            "from_user": coordinator.pk,
            "cases": [someone_else.pk],
            "to_user": receiver.pk,
            "note": "x",
        },
    )
    assert response.status_code == 200
    someone_else.refresh_from_db()
    assert someone_else.contact_person == team_lead


def test_the_organisation_admin_may_hand_over_too(client, org_admin, coordinator, karis_cases):
    client.force_login(org_admin)
    assert client.get(url(from_user=coordinator.pk)).status_code == 200


@pytest.mark.parametrize("persona", ["coordinator", "colleague", "outsider", "manager"])
def test_the_hand_over_page_is_not_found_for_anyone_but_team_leads(
    client, request, karis_cases, receiver, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("cases:handover")).status_code == 404
    response = client.post(
        reverse("cases:handover"),
        {
            "from_user": karis_cases["open"][0].contact_person_id,
            "cases": [karis_cases["open"][0].pk],
            "to_user": receiver.pk,
            "note": "x",
        },
    )
    assert response.status_code == 404
    assert not Case.objects.filter(contact_person=receiver).exists()


def test_a_team_lead_of_another_team_cannot_pick_this_teams_coordinator(
    client, make_user, other_team, coordinator, karis_cases
):
    other_lead = make_user("annenleder@test.no", Role.TEAM_LEAD, team=other_team)
    client.force_login(other_lead)
    page = client.get(url(from_user=coordinator.pk)).content.decode()
    assert "Hansen" not in page
    assert 'name="cases"' not in page
