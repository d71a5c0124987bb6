"""The list of people: scoped, searchable, filterable, paginated, never showing numbers."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import synthetic_fnr
from losen.audit.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(register, colleague, other_team):
    return {
        "nora": register(
            first_name="Nora",
            last_name="Hansen",
            identity_number=synthetic_fnr(datetime.date(2003, 5, 17)),
            municipality="Drammen",
        ),
        "jakob": register(
            first_name="Jakob",
            last_name="Olsen",
            birth_date=datetime.date(2000, 1, 2),
            municipality="Lier",
        ),
        "other": register(
            first_name="Ola", last_name="Nordmann", actor=colleague, in_team=other_team
        ),
    }


def names(response):
    return [p.first_name for p in response.context["page"].object_list]


def test_it_lists_only_the_people_the_team_follows(client, coordinator, people):
    client.force_login(coordinator)
    response = client.get(reverse("people:list"))
    assert names(response) == ["Nora", "Jakob"]


def test_it_lists_nothing_of_the_municipality_for_an_outsider(client, outsider, people):
    client.force_login(outsider)
    response = client.get(reverse("people:list"))
    assert names(response) == []
    assert "Hansen" not in response.content.decode()


def test_it_searches_by_name(client, coordinator, people):
    client.force_login(coordinator)
    assert names(client.post(reverse("people:list"), {"q": "olse"})) == ["Jakob"]


def test_it_finds_a_person_by_the_whole_identity_number_without_showing_it(
    client, coordinator, people
):
    number = synthetic_fnr(datetime.date(2003, 5, 17))
    client.force_login(coordinator)
    response = client.post(reverse("people:list"), {"q": number})
    assert names(response) == ["Nora"]
    body = response.content.decode().replace(f'value="{number}"', "")
    assert number not in body


def test_searching_keeps_names_and_numbers_out_of_the_address(client, coordinator, people):
    client.force_login(coordinator)
    page = client.get(reverse("people:list")).content.decode()
    assert 'method="post"' in page
    assert "hx-push-url" not in page


def test_it_filters_by_municipality_and_age(client, coordinator, people):
    client.force_login(coordinator)
    assert names(client.post(reverse("people:list"), {"municipality": "lier"})) == ["Jakob"]
    assert names(client.post(reverse("people:list"), {"age": "minor"})) == []
    assert names(client.post(reverse("people:list"), {"age": "adult"})) == ["Nora", "Jakob"]


def test_it_paginates(client, coordinator, register, settings):
    settings.LOSEN_PAGE_SIZE = 2
    for i in range(5):
        register(first_name=f"P{i}", last_name=f"Etternavn{i}")
    client.force_login(coordinator)
    response = client.post(reverse("people:list"), {"page": 3})
    assert names(response) == ["P4"]
    assert response.context["page"].paginator.num_pages == 3


def test_it_renders_only_the_rows_for_htmx(client, coordinator, people):
    client.force_login(coordinator)
    response = client.post(reverse("people:list"), {"q": "nora"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "Hansen" in body


def test_listing_writes_in_the_access_log_of_each_person_on_the_page_and_no_other(
    client, coordinator, people, team, settings
):
    settings.LOSEN_PAGE_SIZE = 1
    client.force_login(coordinator)
    client.get(reverse("people:list"))  # Hansen, Nora is first; Olsen on page 2
    (entry,) = AccessLog.objects.all()
    assert (entry.person_id, entry.actor, entry.team, entry.what) == (
        people["nora"].pk,
        coordinator,
        team,
        "list:people",
    )


def test_it_gives_a_manager_no_list(client, manager, people):
    client.force_login(manager)
    assert client.get(reverse("people:list")).status_code == 404
