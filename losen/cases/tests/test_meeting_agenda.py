"""The agenda gives the team what it needs to decide, and one decision control per item.

Each item shows who referred the young person (source and organisation), why and when,
the category if one is set, the age on the meeting's day (from the stored birth date),
and what is missing: the signatures, the consent to the team meeting (given by the
guardian under 18) and the other consents not given yet. All of it is read in a number
of queries that does not grow with the agenda.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from losen.cases.actions import intake
from losen.cases.actions.work import do_set_category
from losen.cases.models import Category, ConsentPurpose, ConsentRecipient
from losen.cases.queries.meetings import Missing, agenda_for
from losen.cases.tests.test_meeting_signatures import item_section
from losen.cases.tests.test_meetings import create_meeting, decide, sign_and_consent
from losen.lib.dates import add_months
from losen.people.actions import do_add_guardian
from losen.people.models import age_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def signed(case):
    """Nora has signed her application and consented to the team meeting."""
    return sign_and_consent(case)


def refer(coordinator, team, person, **details):
    details = {"source": "nav", "reason": "Has been out of work for a year.", **details}
    return intake.do_register_referral(
        coordinator, team=team, person=person, **details
    ).referral.case


def agenda_page(client, meeting) -> str:
    return client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()


def test_an_item_shows_the_referrals_source_reason_and_date_the_category_and_the_age(
    english, coordinator, team_lead, team, person, today
):
    case = refer(
        coordinator,
        team,
        person,
        source="school",
        reason="Stopped coming to school in October.",
        referrer_organisation="Testby videregående skole",
        referred_on=today - datetime.timedelta(days=9),
    )
    do_set_category(coordinator, case, category=Category.MOTIVATED_LIMITED)
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    english.force_login(coordinator)

    section = item_section(agenda_page(english, meeting), item)

    referred_on = (today - datetime.timedelta(days=9)).strftime("%d.%m.%Y")
    assert f"School (Testby videregående skole), {referred_on}" in section
    assert "Stopped coming to school in October." in section
    assert "3 – Limited prerequisites, but with will and motivation" in section
    age = age_on(person.birth_date, timezone.localdate(meeting.starts_at))
    assert f"{age} years (born 17.05.2003)" in section


def test_the_age_is_the_age_on_the_meetings_day_from_the_stored_birth_date(
    english, coordinator, team_lead, team, register, today
):
    # She turns 18 the day after tomorrow: 17 at tomorrow's meeting, 18 at next week's.
    born = add_months(today + datetime.timedelta(days=2), -18 * 12)
    young = register(first_name="Ida", last_name="Berg", birth_date=born)
    refer(coordinator, team, young)
    tomorrow = create_meeting(team_lead, team, days=1)
    next_week = create_meeting(team_lead, team, days=7)
    english.force_login(coordinator)

    assert "17 years" in item_section(agenda_page(english, tomorrow), tomorrow.items.get())
    assert "18 years" in item_section(agenda_page(english, next_week), next_week.items.get())


def test_an_item_says_when_there_is_no_referral_and_no_category(
    english, coordinator, team_lead, team, case
):
    meeting = create_meeting(team_lead, team)
    english.force_login(coordinator)
    section = item_section(agenda_page(english, meeting), meeting.items.get())
    assert "No referral registered" in section
    assert "Not set" in section


def test_an_item_names_what_is_missing_and_the_consents_not_given(
    english, coordinator, team_lead, team, person
):
    case = refer(coordinator, team, person)
    intake.do_give_consent(
        coordinator,
        case,
        purpose=ConsentPurpose.FOLLOW_UP,
        recipient=ConsentRecipient.MEETING_MEMBERS,
        given_by="youth",
    )
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    english.force_login(coordinator)

    section = item_section(agenda_page(english, meeting), item)

    missing = section[section.index(f'id="item-{item.pk}-missing"') :]
    missing = missing[: missing.index("</dd>")]
    assert "application not signed" in missing
    assert "no consent to discuss in the team meeting" in missing
    consents = section[section.index(f'id="item-{item.pk}-consents"') :]
    consents = consents[: consents.index("</dd>")]
    assert "Sharing of information" in consents
    assert "Follow-up and coordination of measures" not in consents


def test_a_minors_consent_to_the_meeting_counts_only_from_the_guardian(
    english, coordinator, team_lead, team, register, today
):
    minor = register(first_name="Ida", last_name="Berg", birth_date=add_months(today, -16 * 12))
    do_add_guardian(coordinator, minor, name="Mor Berg", relation="mother", phone="+4790000001")
    case = refer(coordinator, team, minor)
    intake.do_sign_application(coordinator, case, youth_name="Ida Berg", guardian_name="Mor Berg")
    # Recorded as hers (an import, say): under 18 the guardian must give it.
    sign_and_consent(case)
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    english.force_login(coordinator)

    section = item_section(agenda_page(english, meeting), item)

    assert "the guardian has not consented to discussion in the team meeting" in section
    assert "no consent to discuss in the team meeting" not in section
    (entry,) = agenda_for(team_lead, meeting)
    assert entry.missing == [Missing.GUARDIAN_CONSENT]
    response = decide(english, meeting, item, decision=f"accept:{coordinator.pk}")
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.decision == ""


def test_an_adults_own_consent_and_signature_leave_nothing_missing(
    english, coordinator, team_lead, team, case, signed
):
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    english.force_login(coordinator)
    section = item_section(agenda_page(english, meeting), item)
    assert f'id="item-{item.pk}-missing"' not in section
    assert f'value="accept:{coordinator.pk}"' in section


def test_the_agenda_is_read_in_the_same_number_of_queries_however_many_items(
    client, coordinator, team_lead, team, register, today
):
    def meeting_with(count: int, days: int):
        for number in range(count):
            young = register(
                first_name=f"Ung{days}x{number}",
                last_name="Testesen",
                birth_date=datetime.date(2004, 2, 3),
            )
            case = refer(coordinator, team, young)
            do_set_category(coordinator, case, category=Category.READY)
            if number % 2:
                sign_and_consent(case)
        meeting = create_meeting(team_lead, team, days=days)
        # Each meeting's agenda has the items of the other too: the new ones are counted.
        return meeting, meeting.items.count()

    client.force_login(team_lead)
    small, small_count = meeting_with(1, days=1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("meetings:detail", args=[small.pk])).status_code == 200
    large, large_count = meeting_with(6, days=2)
    assert large_count == small_count + 6
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("meetings:detail", args=[large.pk])).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)


# --- one decision control per item ----------------------------------------------------


def test_each_item_has_one_form_with_one_select_and_one_button(
    english, coordinator, team_lead, team, case, signed
):
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    english.force_login(team_lead)
    section = item_section(agenda_page(english, meeting), item)
    assert section.count("<form") == 1
    assert section.count("<select") == 1
    assert section.count('type="submit"') == 1
    assert f'<label for="id_item-{item.pk}-decision">Decision' in section
    assert f'<label for="id_item-{item.pk}-note">' in section
    assert f'<label for="id_item-{item.pk}-redirect_to">' in section
    # The case's contact person is offered first.
    first = section.index(f'value="accept:{coordinator.pk}"')
    assert first < section.index(f'value="accept:{team_lead.pk}"')
    assert "Accept – contact person Kari Koordinator" in section


def test_one_choice_accepts_with_the_contact_person(
    client, coordinator, team_lead, team, case, signed
):
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    client.force_login(team_lead)
    response = decide(
        client, meeting, item, decision=f"accept:{team_lead.pk}", note="Starts Monday"
    )
    assert response.status_code == 302
    item.refresh_from_db()
    case.refresh_from_db()
    assert item.decision == "accept"
    assert item.contact_person == team_lead
    assert item.note == "Starts Monday"
    assert case.contact_person == team_lead


def test_redirecting_takes_the_service_and_the_note_as_its_reason(
    client, team_lead, team, case, signed
):
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    client.force_login(team_lead)
    decide(client, meeting, item, decision="redirect", redirect_to="OT", note="Rights left")
    item.refresh_from_db()
    assert (item.decision, item.redirect_to, item.redirect_reason, item.note) == (
        "redirect",
        "OT",
        "Rights left",
        "",
    )


def test_a_service_typed_with_another_decision_is_not_kept(client, team_lead, team, case, signed):
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    client.force_login(team_lead)
    decide(client, meeting, item, decision="waiting_list", redirect_to="OT", note="Full now")
    item.refresh_from_db()
    assert (item.decision, item.redirect_to, item.note) == ("waiting_list", "", "Full now")


def test_a_refused_decision_keeps_what_was_typed(client, team_lead, team, case, signed):
    meeting = create_meeting(team_lead, team)
    item = meeting.items.get()
    client.force_login(team_lead)
    response = decide(client, meeting, item, decision="redirect", note="Needs health care first")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Needs health care first" in page
    assert 'value="redirect" selected' in page
