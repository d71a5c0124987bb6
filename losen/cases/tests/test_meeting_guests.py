"""Guests are added to a meeting at any time before it starts, also once its agenda is
made and decisions have started; from the start on they are refused with a clear message."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import shown
from losen.accounts.models import Organisation, Role, Team
from losen.audit.models import ChangeLog
from losen.cases.actions import meetings as actions
from losen.cases.models import MeetingInvitation
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


def add_guests(client, meeting, **data):
    return client.post(reverse("meetings:guests", args=[meeting.pk]), data)


def test_the_team_adds_guests_by_address_after_the_agenda_is_made(
    client, team_lead, team, case, nav_guest
):
    meeting = create_meeting(team_lead, team, days=2)
    assert meeting.items.exists()
    client.force_login(team_lead)

    response = add_guests(client, meeting, guest_emails="Veileder@nav.test\nukjent@example.no")

    assert response.status_code == 302
    assert response["Location"].endswith("#guests")
    invited = sorted(meeting.invitations.values_list("email", "status"))
    assert invited == [("ukjent@example.no", "pending"), ("veileder@nav.test", "pending")]
    assert ChangeLog.objects.filter(action="meeting.invited").count() == 2
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert shown("invited: %(address)s", address="veileder@nav.test") in page


def test_an_earlier_guest_is_seated_at_once_and_an_address_invited_twice_is_kept_once(
    client, team_lead, team, case, nav_guest
):
    create_meeting(team_lead, team, guests=[nav_guest], days=-7)
    meeting = create_meeting(team_lead, team, days=2, invite_addresses=["ukjent@example.no"])
    client.force_login(team_lead)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert list(page.context["guests_form"].fields["guests"].queryset) == [nav_guest]

    add_guests(client, meeting, guests=[nav_guest.pk], guest_emails="UKJENT@example.no")

    guest = meeting.attendees.get(user=nav_guest)
    assert guest.is_guest
    assert guest.organisation.name == "NAV Testby"
    assert meeting.invitations.count() == 1
    # Seated now: not offered again.
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert list(page.context["guests_form"].fields["guests"].queryset) == []


def test_guests_are_added_after_decisions_have_started(
    client, team_lead, coordinator, team, case, nav_guest
):
    meeting = create_meeting(team_lead, team, days=2)
    actions.do_decide(team_lead, meeting.items.get(), "more_information", note="Ask NAV")
    client.force_login(team_lead)
    assert add_guests(client, meeting, guest_emails=nav_guest.email).status_code == 302
    assert meeting.invitations.filter(email=nav_guest.email).exists()


def test_a_malformed_address_is_refused_and_nothing_is_added(client, team_lead, team, case):
    meeting = create_meeting(team_lead, team, days=2)
    client.force_login(team_lead)
    response = add_guests(client, meeting, guest_emails="ukjent@example.no vera.nav.test")
    assert response.status_code == 200
    (error,) = response.context["guests_form"].errors["guest_emails"]
    assert "vera.nav.test" in error
    assert "ukjent@example.no vera.nav.test" in response.content.decode()
    assert not meeting.invitations.exists()


@pytest.mark.parametrize(
    ("after", "message"),
    [
        (datetime.timedelta(minutes=1), "The meeting has started: guests can no longer be added."),
        (datetime.timedelta(days=1), "The meeting is over: guests can no longer be added."),
    ],
)
def test_guests_are_refused_once_the_meeting_has_started_or_ended(
    client, team_lead, team, case, nav_guest, after, message
):
    # At ten in the morning, so that a minute after the start is still the meeting's day
    # whatever the clock the suite runs at.
    ten = datetime.datetime.combine(
        timezone.localdate() + datetime.timedelta(days=2), datetime.time(10)
    )
    meeting = actions.do_create_meeting(
        team_lead, team=team, starts_at=timezone.make_aware(ten), location="Møterom 2"
    )
    with time_machine.travel(meeting.starts_at + after, tick=False):
        client.force_login(team_lead)
        page = client.get(reverse("meetings:detail", args=[meeting.pk]))
        assert page.context["guests_form"] is None
        response = add_guests(client, meeting, guest_emails=nav_guest.email)
        followed = client.get(response["Location"])
        with pytest.raises(actions.MeetingStarted):
            actions.do_invite_guests(team_lead, meeting, invite_addresses=[nav_guest.email])
    assert response.status_code == 302
    assert shown(message) in [str(m) for m in followed.context["messages"]]
    assert not MeetingInvitation.objects.filter(meeting=meeting).exists()


def test_guests_are_refused_for_a_closed_meeting(team_lead, team, nav_guest):
    meeting = create_meeting(team_lead, team, days=2)
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["closed_at"])
    with pytest.raises(actions.MeetingStarted):
        actions.do_invite_guests(team_lead, meeting, guests=[nav_guest])
    assert not meeting.attendees.filter(user=nav_guest).exists()


@pytest.mark.parametrize("user", ["nav_guest", "org_admin", "colleague", "outsider"])
def test_only_the_teams_members_add_guests(client, request, team_lead, team, case, user):
    actor = request.getfixturevalue(user)
    meeting = create_meeting(team_lead, team, days=2, guests=[actor] if user == "nav_guest" else [])
    client.force_login(actor)
    response = add_guests(client, meeting, guest_emails="ukjent@example.no")
    assert response.status_code == 404
    assert not meeting.invitations.exists()
    with pytest.raises(NotAllowed):
        actions.do_invite_guests(actor, meeting, invite_addresses=["ukjent@example.no"])


def test_a_guest_sees_no_form_to_add_guests(client, team_lead, team, case, nav_guest):
    meeting = create_meeting(team_lead, team, days=2, guests=[nav_guest])
    client.force_login(nav_guest)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert reverse("meetings:guests", args=[meeting.pk]) not in page
