"""A measure that never started: the form ends at its fifth question, the start date."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from conftest import shown
from losen.grants.actions import do_save_grant_answers, do_submit_grant_report
from losen.grants.models import GrantReportVersion
from losen.grants.questions import missing
from losen.grants.tests.conftest import form_data

pytestmark = pytest.mark.django_db

FIRST_FOUR = {
    "measure_name": "Ungdomsløftet",
    "nav_office": "NAV Bjørnafjorden",
    "contact_email": "kari.koordinator@nav.no",
    "county": "Vestland",
}


def test_a_measure_that_did_not_start_needs_only_the_first_five_questions():
    assert missing({**FIRST_FOUR, "not_started": True}) == []
    assert [q.key for q in missing({**FIRST_FOUR, "not_started": False})][0] == "start_date"
    assert [q.key for q in missing({"not_started": True})] == [
        "measure_name",
        "nav_office",
        "contact_email",
        "county",
    ]


def test_a_team_lead_submits_a_report_of_a_measure_that_did_not_start(
    client, coordinator, team_lead, report
):
    client.force_login(coordinator)
    form = client.get(reverse("grants:edit", args=[report.pk])).content.decode()
    assert 'name="not_started"' in form
    assert shown("The measure did not start (the rest of the form is not answered)") in form
    response = client.post(
        reverse("grants:edit", args=[report.pk]),
        form_data({**FIRST_FOUR, "not_started": True}, version=0),
    )
    assert response.status_code == 302
    assert GrantReportVersion.objects.get(report=report).answers["not_started"] is True
    client.force_login(team_lead)
    page = client.get(reverse("grants:detail", args=[report.pk])).content.decode()
    assert 'id="grant-missing"' not in page
    assert shown("The measure did not start") in page
    do_submit_grant_report(team_lead, report, expected_version=1, with_costs=False)
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_start_date_and_did_not_start_together_are_refused(client, coordinator, report):
    client.force_login(coordinator)
    response = client.post(
        reverse("grants:edit", args=[report.pk]),
        form_data({**FIRST_FOUR, "start_date": "2025-03-01", "not_started": True}, version=0),
    )
    assert response.status_code == 200
    assert shown("Give the start date or tick that the measure did not start, not both.") in (
        response.content.decode()
    )
    assert not GrantReportVersion.objects.exists()


def test_the_exports_say_the_measure_did_not_start_and_leave_the_rest_empty(
    client, coordinator, report
):
    answers = {**FIRST_FOUR, "not_started": True, "challenges": "Skrevet før vi ga opp"}
    do_save_grant_answers(coordinator, report, expected_version=0, answers=answers)
    client.force_login(coordinator)
    data = json.loads(client.get(reverse("grants:json", args=[report.pk])).content)
    assert data["answers"]["not_started"] is True
    assert data["answers"]["start_date"] is None
    assert data["answers"]["challenges"] == ""
    response = client.get(reverse("grants:csv", args=[report.pk]))
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    by_key = {row[0]: row for row in csv.reader(io.StringIO(body), delimiter=";")}
    assert by_key["start_date"][2] == shown("The measure did not start")
    assert by_key["challenges"][2] == ""
    pdf = client.get(reverse("grants:pdf", args=[report.pk]))
    assert pdf.status_code == 200
