"""Every list's CSV and XLSX export: letters, formulas, no identity numbers, the job rule."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import synthetic_fnr
from losen.audit.models import AccessLog, Purpose
from losen.jobs.models import Job
from losen.programs.models import Attendance, Enrolment, Measure, Session

pytestmark = pytest.mark.django_db


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_text(response) -> str:
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("text/csv")
    text = body_of(response).decode("utf-8")
    assert text.startswith("\ufeff")  # so Norwegian and Swedish Excel read UTF-8
    title, _newline, table = text.lstrip("\ufeff").partition("\r\n")
    assert " · " in title  # the first line: what, whose and when (test_export_titles.py)
    return table


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200, response
    workbook = openpyxl.load_workbook(io.BytesIO(body_of(response)))
    title, *rows = workbook.worksheets[0].iter_rows(values_only=True)
    assert " · " in title[0]  # the title row above the header (test_export_titles.py)
    return rows


@pytest.fixture
def tricky(register):
    """Someone whose names need the right letters, and a name that looks like a formula."""
    return register(
        first_name='=HYPERLINK("http://x")',
        last_name="Æsøy-Åström Öhlén",
        birth_date=datetime.date(2004, 2, 3),
        identity_number=synthetic_fnr(datetime.date(2004, 2, 3), 77),
        municipality="+Bærum",
    )


@pytest.fixture
def measure(municipality):
    return Measure.objects.create(organisation=municipality, name="Jobbklubb", kind="course")


@pytest.fixture
def enrolled(coordinator, case, measure):
    enrolment = Enrolment.objects.create(
        organisation=case.organisation,
        case=case,
        measure=measure,
        status=Enrolment.Status.ACTIVE,
        start_on=timezone.localdate(),
    )
    session = Session.objects.create(
        measure=measure, number=1, title="@Første samling", starts_at=timezone.now()
    )
    Attendance.objects.create(
        session=session, enrolment=enrolment, present=True, recorded_by=coordinator
    )
    return enrolment


def people_export(client, fmt, **data):
    return client.post(reverse("people:export", args=[fmt]), data)


def test_the_people_export_has_æøåäö_right_and_escapes_formulas_in_csv(client, coordinator, tricky):
    client.force_login(coordinator)
    text = csv_text(people_export(client, "csv"))
    header, row = text.strip().split("\r\n")
    assert header.split(";")[:2] == ["Etternavn", "Fornavn"]
    cells = row.split(";")
    assert cells[0] == "Æsøy-Åström Öhlén"
    assert cells[1] == '"\'=HYPERLINK(""http://x"")"'
    assert cells[2] == "2004-02-03"
    assert cells[4] == "'+Bærum"


def test_the_people_export_has_æøåäö_right_and_escapes_formulas_in_xlsx(
    client, coordinator, tricky
):
    client.force_login(coordinator)
    header, row = xlsx_rows(people_export(client, "xlsx"))
    assert header[:2] == ("Etternavn", "Fornavn")
    assert row[0] == "Æsøy-Åström Öhlén"
    assert row[1] == '\'=HYPERLINK("http://x")'  # text, never a formula
    assert row[2] == datetime.datetime(2004, 2, 3)  # a real date in the sheet
    assert row[4] == "'+Bærum"


def test_no_identity_number_in_any_export(
    client, coordinator, case, person, person_number, enrolled
):
    client.force_login(coordinator)
    client.post(reverse("people:identity_number", args=[person.pk]))  # shown once, logged
    urls = (
        [reverse("cases:export", args=[fmt]) for fmt in ("csv", "xlsx")]
        + [
            reverse(name, args=[enrolled.measure_id, fmt])
            for name in ("programs:participants_export", "programs:attendance_export")
            for fmt in ("csv", "xlsx")
        ]
        + [
            reverse(name, args=[person.pk])
            for name in ("people:access_log_csv", "people:access_log_xlsx")
        ]
    )
    responses = [client.get(url) for url in urls]
    responses += [people_export(client, fmt) for fmt in ("csv", "xlsx")]
    for response in responses:
        assert response.status_code == 200
        body = body_of(response)
        if response["Content-Type"].startswith("text/csv"):
            text = body.decode("utf-8")
            assert "Nora" in text or "Koordinator" in text
        else:
            text = "\n".join(
                " ".join(str(c) for c in row if c is not None) for row in xlsx_rows(response)
            )
        assert person_number not in text
        assert person_number[:6] not in text.replace("-", "")  # not even the birth digits
        assert person.id_number_masked not in text


@override_settings(LOSEN_EXPORT_DIRECT_ROWS=1)
def test_a_large_export_becomes_a_job(client, coordinator, register):
    register(first_name="Åse")
    register(first_name="Øystein")
    client.force_login(coordinator)
    response = client.get(reverse("cases:export", args=["csv"]))  # no cases: 0 rows, direct
    assert response.status_code == 200
    response = people_export(client, "xlsx")
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.owner, job.status) == ("export", coordinator, Job.Status.DONE)
    rows = xlsx_rows(client.get(reverse("jobs:download", args=[job.pk])))
    assert sorted(r[1] for r in rows[1:]) == ["Åse", "Øystein"]


@override_settings(LOSEN_EXPORT_DIRECT_ROWS=0)
def test_a_search_by_identity_number_is_kept_in_the_job_as_its_hash_only(
    client, coordinator, register, person, person_number
):
    register(first_name="Åse")
    client.force_login(coordinator)
    people_export(client, "csv", q=person_number)
    job = Job.objects.get()
    assert person_number not in str(job.params)
    assert job.params["params"]["id_hash"]
    text = client.get(reverse("jobs:download", args=[job.pk]))
    lines = b"".join(text.streaming_content).decode("utf-8").strip().split("\r\n")
    assert len(lines) == 3  # the title line, the header and Nora
    assert "Nora" in lines[2]


def test_the_people_export_follows_the_search(client, coordinator, register):
    register(first_name="Åse", last_name="Berg")
    register(first_name="Per", last_name="Dal")
    client.force_login(coordinator)
    text = csv_text(people_export(client, "csv", q="berg"))
    assert "Åse" in text
    assert "Per" not in text


def test_an_htmx_export_is_made_at_once_and_the_browser_sent_to_the_file(
    client, coordinator, person
):
    client.force_login(coordinator)
    response = client.post(reverse("people:export", args=["csv"]), headers={"HX-Request": "true"})
    job = Job.objects.get()
    assert response["HX-Redirect"] == reverse("jobs:download", args=[job.pk])
    assert job.status == Job.Status.DONE


def test_a_direct_export_logs_one_access_log_row_per_person(client, coordinator, register, team):
    people = [register(first_name=name) for name in ("Åse", "Øystein", "Ærlig")]
    client.force_login(coordinator)
    csv_text(people_export(client, "csv"))
    logged = AccessLog.objects.filter(purpose=Purpose.EXPORT)
    assert sorted(logged.values_list("person_id", flat=True)) == sorted(p.pk for p in people)
    assert set(logged.values_list("team", flat=True)) == {team.pk}


def test_the_outsider_exports_none_of_the_municipalitys_people(
    client, outsider, person, case, enrolled
):
    client.force_login(outsider)
    text = csv_text(people_export(client, "csv"))
    assert "Nora" not in text
    assert "Nora" not in csv_text(client.get(reverse("cases:export", args=["csv"])))
    for name in ("programs:participants_export", "programs:attendance_export"):
        assert client.get(reverse(name, args=[enrolled.measure_id, "csv"])).status_code == 404
    assert client.get(reverse("people:access_log_csv", args=[person.pk])).status_code == 404


def test_a_manager_exports_measures_but_no_people(client, manager, enrolled):
    client.force_login(manager)
    assert people_export(client, "csv").status_code == 404
    assert client.get(reverse("cases:export", args=["csv"])).status_code == 404
    url = reverse("programs:participants_export", args=[enrolled.measure_id, "csv"])
    assert client.get(url).status_code == 404
    text = csv_text(client.get(reverse("programs:measures_export", args=["csv"])))
    row = text.strip().split("\r\n")[1].split(";")
    assert row[2] == "Jobbklubb"
    assert row[6] in ("0", "5")  # one participant: rounded by the case's key for a manager


def test_the_case_list_export_follows_the_filter(client, coordinator, case):
    client.force_login(coordinator)
    text = csv_text(client.get(reverse("cases:export", args=["csv"])))
    assert "Hansen;Nora" in text
    text = csv_text(client.get(reverse("cases:export", args=["csv"]) + "?state=ended"))
    assert "Nora" not in text


def test_a_measures_participants_and_attendance_export(client, coordinator, enrolled):
    client.force_login(coordinator)
    measure_id = enrolled.measure_id
    participants = xlsx_rows(
        client.get(reverse("programs:participants_export", args=[measure_id, "xlsx"]))
    )
    assert participants[1][:3] == ("Hansen", "Nora", "Ungteam")
    attendance = csv_text(
        client.get(reverse("programs:attendance_export", args=[measure_id, "csv"]))
    )
    row = attendance.strip().split("\r\n")[1].split(";")
    assert row[0] == "1"
    assert row[2] == "'@Første samling"
    assert row[3:] == ["Hansen", "Nora", "Ja"]
    assert AccessLog.objects.filter(purpose=Purpose.EXPORT, what="enrolment").count() == 2


def test_the_access_log_exports_as_xlsx_and_the_export_is_logged(client, coordinator, person):
    client.force_login(coordinator)
    client.get(reverse("people:detail", args=[person.pk]))
    rows = xlsx_rows(client.get(reverse("people:access_log_xlsx", args=[person.pk])))
    assert rows[0][1] == "Lest av"
    assert any(row[1] == "Kari Koordinator" and row[3] == "Ungteam" for row in rows[1:])
    assert AccessLog.objects.filter(person_id=person.pk, purpose=Purpose.EXPORT).count() == 1


def test_the_list_pages_offer_the_exports(client, coordinator, case, enrolled):
    client.force_login(coordinator)
    pages = {
        reverse("people:list"): reverse("people:export", args=["xlsx"]),
        reverse("cases:list"): reverse("cases:export", args=["xlsx"]),
        reverse("programs:measures"): reverse("programs:measures_export", args=["xlsx"]),
        reverse("programs:measure_detail", args=[enrolled.measure_id]): reverse(
            "programs:attendance_export", args=[enrolled.measure_id, "xlsx"]
        ),
        reverse("people:access_log", args=[case.person_id]): reverse(
            "people:access_log_xlsx", args=[case.person_id]
        ),
    }
    for page, export in pages.items():
        assert export in client.get(page).content.decode(), page
