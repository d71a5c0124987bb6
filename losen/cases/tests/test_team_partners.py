"""Partners of a team: people of other organisations who take part in its meetings
regularly, seated as guests in every meeting it calls; consent still governs what they see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from losen.accounts.models import Organisation, Role, Team
from losen.audit.models import ChangeLog
from losen.cases.actions import meetings as actions
from losen.cases.models import TeamPartner
from losen.cases.tests.test_meetings import create_meeting
from losen.lib.errors import NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def nav_guest(make_user):
    nav_office = Organisation.objects.create(
        name="NAV Testby", kind=Organisation.Kind.NAV_OFFICE, country="NO", org_number="889640782"
    )
    nav_team = Team.objects.create(organisation=nav_office, name="Ungdomsteamet")
    return make_user(
        "veileder@nav.test", Role.COORDINATOR, team=nav_team, full_name="Vera Veileder"
    )


def test_a_named_partner_is_seated_in_the_coming_meetings_and_every_new_one(
    client, team_lead, team, nav_guest
):
    create_meeting(team_lead, team, guests=[nav_guest], days=-7)  # an earlier guest
    coming = create_meeting(team_lead, team, days=2)
    client.force_login(team_lead)
    page = client.get(reverse("meetings:partners", args=[team.pk]))
    assert page.context["choices"] == [nav_guest]

    response = client.post(reverse("meetings:partners", args=[team.pk]), {"user": nav_guest.pk})

    assert response.status_code == 302
    partner = TeamPartner.objects.get(team=team)
    assert (partner.user, partner.organisation.name) == (nav_guest, "NAV Testby")
    assert coming.attendees.get(user=nav_guest).is_guest
    later = create_meeting(team_lead, team, days=9)
    attendee = later.attendees.get(user=nav_guest)
    assert attendee.is_guest and attendee.organisation.name == "NAV Testby"
    assert ChangeLog.objects.filter(action="team.partner_named").count() == 1


def test_a_removed_partner_is_not_seated_in_new_meetings(client, team_lead, team, nav_guest):
    create_meeting(team_lead, team, guests=[nav_guest], days=-7)
    partner = actions.do_name_partner(team_lead, team, nav_guest)
    client.force_login(team_lead)
    client.post(reverse("meetings:partner_remove", args=[team.pk, partner.pk]))
    assert not TeamPartner.objects.exists()
    later = create_meeting(team_lead, team, days=9)
    assert not later.attendees.filter(user=nav_guest).exists()


def test_only_someone_of_another_organisation_can_be_a_partner(team_lead, team, colleague):
    with pytest.raises(actions.NotAGuest):
        actions.do_name_partner(team_lead, team, colleague)


def test_another_team_cannot_see_or_change_the_partners(
    client, team_lead, team, colleague, outsider, nav_guest
):
    partner = actions.do_name_partner(team_lead, team, nav_guest)
    for user in (colleague, outsider, nav_guest):
        client.force_login(user)
        assert client.get(reverse("meetings:partners", args=[team.pk])).status_code == 404
        remove = reverse("meetings:partner_remove", args=[team.pk, partner.pk])
        assert client.post(remove).status_code == 404
    assert TeamPartner.objects.filter(pk=partner.pk).exists()
    with pytest.raises(NotAllowed):
        actions.do_remove_partner(colleague, partner)
