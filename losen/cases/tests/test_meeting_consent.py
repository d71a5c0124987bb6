"""Guests at the team meeting see a young person only as far as the person's consent goes."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from losen.accounts.models import Organisation, Role, Team
from losen.audit.models import AccessLog, Purpose
from losen.cases.actions.intake import do_withdraw_consent
from losen.cases.models import ConsentRecipient
from losen.cases.tests.test_meetings import create_meeting, give_consent, pdf_text

pytestmark = pytest.mark.django_db

NAME = "Nora Hansen"
BIRTH_DATE = "17.05.2003"


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
def nav_guest(make_user, nav_office):
    nav_team = Team.objects.create(organisation=nav_office, name="Ungdomsteamet")
    return make_user(
        "veileder@nav.test", Role.COORDINATOR, team=nav_team, full_name="Vera Veileder"
    )


@pytest.fixture
def provider_guest(outsider):
    """A coordinator at Utenfor AS, a provider: not NAV, not named in any consent."""
    return outsider


def guest_page(client, guest, meeting) -> str:
    client.force_login(guest)
    response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def assert_masked(page: str) -> None:
    assert "Nora" not in page
    assert "Hansen" not in page
    assert BIRTH_DATE not in page
    assert "Item 1 (no consent for your organisation)" in page
    assert "New application" in page  # the reason is all a masked item shows


def test_without_consent_a_guest_sees_no_name_and_no_birth_date(
    english, team_lead, team, case, nav_guest
):
    meeting = create_meeting(team_lead, team, guests=[nav_guest])
    assert_masked(guest_page(english, nav_guest, meeting))
    assert not AccessLog.objects.filter(actor=nav_guest).exists()


def test_consent_to_the_meetings_members_lets_every_guest_see_the_name(
    english, team_lead, team, case, nav_guest, provider_guest
):
    give_consent(case, recipient=ConsentRecipient.MEETING_MEMBERS)
    meeting = create_meeting(team_lead, team, guests=[nav_guest, provider_guest])
    for guest in (nav_guest, provider_guest):
        page = guest_page(english, guest, meeting)
        assert f"Item 1: {NAME}" in page
        assert BIRTH_DATE in page


def test_consent_to_a_named_organisation_covers_only_that_one(
    english, team_lead, team, case, nav_guest, provider_guest, outside_organisation
):
    give_consent(case, recipient=ConsentRecipient.ORGANISATION, organisation=outside_organisation)
    meeting = create_meeting(team_lead, team, guests=[nav_guest, provider_guest])
    assert NAME in guest_page(english, provider_guest, meeting)
    assert_masked(guest_page(english, nav_guest, meeting))


def test_consent_to_nav_covers_a_nav_office_but_not_a_provider(
    english, team_lead, team, case, nav_guest, provider_guest
):
    give_consent(case, recipient=ConsentRecipient.NAV)
    meeting = create_meeting(team_lead, team, guests=[nav_guest, provider_guest])
    assert NAME in guest_page(english, nav_guest, meeting)
    assert_masked(guest_page(english, provider_guest, meeting))


def test_consent_withdrawal_hides_the_person_from_the_guests_view_of_the_next_meeting(
    english, team_lead, coordinator, team, case, nav_guest
):
    consent = give_consent(case, recipient=ConsentRecipient.MEETING_MEMBERS)
    first = create_meeting(team_lead, team, guests=[nav_guest], days=-7)
    assert NAME in guest_page(english, nav_guest, first)

    do_withdraw_consent(coordinator, consent)
    following = create_meeting(team_lead, team, guests=[nav_guest], days=7)

    assert following.items.filter(case=case).exists()
    assert_masked(guest_page(english, nav_guest, following))
    # The withdrawal stops the sharing at once: the earlier meeting is masked too.
    assert NAME not in guest_page(english, nav_guest, first)


def test_a_withdrawn_consent_for_another_purpose_does_not_count(
    english, team_lead, team, case, nav_guest
):
    consent = give_consent(case, recipient=ConsentRecipient.MEETING_MEMBERS)
    consent.purpose = "follow_up"
    consent.save(update_fields=["purpose"])
    meeting = create_meeting(team_lead, team, guests=[nav_guest])
    assert_masked(guest_page(english, nav_guest, meeting))


def test_a_guest_who_sees_a_named_item_is_written_in_the_access_log(
    client, team_lead, team, case, nav_guest, nav_office
):
    give_consent(case, recipient=ConsentRecipient.MEETING_MEMBERS)
    meeting = create_meeting(team_lead, team, guests=[nav_guest])
    guest_page(client, nav_guest, meeting)
    entry = AccessLog.objects.get(actor=nav_guest)
    assert entry.person_id == case.person_id
    assert entry.what == "meeting_item"
    assert entry.purpose == Purpose.FOLLOW_UP
    assert entry.organisation == nav_office
    assert entry.team is None


def test_a_guest_gets_no_links_to_case_or_person_pages(client, team_lead, team, case, nav_guest):
    give_consent(case, recipient=ConsentRecipient.MEETING_MEMBERS)
    meeting = create_meeting(team_lead, team, guests=[nav_guest])
    page = guest_page(client, nav_guest, meeting)
    assert NAME in page
    assert not re.search(r'href="/(cases|people)/\d', page)
    client.force_login(nav_guest)
    assert client.get(reverse("people:detail", args=[case.person_id])).status_code == 404


def test_the_minutes_are_masked_for_a_guest_as_on_the_page(
    english, team_lead, coordinator, team, case, nav_guest
):
    meeting = create_meeting(team_lead, team, guests=[nav_guest])
    english.force_login(nav_guest)
    response = english.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Nora" not in text
    assert "Hansen" not in text
    assert BIRTH_DATE not in text
    assert "No consent for your organisation" in text
    assert "Vera Veileder" in text  # the attendees are in the minutes

    english.force_login(coordinator)
    assert NAME in pdf_text(english.get(reverse("meetings:minutes_pdf", args=[meeting.pk])).content)


def test_the_minutes_show_a_consenting_person_to_the_guest(
    english, team_lead, team, case, nav_guest
):
    give_consent(case, recipient=ConsentRecipient.NAV)
    meeting = create_meeting(team_lead, team, guests=[nav_guest])
    english.force_login(nav_guest)
    text = pdf_text(english.get(reverse("meetings:minutes_pdf", args=[meeting.pk])).content)
    assert NAME in text
    assert BIRTH_DATE in text
