"""The birth date is a fact of its own: registered, not read from the identity number.

A D-number's date may be the day it was registered (UDI); a Norwegian number of the 2032
series tells no century. The age rules read the registered birth date.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import synthetic_fnr
from losen.cases.actions import intake as case_actions
from losen.cases.models import Consent, ConsentPurpose, ConsentRecipient, Referral
from losen.cases.tests.test_referral_identity_numbers import referral_post
from losen.people.models import Person
from losen.people.tests.test_register import form_data

pytestmark = pytest.mark.django_db

NUMBER_DATE = datetime.date(2008, 1, 15)  # the day the D-number was registered
BORN = datetime.date(2007, 6, 3)  # the birth date in the population register


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def test_a_d_number_is_registered_with_a_birth_date_other_than_its_date(client, coordinator):
    number = synthetic_fnr(NUMBER_DATE, d_number=True)
    client.force_login(coordinator)
    response = client.post(
        reverse("people:new"), form_data(birth_date=BORN.isoformat(), identity_number=number)
    )
    assert response.status_code == 302
    person = Person.objects.get(last_name="Larsen")
    assert person.id_number_kind == "dnr"
    assert person.birth_date == BORN


def test_a_d_number_without_a_typed_birth_date_gives_its_own_date(client, coordinator):
    number = synthetic_fnr(NUMBER_DATE, d_number=True)
    client.force_login(coordinator)
    client.post(reverse("people:new"), form_data(birth_date="", identity_number=number))
    assert Person.objects.get(last_name="Larsen").birth_date == NUMBER_DATE


def test_a_fodselsnummer_still_refuses_a_birth_date_other_than_its_date(client, coordinator):
    number = synthetic_fnr(NUMBER_DATE)
    client.force_login(coordinator)
    response = client.post(
        reverse("people:new"), form_data(birth_date=BORN.isoformat(), identity_number=number)
    )
    assert response.status_code == 200
    assert not Person.objects.exists()


def test_a_number_of_the_2032_series_needs_a_typed_birth_date(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("people:new"), form_data(birth_date="", identity_number="01011544718")
    )
    assert response.status_code == 200
    assert not Person.objects.exists()
    page = response.content.decode()
    assert "viser ikke fødselsåret" in page
    assert "1915" not in page


def test_01011544718_is_registered_with_the_typed_birth_date_never_as_born_in_1915(
    client, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        reverse("people:new"),
        form_data(
            birth_date="2015-01-01",
            identity_number="01011544718",
            guardian_name="Mor Larsen",
            guardian_relation="mother",
            guardian_phone="+47 400 00 001",
        ),
    )
    assert response.status_code == 302
    person = Person.objects.get(last_name="Larsen")
    assert person.birth_date == datetime.date(2015, 1, 1)
    assert person.id_number_kind == "fnr"


def test_editing_in_a_d_number_keeps_the_typed_birth_date(client, coordinator, register):
    young = register(first_name="Emma", last_name="Larsen", birth_date=BORN)
    number = synthetic_fnr(NUMBER_DATE, d_number=True)
    client.force_login(coordinator)
    response = client.post(
        reverse("people:edit", args=[young.pk]),
        form_data(birth_date=BORN.isoformat(), identity_number=number, version=str(young.version)),
    )
    assert response.status_code == 302
    young.refresh_from_db()
    assert young.id_number_kind == "dnr"
    assert young.birth_date == BORN


def test_a_guardian_is_required_when_the_registered_birth_date_is_under_18(
    client, coordinator, today
):
    born = years_before(today, 16)
    # The number's date would make the young person 26.
    number = synthetic_fnr(years_before(born, 10), d_number=True)
    client.force_login(coordinator)
    response = client.post(
        reverse("people:new"), form_data(birth_date=born.isoformat(), identity_number=number)
    )
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert "må ha en foresatt" in response.content.decode()


def test_no_guardian_is_required_when_the_registered_birth_date_is_over_18(
    client, coordinator, today
):
    born = years_before(today, 19)
    # The number's date would make the young person 16.
    number = synthetic_fnr(years_before(today, 16), d_number=True)
    client.force_login(coordinator)
    response = client.post(
        reverse("people:new"), form_data(birth_date=born.isoformat(), identity_number=number)
    )
    assert response.status_code == 302
    assert Person.objects.get(last_name="Larsen").birth_date == born


def test_the_young_person_gives_consent_when_the_registered_birth_date_is_over_18(
    coordinator, register, team, today
):
    # The D-number's date would make them 16, so the guardian would have to give it.
    number = synthetic_fnr(years_before(today, 16), d_number=True)
    young = register(identity_number=number, birth_date=years_before(today, 19))
    case = case_actions.do_register_referral(
        coordinator, team=team, person=young, source="school", reason="Absent."
    ).referral.case
    consent = case_actions.do_give_consent(
        coordinator,
        case,
        purpose=ConsentPurpose.TEAM_MEETING,
        recipient=ConsentRecipient.NAV,
        given_by=Consent.GivenBy.YOUTH,
    )
    assert consent.given_by == Consent.GivenBy.YOUTH


def test_the_guardian_gives_consent_when_the_registered_birth_date_is_under_18(
    coordinator, register, team, today
):
    # The D-number's date would make them 26.
    number = synthetic_fnr(years_before(today, 26), d_number=True)
    young = register(identity_number=number, birth_date=years_before(today, 16))
    case = case_actions.do_register_referral(
        coordinator, team=team, person=young, source="school", reason="Absent."
    ).referral.case
    with pytest.raises(case_actions.GuardianConsentRequired):
        case_actions.do_give_consent(
            coordinator,
            case,
            purpose=ConsentPurpose.TEAM_MEETING,
            recipient=ConsentRecipient.NAV,
            given_by=Consent.GivenBy.YOUTH,
        )


def test_a_colleague_referring_a_d_number_by_its_own_date_reaches_the_registered_person(
    client, colleague, register
):
    number = synthetic_fnr(NUMBER_DATE, d_number=True)
    register(identity_number=number, birth_date=BORN)
    client.force_login(colleague)
    client.post(reverse("referrals:new"), referral_post(identity_number=number))
    # Not taken for a mistyped number: passed on to the team that follows the person.
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.PASSED_ON
    assert Person.objects.count() == 1


def test_a_d_number_referred_with_a_third_birth_date_is_refused_and_names_nobody(
    client, colleague, register
):
    number = synthetic_fnr(NUMBER_DATE, d_number=True)
    register(identity_number=number, birth_date=BORN)
    client.force_login(colleague)
    response = client.post(
        reverse("referrals:new"), referral_post(identity_number=number, birth_date="2007-01-01")
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()
    page = response.content.decode()
    assert "annen fødselsdato" in page
    assert "03.06.2007" not in page


def test_an_outsider_registers_the_same_d_number_with_their_own_birth_date(
    client, outsider, register
):
    number = synthetic_fnr(NUMBER_DATE, d_number=True)
    register(identity_number=number, birth_date=BORN)
    client.force_login(outsider)
    response = client.post(reverse("people:new"), form_data(birth_date="", identity_number=number))
    assert response.status_code == 302
    theirs = Person.objects.exclude(birth_date=BORN).get()
    assert theirs.birth_date == NUMBER_DATE
