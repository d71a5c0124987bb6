"""A person's right to see who has read their data: the access log page and its exports."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import shown
from losen.lib.exporters import as_of_text

pytestmark = pytest.mark.django_db


def test_the_access_log_shows_the_coordinators_read(client, coordinator, team_lead, person):
    client.force_login(coordinator)
    client.get(reverse("people:detail", args=[person.pk]))
    client.force_login(team_lead)
    page = client.get(reverse("people:access_log", args=[person.pk])).content.decode()
    assert "Kari Koordinator" in page
    assert "Ungteam" in page
    assert "Testkommune" in page


def test_it_exports_the_access_log_as_csv_without_the_identity_number(
    client, coordinator, person, person_number
):
    client.force_login(coordinator)
    client.get(reverse("people:detail", args=[person.pk]))
    client.post(reverse("people:identity_number", args=[person.pk]))
    response = client.get(reverse("people:access_log_csv", args=[person.pk]))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").strip().split("\r\n")
    assert lines[0].startswith(shown("Access log for %(person)s", person=person.full_name))
    with translation.override("nb"):
        assert lines[0].endswith(" · Testkommune · " + as_of_text(timezone.localdate()))
    assert lines[1].count(";") == 5
    assert any("Kari Koordinator" in line and "Ungteam" in line for line in lines[2:])
    assert person_number not in body


def test_it_exports_the_access_log_as_pdf(client, coordinator, person):
    client.force_login(coordinator)
    client.get(reverse("people:detail", args=[person.pk]))
    response = client.get(reverse("people:access_log_pdf", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 1000


def test_the_export_itself_is_logged(client, coordinator, person):
    from losen.audit.models import AccessLog, Purpose

    client.force_login(coordinator)
    b"".join(client.get(reverse("people:access_log_csv", args=[person.pk])).streaming_content)
    assert AccessLog.objects.filter(person_id=person.pk, purpose=Purpose.EXPORT).count() == 1
