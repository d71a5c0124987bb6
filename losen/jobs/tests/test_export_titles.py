"""Every list download says whose list it is and when on its first line, in nb and sv."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from losen.jobs.models import Job
from losen.programs.models import Attendance, Enrolment, Measure, Session

pytestmark = pytest.mark.django_db

A_DAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Oslo"))


@pytest.fixture
def on_a_day():
    with time_machine.travel(A_DAY, tick=False):
        yield


def body_of(response) -> bytes:
    assert response.status_code == 200, response
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_lines(response) -> list[str]:
    return body_of(response).decode("utf-8-sig").split("\r\n")


def xlsx_sheet(response):
    return openpyxl.load_workbook(io.BytesIO(body_of(response))).worksheets[0]


@pytest.fixture
def measure(municipality):
    return Measure.objects.create(organisation=municipality, name="Jobbklubb", kind="course")


@pytest.fixture
def enrolled(on_a_day, coordinator, case, measure):
    enrolment = Enrolment.objects.create(
        organisation=case.organisation,
        case=case,
        measure=measure,
        status=Enrolment.Status.ACTIVE,
        start_on=timezone.localdate(),
    )
    session = Session.objects.create(
        measure=measure, number=1, title="Første samling", starts_at=timezone.now()
    )
    Attendance.objects.create(
        session=session, enrolment=enrolment, present=True, recorded_by=coordinator
    )
    return enrolment


def in_swedish(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"


def test_the_people_list_names_the_organisation_and_the_day(client, coordinator, on_a_day, person):
    client.force_login(coordinator)
    lines = csv_lines(client.post(reverse("people:export", args=["csv"])))
    assert lines[0] == "Unge · Testkommune · per 2. mars 2026"
    assert lines[1].startswith("Etternavn;Fornavn;")


def test_the_people_list_in_swedish_has_a_swedish_title_row_headings_and_sheet(
    client, coordinator, on_a_day, person
):
    client.force_login(coordinator)
    in_swedish(client)
    sheet = xlsx_sheet(client.post(reverse("people:export", args=["xlsx"])))
    assert sheet["A1"].value == "Unga · Testkommune · per den 2 mars 2026"
    assert [sheet["A2"].value, sheet["B2"].value] == ["Efternamn", "Förnamn"]
    assert sheet.title == "Unga"


def test_the_people_list_filtered_on_a_team_names_the_team(
    client, coordinator, on_a_day, person, team
):
    client.force_login(coordinator)
    lines = csv_lines(client.post(reverse("people:export", args=["csv"]), {"team": team.pk}))
    assert lines[0] == "Unge · Testkommune · Ungteam · per 2. mars 2026"


def test_the_case_list_names_the_organisation_and_the_day(client, coordinator, on_a_day, case):
    client.force_login(coordinator)
    lines = csv_lines(client.get(reverse("cases:export", args=["csv"])))
    assert lines[0] == "Saker · Testkommune · per 2. mars 2026"
    in_swedish(client)
    sheet = xlsx_sheet(client.get(reverse("cases:export", args=["xlsx"])))
    assert sheet["A1"].value == "Ärenden · Testkommune · per den 2 mars 2026"
    assert sheet["A2"].value == "Efternamn"
    assert sheet.title == "Ärenden"


def test_the_measures_list_names_the_organisation_and_the_day(client, manager, on_a_day, enrolled):
    client.force_login(manager)
    lines = csv_lines(client.get(reverse("programs:measures_export", args=["csv"])))
    assert lines[0] == "Tiltak · Testkommune · per 2. mars 2026"
    in_swedish(client)
    sheet = xlsx_sheet(client.get(reverse("programs:measures_export", args=["xlsx"])))
    assert sheet["A1"].value == "Insatser · Testkommune · per den 2 mars 2026"
    assert sheet.title == "Insatser"


def test_a_measures_participants_and_attendance_name_the_measure_and_the_day(
    client, coordinator, on_a_day, enrolled
):
    client.force_login(coordinator)
    measure_id = enrolled.measure_id
    participants = csv_lines(
        client.get(reverse("programs:participants_export", args=[measure_id, "csv"]))
    )
    assert participants[0] == ("Deltakere i Jobbklubb · Testkommune · Jobbklubb · per 2. mars 2026")
    in_swedish(client)
    sheet = xlsx_sheet(client.get(reverse("programs:attendance_export", args=[measure_id, "xlsx"])))
    assert (
        sheet["A1"].value == "Närvaro i Jobbklubb · Testkommune · Jobbklubb · per den 2 mars 2026"
    )
    assert sheet["A2"].value == "Träff"
    assert sheet.title == "Närvaro i Jobbklubb"


def test_the_access_log_names_the_persons_organisation_and_the_day(
    client, coordinator, on_a_day, person
):
    client.force_login(coordinator)
    client.get(reverse("people:detail", args=[person.pk]))
    in_swedish(client)
    sheet = xlsx_sheet(client.get(reverse("people:access_log_xlsx", args=[person.pk])))
    assert sheet["A1"].value == "Åtkomstlogg för Nora Hansen · Testkommune · per den 2 mars 2026"


@override_settings(LOSEN_EXPORT_DIRECT_ROWS=0)
def test_a_download_made_as_a_job_has_the_same_first_line_in_the_owners_language(
    client, coordinator, on_a_day, person
):
    client.force_login(coordinator)
    in_swedish(client)
    client.post(reverse("people:export", args=["xlsx"]))
    job = Job.objects.get()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    sheet = xlsx_sheet(client.get(reverse("jobs:download", args=[job.pk])))
    assert sheet["A1"].value == "Unga · Testkommune · per den 2 mars 2026"
    assert sheet["A2"].value == "Efternamn"
