"""The weekly team meeting: who sees it, how its agenda is built, decisions and minutes."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from losen.accounts.models import Organisation, Role, Team
from losen.audit.models import AccessLog, ChangeLog, Purpose
from losen.cases.actions import meetings as actions
from losen.cases.actions.core import do_flag_for_meeting, do_open_case, do_transition_case
from losen.cases.models import (
    AgendaItem,
    Application,
    CaseEvent,
    CaseState,
    Consent,
    ConsentPurpose,
    ConsentRecipient,
    Decision,
    EventKind,
    MeetingAttendee,
)
from losen.lib.errors import NotAllowed

pytestmark = pytest.mark.django_db

# How to reach each state from `referred`, through the state machine.
PATHS = {
    CaseState.REFERRED: [],
    CaseState.ASSESSMENT: [CaseState.ASSESSMENT],
    CaseState.WAITING_LIST: [CaseState.WAITING_LIST],
    CaseState.ACCEPTED: [CaseState.ACCEPTED],
    CaseState.ACTIVE: [CaseState.ACCEPTED, CaseState.ACTIVE],
    CaseState.REDIRECTED: [CaseState.REDIRECTED],
    CaseState.ENDED: [CaseState.ACCEPTED, CaseState.ENDED],
}


def open_case(actor, register, team, first_name, *, state=CaseState.REFERRED, flag=""):
    """A case in `team` for a new person called `first_name`, moved on to `state`."""
    person = register(
        first_name=first_name, last_name="Testesen", birth_date=datetime.date(2004, 2, 3)
    )
    case = do_open_case(actor, person, team)
    for step in PATHS[state]:
        do_transition_case(actor, case, step)
    if flag:
        do_flag_for_meeting(actor, case, reason=flag)
    case.refresh_from_db()
    return case


def give_consent(case, *, recipient=ConsentRecipient.MEETING_MEMBERS, organisation=None):
    return Consent.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        person_id=case.person_id,
        purpose=ConsentPurpose.TEAM_MEETING,
        recipient=recipient,
        recipient_organisation=organisation,
        given_by=Consent.GivenBy.YOUTH,
    )


def sign_and_consent(case, *, on=None, guardian=False):
    """What a settling decision needs: the signed application (by a guardian too, if
    `guardian`) and the consent to discuss the case in the team meeting, given `on` (today
    unless told)."""
    on = on or timezone.localdate()
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time.min))
    signed = {"youth_signed_name": case.person.full_name, "youth_signed_at": at}
    if guardian:
        signed.update(guardian_signed_name="Gro Guardian", guardian_signed_at=at)
    Application.objects.update_or_create(
        case=case,
        defaults={
            "organisation_id": case.organisation_id,
            "method": Application.Method.ON_SCREEN,
            **signed,
        },
    )
    return Consent.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        person_id=case.person_id,
        purpose=ConsentPurpose.TEAM_MEETING,
        recipient=ConsentRecipient.MEETING_MEMBERS,
        given_on=on,
        given_by=Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.YOUTH,
    )


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def create_meeting(actor, team, *, guests=(), members=(), days=1, invite_addresses=()):
    return actions.do_create_meeting(
        actor,
        team=team,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        location="Møterom 2",
        members=members,
        guests=guests,
        invite_addresses=invite_addresses,
    )


@pytest.fixture
def english(client):
    """Pages in English (the msgids), so the tests do not depend on the translations."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def nav_office(db) -> Organisation:
    return Organisation.objects.create(
        name="NAV Testby", kind=Organisation.Kind.NAV_OFFICE, country="NO", org_number="889640782"
    )


@pytest.fixture
def nav_guest(make_user, nav_office):
    nav_team = Team.objects.create(organisation=nav_office, name="Ungdomsteamet")
    return make_user(
        "veileder@nav.test", Role.COORDINATOR, team=nav_team, full_name="Vera Veileder"
    )


@pytest.fixture
def signed(case):
    """Nora has signed her application and consented to the team meeting."""
    return sign_and_consent(case)


@pytest.fixture
def meeting(team_lead, coordinator, team, case, nav_guest):
    """Next week's meeting of Ungteam, with `case` (Nora, referred) on the agenda."""
    return create_meeting(team_lead, team, members=[team_lead, coordinator], guests=[nav_guest])


# --- who sees the meeting -------------------------------------------------------------

PAGES = ["meetings:detail", "meetings:minutes_pdf"]


@pytest.mark.parametrize("name", PAGES)
def test_the_coordinator_and_team_lead_of_the_team_open_the_meeting(
    client, coordinator, team_lead, meeting, name
):
    for user in (coordinator, team_lead):
        client.force_login(user)
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_the_organisation_administrator_opens_the_meeting(client, org_admin, meeting, name):
    client.force_login(org_admin)
    assert client.get(reverse(name, args=[meeting.pk])).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_a_colleague_in_another_team_gets_404(client, colleague, meeting, name):
    client.force_login(colleague)
    assert client.get(reverse(name, args=[meeting.pk])).status_code == 404
    assert not AccessLog.objects.filter(actor=colleague).exists()


@pytest.mark.parametrize("name", PAGES)
def test_an_outsider_who_is_not_invited_gets_404(client, outsider, meeting, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[meeting.pk])).status_code == 404
    assert not AccessLog.objects.filter(actor=outsider).exists()


@pytest.mark.parametrize("name", PAGES)
def test_a_manager_gets_404(client, manager, meeting, name):
    client.force_login(manager)
    assert client.get(reverse(name, args=[meeting.pk])).status_code == 404


def test_an_invited_outsider_sees_the_meeting_masked(
    english, outsider, team_lead, coordinator, team, case
):
    meeting = create_meeting(team_lead, team, members=[coordinator], guests=[outsider])
    english.force_login(outsider)
    response = english.get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Item 1 (no consent for your organisation)" in page
    assert "Nora" not in page
    assert "Hansen" not in page
    assert "17.05.2003" not in page


def test_a_missing_meeting_and_a_hidden_one_give_the_same_404(client, outsider, meeting):
    client.force_login(outsider)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("meetings:detail", args=[meeting.pk + 999])).status_code == 404


def test_the_list_shows_the_teams_meetings_to_its_members_only(
    client, coordinator, colleague, outsider, meeting
):
    link = reverse("meetings:detail", args=[meeting.pk])
    client.force_login(coordinator)
    response = client.get(reverse("meetings:list"))
    assert response.status_code == 200
    assert link in response.content.decode()
    for user in (colleague, outsider):
        client.force_login(user)
        response = client.get(reverse("meetings:list"))
        assert response.status_code == 200
        assert link not in response.content.decode()


def test_the_list_shows_a_guest_the_meetings_they_are_invited_to(client, nav_guest, meeting):
    client.force_login(nav_guest)
    response = client.get(reverse("meetings:list"))
    assert reverse("meetings:detail", args=[meeting.pk]) in response.content.decode()


def test_the_list_puts_past_meetings_apart_from_upcoming_ones(
    client, team_lead, coordinator, team, case
):
    past = create_meeting(team_lead, team, days=-14)
    upcoming = create_meeting(team_lead, team, days=3)
    client.force_login(coordinator)
    response = client.get(reverse("meetings:list"))
    assert [m.pk for m in response.context["upcoming"]] == [upcoming.pk]
    assert [m.pk for m in response.context["page"].object_list] == [past.pk]


def test_the_new_meeting_page_opens_for_a_coordinator_with_the_teams_members(
    english, coordinator, team_lead, colleague, nav_guest, team
):
    english.force_login(coordinator)
    response = english.get(reverse("meetings:new"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lise Leder" in page
    assert "Kari Koordinator" in page
    # Guests are invited by address: NAV's staff are not listed (see below).
    assert "Vera Veileder" not in page
    # A colleague of the same municipality is not a guest, and not a member of this team.
    assert "Kai Kollega" not in page


@pytest.mark.parametrize("user", ["colleague", "outsider"])
def test_someone_outside_the_team_cannot_call_its_meeting(client, request, team, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("meetings:new"), {"team": team.pk}).status_code == 404
    response = client.post(
        reverse("meetings:new"), {"team": team.pk, "starts_at": "2030-01-07T09:00"}
    )
    assert response.status_code == 404


def test_a_manager_cannot_call_meetings(client, manager):
    client.force_login(manager)
    assert client.get(reverse("meetings:new")).status_code == 404


def test_the_team_lead_creates_a_meeting_with_members_guests_and_agenda(
    client, team_lead, coordinator, nav_guest, team, case
):
    client.force_login(team_lead)
    response = client.post(
        reverse("meetings:new"),
        {
            "team": team.pk,
            "starts_at": "2030-01-07T09:00",
            "location": "Rådhuset, møterom 3",
            f"member_{team_lead.pk}": "on",
            "guest_emails": "  VEILEDER@nav.test\n",
        },
    )
    meeting = team.meetings.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2030-01-07 09:00"
    assert meeting.location == "Rådhuset, møterom 3"
    assert meeting.created_by == team_lead
    attendees = {(a.user_id, a.organisation.name, a.is_guest) for a in meeting.attendees.all()}
    # The guest invited by address attends once they accept (test_meeting_invitations.py).
    assert attendees == {(team_lead.pk, "Testkommune", False)}
    invitations = meeting.invitations.values_list("email", "status", "invited_by")
    assert list(invitations) == [("veileder@nav.test", "pending", team_lead.pk)]
    assert list(meeting.items.values_list("case_id", flat=True)) == [case.pk]
    assert ChangeLog.objects.filter(action="meeting.created", object_id=meeting.pk).exists()
    assert ChangeLog.objects.filter(action="meeting.item_added", person_id=case.person_id).exists()


def test_the_new_meeting_page_lists_no_other_organisations_staff(
    client, team_lead, team, nav_guest, outsider
):
    client.force_login(team_lead)
    page = client.get(reverse("meetings:new")).content.decode()
    assert "Vera Veileder" not in page
    assert outsider.get_full_name() not in page
    assert 'name="guest_emails"' in page


def test_earlier_guests_are_offered_and_others_are_invited_by_address(
    client, team_lead, team, nav_guest, outsider
):
    create_meeting(team_lead, team, guests=[nav_guest], days=-7)
    client.force_login(team_lead)
    page = client.get(reverse("meetings:new"))
    assert list(page.context["form"].fields["guests"].queryset) == [nav_guest]
    assert "Vera Veileder" in page.content.decode()
    response = client.post(
        reverse("meetings:new"),
        {
            "team": team.pk,
            "starts_at": "2030-01-07T09:00",
            "guests": [nav_guest.pk],
            "guest_emails": f"{outsider.email}, {nav_guest.email}",
        },
    )
    assert response.status_code == 302
    meeting = team.meetings.order_by("-starts_at").first()
    guests = set(meeting.attendees.filter(is_guest=True).values_list("user_id", flat=True))
    assert guests == {nav_guest.pk}
    invited = set(meeting.invitations.values_list("email", flat=True))
    assert invited == {outsider.email, nav_guest.email}


def test_an_address_that_is_no_email_address_is_refused_and_nothing_is_created(
    client, team_lead, team
):
    client.force_login(team_lead)
    response = client.post(
        reverse("meetings:new"),
        {"team": team.pk, "starts_at": "2030-01-07T09:00", "guest_emails": "vera.nav.test"},
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["guest_emails"]
    assert "vera.nav.test" in error
    assert not team.meetings.exists()


def test_a_meeting_needs_its_time(client, team_lead, team):
    client.force_login(team_lead)
    response = client.post(reverse("meetings:new"), {"team": team.pk, "location": "Her"})
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors
    assert not team.meetings.exists()


def test_a_guest_must_come_from_another_organisation(team_lead, colleague, team):
    with pytest.raises(actions.NotAGuest):
        create_meeting(team_lead, team, guests=[colleague])


def test_only_the_teams_members_attend_as_members(team_lead, colleague, team):
    with pytest.raises(actions.NotAMember):
        create_meeting(team_lead, team, members=[colleague])


def test_a_colleague_cannot_create_a_meeting_for_another_team(colleague, team):
    with pytest.raises(NotAllowed):
        create_meeting(colleague, team)


# --- the agenda -----------------------------------------------------------------------


def test_the_agenda_has_new_applications_and_flagged_cases_in_order(
    team_lead, coordinator, register, team, other_team, colleague
):
    referred = open_case(coordinator, register, team, "Rita")
    assessed = open_case(coordinator, register, team, "Anders", state=CaseState.ASSESSMENT)
    flagged = open_case(
        coordinator, register, team, "Frida", state=CaseState.ACTIVE, flag="Stopped coming"
    )
    open_case(coordinator, register, team, "Aksel", state=CaseState.ACCEPTED)
    open_case(coordinator, register, team, "Erik", state=CaseState.ENDED)
    open_case(coordinator, register, team, "Rolf", state=CaseState.REDIRECTED)
    open_case(coordinator, register, team, "Wenche", state=CaseState.WAITING_LIST)
    ended_flagged = open_case(coordinator, register, team, "Elin", state=CaseState.ACTIVE)
    do_flag_for_meeting(coordinator, ended_flagged, reason="x")
    do_transition_case(coordinator, ended_flagged, CaseState.ENDED)
    open_case(colleague, register, other_team, "Oda", state=CaseState.ASSESSMENT)

    meeting = create_meeting(team_lead, team)

    items = list(meeting.items.order_by("position"))
    assert [(i.position, i.case_id, i.reason) for i in items] == [
        (1, referred.pk, AgendaItem.Reason.NEW_APPLICATION),
        (2, assessed.pk, AgendaItem.Reason.NEW_APPLICATION),
        (3, flagged.pk, AgendaItem.Reason.FLAGGED),
    ]


def test_a_case_settled_in_an_earlier_meeting_does_not_come_back(
    team_lead, coordinator, register, team
):
    case = open_case(coordinator, register, team, "Siri", state=CaseState.ASSESSMENT)
    sign_and_consent(case, on=timezone.localdate() - datetime.timedelta(days=8))
    first = create_meeting(team_lead, team, days=-7)
    actions.do_decide(team_lead, first.items.get(), Decision.WAITING_LIST)
    # Taken off the waiting list for a new assessment: not a new application.
    do_transition_case(coordinator, case, CaseState.ASSESSMENT)

    second = create_meeting(team_lead, team)

    assert not second.items.exists()


def test_a_case_the_team_wanted_more_information_on_comes_back(
    team_lead, coordinator, register, team
):
    case = open_case(coordinator, register, team, "Mona")
    first = create_meeting(team_lead, team, days=-7)
    actions.do_decide(team_lead, first.items.get(), Decision.MORE_INFORMATION, note="School?")

    second = create_meeting(team_lead, team)

    assert list(second.items.values_list("case_id", flat=True)) == [case.pk]


def test_refreshing_adds_new_cases_and_drops_those_no_longer_waiting(
    client, team_lead, coordinator, register, team
):
    early = open_case(coordinator, register, team, "Tone")
    meeting = create_meeting(team_lead, team)
    late = open_case(coordinator, register, team, "Trond", state=CaseState.ASSESSMENT)
    do_transition_case(coordinator, early, CaseState.REDIRECTED)

    client.force_login(coordinator)
    response = client.post(reverse("meetings:refresh", args=[meeting.pk]))

    assert response.status_code == 302
    assert list(meeting.items.values_list("position", "case_id")) == [(1, late.pk)]
    assert ChangeLog.objects.filter(
        action="meeting.item_removed", person_id=early.person_id
    ).exists()


def test_refreshing_is_refused_once_decisions_start(
    client, team_lead, coordinator, register, team, meeting, signed
):
    actions.do_decide(team_lead, meeting.items.get(), Decision.WAITING_LIST)
    open_case(coordinator, register, team, "Petter")
    with pytest.raises(actions.AgendaLocked):
        actions.do_refresh_agenda(team_lead, meeting)
    client.force_login(team_lead)
    client.post(reverse("meetings:refresh", args=[meeting.pk]))
    assert meeting.items.count() == 1


@pytest.mark.parametrize("user", ["nav_guest", "org_admin", "colleague", "outsider"])
def test_only_the_teams_members_refresh_the_agenda(client, request, meeting, user):
    client.force_login(request.getfixturevalue(user))
    assert client.post(reverse("meetings:refresh", args=[meeting.pk])).status_code == 404


def test_reading_the_agenda_logs_every_person_shown(
    client, coordinator, register, team, team_lead, case
):
    other = open_case(coordinator, register, team, "Live", state=CaseState.ASSESSMENT)
    meeting = create_meeting(team_lead, team)
    client.force_login(coordinator)
    client.get(reverse("meetings:detail", args=[meeting.pk]))
    for person_id in (case.person_id, other.person_id):
        entry = AccessLog.objects.get(person_id=person_id, actor=coordinator, what="meeting_item")
        assert entry.purpose == Purpose.FOLLOW_UP
        assert entry.team == team


def test_the_team_sees_names_and_links_to_the_person(english, coordinator, meeting, case):
    english.force_login(coordinator)
    page = english.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Item 1: Nora Hansen" in page
    assert "17.05.2003" in page
    assert (
        reverse("people:detail", args=[case.person_id]) in page
        or reverse("cases:detail", args=[case.pk]) in page
    )


# --- decisions ------------------------------------------------------------------------


def decide(client, meeting, item, **data):
    prefix = f"item-{item.pk}-"
    return client.post(
        reverse("meetings:decide", args=[meeting.pk, item.pk]),
        {prefix + name: value for name, value in data.items()},
    )


def decision_events(case):
    return CaseEvent.objects.filter(case=case, kind=EventKind.DECISION)


def test_accepting_moves_the_case_assigns_the_contact_person_and_clears_the_flag(
    client, team_lead, coordinator, register, team
):
    case = open_case(coordinator, register, team, "Ada", flag="Needs a place quickly")
    sign_and_consent(case)
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    client.force_login(team_lead)

    response = decide(client, meeting, item, decision=f"accept:{coordinator.pk}")

    assert response.status_code == 302
    case.refresh_from_db()
    item.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert case.contact_person == coordinator
    assert case.flagged_for_meeting is False
    assert item.decision == Decision.ACCEPT
    assert item.contact_person == coordinator
    assert item.decided_by == team_lead
    event = decision_events(case).get()
    assert event.data["decision"] == "accept"
    assert event.data["meeting"] == meeting.pk
    assert event.data["contact_person"] == coordinator.pk
    assert event.recorded_by == team_lead
    kinds = list(case.events.values_list("kind", flat=True))
    assert EventKind.STATE_CHANGED in kinds
    assert EventKind.CONTACT_PERSON_ASSIGNED in kinds
    assert ChangeLog.objects.filter(action="meeting.decided", object_id=item.pk).exists()
    assert ChangeLog.objects.filter(action="case.unflagged", object_id=case.pk).exists()


def test_accepting_without_a_contact_person_is_refused(client, team_lead, meeting, case, signed):
    item = meeting.items.get()
    client.force_login(team_lead)
    response = decide(client, meeting, item, decision="accept")
    assert response.status_code == 200
    assert response.context["rows"][0]["form"].has_error("decision", "invalid_choice")
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED
    assert not decision_events(case).exists()
    with pytest.raises(actions.ContactPersonRequired):
        actions.do_decide(team_lead, item, Decision.ACCEPT)


def test_accepting_with_someone_outside_the_team_as_contact_person_is_refused(
    client, team_lead, colleague, meeting, case, signed
):
    client.force_login(team_lead)
    response = decide(client, meeting, meeting.items.get(), decision=f"accept:{colleague.pk}")
    assert response.context["rows"][0]["form"].has_error("decision", "invalid_choice")
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED


def test_a_contact_person_from_outside_the_team_is_refused(
    team_lead, colleague, meeting, case, signed
):
    from losen.cases.actions.core import NotAContactPerson

    with pytest.raises(NotAContactPerson):
        actions.do_decide(team_lead, meeting.items.get(), Decision.ACCEPT, contact_person=colleague)
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED


def test_the_waiting_list_moves_the_case_there(client, team_lead, meeting, case, signed):
    client.force_login(team_lead)
    decide(client, meeting, meeting.items.get(), decision="waiting_list", note="Full until May")
    case.refresh_from_db()
    assert case.state == CaseState.WAITING_LIST
    event = decision_events(case).get()
    assert event.data["decision"] == "waiting_list"
    assert event.note == "Full until May"


def test_redirecting_moves_the_case_and_records_where_and_why(
    client, team_lead, meeting, case, signed
):
    client.force_login(team_lead)
    decide(
        client,
        meeting,
        meeting.items.get(),
        decision="redirect",
        redirect_to="Oppfølgingstjenesten",
        note="Has rights left in upper secondary school",
    )
    case.refresh_from_db()
    item = meeting.items.get()
    assert case.state == CaseState.REDIRECTED
    assert item.redirect_to == "Oppfølgingstjenesten"
    assert item.redirect_reason == "Has rights left in upper secondary school"
    event = decision_events(case).get()
    assert event.data["redirect_to"] == "Oppfølgingstjenesten"
    assert "rights left" in event.note


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"note": "Because"}, "redirect_to"),
        ({"redirect_to": "OT"}, "note"),
    ],
)
def test_redirecting_without_service_or_reason_is_refused(
    client, team_lead, meeting, case, data, field, signed
):
    client.force_login(team_lead)
    response = decide(client, meeting, meeting.items.get(), decision="redirect", **data)
    assert response.context["rows"][0]["form"].has_error(field)
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED
    details = {"redirect_to": data.get("redirect_to", ""), "redirect_reason": data.get("note", "")}
    with pytest.raises(actions.RedirectDetailsRequired):
        actions.do_decide(team_lead, meeting.items.get(), Decision.REDIRECT, **details)


def test_more_information_moves_a_referral_to_assessment(client, team_lead, meeting, case):
    client.force_login(team_lead)
    decide(client, meeting, meeting.items.get(), decision="more_information", note="Ask NAV")
    case.refresh_from_db()
    assert case.state == CaseState.ASSESSMENT
    assert decision_events(case).get().data["decision"] == "more_information"


def test_more_information_leaves_a_case_under_assessment_where_it_is(
    team_lead, coordinator, register, team
):
    case = open_case(coordinator, register, team, "Ola", state=CaseState.ASSESSMENT)
    meeting = create_meeting(team_lead, team)
    state_changes = case.events.filter(kind=EventKind.STATE_CHANGED).count()
    actions.do_decide(team_lead, meeting.items.get(), Decision.MORE_INFORMATION)
    case.refresh_from_db()
    assert case.state == CaseState.ASSESSMENT
    assert decision_events(case).count() == 1
    assert case.events.filter(kind=EventKind.STATE_CHANGED).count() == state_changes


def test_a_second_decision_on_the_same_item_is_refused(
    client, team_lead, coordinator, meeting, signed
):
    item = meeting.items.get()
    client.force_login(team_lead)
    decide(client, meeting, item, decision=f"accept:{coordinator.pk}")
    response = decide(client, meeting, item, decision="redirect", redirect_to="X", note="Y")
    assert response.status_code == 302
    item.refresh_from_db()
    item.case.refresh_from_db()
    assert item.decision == Decision.ACCEPT
    assert item.case.state == CaseState.ACCEPTED
    assert decision_events(item.case).count() == 1
    with pytest.raises(actions.AlreadyDecided):
        actions.do_decide(team_lead, item, Decision.WAITING_LIST)


def test_a_decision_the_case_cannot_take_is_refused(team_lead, coordinator, register, team):
    case = open_case(coordinator, register, team, "Per", state=CaseState.ACTIVE, flag="Check-in")
    meeting = create_meeting(team_lead, team)
    with pytest.raises(actions.CaseCannotMove):
        actions.do_decide(team_lead, meeting.items.get(), Decision.WAITING_LIST)
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE
    assert not decision_events(case).exists()


def test_a_decision_through_htmx_swaps_only_its_item(
    client, team_lead, coordinator, meeting, signed
):
    item = meeting.items.get()
    client.force_login(team_lead)
    response = client.post(
        reverse("meetings:decide", args=[meeting.pk, item.pk]),
        {f"item-{item.pk}-decision": "waiting_list"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<section class="card agenda-item" id="item-{item.pk}"')
    assert "<html" not in page
    assert 'hx-swap-oob="true"' in page


def test_an_invalid_decision_through_htmx_shows_the_errors_in_the_item(
    client, team_lead, meeting, signed
):
    item = meeting.items.get()
    client.force_login(team_lead)
    response = client.post(
        reverse("meetings:decide", args=[meeting.pk, item.pk]),
        {f"item-{item.pk}-decision": "redirect"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert response.context["form"].has_error("redirect_to")
    assert response.context["form"].has_error("note")


@pytest.mark.parametrize("user", ["nav_guest", "org_admin", "colleague", "outsider"])
def test_only_the_teams_members_decide(client, request, meeting, case, user):
    client.force_login(request.getfixturevalue(user))
    response = decide(client, meeting, meeting.items.get(), decision="waiting_list")
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED


def test_a_guest_cannot_decide_through_the_action_either(nav_guest, meeting):
    with pytest.raises(NotAllowed):
        actions.do_decide(nav_guest, meeting.items.get(), Decision.WAITING_LIST)


def test_a_guest_gets_no_decision_form(english, nav_guest, meeting):
    english.force_login(nav_guest)
    page = english.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert f"/meetings/{meeting.pk}/items/" not in page
    assert "Refresh the agenda" not in page


# --- minutes --------------------------------------------------------------------------


def test_the_minutes_are_a_pdf_with_time_place_attendees_and_decisions(
    english, team_lead, coordinator, nav_guest, meeting, case, signed
):
    actions.do_decide(team_lead, meeting.items.get(), Decision.ACCEPT, contact_person=coordinator)
    english.force_login(coordinator)
    response = english.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    heading = " ".join(text.split()[:12])
    assert heading.startswith("Minutes of the team meeting, Ungteam, ")
    assert " · Testkommune" in " ".join(text.split())  # whose meeting, on the first line
    assert "Møterom 2" in text
    assert "Lise Leder" in text
    assert "Vera Veileder" in text
    assert "Nora Hansen" in text
    assert "Accept" in text
    assert "Kari Koordinator" in text
    entry = AccessLog.objects.get(person_id=case.person_id, actor=coordinator)
    assert entry.purpose == Purpose.EXPORT
    assert entry.what == "meeting_minutes"


def test_attendees_keep_their_organisation(meeting, nav_guest, nav_office):
    guest = MeetingAttendee.objects.get(meeting=meeting, user=nav_guest)
    assert guest.is_guest
    assert guest.organisation == nav_office


def test_the_meeting_form_sent_twice_makes_one_meeting(client, team_lead, team):
    from losen.submissions.tests.test_double_posts import SUBMISSION_FIELD, token_of

    client.force_login(team_lead)
    token = token_of(client.get(reverse("meetings:new")))
    data = {"team": team.pk, "starts_at": "2030-01-07T09:00", "location": "Her"}
    first = client.post(reverse("meetings:new"), {**data, SUBMISSION_FIELD: token})
    second = client.post(reverse("meetings:new"), {**data, SUBMISSION_FIELD: token})
    assert team.meetings.count() == 1
    assert second["Location"] == first["Location"]
