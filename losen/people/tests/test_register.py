"""Registering a young person: validation, duplicates, guardians, the change log."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import synthetic_fnr
from losen.audit.models import ChangeLog
from losen.lib import crypto
from losen.people.models import Follow, Guardian, Person

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "first_name": "Emma",
        "last_name": "Larsen",
        "birth_date": "2001-03-09",
        "identity_number": "",
        "phone": "+47 400 00 000",
        "email": "",
        "address": "Storgata 1",
        "postal_code": "3015",
        "city": "Drammen",
        "municipality": "Drammen",
        "country": "NO",
        "preferred_language": "nb",
    }
    data.update(overrides)
    return data


def test_it_registers_a_person_in_the_coordinators_team(client, coordinator, team):
    client.force_login(coordinator)
    response = client.post(reverse("people:new"), form_data())
    person = Person.objects.get(last_name="Larsen")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.organisation == team.organisation
    assert Follow.objects.filter(person=person, team=team).exists()
    log = ChangeLog.objects.get(action="person.registered", person_id=person.pk)
    assert log.actor == coordinator
    assert "first_name" in log.changed_fields


def test_it_takes_the_birth_date_from_the_identity_number(client, coordinator):
    number = synthetic_fnr(datetime.date(2004, 11, 2))
    client.force_login(coordinator)
    client.post(reverse("people:new"), form_data(birth_date="", identity_number=number))
    person = Person.objects.get(last_name="Larsen")
    assert person.birth_date == datetime.date(2004, 11, 2)


def test_it_stores_the_identity_number_encrypted_with_a_lookup_hash(client, coordinator):
    number = synthetic_fnr(datetime.date(2001, 3, 9))
    client.force_login(coordinator)
    client.post(reverse("people:new"), form_data(identity_number=number))
    person = Person.objects.get(last_name="Larsen")
    assert number not in person.id_number_encrypted
    assert number not in person.id_number_hash
    assert number not in person.id_number_masked
    assert crypto.decrypt(person.id_number_encrypted) == number
    assert person.id_number_hash == crypto.lookup_hash(number)
    log = ChangeLog.objects.get(action="person.registered", person_id=person.pk)
    assert number not in str(log.changed_fields)


def test_it_refuses_an_invalid_identity_number_with_a_clear_message(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("people:new"), form_data(identity_number="01010112345"))
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert "kontrollsifrene" in response.content.decode()


def test_it_refuses_a_birth_date_that_contradicts_the_identity_number(client, coordinator):
    number = synthetic_fnr(datetime.date(2004, 11, 2))
    client.force_login(coordinator)
    response = client.post(
        reverse("people:new"), form_data(birth_date="2001-01-01", identity_number=number)
    )
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert "02.11.2004" in response.content.decode()


def test_it_points_to_the_existing_record_when_the_number_is_registered(
    client, coordinator, person, person_number
):
    client.force_login(coordinator)
    response = client.post(
        reverse("people:new"), form_data(birth_date="", identity_number=person_number)
    )
    assert response.status_code == 200
    assert Person.objects.count() == 1
    assert reverse("people:detail", args=[person.pk]) in response.content.decode()


def test_it_tells_a_colleague_the_number_exists_without_opening_the_record(
    client, colleague, person, person_number
):
    client.force_login(colleague)
    response = client.post(
        reverse("people:new"), form_data(birth_date="", identity_number=person_number)
    )
    assert response.status_code == 200
    assert Person.objects.count() == 1
    assert reverse("people:detail", args=[person.pk]) not in response.content.decode()
    assert "Nora" not in response.content.decode()


def test_it_allows_the_same_number_in_another_organisation(client, outsider, person, person_number):
    client.force_login(outsider)
    response = client.post(
        reverse("people:new"), form_data(birth_date="", identity_number=person_number)
    )
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_it_warns_about_the_same_name_and_birth_date_and_asks_for_confirmation(
    client, coordinator, person
):
    client.force_login(coordinator)
    data = form_data(first_name="Nora", last_name="Hansen", birth_date="2003-05-17")
    response = client.post(reverse("people:new"), data)
    assert response.status_code == 200
    assert Person.objects.count() == 1
    assert 'name="confirm_possible_duplicate"' in response.content.decode()
    response = client.post(reverse("people:new"), {**data, "confirm_possible_duplicate": "on"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_it_requires_a_guardian_for_a_minor(client, coordinator, today):
    birth = (
        today.replace(year=today.year - 16)
        if today.month != 2 or today.day != 29
        else (today.replace(year=today.year - 16, day=28))
    )
    client.force_login(coordinator)
    response = client.post(reverse("people:new"), form_data(birth_date=birth.isoformat()))
    assert response.status_code == 200
    assert not Person.objects.exists()
    response = client.post(
        reverse("people:new"),
        form_data(
            birth_date=birth.isoformat(),
            guardian_name="Mor Larsen",
            guardian_relation="mother",
            guardian_phone="+47 911 11 111",
        ),
    )
    assert response.status_code == 302
    guardian = Guardian.objects.get()
    assert guardian.name == "Mor Larsen"
    assert guardian.organisation_id == guardian.person.organisation_id


def test_it_refuses_synthetic_numbers_when_the_setting_is_off(client, coordinator, settings):
    settings.LOSEN_ALLOW_SYNTHETIC_IDS = False
    number = synthetic_fnr(datetime.date(2001, 3, 9))
    client.force_login(coordinator)
    response = client.post(reverse("people:new"), form_data(identity_number=number))
    assert response.status_code == 200
    assert not Person.objects.exists()


def test_it_does_not_let_a_manager_register_people(client, manager):
    client.force_login(manager)
    assert client.get(reverse("people:new")).status_code == 404
    assert client.post(reverse("people:new"), form_data()).status_code == 404
    assert not Person.objects.exists()


def test_it_accepts_a_swedish_samordningsnummer_normalised_to_twelve_digits(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("people:new"),
        form_data(birth_date="", identity_number="701063-2391", country="SE"),
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert crypto.decrypt(person.id_number_encrypted) == "197010632391"
    assert person.birth_date == datetime.date(1970, 10, 3)
