"""A report is due on 1 February of the following year; overdue reports are marked."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from conftest import shown
from losen.grants.actions import do_save_grant_answers, do_submit_grant_report

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
ON_THE_DAY = datetime.datetime(2026, 2, 1, 23, 30, tzinfo=OSLO)
THE_DAY_AFTER = datetime.datetime(2026, 2, 2, 0, 30, tzinfo=OSLO)


def test_a_status_and_a_final_report_are_due_on_the_first_of_february_after_their_year(
    report, coordinator, measure
):
    from losen.grants.actions import do_create_grant_report

    final = do_create_grant_report(coordinator, measure, year=2025, kind="final")
    assert report.due_date == final.due_date == datetime.date(2026, 2, 1)


def test_a_report_is_overdue_from_the_day_after_its_due_date_until_submitted(
    report, coordinator, team_lead, complete_answers
):
    with time_machine.travel(ON_THE_DAY, tick=False):
        assert not report.is_overdue
    with time_machine.travel(THE_DAY_AFTER, tick=False):
        assert report.is_overdue
        do_save_grant_answers(coordinator, report, expected_version=0, answers=complete_answers)
        do_submit_grant_report(team_lead, report, expected_version=1, with_costs=False)
        report.refresh_from_db()
        assert not report.is_overdue


def test_the_report_page_and_the_list_show_the_due_date_and_mark_an_overdue_report(
    client, coordinator, report
):
    with time_machine.travel(ON_THE_DAY, tick=False):
        client.force_login(coordinator)
        page = client.get(reverse("grants:detail", args=[report.pk])).content.decode()
        assert 'id="grant-due"' in page
        assert "01.02.2026" in page
        assert "grant-due--overdue" not in page
    with time_machine.travel(THE_DAY_AFTER, tick=False):
        client.force_login(coordinator)
        for url in (reverse("grants:detail", args=[report.pk]), reverse("grants:list")):
            page = client.get(url).content.decode()
            assert "01.02.2026" in page
            assert "grant-due--overdue" in page
            assert shown("overdue") in page


def test_the_pdf_shows_the_due_date(client, coordinator, report, monkeypatch):
    rendered = []

    class FakeHTML:
        def __init__(self, *, string):
            rendered.append(string)

        def write_pdf(self):
            return b"%PDF-fake"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    with time_machine.travel(THE_DAY_AFTER, tick=False):
        client.force_login(coordinator)
        response = client.get(reverse("grants:pdf", args=[report.pk]))
    assert response.status_code == 200
    with translation.override("nb"):
        assert translation.pgettext("grant report", "Due") == "Frist"
    assert "Frist" in rendered[0]
    assert "01.02.2026" in rendered[0]
    assert shown("overdue") in rendered[0]
