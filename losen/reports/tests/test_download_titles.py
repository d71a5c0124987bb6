"""The results PDF and every results download say whose figures and which period first."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from losen.programs.models import Measure

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2025-01", "end": "2025-03"}


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def first_line(text: str) -> str:
    return " ".join(next(line for line in text.splitlines() if line.strip()).split())


def test_the_results_pdf_is_headed_by_the_organisation_team_and_period(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("reports:dashboard_pdf"), PERIOD)
    assert response.content.startswith(b"%PDF")
    text = " ".join(pdf_text(response.content).split())
    assert text.startswith("Resultater · Testkommune · Ungteam · januar 2025 – mars 2025")


def test_the_results_pdf_in_swedish_names_the_measure_of_the_organisation(
    client, manager, municipality
):
    measure = Measure.objects.create(organisation=municipality, name="Jobbklubb", kind="course")
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.get(reverse("reports:dashboard_pdf"), {**PERIOD, "measure": measure.pk})
    text = " ".join(pdf_text(response.content).split())
    assert text.startswith("Resultat · Testkommune · Jobbklubb · januari 2025 – mars 2025")


def test_a_table_in_swedish_has_its_caption_as_sheet_name_and_the_pages_headings(client, manager):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    url = reverse("reports:table_export", args=["exits", "xlsx"])
    sheet = load_workbook(io.BytesIO(client.get(url, PERIOD).content)).active
    page = client.get(reverse("reports:dashboard"), PERIOD)
    table = page.context["tables"]["exits"]["table"]
    assert sheet["A1"].value == f"{table.caption} · Testkommune · januari 2025 – mars 2025"
    assert [c.value for c in sheet[2]] == table.header == ["Status", "Avslut", "Andel"]
    assert len(sheet.title) <= 31
    assert table.caption.startswith(sheet.title)


def test_a_table_as_csv_in_norwegian_names_the_organisation_and_period(client, manager):
    client.force_login(manager)
    url = reverse("reports:table_export", args=["durability", "csv"])
    text = b"".join(client.get(url, PERIOD).streaming_content).decode("utf-8-sig")
    title, header = text.split("\r\n")[:2]
    assert title == (
        "Oppfølging etter avslutning til arbeid eller utdanning · Testkommune · "
        "januar 2025 – mars 2025"
    )
    assert header.startswith("Oppfølging;")
