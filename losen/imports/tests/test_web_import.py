"""The history import in the browser: a job with progress, all or nothing, rows named."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import shown
from losen.cases.models import Case
from losen.imports.models import ImportedCase
from losen.imports.tests.test_import_history import HEADER, ROWS, counts
from losen.jobs.models import Job
from losen.programs.models import Enrolment, Measure

pytestmark = pytest.mark.django_db


def csv_file(rows, name="historikk.csv") -> SimpleUploadedFile:
    lines = [";".join(HEADER)] + [";".join(row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"), "text/csv")


@pytest.fixture
def measure(municipality):
    return Measure.objects.create(
        organisation=municipality, name="Klart jeg kan", kind=Measure.Kind.COURSE, planned_weeks=8
    )


def upload(client, team, rows, **extra):
    return client.post(
        reverse("imports:history"), {"file": csv_file(rows), "team": team.pk, **extra}
    )


def test_an_administrator_imports_a_file_and_sees_what_was_imported(
    client, org_admin, team, measure
):
    client.force_login(org_admin)
    assert reverse("imports:history") in client.get(reverse("jobs:list")).content.decode()  # menu
    response = upload(client, team, ROWS)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE
    assert (job.done, job.total) == (4, 4)
    assert Case.objects.filter(team=team).count() == 4
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-cases-created">4<' in page
    assert 'id="import-skipped">0<' in page
    assert (
        shown(
            "The cases belong to %(team)s, %(organisation)s.",
            team="Ungteam",
            organisation="Testkommune",
        )
        in page
    )
    # The events are recorded as the administrator's, and the upload is not kept.
    assert Case.objects.filter(events__recorded_by=org_admin).distinct().count() == 4
    assert not any(p.name == "historikk.csv" for p in _job_files(job))


def _job_files(job):
    from losen.jobs.files import job_dir

    folder = job_dir(job)
    return list(folder.iterdir()) if folder.exists() else []


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(
    client, org_admin, team, measure
):
    bad = ["P-5", "2005-01-01", "2024-01-10", "nav", "Klart jeg kan", "2024-01-20"]
    bad += ["2024-01-15", "work", "", ""]
    before = counts()
    client.force_login(org_admin)
    response = upload(client, team, [*ROWS, bad])
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert counts() == before
    assert job.result["errors"] == [
        {
            "line": 6,
            "reason": shown(
                "exit_date %(exit)s is before %(column)s %(date)s",
                exit="2024-01-15",
                column="start_date",
                date="2024-01-20",
            ),
        }
    ]
    page = client.get(response["Location"]).content.decode()
    assert shown("Nothing was imported. Correct these rows in the file and upload it again.") in (
        page
    )
    assert "<td>6</td><td>exit_date 2024-01-15 er før start_date 2024-01-20</td>" in page
    assert "historikk.csv: 1 av 5 rader har feil; ingenting er importert." in page


def test_importing_twice_changes_nothing(client, org_admin, team, measure):
    client.force_login(org_admin)
    upload(client, team, ROWS)
    after_first = counts()
    response = upload(client, team, ROWS)
    assert counts() == after_first
    second = Job.objects.order_by("-created_at").first()
    assert second.result["summary"]["cases_created"] == 0
    assert second.result["summary"]["skipped"] == 4
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-skipped">4<' in page


def test_missing_measures_are_created_when_asked(client, org_admin, team, measure):
    client.force_login(org_admin)
    row = ["P-5", "2005-01-01", "2024-01-10", "nav", "Jobbklubb", "2024-01-20", "", "", "", ""]
    upload(client, team, [*ROWS, row])
    assert Job.objects.get().status == Job.Status.FAILED
    assert not Measure.objects.filter(name="Jobbklubb").exists()
    upload(client, team, [*ROWS, row], create_measures="on")
    job = Job.objects.order_by("-created_at").first()
    assert job.result["summary"]["measures_created"] == ["Jobbklubb"]
    assert Enrolment.objects.get(case__person__last_name="P-5").measure.name == "Jobbklubb"


def test_a_team_lead_imports_into_their_own_team_only(client, team_lead, team, other_team, measure):
    client.force_login(team_lead)
    page = client.get(reverse("imports:history")).content.decode()
    assert "Testkommune – Ungteam" in page
    assert "Oppfølgingsteam" not in page
    response = upload(client, other_team, ROWS)
    assert response.status_code == 200  # the form again, with the error
    assert not Job.objects.exists()
    upload(client, team, ROWS)
    assert ImportedCase.objects.count() == 4


def test_coordinators_managers_and_outsiders_cannot_import(
    client, coordinator, manager, outsider, team, measure
):
    for user in (coordinator, manager, outsider):
        client.force_login(user)
        assert client.get(reverse("imports:history")).status_code == 404
        assert upload(client, team, ROWS).status_code == 404
        assert reverse("imports:history") not in client.get(reverse("jobs:list")).content.decode()
    assert Case.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_once(client, org_admin, team):
    client.force_login(org_admin)
    response = client.post(
        reverse("imports:history"),
        {"file": SimpleUploadedFile("bilde.png", b"\x89PNG"), "team": team.pk},
    )
    assert response.status_code == 200
    assert shown("Choose a CSV or XLSX file (a name ending in .csv or .xlsx).") in (
        response.content.decode()
    )
    assert not Job.objects.exists()


def test_the_command_still_speaks_english(tmp_path, team, measure, capsys):
    from django.core.management import CommandError, call_command

    path = tmp_path / "historikk.csv"
    path.write_text(",".join(HEADER) + "\nP-1,2005-13-01,2024-01-10,nav,,,,,,\n")
    with pytest.raises(CommandError, match="1 of 1 row has problems"):
        call_command("import-history", str(path), organisation="Testkommune", verbosity=0)
    assert (
        "line 2: birth_date '2005-13-01' is not a date (DD.MM.YYYY or YYYY-MM-DD)"
        in capsys.readouterr().err
    )


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(
    client, org_admin, team, settings
):
    from losen.web.uploads import ROOM_FOR_FIELDS

    settings.LOSEN_UPLOAD_MAX_BYTES = 1000
    client.force_login(org_admin)
    big = SimpleUploadedFile("historikk.csv", b"x" * (ROOM_FOR_FIELDS + 2000), "text/csv")
    response = client.post(reverse("imports:history"), {"file": big, "team": team.pk})
    assert response.status_code == 413
    assert shown("The file is too large") in response.content.decode()
    assert not Job.objects.exists()


def test_a_file_over_the_row_limit_fails_its_job_with_the_reason_and_imports_nothing(
    client, org_admin, team, measure, settings
):
    settings.LOSEN_IMPORT_MAX_ROWS = 2
    client.force_login(org_admin)
    before = counts()
    upload(client, team, ROWS)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert shown("the file has more than %(rows)s rows; split it into several files", rows=2) in (
        job.error
    )
    assert counts() == before


def test_an_upload_sent_twice_starts_one_import(client, org_admin, team, measure):
    from losen.submissions.tests.test_double_posts import SUBMISSION_FIELD, token_of

    client.force_login(org_admin)
    token = token_of(client.get(reverse("imports:history")))
    answers = [
        client.post(
            reverse("imports:history"),
            {"file": csv_file(ROWS), "team": team.pk, SUBMISSION_FIELD: token},
        )
        for _ in range(2)
    ]
    job = Job.objects.get()
    assert answers[0]["Location"] == answers[1]["Location"] == reverse("jobs:detail", args=[job.pk])
    assert Case.objects.count() == 4
