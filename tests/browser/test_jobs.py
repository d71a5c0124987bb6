"""Background jobs in a real browser: the history import, a large export, the progress page.

The test settings run jobs inline (within the request that starts them), which works
against the live server too: the job runs inside the upload's request, and the browser
lands on a finished job. The last test drives a job "from elsewhere" (as a worker would)
to watch the page poll its progress until it is done.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from losen.jobs.models import Job
from losen.programs.models import Measure
from tests.browser.conftest import log_in

HEADER = "person_ref;birth_date;referral_date;referral_source;measure;start_date;exit_date;"
HEADER += "exit_outcome;followup_6m;followup_12m"
ROWS = [
    "P-1;2005-04-02;2024-01-10;nav;;;;;;",
    "P-2;2004-11-20;2024-02-01;municipality;Klart jeg kan;2024-02-15;;;;",
    "P-3;2003-06-30;2022-03-01;self;Klart jeg kan;2022-03-14;2022-12-01;work;;",
]


def test_an_administrator_uploads_a_history_file_and_the_import_runs_to_the_end(
    live_server, page: Page, check, org_admin, team, municipality, tmp_path
):
    Measure.objects.create(organisation=municipality, name="Klart jeg kan", kind="course")
    history = tmp_path / "historikk.csv"
    history.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    log_in(page, live_server.url, "admin@test.no")
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer et programs historikk")
    check(page)
    page.locator("#id_file").set_input_files(history)
    page.get_by_label("Organisasjon og team").select_option(label="Testkommune – Ungteam")
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    expect(page.locator("#job-bar")).to_have_attribute("value", "100")
    expect(page.locator(".job-state")).to_have_text("Utført")
    expect(page.locator("#import-cases-created")).to_have_text("3")
    check(page)
    # The same file again: nothing new, three skipped.
    page.get_by_role("link", name="Importer en fil til").click()
    page.locator("#id_file").set_input_files(history)
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-cases-created")).to_have_text("0")
    expect(page.locator("#import-skipped")).to_have_text("3")


def test_a_bad_row_is_named_on_the_job_page(
    live_server, page: Page, check, org_admin, team, municipality, tmp_path
):
    history = tmp_path / "historikk.csv"
    history.write_text("\n".join([HEADER, ROWS[0], "P-9;2005-13-01;2024-01-10;nav;;;;;;"]))
    log_in(page, live_server.url, "admin@test.no")
    page.goto(live_server.url + "/imports/")
    page.locator("#id_file").set_input_files(history)
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".job-state")).to_have_text("Mislyktes")
    expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    expect(page.locator("#import-errors tbody td").first).to_have_text("3")
    check(page)


@pytest.fixture
def low_threshold(settings):
    settings.LOSEN_EXPORT_DIRECT_ROWS = 1


def test_a_large_export_becomes_a_job_whose_file_downloads(
    live_server, page: Page, check, coordinator, register, low_threshold
):
    for name in ("Åse", "Øystein", "Ærlig"):
        register(first_name=name)
    log_in(page, live_server.url, "koordinator@test.no")
    page.goto(live_server.url + "/people/")
    page.get_by_role("button", name="Eksporter som Excel").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    link = page.get_by_role("link", name="Last ned young-people.xlsx")
    expect(link).to_be_visible()
    check(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "young-people.xlsx"


def test_the_job_page_polls_until_the_job_is_done(live_server, page: Page, check, coordinator):
    job = Job.objects.create(kind="export", title="Stor eksport", owner=coordinator)
    log_in(page, live_server.url, "koordinator@test.no")
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    expect(page.locator(".job-state")).to_have_text("Venter på å starte")
    check(page)
    # A worker elsewhere takes the job and reports its progress.
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        done=5,
        total=20,
        worker="worker-2:4711:a1b2",
        heartbeat_at=timezone.now(),
    )
    expect(page.locator("#job-count")).to_have_text("5 av 20 ferdig (25 %)")
    expect(page.locator("#job-bar")).to_have_attribute("value", "25")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, done=20)
    expect(page.locator("#job-announce")).to_have_text("Jobben er ferdig.")
    expect(page.locator("#job-progress")).not_to_have_attribute("hx-trigger", "every 1s")
    check(page)
