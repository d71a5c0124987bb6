"""An identity number is not a key to someone's record (issue 9, item 2).

A referral typed with the number of a registered person either stops (the person has
another name or birth date: a mistyped number), joins the person (the actor's team may
see them), or is passed on to the teams that follow the person, who accept or decline
the new follow-up. Until they accept, the referring team sees nothing of the record.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from conftest import shown
from losen.audit.models import AccessLog, ChangeLog
from losen.cases.actions import intake as actions
from losen.cases.models import Application, Case, CaseEvent, EventKind, Referral
from losen.people.actions import PersonData, do_add_guardian, do_update_person
from losen.people.models import Follow, Person

pytestmark = pytest.mark.django_db

PASSED_ON = (
    "The referral for %(name)s is passed on to the team that follows this young person. "
    "Your team gets access to the record only if that team accepts the follow-up."
)
ANOTHER_NAME = "This number belongs to a person with another name; check the number."
ANOTHER_BIRTH_DATE = "This number belongs to a person with another birth date; check the number."


def referral_post(**overrides) -> dict[str, str]:
    data = {
        "first_name": "Nora",
        "last_name": "Hansen",
        "birth_date": "",
        "identity_number": "",
        "phone": "+47 400 00 000",
        "email": "",
        "address": "",
        "postal_code": "",
        "city": "",
        "municipality": "Testkommune",
        "country": "NO",
        "preferred_language": "nb",
        "source": "school",
        "referred_on": timezone.localdate().isoformat(),
        "reason": "Has not been at school since the autumn break.",
        "referrer_name": "Siv Rådgiver",
        "referrer_organisation": "Testkommune vgs",
        "referrer_contact": "",
    }
    data.update(overrides)
    return data


def record_urls(person: Person, case: Case) -> list[str]:
    """The person's page, contact details and guardians, and their case."""
    return [
        reverse("people:detail", args=[person.pk]),
        reverse("people:edit", args=[person.pk]),
        reverse("people:guardian_new", args=[person.pk]),
        reverse("people:access_log", args=[person.pk]),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:application", args=[case.pk]),
    ]


@pytest.fixture
def guarded_person(coordinator, person, case):
    """Nora, followed only by Ungteam, with a guardian and an open case there."""
    do_add_guardian(coordinator, person, name="Mor Hansen", relation="mother", phone="+47 911")
    return person


@pytest.fixture
def passed_on(client, colleague, guarded_person, person_number):
    """The colleague in Oppfølgingsteam registers a referral with Nora's number."""
    client.force_login(colleague)
    response = client.post(reverse("referrals:new"), referral_post(identity_number=person_number))
    client.logout()
    return response


# --- another team of the same organisation -----------------------------------------------


def test_a_coordinator_of_another_team_is_told_only_that_the_referral_is_passed_on(
    client, colleague, guarded_person, person_number
):
    client.force_login(colleague)
    response = client.post(
        reverse("referrals:new"),
        referral_post(first_name="nora ", last_name=" HANSEN", identity_number=person_number),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:queue")
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == shown(PASSED_ON, name="nora HANSEN").replace("&#x27;", "'")
    page = client.get(reverse("referrals:queue")).content.decode()
    assert "nora HANSEN" in page
    assert reverse("people:detail", args=[guarded_person.pk]) not in page
    assert "Ungteam" not in page
    assert "Mor Hansen" not in page


def test_a_passed_on_referral_grants_no_sight_of_the_record(
    client, colleague, other_team, guarded_person, case, passed_on
):
    client.force_login(colleague)
    for url in record_urls(guarded_person, case):
        assert client.get(url).status_code == 404, url
    assert not Follow.objects.filter(person=guarded_person, team=other_team).exists()
    assert not Case.objects.filter(team=other_team).exists()
    referral = Referral.objects.get(team=other_team)
    assert (referral.status, referral.case) == (Referral.Status.PASSED_ON, None)
    assert "Hansen" not in client.get(reverse("people:list")).content.decode()
    assert "Hansen" not in client.get(reverse("cases:list")).content.decode()
    assert "Hansen" not in client.get(reverse("home")).content.decode()
    found = client.post(reverse("referrals:person_search"), {"q": "Nora"}).content.decode()
    assert f"?person={guarded_person.pk}" not in found
    assert not AccessLog.objects.filter(person_id=guarded_person.pk, actor=colleague).exists()


def test_the_typed_contact_details_do_not_change_the_record(guarded_person, passed_on):
    guarded_person.refresh_from_db()
    assert guarded_person.phone == "+47 412 34 567"
    assert guarded_person.version == 1


def test_the_following_team_sees_the_passed_on_referral_in_its_work_list_and_queue(
    client, coordinator, guarded_person, passed_on
):
    client.force_login(coordinator)
    work = client.get(reverse("home")).content.decode()
    queue = client.get(reverse("referrals:queue")).content.decode()
    assert 'id="passed-on-referrals"' in work
    assert "Nora Hansen" in work
    assert "Oppfølgingsteam" in work
    assert 'id="passed-on-to-us"' in queue
    assert "Hansen, Nora" in queue
    assert "Has not been at school since the autumn break." in queue
    referral = Referral.objects.get(status=Referral.Status.PASSED_ON)
    assert reverse("referrals:passed_on_accept", args=[referral.pk]) in queue


def test_accepting_lets_the_referring_team_follow_and_files_the_referral_with_its_case(
    client, coordinator, colleague, other_team, guarded_person, passed_on, today
):
    referral = Referral.objects.get(status=Referral.Status.PASSED_ON)
    client.force_login(coordinator)
    response = client.post(reverse("referrals:passed_on_accept", args=[referral.pk]))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.decided_by == coordinator
    case = Case.objects.get(person=guarded_person, team=other_team)
    assert referral.case == case
    assert case.opened_on == today
    assert CaseEvent.objects.filter(case=case, kind=EventKind.REFERRED).count() == 1
    assert Application.objects.filter(case=case).exists()
    assert Follow.objects.filter(person=guarded_person, team=other_team).exists()
    assert ChangeLog.objects.filter(action="referral.accepted", person_id=guarded_person.pk)
    client.force_login(colleague)
    assert client.get(reverse("people:detail", args=[guarded_person.pk])).status_code == 200
    assert "Hansen, Nora" in client.get(reverse("referrals:queue")).content.decode()


def test_declining_keeps_the_record_closed_to_the_referring_team(
    client, coordinator, colleague, other_team, guarded_person, case, passed_on
):
    referral = Referral.objects.get(status=Referral.Status.PASSED_ON)
    client.force_login(coordinator)
    assert client.post(reverse("referrals:passed_on_decline", args=[referral.pk])).status_code == (
        302
    )
    referral.refresh_from_db()
    assert (referral.status, referral.case) == (Referral.Status.DECLINED, None)
    assert "Hansen, Nora" not in client.get(reverse("referrals:queue")).content.decode()
    client.force_login(colleague)
    for url in record_urls(guarded_person, case):
        assert client.get(url).status_code == 404, url
    assert (
        shown("Declined by the team that follows the person")
        in client.get(reverse("referrals:queue")).content.decode()
    )


def test_a_passed_on_referral_is_decided_once(coordinator, team_lead, guarded_person, passed_on):
    referral = Referral.objects.get(status=Referral.Status.PASSED_ON)
    actions.do_accept_passed_on_referral(coordinator, referral)
    with pytest.raises(actions.AlreadyDecided):
        actions.do_accept_passed_on_referral(team_lead, referral)
    with pytest.raises(actions.AlreadyDecided):
        actions.do_decline_passed_on_referral(team_lead, referral)
    assert Case.objects.filter(person=guarded_person).count() == 2


@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager", "org_admin"])
def test_only_a_following_team_can_accept_or_decline(
    client, request, guarded_person, passed_on, persona
):
    referral = Referral.objects.get(status=Referral.Status.PASSED_ON)
    client.force_login(request.getfixturevalue(persona))
    for name in ("referrals:passed_on_accept", "referrals:passed_on_decline"):
        assert client.post(reverse(name, args=[referral.pk])).status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PASSED_ON
    assert Follow.objects.filter(person=guarded_person).count() == 1


def test_a_decision_posted_twice_says_it_was_already_decided(
    client, coordinator, guarded_person, passed_on
):
    referral = Referral.objects.get(status=Referral.Status.PASSED_ON)
    client.force_login(coordinator)
    client.post(reverse("referrals:passed_on_accept", args=[referral.pk]))
    response = client.post(reverse("referrals:passed_on_decline", args=[referral.pk]))
    assert response.status_code == 302
    [*_, message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == shown("The referral was already decided on. Nothing was changed.")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_accepting_is_a_post(client, coordinator, passed_on):
    referral = Referral.objects.get(status=Referral.Status.PASSED_ON)
    client.force_login(coordinator)
    assert client.get(reverse("referrals:passed_on_accept", args=[referral.pk])).status_code == 405


# --- a mistyped number -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "colleague"])
def test_a_number_with_another_name_stops_the_form_and_creates_nothing(
    client, request, guarded_person, person_number, persona
):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("referrals:new"),
        referral_post(first_name="Emma", last_name="Larsen", identity_number=person_number),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert shown(ANOTHER_NAME).replace("&#x27;", "'") in page.replace("&#x27;", "'")
    assert "identity_number_error" in page
    assert "Nora" not in page
    assert "Hansen" not in page
    assert Person.objects.count() == 1
    assert Referral.objects.count() == 0
    assert Follow.objects.filter(person=guarded_person).count() == 1


def test_a_number_whose_person_has_another_birth_date_stops_the_form(
    client, coordinator, person, person_number
):
    do_update_person(
        coordinator,
        person,
        data=PersonData(
            first_name="Nora",
            last_name="Hansen",
            birth_date=datetime.date(2003, 5, 18),
            phone=person.phone,
            municipality=person.municipality,
        ),
        expected_version=person.version,
    )
    client.force_login(coordinator)
    response = client.post(reverse("referrals:new"), referral_post(identity_number=person_number))
    assert response.status_code == 200
    assert shown(ANOTHER_BIRTH_DATE) in response.content.decode()
    assert not Referral.objects.exists()


def test_a_middle_name_left_out_still_joins_the_person_the_team_follows(
    client, coordinator, register, team
):
    from conftest import synthetic_fnr

    number = synthetic_fnr(datetime.date(2004, 1, 2), 77)
    marie = register(first_name="Nora Marie", last_name="Hansen-Berg", identity_number=number)
    client.force_login(coordinator)
    response = client.post(
        reverse("referrals:new"),
        referral_post(first_name="nora", last_name="hansen berg", identity_number=number),
    )
    assert response.status_code == 302
    assert Referral.objects.get().person == marie
    assert Person.objects.count() == 1


# --- another organisation ----------------------------------------------------------------


def test_an_outsider_typing_the_number_gets_no_attachment_to_the_record(
    client, outsider, outside_team, guarded_person, case, person_number
):
    client.force_login(outsider)
    response = client.post(reverse("referrals:new"), referral_post(identity_number=person_number))
    assert response.status_code == 302
    theirs = Person.objects.exclude(pk=guarded_person.pk).get()
    assert theirs.organisation_id == outside_team.organisation_id
    assert Referral.objects.get().person == theirs
    assert list(Follow.objects.filter(person=guarded_person).values_list("team", flat=True)) == [
        case.team_id
    ]
    for url in record_urls(guarded_person, case):
        assert client.get(url).status_code == 404, url
    assert not Referral.objects.filter(person=guarded_person).exists()


def test_a_manager_neither_registers_nor_sees_passed_on_referrals(client, manager, passed_on):
    client.force_login(manager)
    assert client.get(reverse("referrals:queue")).status_code == 404
    assert client.post(reverse("referrals:new"), referral_post()).status_code == 404


def test_the_following_team_s_view_of_a_passed_on_referral_is_in_the_person_s_access_log(
    client, coordinator, guarded_person, passed_on
):
    client.force_login(coordinator)
    client.get(reverse("referrals:queue"))
    assert AccessLog.objects.filter(
        person_id=guarded_person.pk, actor=coordinator, what="list:referrals"
    ).exists()
