"""The interface is Norwegian unless the user chooses otherwise or the browser asks for Swedish."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def lang_of(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_an_english_browser_still_gets_norwegian(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert lang_of(response) == "nb"
    assert "Logg inn" in response.content.decode()


def test_a_swedish_browser_gets_swedish(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9,en;q=0.8")
    assert lang_of(response) == "sv"


def test_a_browser_preferring_norwegian_over_swedish_gets_norwegian(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nn-NO,sv;q=0.8")
    assert lang_of(response) == "nb"


def test_the_chosen_language_wins_over_the_browser(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="sv-SE")
    assert lang_of(response) == "en"
