"""Guests invited by e-mail address: the team learns nothing about whose the address is.

Every address typed becomes an invitation, shown to the team as "invited: address" until
it is answered, whether it belongs to a user in another organisation, to a colleague in
the team's own organisation (no guest: the invitation stays unanswered) or to no one.
Only the owner of the address, a user in another organisation, sees the invitation and
joins or declines; once they join they see the meeting as a guest, and the team sees
their name and organisation. No e-mail is sent.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from losen.accounts.models import Organisation, Role, Team
from losen.audit.models import ChangeLog
from losen.cases.actions import meetings as actions
from losen.cases.models import ConsentRecipient, MeetingAttendee, MeetingInvitation
from losen.cases.queries.meetings import invitations_for
from losen.cases.tests.test_meetings import create_meeting, give_consent, open_case
from losen.submissions.tests.test_double_posts import SUBMISSION_FIELD, token_of

pytestmark = pytest.mark.django_db

NOBODY = "ukjent@example.no"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def nav_office(db) -> Organisation:
    return Organisation.objects.create(
        name="NAV Testby", kind=Organisation.Kind.NAV_OFFICE, country="NO", org_number="889640782"
    )


@pytest.fixture
def nav_team(nav_office) -> Team:
    return Team.objects.create(organisation=nav_office, name="Ungdomsteamet")


@pytest.fixture
def nav_guest(make_user, nav_team):
    return make_user(
        "veileder@nav.test", Role.COORDINATOR, team=nav_team, full_name="Vera Veileder"
    )


def invite(client, team, address, starts_at="2030-01-07T09:00"):
    """The team lead (logged in) calls a meeting inviting `address`; the page it lands on."""
    response = client.post(
        reverse("meetings:new"),
        {"team": team.pk, "starts_at": starts_at, "guest_emails": address},
        follow=True,
    )
    assert response.redirect_chain[0][1] == 302
    return response, team.meetings.order_by("-id").first()


def invitation_to(meeting, address) -> MeetingInvitation:
    return meeting.invitations.get(email=address.lower())


def normalised(page: str, meeting, address: str) -> str:
    """The page with the address, the meeting's and items' ids and the tokens blanked."""
    page = page.replace(address, "ADDRESS")
    page = page.replace(f"/meetings/{meeting.pk}/", "/meetings/ID/")
    for item in meeting.items.all():
        page = re.sub(rf"(item-|/items/){item.pk}\b", r"\1ITEM", page)
    page = re.sub(r"[A-Za-z0-9]{64}", "CSRF", page)
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "TOKEN", page)


def accept(client, invitation):
    return client.post(reverse("meetings:accept", args=[invitation.pk]))


# --- what the team sees -----------------------------------------------------------------


def test_the_team_sees_the_same_answer_and_page_for_a_user_elsewhere_a_colleague_and_no_one(
    english, team_lead, team, case, colleague, nav_guest
):
    english.force_login(team_lead)
    pages = {}
    for hour, address in enumerate([nav_guest.email, NOBODY, colleague.email], start=9):
        response, meeting = invite(english, team, address, f"2030-01-07T{hour:02d}:00")
        page = response.content.decode()
        assert page.count(f"invited: {address}") == 1
        assert len(re.findall(r"invited: ", page)) == 1
        assert [str(m) for m in response.context["messages"]] == [
            "The meeting is created with 1 item on the agenda."
        ]
        # One meeting at a time: each is at its own hour, blanked with the rest.
        pages[address] = normalised(page, meeting, address).replace(f"{hour:02d}:00", "HOUR")
    assert pages[nav_guest.email] == pages[NOBODY] == pages[colleague.email]
    assert "Vera Veileder" not in pages[nav_guest.email]
    assert "NAV Testby" not in pages[nav_guest.email]
    assert "Kai Kollega" not in pages[colleague.email]
    # No e-mail is sent, to anyone: nothing can differ there either.
    assert mail.outbox == []


def test_every_address_typed_is_kept_once_whatever_its_case(client, team_lead, team, nav_guest):
    client.force_login(team_lead)
    _response, meeting = invite(client, team, f"VEILEDER@nav.test, {NOBODY}\n{NOBODY.upper()}")
    assert sorted(meeting.invitations.values_list("email", flat=True)) == [NOBODY, nav_guest.email]
    assert not meeting.attendees.filter(is_guest=True).exists()


def test_the_team_sees_no_name_or_organisation_until_the_guest_joins(
    english, team_lead, team, case, nav_guest
):
    english.force_login(team_lead)
    _response, meeting = invite(english, team, nav_guest.email)
    english.force_login(nav_guest)
    accept(english, invitation_to(meeting, nav_guest.email))
    english.force_login(team_lead)
    page = english.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Vera Veileder – guest from NAV Testby" in page
    assert f"invited: {nav_guest.email}" not in page


def test_a_declined_invitation_shows_the_team_the_address_alone(
    english, team_lead, team, nav_guest
):
    english.force_login(team_lead)
    _response, meeting = invite(english, team, nav_guest.email)
    english.force_login(nav_guest)
    response = english.post(reverse("meetings:decline", args=[meeting.invitations.get().pk]))
    assert response.status_code == 302
    assert english.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    english.force_login(team_lead)
    page = english.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert f"declined: {nav_guest.email}" in page
    assert "Vera Veileder" not in page
    assert not meeting.attendees.filter(user=nav_guest).exists()


# --- what the owner of the address sees -----------------------------------------------------


def test_the_user_elsewhere_sees_the_invitation_joins_and_then_sees_only_consented_people(
    english, team_lead, coordinator, register, team, case, nav_guest, nav_office
):
    give_consent(case, recipient=ConsentRecipient.ORGANISATION, organisation=nav_office)
    open_case(coordinator, register, team, "Per")
    meeting = create_meeting(team_lead, team, invite_addresses=["Veileder@NAV.test"])
    invitation = meeting.invitations.get()
    english.force_login(nav_guest)
    detail = reverse("meetings:detail", args=[meeting.pk])
    # Until they join they see the invitation, not the meeting.
    assert english.get(detail).status_code == 404
    accept_url = reverse("meetings:accept", args=[invitation.pk])
    for start in (reverse("home"), reverse("meetings:list")):
        page = english.get(start).content.decode()
        assert "Invitations to team meetings" in page
        assert accept_url in page
        assert "Nora" not in page
    token = token_of(english.get(reverse("meetings:list")))
    response = english.post(accept_url, {SUBMISSION_FIELD: token})
    assert response.status_code == 302
    assert response["Location"] == detail
    attendee = MeetingAttendee.objects.get(meeting=meeting, user=nav_guest)
    assert (attendee.is_guest, attendee.organisation) == (True, nav_office)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answered_by) == ("accepted", nav_guest)
    page = english.get(detail).content.decode()
    assert "Item 1: Nora Hansen" in page
    assert "Per Testesen" not in page
    assert "Item 2 (no consent for your organisation)" in page
    # The same form sent again joins once; the invitation is no longer offered.
    english.post(accept_url, {SUBMISSION_FIELD: token})
    assert MeetingAttendee.objects.filter(meeting=meeting, user=nav_guest).count() == 1
    assert accept_url not in english.get(reverse("meetings:list")).content.decode()


def test_an_address_that_becomes_a_user_later_finds_the_invitation(
    client, make_user, team_lead, team, nav_team
):
    meeting = create_meeting(team_lead, team, invite_addresses=["Ny.Veileder@nav.test"])
    newcomer = make_user("ny.veileder@NAV.TEST", Role.COORDINATOR, team=nav_team)
    client.force_login(newcomer)
    (invitation,) = invitations_for(newcomer)
    assert invitation.meeting == meeting
    assert accept(client, invitation).status_code == 302
    assert meeting.attendees.filter(user=newcomer, is_guest=True).exists()


def test_an_invitation_cannot_be_accepted_or_declined_by_another_user(
    client, team_lead, team, nav_guest, outsider
):
    meeting = create_meeting(team_lead, team, invite_addresses=[nav_guest.email])
    invitation = meeting.invitations.get()
    client.force_login(outsider)
    assert invitations_for(outsider).count() == 0
    assert accept(client, invitation).status_code == 404
    assert client.post(reverse("meetings:decline", args=[invitation.pk])).status_code == 404
    with pytest.raises(actions.NotTheInvitee):
        actions.do_accept_invitation(outsider, invitation)
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert not meeting.attendees.filter(is_guest=True).exists()


def test_an_address_owned_by_no_one_reaches_no_one(
    client, request, team_lead, team, case, nav_guest, outsider, colleague, manager
):
    meeting = create_meeting(team_lead, team, invite_addresses=[NOBODY])
    invitation = meeting.invitations.get()
    for user in (nav_guest, outsider, colleague, manager):
        client.force_login(user)
        assert invitations_for(user).count() == 0
        for start in (reverse("home"), reverse("meetings:list")):
            page = client.get(start, follow=True).content.decode()
            assert NOBODY not in page
            assert reverse("meetings:accept", args=[invitation.pk]) not in page
        assert accept(client, invitation).status_code == 404
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_a_colleague_in_the_teams_organisation_is_no_guest_and_is_not_offered_the_invitation(
    client, team_lead, team, colleague
):
    meeting = create_meeting(team_lead, team, invite_addresses=[colleague.email])
    invitation = meeting.invitations.get()
    client.force_login(colleague)
    assert invitations_for(colleague).count() == 0
    assert accept(client, invitation).status_code == 404
    with pytest.raises(actions.NotTheInvitee):
        actions.do_accept_invitation(colleague, invitation)
    assert not meeting.attendees.exists()


def test_an_invitation_is_not_offered_after_the_meetings_day(team_lead, team, nav_guest):
    meeting = create_meeting(team_lead, team, invite_addresses=[nav_guest.email], days=-2)
    assert invitations_for(nav_guest).count() == 0
    with pytest.raises(actions.AlreadyAnswered):
        actions.do_accept_invitation(nav_guest, meeting.invitations.get())


def test_an_invitation_is_answered_once(team_lead, team, nav_guest):
    meeting = create_meeting(team_lead, team, invite_addresses=[nav_guest.email])
    invitation = meeting.invitations.get()
    actions.do_decline_invitation(nav_guest, invitation)
    with pytest.raises(actions.AlreadyAnswered):
        actions.do_accept_invitation(nav_guest, invitation)
    assert not meeting.attendees.filter(user=nav_guest).exists()


def test_inviting_and_answering_write_the_change_log(team_lead, team, nav_guest):
    meeting = create_meeting(team_lead, team, invite_addresses=[nav_guest.email, NOBODY])
    assert ChangeLog.objects.filter(action="meeting.invited", actor=team_lead).count() == 2
    actions.do_accept_invitation(nav_guest, invitation_to(meeting, nav_guest.email))
    assert ChangeLog.objects.filter(action="meeting.invitation_accepted", actor=nav_guest).exists()


def test_the_invitation_names_the_meeting_but_no_young_person(
    english, team_lead, team, case, nav_guest
):
    give_consent(case, recipient=ConsentRecipient.MEETING_MEMBERS)
    create_meeting(team_lead, team, invite_addresses=[nav_guest.email], days=3)
    english.force_login(nav_guest)
    page = english.get(reverse("meetings:list")).content.decode()
    when = timezone.localtime(timezone.now() + datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    assert when in page
    assert team.name in page
    assert "invited by Lise Leder" in page
    assert "Nora" not in page
    assert "Hansen" not in page


def test_a_guest_who_joined_sees_no_other_invited_address(
    english, team_lead, team, case, nav_guest
):
    meeting = create_meeting(team_lead, team, invite_addresses=[nav_guest.email, NOBODY])
    actions.do_accept_invitation(nav_guest, invitation_to(meeting, nav_guest.email))
    english.force_login(nav_guest)
    page = english.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Vera Veileder – guest from NAV Testby" in page
    assert NOBODY not in page
    assert "invited: " not in page


def test_an_invited_user_without_a_team_finds_the_invitation_on_the_home_page(
    english, make_user, team_lead, team, outside_organisation
):
    analyst = make_user("analytiker@utenfor.test", Role.MANAGER, organisation=outside_organisation)
    meeting = create_meeting(team_lead, team, invite_addresses=[analyst.email])
    english.force_login(analyst)
    response = english.get(reverse("home"), follow=True)
    page = response.content.decode()
    assert "Invitations to team meetings" in page
    assert reverse("meetings:accept", args=[meeting.invitations.get().pk]) in page
