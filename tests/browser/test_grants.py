"""A NAV grant report written in a browser, from last year's answers to submitted; axe-core
on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from losen.grants.actions import do_create_grant_report, do_save_grant_answers
from losen.grants.models import GrantReport
from losen.programs.models import Measure
from tests.browser.conftest import log_in


@pytest.fixture
def measure_with_last_year(municipality, team_lead):
    measure = Measure.objects.create(
        organisation=municipality, name="Ungdomsløftet", kind="course", monthly_cost=9000
    )
    last_year = do_create_grant_report(team_lead, measure, year=2024, kind="status")
    do_save_grant_answers(
        team_lead,
        last_year,
        expected_version=0,
        answers={
            "nav_office": "NAV Bjørnafjorden",
            "county": "Vestland",
            "start_date": "2023-08-15",
            "target_group": "Unge 16–25 år utenfor skole og arbeid.",
            "act_sections": {"selected": ["s1", "s20a"], "other": ""},
        },
    )
    return measure


def test_a_team_lead_writes_a_grant_report_from_last_years_answers_and_submits_it(
    live_server, page: Page, check, measure_with_last_year
):
    base = live_server.url
    log_in(page, base, "leder@test.no")
    page.goto(base + "/grants/")
    expect(page.locator("#grant-table tbody tr")).to_have_count(1)
    check(page)

    page.locator("#new-grant-report").click()
    expect(page).to_have_url(re.compile("/grants/new/"))
    page.locator("#id_measure").select_option(label="Ungdomsløftet")
    page.locator("#id_year").select_option("2025")
    page.locator("#id_kind_0").check()
    check(page)
    page.get_by_role("button", name="Start rapporten").click()

    # The form starts from 2024's answers, says so, and has the figures beside it.
    expect(page.locator("#grant-prefilled")).to_be_visible()
    expect(page.locator("#id_nav_office")).to_have_value("NAV Bjørnafjorden")
    expect(page.locator("#id_measure_name")).to_have_value("Ungdomsløftet")
    expect(page.locator("#grant-figures")).to_be_visible()
    expect(page.locator("#grant-cost")).to_be_visible()
    check(page)

    page.locator("#id_target_group").fill("Unge 16–30 år utenfor skole og arbeid.")
    page.locator("#id_measure_description").fill("Tett oppfølging og arbeidstrening.")
    page.locator("#id_development").fill("Samarbeid på tvers av tjenestene.")
    page.get_by_label("§15 – Boliger til vanskeligstilte").check()
    page.locator("#id_interest_from_others_0").check()
    page.locator("#id_interest_from_others_text").fill("Frivilligsentralen")
    page.locator("#id_trial_elsewhere_1").check()
    page.locator("#id_collaboration_0").check()
    page.locator("#id_collaboration_text").fill("Oppfølgingstjenesten")
    page.locator("#id_achievements").fill("Tolv i jobb eller skole.")
    page.locator("#id_goal_assessment").fill("Tall fra fagsystemet og samtaler.")
    page.locator("#id_challenges").fill("Å nå de som ikke svarer.")
    page.locator("#id_success_factors").fill("Relasjonen.")
    page.locator("#id_continuation_0").check()
    page.locator("#id_continuation_text").fill("Ordinær drift fra 2026.")
    page.locator("#save-grant-report").click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator("#grant-prefilled")).to_have_count(0)
    check(page)

    report = GrantReport.objects.get(year=2025)
    assert report.version == 1
    page.get_by_role("link", name="Tilbake til rapporten").click()
    expect(page.locator("#submit-grant-report")).to_be_visible()
    check(page)
    page.locator("#submit-grant-report").click()
    # A summary to confirm first: nothing is submitted yet.
    expect(page.locator("#submit-summary")).to_be_visible()
    check(page)
    report.refresh_from_db()
    assert report.status == "draft"
    page.locator("#confirm-submit-grant-report").click()
    expect(page.locator("#reopen-grant-report")).to_be_visible()
    expect(page.locator("#edit-grant-report")).to_have_count(0)
    check(page)

    # The history shows the version; opening it swaps it into the page (htmx).
    page.get_by_role("link", name="Versjoner").click()
    page.get_by_role("link", name="Versjon 1").click()
    expect(page.locator("#version-view .grant-answers")).to_be_visible()
    check(page)
