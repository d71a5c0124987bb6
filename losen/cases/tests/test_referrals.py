"""Registering referrals (new or registered person, open or new case) and the queue."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import synthetic_fnr
from losen.audit.models import AccessLog, ChangeLog, Purpose
from losen.cases.actions import intake as actions
from losen.cases.models import Application, Case, CaseEvent, CaseState, EventKind, Referral
from losen.lib.errors import NotAllowed
from losen.people.actions import PersonData
from losen.people.models import Follow, Guardian, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    """A client that sees the interface in English (the msgids), whatever is translated."""
    client.cookies["django_language"] = "en"
    return client


def years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def referral_data(**overrides) -> dict[str, str]:
    data = {
        "source": "nav",
        "referred_on": timezone.localdate().isoformat(),
        "reason": "Dropped out of upper secondary; asks for help to get started again.",
        "referrer_name": "Per Veileder",
        "referrer_organisation": "NAV Testkommune",
        "referrer_contact": "+47 400 00 001",
    }
    data.update(overrides)
    return data


def new_person_data(**overrides) -> dict[str, str]:
    data = {
        "first_name": "Emma",
        "last_name": "Larsen",
        "birth_date": "2001-03-09",
        "identity_number": "",
        "phone": "+47 400 00 000",
        "email": "",
        "address": "",
        "postal_code": "",
        "city": "",
        "municipality": "Testkommune",
        "country": "NO",
        "preferred_language": "nb",
        **referral_data(),
    }
    data.update(overrides)
    return data


def refer(actor, team, person, **overrides):
    kwargs = {"source": "school", "reason": "Long absence from school."}
    kwargs.update(overrides)
    return actions.do_register_referral(actor, team=team, person=person, **kwargs)


# --- a referral for a new person ---------------------------------------------------------


def test_a_referral_for_a_new_person_registers_them_opens_a_case_and_writes_the_event(
    client, coordinator, team, today
):
    client.force_login(coordinator)
    response = client.post(reverse("referrals:new"), new_person_data())
    person = Person.objects.get(last_name="Larsen")
    case = Case.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:application", args=[case.pk])
    assert Follow.objects.filter(person=person, team=team).exists()
    assert (case.team, case.state, case.opened_on) == (team, CaseState.REFERRED, today)
    referral = Referral.objects.get(case=case)
    assert referral.person == person
    assert referral.source == "nav"
    assert referral.referrer_organisation == "NAV Testkommune"
    assert referral.created_by == coordinator
    event = CaseEvent.objects.get(case=case, kind=EventKind.REFERRED)
    assert event.effective_on == today
    assert event.recorded_by == coordinator
    assert event.data["referral_id"] == referral.pk
    application = Application.objects.get(case=case)
    assert not application.is_signed
    actions_logged = set(
        ChangeLog.objects.filter(person_id=person.pk).values_list("action", flat=True)
    )
    assert {"person.registered", "case.opened", "referral.registered", "application.created"} <= (
        actions_logged
    )


def test_a_referral_for_a_new_minor_needs_a_guardian_like_the_person_form(client, coordinator):
    client.force_login(coordinator)
    data = new_person_data(birth_date=years_ago(16).isoformat())
    response = client.post(reverse("referrals:new"), data)
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert not Referral.objects.exists()
    assert "guardian_name_error1" in response.content.decode()
    response = client.post(
        reverse("referrals:new"),
        {**data, "guardian_name": "Mor Larsen", "guardian_phone": "+47 900 00 000"},
    )
    assert response.status_code == 302
    person = Person.objects.get(last_name="Larsen")
    assert Guardian.objects.filter(person=person, name="Mor Larsen").exists()


def test_a_referral_with_an_invalid_identity_number_is_refused(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("referrals:new"), new_person_data(identity_number="01010112345"))
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert not Case.objects.exists()


def test_a_referral_dated_in_the_future_is_refused(client, coordinator, today):
    client.force_login(coordinator)
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("referrals:new"), new_person_data(referred_on=tomorrow))
    assert response.status_code == 200
    assert "referred_on_error1" in response.content.decode()
    assert not Referral.objects.exists()


# --- a registered person -----------------------------------------------------------------


def test_a_referral_with_a_registered_identity_number_joins_that_person(
    english, coordinator, person, person_number, team
):
    english.force_login(coordinator)
    response = english.post(
        reverse("referrals:new"),
        new_person_data(
            first_name="Nora", last_name="Hansen", birth_date="", identity_number=person_number
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert Person.objects.count() == 1
    referral = Referral.objects.get()
    assert referral.person == person
    assert referral.case.person == person
    assert "already registered in your organisation" in response.content.decode()


def test_a_referral_for_a_chosen_person_joins_their_open_case_in_the_team(
    english, coordinator, person, case
):
    english.force_login(coordinator)
    url = reverse("referrals:new") + f"?person={person.pk}"
    response = english.post(url, referral_data(source="school"), follow=True)
    assert response.status_code == 200
    assert Case.objects.count() == 1
    referral = Referral.objects.get()
    assert referral.case == case
    assert referral.source == "school"
    assert case.events.filter(kind=EventKind.REFERRED).count() == 2
    assert Application.objects.filter(case=case).exists()
    assert "already has an open case" in response.content.decode()


def test_a_referral_after_the_case_ended_opens_a_new_case(coordinator, person, case, team):
    Case.objects.filter(pk=case.pk).update(state=CaseState.ENDED)
    registered = refer(coordinator, team, person)
    assert registered.case_opened
    assert registered.referral.case != case
    assert Case.objects.filter(person=person).count() == 2


def test_a_back_dated_referral_dates_the_event_and_the_case_back(
    client, coordinator, person, today
):
    back = today - datetime.timedelta(days=30)
    client.force_login(coordinator)
    url = reverse("referrals:new") + f"?person={person.pk}"
    client.post(url, referral_data(referred_on=back.isoformat()))
    referral = Referral.objects.get()
    event = CaseEvent.objects.get(case=referral.case, kind=EventKind.REFERRED)
    assert referral.referred_on == back
    assert event.effective_on == back
    assert event.recorded_at.date() >= today - datetime.timedelta(days=1)
    assert referral.case.opened_on == back


def test_the_same_name_and_birth_date_offers_the_registered_person_before_a_new_one(
    client, coordinator, person
):
    client.force_login(coordinator)
    data = new_person_data(first_name="Nora", last_name="Hansen", birth_date="2003-05-17")
    response = client.post(reverse("referrals:new"), data)
    assert response.status_code == 200
    assert f"?person={person.pk}" in response.content.decode()
    assert Person.objects.count() == 1
    response = client.post(reverse("referrals:new"), {**data, "confirm_possible_duplicate": "on"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_the_referral_page_for_a_person_logs_the_read_for_the_coordinator(
    client, coordinator, person, team
):
    client.force_login(coordinator)
    response = client.get(reverse("referrals:new") + f"?person={person.pk}")
    assert response.status_code == 200
    assert person.full_name in response.content.decode()
    entry = AccessLog.objects.filter(person_id=person.pk, actor=coordinator).latest("id")
    assert (entry.purpose, entry.team) == (Purpose.REGISTRATION, team)


@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager"])
def test_the_referral_page_for_a_person_is_not_found_for_others(client, request, person, persona):
    actor = request.getfixturevalue(persona)
    client.force_login(actor)
    url = reverse("referrals:new") + f"?person={person.pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, referral_data()).status_code == 404
    assert not Referral.objects.exists()
    assert not AccessLog.objects.filter(person_id=person.pk, actor=actor).exists()


def test_the_new_referral_page_is_not_found_for_a_manager(client, manager):
    client.force_login(manager)
    assert client.get(reverse("referrals:new")).status_code == 404
    assert client.post(reverse("referrals:new"), new_person_data()).status_code == 404
    assert not Person.objects.exists()


def test_the_new_referral_page_opens_for_the_coordinator(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("referrals:new"))
    assert response.status_code == 200
    assert 'name="first_name"' in response.content.decode()
    assert 'name="reason"' in response.content.decode()


def test_a_nonsense_person_parameter_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("referrals:new") + "?person=abc").status_code == 404


# --- finding the person ------------------------------------------------------------------


def test_the_person_search_finds_people_the_coordinator_follows(
    client, coordinator, person, person_number
):
    client.force_login(coordinator)
    by_name = client.post(reverse("referrals:person_search"), {"q": "hansen"})
    by_number = client.post(reverse("referrals:person_search"), {"q": person_number})
    for response in (by_name, by_number):
        assert response.status_code == 200
        assert f"?person={person.pk}" in response.content.decode()
    assert person_number not in by_number.content.decode().replace(f'value="{person_number}"', "")


def test_the_person_search_answers_htmx_with_the_results_only(client, coordinator, person):
    client.force_login(coordinator)
    response = client.post(
        reverse("referrals:person_search"), {"q": "Nora"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert f"?person={person.pk}" in response.content.decode()


@pytest.mark.parametrize("persona", ["colleague", "outsider"])
def test_the_person_search_does_not_find_people_of_other_teams(client, request, person, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("referrals:person_search"), {"q": "Nora"})
    assert response.status_code == 200
    assert f"?person={person.pk}" not in response.content.decode()


def test_the_person_search_is_not_found_for_a_manager(client, manager, person):
    client.force_login(manager)
    assert client.post(reverse("referrals:person_search"), {"q": "Nora"}).status_code == 404


# --- the queue ---------------------------------------------------------------------------


def test_the_queue_shows_source_date_days_waiting_and_signature_newest_first(
    english, coordinator, register, team, today
):
    older = register(first_name="Olav", last_name="Eldre")
    newer = register(first_name="Nina", last_name="Nyere")
    refer(coordinator, team, older, referred_on=today - datetime.timedelta(days=12))
    refer(coordinator, team, newer, source="relative")
    english.force_login(coordinator)
    response = english.get(reverse("referrals:queue"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Nyere, Nina") < page.index("Eldre, Olav")
    assert "<td>12</td>" in page
    assert "Relative" in page
    assert (today - datetime.timedelta(days=12)).strftime("%d.%m.%Y") in page
    assert "<td>No</td>" in page


def test_the_queue_says_yes_when_the_application_is_signed(english, coordinator, person, team):
    registered = refer(coordinator, team, person)
    actions.do_sign_application(coordinator, registered.referral.case, youth_name="Nora Hansen")
    english.force_login(coordinator)
    page = english.get(reverse("referrals:queue")).content.decode()
    assert "Hansen, Nora" in page
    assert "<td>Yes</td>" in page


def test_the_queue_leaves_out_cases_the_team_has_decided_on(client, coordinator, person, team):
    registered = refer(coordinator, team, person)
    Case.objects.filter(pk=registered.referral.case_id).update(state=CaseState.ACCEPTED)
    client.force_login(coordinator)
    assert "Hansen, Nora" not in client.get(reverse("referrals:queue")).content.decode()


def test_the_queue_can_be_filtered_by_team(
    client, org_admin, coordinator, colleague, register, team, other_team
):
    ours = register(first_name="Ola", last_name="Ungteam")
    theirs = register(first_name="Tor", last_name="Annet", actor=colleague, in_team=other_team)
    refer(coordinator, team, ours)
    refer(colleague, other_team, theirs)
    client.force_login(org_admin)
    every = client.get(reverse("referrals:queue")).content.decode()
    filtered = client.get(reverse("referrals:queue"), {"team": other_team.pk}).content.decode()
    assert "Ungteam, Ola" in every
    assert "Annet, Tor" in every
    assert "Annet, Tor" in filtered
    assert "Ungteam, Ola" not in filtered


def test_the_queue_answers_htmx_with_the_rows_only(client, coordinator, person, team):
    refer(coordinator, team, person)
    client.force_login(coordinator)
    response = client.get(reverse("referrals:queue"), {"team": team.pk}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "Hansen, Nora" in response.content.decode()


@pytest.mark.parametrize("persona", ["colleague", "outsider"])
def test_the_queue_of_another_team_does_not_show_the_referral(
    client, request, coordinator, person, team, persona
):
    refer(coordinator, team, person)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("referrals:queue"), {"team": team.pk})
    assert response.status_code == 200
    assert "Hansen" not in response.content.decode()


def test_the_queue_is_not_found_for_a_manager(client, manager):
    client.force_login(manager)
    assert client.get(reverse("referrals:queue")).status_code == 404


# --- the action's own guards -------------------------------------------------------------


def test_a_referral_to_a_team_the_actor_is_not_in_is_not_allowed(colleague, team, person):
    with pytest.raises(NotAllowed):
        refer(colleague, team, person)
    assert not Referral.objects.exists()


def test_a_referral_for_another_organisations_person_is_not_allowed(outsider, outside_team, person):
    with pytest.raises(NotAllowed):
        refer(outsider, outside_team, person)
    assert not Case.objects.exists()


def test_registering_a_referral_twice_with_the_same_number_never_makes_a_duplicate(
    coordinator, team
):
    number = synthetic_fnr(datetime.date(2002, 2, 2), 11)
    from losen.lib.idnumbers import parse_identity_number

    data = PersonData(first_name="Siri", last_name="Dahl", birth_date=datetime.date(2002, 2, 2))
    first = actions.do_register_referral(
        coordinator,
        team=team,
        person_data=data,
        identity_number=parse_identity_number(number, allow_synthetic=True),
        source="self",
        reason="Wants help.",
    )
    second = actions.do_register_referral(
        coordinator,
        team=team,
        person_data=data,
        identity_number=parse_identity_number(number, allow_synthetic=True),
        source="outreach",
        reason="Met at the youth club.",
    )
    assert first.person_created
    assert second.person_joined
    assert not second.case_opened
    assert Person.objects.count() == 1
    assert second.referral.case == first.referral.case
