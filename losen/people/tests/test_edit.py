"""Editing a person: the change log, racing edits, the identity number shown on request."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import synthetic_fnr
from losen.audit.models import AccessLog, ChangeLog, Purpose
from losen.lib import crypto
from losen.lib.errors import StaleEdit
from losen.people import actions
from losen.people.models import Person

pytestmark = pytest.mark.django_db


def edit_data(person, **overrides):
    data = {name: getattr(person, name) for name in actions.EDITABLE_FIELDS}
    data["birth_date"] = person.birth_date.isoformat()
    data["identity_number"] = ""
    data["version"] = person.version
    data.update(overrides)
    return data


def test_it_saves_an_edit_and_logs_the_changed_fields(client, coordinator, person):
    client.force_login(coordinator)
    response = client.post(
        reverse("people:edit", args=[person.pk]), edit_data(person, phone="+47 999 99 999")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "+47 999 99 999"
    assert person.version == 2
    log = ChangeLog.objects.get(action="person.updated", person_id=person.pk)
    assert log.changed_fields == ["phone"]
    assert log.actor == coordinator
    assert "+47 999 99 999" not in str(log.changed_fields)


def test_it_refuses_the_second_of_two_racing_edits_and_shows_the_other_change(
    client, coordinator, team_lead, person
):
    stale = edit_data(person)
    client.force_login(team_lead)
    client.post(reverse("people:edit", args=[person.pk]), {**stale, "phone": "+47 111 11 111"})
    client.force_login(coordinator)
    response = client.post(
        reverse("people:edit", args=[person.pk]), {**stale, "phone": "+47 222 22 222"}
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.phone == "+47 111 11 111"
    page = response.content.decode()
    assert "+47 111 11 111" in page
    assert "+47 222 22 222" in page
    assert ChangeLog.objects.filter(action="person.updated").count() == 1


def test_the_update_action_refuses_a_stale_version(coordinator, person):
    data = actions.PersonData(first_name="Nora", last_name="Berg", birth_date=person.birth_date)
    actions.do_update_person(coordinator, person, data=data, expected_version=1)
    with pytest.raises(StaleEdit) as raised:
        actions.do_update_person(
            coordinator,
            Person.objects.get(pk=person.pk),
            data=actions.PersonData(first_name="X", last_name="Y", birth_date=person.birth_date),
            expected_version=1,
        )
    assert raised.value.current.last_name == "Berg"


def test_it_replaces_the_identity_number_and_keeps_it_encrypted(client, coordinator, person):
    new_number = synthetic_fnr(datetime.date(2003, 5, 17), 321)
    client.force_login(coordinator)
    client.post(
        reverse("people:edit", args=[person.pk]), edit_data(person, identity_number=new_number)
    )
    person.refresh_from_db()
    assert crypto.decrypt(person.id_number_encrypted) == new_number
    log = ChangeLog.objects.get(action="person.updated")
    assert log.changed_fields == ["identity_number"]


def test_it_shows_the_identity_number_masked_until_asked_and_logs_the_showing(
    client, coordinator, person, person_number
):
    client.force_login(coordinator)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert person_number not in page
    assert person_number[:6] + "*****" in page
    response = client.post(
        reverse("people:identity_number", args=[person.pk]), HTTP_HX_REQUEST="true"
    )
    assert person_number in response.content.decode()
    assert "<html" not in response.content.decode()
    entry = AccessLog.objects.filter(person_id=person.pk, what="identity_number").get()
    assert entry.purpose == Purpose.IDENTITY_NUMBER
    assert entry.actor == coordinator


def test_it_never_shows_the_identity_number_on_the_edit_form(
    client, coordinator, person, person_number
):
    client.force_login(coordinator)
    page = client.get(reverse("people:edit", args=[person.pk])).content.decode()
    assert person_number not in page


def test_it_keeps_the_last_guardian_of_a_minor(client, coordinator, register, today):
    birth = datetime.date(today.year - 16, 1, 1)
    minor = register(first_name="Ung", birth_date=birth)
    guardian = actions.do_add_guardian(coordinator, minor, name="Far", relation="father", phone="1")
    client.force_login(coordinator)
    client.post(reverse("people:guardian_remove", args=[minor.pk, guardian.pk]))
    assert minor.guardians.count() == 1
    second = actions.do_add_guardian(coordinator, minor, name="Mor", relation="mother", phone="2")
    client.post(reverse("people:guardian_remove", args=[minor.pk, second.pk]))
    assert list(minor.guardians.values_list("name", flat=True)) == ["Far"]
    assert ChangeLog.objects.filter(action="guardian.removed", person_id=minor.pk).count() == 1


def test_it_adds_a_guardian_through_the_form(client, coordinator, person):
    client.force_login(coordinator)
    response = client.post(
        reverse("people:guardian_new", args=[person.pk]),
        {
            "name": "Mor Hansen",
            "relation": "mother",
            "phone": "+47 900 00 000",
            "email": "",
            "address": "",
        },
    )
    assert response.status_code == 302
    assert person.guardians.get().name == "Mor Hansen"
    assert ChangeLog.objects.filter(action="guardian.added", person_id=person.pk).exists()
