"""Background jobs: progress, the owner's page and download, failures, the worker, cleanup."""

from __future__ import annotations

import datetime
import os

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import shown
from losen.audit.models import AccessLog, Purpose
from losen.jobs import files, runner
from losen.jobs.models import Job
from losen.jobs.registry import JobFailed, job_kind

pytestmark = pytest.mark.django_db


@job_kind("test_fails")
def _fails(job: Job) -> None:
    raise JobFailed("Det gikk ikke.", result={"why": "test"})


@job_kind("test_crashes")
def _crashes(job: Job) -> None:
    raise RuntimeError("boom")


@pytest.fixture
def many_people(register):
    return [register(first_name=f"Ung{n:02d}", last_name="Ødegård") for n in range(5)]


def download(client, job) -> bytes:
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@override_settings(LOSEN_EXPORT_DIRECT_ROWS=2)
def test_a_jobs_progress_is_reported_and_its_file_streams(client, coordinator, many_people):
    client.force_login(coordinator)
    response = client.get(reverse("cases:list"))  # (a page first, as a user would)
    response = client.post(reverse("people:export", args=["csv"]), {})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 5, 5)
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="job-bar" max="100" value="100">' in page
    assert shown("Download %(name)s", name="young-people.csv") in page
    file_response = client.get(reverse("jobs:download", args=[job.pk]))
    assert file_response.streaming  # a FileResponse, read from disk in blocks
    assert file_response["Content-Disposition"].startswith("attachment")
    body = b"".join(file_response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert body.count("Ødegård") == 5


def test_progress_is_written_at_most_once_a_second_and_always_at_the_end(coordinator):
    job = Job.objects.create(kind="export", title="t", owner=coordinator)
    job.report(1, 10)
    job.report(2)
    job.refresh_from_db()
    assert (job.done, job.total) == (1, 10)
    assert job.progress() == (1, 10)
    job.report(10)
    job.refresh_from_db()
    assert (job.done, job.total) == (10, 10)


def test_the_progress_part_polls_every_second_until_the_job_has_ended(client, coordinator):
    job = Job.objects.create(
        kind="export", title="Eksport", owner=coordinator, status=Job.Status.QUEUED
    )
    client.force_login(coordinator)
    url = reverse("jobs:detail", args=[job.pk])
    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in part
    assert "<html" not in part
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=timezone.now())
    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in part
    assert shown("The job is done.") in part  # told to screen readers once, at the end


def test_polling_the_progress_writes_no_session_but_opening_the_page_does(client, coordinator):
    job = Job.objects.create(
        kind="export", title="Eksport", owner=coordinator, status=Job.Status.QUEUED
    )
    client.force_login(coordinator)
    url = reverse("jobs:detail", args=[job.pk])
    key = client.session.session_key
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get(url, headers={"HX-Request": "true"})
    assert Session.objects.get(session_key=key).expire_date == soon  # the poll wrote nothing
    assert client.get(url).status_code == 200
    assert Session.objects.get(session_key=key).expire_date > soon  # the page saved it


def test_an_outsider_gets_404_on_someone_elses_job(
    client, coordinator, colleague, outsider, org_admin, many_people
):
    client.force_login(coordinator)
    with override_settings(LOSEN_EXPORT_DIRECT_ROWS=2):
        client.post(reverse("people:export", args=["xlsx"]), {})
    job = Job.objects.get()
    for other in (outsider, colleague, org_admin):
        client.force_login(other)
        assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
        assert str(job.pk) not in client.get(reverse("jobs:list")).content.decode()


def test_a_failed_job_says_why_in_the_owners_language(client, coordinator):
    job = runner.start_job(coordinator, "test_fails", title="Prøve")
    assert job.status == Job.Status.FAILED
    assert job.error == "Det gikk ikke."
    assert job.result == {"why": "test"}
    crashed = runner.start_job(coordinator, "test_crashes", title="Krasj")
    assert crashed.status == Job.Status.FAILED
    assert crashed.error == shown(
        "The job stopped because of an error. Try again; if it happens again, "
        "tell your administrator."
    )
    client.force_login(coordinator)
    page = client.get(reverse("jobs:detail", args=[crashed.pk])).content.decode()
    assert crashed.error in page
    assert reverse("jobs:download", args=[crashed.pk]) not in page


def test_a_job_runs_once_even_if_it_is_handed_over_twice(coordinator):
    job = runner.start_job(coordinator, "test_fails", title="Prøve")
    assert runner.run_job(job.pk) is False


@override_settings(LOSEN_JOB_RUNNER="worker")
def test_the_worker_runs_the_queued_jobs(coordinator, many_people):
    from losen.jobs.exporters import start_export_job
    from losen.people.exporters import PeopleExport

    job = start_export_job(PeopleExport(coordinator, {}), "csv")
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    call_command("run-jobs", "--once", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert files.result_path(job) is not None


def test_jobs_interrupted_by_a_restart_are_marked_failed(coordinator):
    host, pid, _token = runner.worker_id().split(":")
    now = timezone.now()
    before_restart = Job.objects.create(
        kind="export",
        title="a",
        owner=coordinator,
        status=Job.Status.RUNNING,
        worker=f"{host}:{pid}:oldtoken",
        heartbeat_at=now,
    )
    silent = Job.objects.create(
        kind="export",
        title="b",
        owner=coordinator,
        status=Job.Status.RUNNING,
        worker="elsewhere:1:x",
        heartbeat_at=now - runner.STALE_AFTER - datetime.timedelta(minutes=1),
    )
    alive_elsewhere = Job.objects.create(
        kind="export",
        title="c",
        owner=coordinator,
        status=Job.Status.RUNNING,
        worker="elsewhere:1:x",
        heartbeat_at=now,
    )
    assert runner.recover_interrupted(starting=True) == 2
    for job in (before_restart, silent, alive_elsewhere):
        job.refresh_from_db()
    assert before_restart.status == silent.status == Job.Status.FAILED
    assert before_restart.error == shown(
        "The job was interrupted (the server was restarted). Start it again."
    )
    assert alive_elsewhere.status == Job.Status.RUNNING


def test_finished_jobs_and_their_files_are_deleted_after_the_retention(coordinator, many_people):
    from losen.jobs.exporters import start_export_job
    from losen.people.exporters import PeopleExport

    job = start_export_job(PeopleExport(coordinator, {}), "csv")
    folder = files.job_dir(job)
    assert folder.is_dir()
    assert files.cleanup() == 0
    later = timezone.now() + datetime.timedelta(days=8)
    assert files.cleanup(later) == 1
    assert not folder.exists()
    assert not Job.objects.filter(pk=job.pk).exists()


@override_settings(LOSEN_EXPORT_DIRECT_ROWS=2)
def test_each_download_of_personal_data_is_access_logged_per_person(
    client, coordinator, many_people
):
    client.force_login(coordinator)
    client.post(reverse("people:export", args=["csv"]), {})
    job = Job.objects.get()
    exports = AccessLog.objects.filter(purpose=Purpose.EXPORT)
    assert exports.count() == 0  # made, not yet read by anyone
    download(client, job)
    assert exports.count() == 5
    assert set(exports.values_list("person_id", flat=True)) == {p.pk for p in many_people}
    assert set(exports.values_list("team__name", flat=True)) == {"Ungteam"}
    download(client, job)
    assert exports.count() == 10


def test_the_system_check_refuses_an_unknown_runner():
    from losen.jobs.checks import check_job_settings

    with override_settings(LOSEN_JOB_RUNNER="celery"):
        assert [e.id for e in check_job_settings(None)] == ["losen.jobs.E001"]
    assert check_job_settings(None) == []
