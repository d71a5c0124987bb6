import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_coordinator_lands_on_the_work_list(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "web/worklist.html"
    assert 'id="my-cases"' in response.content.decode()


def test_an_administrator_without_a_team_lands_on_the_people_list(client, org_admin):
    client.force_login(org_admin)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("people:list")


def test_a_manager_lands_on_a_page_without_individual_records(client, manager, person):
    client.force_login(manager)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("people:list") not in page
    assert person.last_name not in page


def test_the_menu_offers_administration_to_the_organisation_administrator_only(
    client, org_admin, coordinator
):
    client.force_login(org_admin)
    assert reverse("admin:index") in client.get(reverse("people:list")).content.decode()
    client.force_login(coordinator)
    assert reverse("admin:index") not in client.get(reverse("people:list")).content.decode()


def test_the_language_switch_changes_the_interface_language(client, coordinator):
    client.force_login(coordinator)
    assert 'lang="nb"' in client.get(reverse("people:list")).content.decode()
    client.post(reverse("set_language"), {"language": "sv", "next": "/people/"})
    page = client.get(reverse("people:list")).content.decode()
    assert 'lang="sv"' in page
    assert "Unga" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/people/"})
    assert "Young people" in client.get(reverse("people:list")).content.decode()


def test_the_default_interface_is_norwegian(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("people:list")).content.decode()
    assert "Unge" in page
    assert "Logg ut" in page
