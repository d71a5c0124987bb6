import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_answers_ok_with_the_database_vendor(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}


def test_it_needs_no_login(client):
    assert client.get("/healthz").status_code == 200
