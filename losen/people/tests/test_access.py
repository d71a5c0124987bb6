"""The one door: who may open a person's pages, and the access log each opening writes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from losen.audit.models import AccessLog, Purpose

pytestmark = pytest.mark.django_db

READ_VIEWS = [
    ("people:detail", "get", Purpose.FOLLOW_UP),
    ("people:edit", "get", Purpose.REGISTRATION),
    ("people:identity_number", "post", Purpose.IDENTITY_NUMBER),
    ("people:guardian_new", "get", Purpose.REGISTRATION),
    ("people:access_log", "get", Purpose.ACCESS_LOG),
    ("people:access_log_csv", "get", Purpose.EXPORT),
    ("people:access_log_pdf", "get", Purpose.EXPORT),
]


def _open(client, name, method, person):
    url = reverse(name, args=[person.pk])
    return getattr(client, method)(url)


@pytest.mark.parametrize(("name", "method", "purpose"), READ_VIEWS)
def test_it_lets_the_coordinator_of_the_following_team_in_and_logs_the_read(
    client, coordinator, person, team, name, method, purpose
):
    client.force_login(coordinator)
    response = _open(client, name, method, person)
    assert response.status_code == 200
    entry = AccessLog.objects.filter(person_id=person.pk, purpose=purpose).latest("id")
    assert entry.actor == coordinator
    assert entry.team == team
    assert entry.organisation_id == team.organisation_id
    assert entry.actor_name == "Kari Koordinator"


@pytest.mark.parametrize(("name", "method", "purpose"), READ_VIEWS)
def test_it_answers_404_to_a_colleague_in_another_team(
    client, colleague, person, name, method, purpose
):
    client.force_login(colleague)
    assert _open(client, name, method, person).status_code == 404
    assert not AccessLog.objects.filter(person_id=person.pk, actor=colleague).exists()


@pytest.mark.parametrize(("name", "method", "purpose"), READ_VIEWS)
def test_it_answers_404_to_an_outsider(client, outsider, person, name, method, purpose):
    client.force_login(outsider)
    assert _open(client, name, method, person).status_code == 404
    assert not AccessLog.objects.filter(person_id=person.pk, actor=outsider).exists()


@pytest.mark.parametrize(("name", "method", "purpose"), READ_VIEWS)
def test_it_answers_404_to_a_manager_who_sees_aggregates_only(
    client, manager, person, name, method, purpose
):
    client.force_login(manager)
    assert _open(client, name, method, person).status_code == 404


def test_it_answers_the_same_404_for_a_person_that_does_not_exist(client, outsider, person):
    client.force_login(outsider)
    hidden = client.get(reverse("people:detail", args=[person.pk]))
    missing = client.get(reverse("people:detail", args=[person.pk + 1000]))
    assert hidden.status_code == missing.status_code == 404
    assert without_csrf_tokens(hidden.content) == without_csrf_tokens(missing.content)


def without_csrf_tokens(content: bytes) -> bytes:
    """The page without what differs on every request: CSRF and submission tokens, its address."""
    varying = [
        rb'"X-CSRFToken": "',
        rb'name="csrfmiddlewaretoken" value="',
        rb'name="submission_token" value="',
        rb'name="next" type="hidden" value="',
    ]
    return re.sub(rb"(" + rb"|".join(varying) + rb')[^"]+', rb"\1", content)


def test_it_lets_the_team_lead_see_the_teams_people(client, team_lead, person):
    client.force_login(team_lead)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200


def test_it_lets_the_organisation_administrator_see_everyone_in_the_organisation(
    client, org_admin, register, colleague, other_team
):
    someone = register(first_name="Ola", actor=colleague, in_team=other_team)
    client.force_login(org_admin)
    assert client.get(reverse("people:detail", args=[someone.pk])).status_code == 200


def test_it_sends_anonymous_visitors_to_the_login_page(client, person):
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_a_colleague_removing_a_guardian(client, colleague, person):
    from losen.people.actions import do_add_guardian
    from losen.people.models import Guardian

    guardian = do_add_guardian(None, person, name="Mor Hansen", relation="mother", phone="1")
    client.force_login(colleague)
    url = reverse("people:guardian_remove", args=[person.pk, guardian.pk])
    assert client.post(url).status_code == 404
    assert Guardian.objects.filter(pk=guardian.pk).exists()


def test_it_refuses_an_outsider_editing_a_person(client, outsider, person):
    client.force_login(outsider)
    response = client.post(
        reverse("people:edit", args=[person.pk]),
        {
            "first_name": "Hacked",
            "last_name": "X",
            "version": person.version,
            "country": "NO",
            "preferred_language": "nb",
            "birth_date": "2003-05-17",
        },
    )
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.first_name == "Nora"
