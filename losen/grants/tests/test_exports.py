"""Exports for the funder: JSON (a stable structure), CSV (one row per question), PDF."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import shown
from losen.grants.actions import do_save_grant_answers
from losen.grants.questions import QUESTIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(coordinator, report, complete_answers):
    do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
    return report


def test_the_json_has_the_schema_version_the_answers_by_key_and_the_figures(
    client, coordinator, saved
):
    client.force_login(coordinator)
    response = client.get(reverse("grants:json", args=[saved.pk]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "Bjørnafjorden".encode() in response.content  # æøå as letters, not \u escapes
    data = json.loads(response.content)
    assert (data["schema"], data["schema_version"]) == ("losen.grant_report", 1)
    assert data["report"]["year"] == 2025
    assert data["report"]["type"] == "status"
    assert data["report"]["status"] == "draft"
    assert data["report"]["version"] == 1
    assert data["report"]["measure"] == {"id": saved.measure_id, "name": "Ungdomsløftet"}
    assert data["report"]["organisation"]["org_number"] == "974760673"
    answers = data["answers"]
    assert list(answers) == [q.key for q in QUESTIONS if q.key != "report_type"] + ["not_started"]
    assert answers["not_started"] is False
    assert answers["nav_office"] == "NAV Bjørnafjorden"
    assert answers["start_date"] == "2024-08-15"
    assert answers["act_sections"] == {
        "selected": ["s1", "s20a", "other"],
        "other": "Navloven § 14a",
    }
    assert answers["trial_elsewhere"] == {"answer": "no", "text": ""}
    assert answers["continuation"] == {"answer": "yes", "text": "Ordinær drift fra 2026"}
    assert [q["key"] for q in data["questions"]] == [q.key for q in QUESTIONS]
    assert data["questions"][0]["question"] == shown("Name of the measure.")
    figures = data["figures"]
    assert figures["suppressed"] is True
    assert set(figures["flow"]) == {"referred", "started", "active_end_of_period", "exited"}
    assert [f["months"] for f in figures["durability"]] == [6, 12]


def test_the_csv_has_one_row_per_question_in_norwegian_with_æøå_and_escaped_formulas(
    client, coordinator, saved
):
    client.force_login(coordinator)
    response = client.get(reverse("grants:csv", args=[saved.pk]))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        f"{shown('Grant report %(year)s: %(measure)s', year=saved.year, measure='Ungdomsløftet')}"
        f" · Testkommune · {shown('Status report')} · januar {saved.year} – desember {saved.year}"
    ]
    assert rows[1] == ["Nøkkel", "Spørsmål", "Svar"]
    by_key = {row[0]: row for row in rows[2:]}
    question_rows = rows[2 : len(QUESTIONS) + 2]
    assert [row[0] for row in question_rows] == [q.key for q in QUESTIONS]
    assert by_key["measure_name"][1:] == [shown("Name of the measure."), "Ungdomsløftet"]
    assert by_key["nav_office"][2] == "NAV Bjørnafjorden"
    assert by_key["report_type"][2] == shown("Status report")
    assert by_key["achievements"][2] == "'=SUM(A1:A9) flere i jobb"
    assert by_key["continuation"][2] == shown("Yes, through") + ": Ordinær drift fra 2026"
    sections = by_key["act_sections"][2]
    assert shown("§20a – Activity requirement for people under 30") in sections
    assert "Navloven § 14a" in sections
    assert by_key["figures.referred"][2] in {"0", "–"}


def test_the_pdf_renders(client, team_lead, saved):
    client.force_login(team_lead)
    response = client.get(reverse("grants:pdf", args=[saved.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_empty_report_exports_with_version_zero(client, coordinator, report):
    client.force_login(coordinator)
    data = json.loads(client.get(reverse("grants:json", args=[report.pk])).content)
    assert data["report"]["version"] == 0
    assert data["answers"]["measure_name"] == ""
    assert data["answers"]["start_date"] is None


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def test_the_csv_in_swedish_names_the_report_organisation_and_year_and_has_swedish_headings(
    client, coordinator, saved
):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.get(reverse("grants:csv", args=[saved.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0] == [
        "Bidragsrapport 2025: Ungdomsløftet · Testkommune · Statusrapport · "
        "januari 2025 – december 2025"
    ]
    assert rows[1] == ["Nyckel", "Fråga", "Svar"]


def test_the_pdf_is_headed_by_the_measure_organisation_and_year(client, team_lead, saved):
    client.force_login(team_lead)
    text = pdf_text(client.get(reverse("grants:pdf", args=[saved.pk])).content)
    assert text.startswith(
        "Tilskuddsrapport 2025: Ungdomsløftet · Testkommune · Statusrapportering · "
        "januar 2025 – desember 2025"
    )
