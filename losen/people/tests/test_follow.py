"""Which teams follow a person: the administrator and the team lead decide."""

from __future__ import annotations

import pytest
from django.urls import reverse

from losen.audit.models import ChangeLog
from losen.people.models import Follow

pytestmark = pytest.mark.django_db


def test_the_administrator_lets_another_team_follow_a_person(
    client, org_admin, colleague, person, other_team
):
    client.force_login(colleague)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
    client.force_login(org_admin)
    response = client.post(reverse("people:follow", args=[person.pk]), {"team": other_team.pk})
    assert response.status_code == 302
    assert Follow.objects.filter(person=person, team=other_team).exists()
    assert ChangeLog.objects.filter(action="person.followed", person_id=person.pk).exists()
    client.force_login(colleague)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200


def test_the_team_lead_can_hand_a_person_over_to_another_team(
    client, team_lead, person, team, other_team
):
    client.force_login(team_lead)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert reverse("people:follow", args=[person.pk]) in page
    client.post(reverse("people:follow", args=[person.pk]), {"team": other_team.pk})
    response = client.post(reverse("people:unfollow", args=[person.pk, team.pk]))
    assert response["Location"] == reverse("people:list")
    assert list(Follow.objects.filter(person=person).values_list("team", flat=True)) == [
        other_team.pk
    ]
    assert ChangeLog.objects.filter(action="person.unfollowed").count() == 1


def test_the_last_following_team_cannot_be_removed(client, org_admin, person, team):
    client.force_login(org_admin)
    client.post(reverse("people:unfollow", args=[person.pk, team.pk]))
    assert Follow.objects.filter(person=person, team=team).exists()


def test_a_coordinator_cannot_change_who_follows(client, coordinator, person, other_team):
    client.force_login(coordinator)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert reverse("people:follow", args=[person.pk]) not in page
    response = client.post(reverse("people:follow", args=[person.pk]), {"team": other_team.pk})
    assert response.status_code == 404
    assert not Follow.objects.filter(team=other_team).exists()


def test_a_team_of_another_organisation_cannot_follow(client, org_admin, person, outside_team):
    client.force_login(org_admin)
    client.post(reverse("people:follow", args=[person.pk]), {"team": outside_team.pk})
    assert not Follow.objects.filter(team=outside_team).exists()


def test_an_outsider_cannot_change_who_follows(client, outsider, person, team, outside_team):
    client.force_login(outsider)
    assert (
        client.post(reverse("people:follow", args=[person.pk]), {"team": outside_team.pk})
    ).status_code == 404
    assert client.post(reverse("people:unfollow", args=[person.pk, team.pk])).status_code == 404
