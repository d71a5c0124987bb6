"""Reference figures and targets in a real browser, with axe-core on every page."""

from __future__ import annotations

import datetime
from decimal import Decimal

from playwright.sync_api import Page, expect

from losen.cases.actions.core import do_open_case, do_record_event
from losen.cases.models import EventKind
from losen.reports.actions import do_add_target_reading, do_create_target
from tests.browser.conftest import log_in


def test_a_team_lead_adds_a_reference_figure_and_sees_it_beside_ours_on_the_dashboard(
    live_server, page: Page, check, team_lead, register, team
):
    today = datetime.date.today()
    for n in range(6):
        person = register(first_name=f"Ung{n}")
        case = do_open_case(None, person, team, opened_on=today)
        do_record_event(None, case, EventKind.REFERRED, effective_on=today)
        do_record_event(None, case, EventKind.ENROLMENT_STARTED, effective_on=today)
        do_record_event(
            None,
            case,
            EventKind.EXIT,
            effective_on=today,
            data={"code": "work.x", "top_code": "work" if n < 3 else "no_activity"},
        )
    log_in(page, live_server.url, "leder@test.no")
    page.goto(live_server.url + "/results/comparisons/")
    expect(page.locator("h1")).to_have_text("Sammenligningstall og mål")
    check(page)

    page.locator("#new-reference").click()
    expect(page.locator("h1")).to_have_text("Nytt sammenligningstall")
    page.locator("#id_label").fill("NAV-tiltak")
    page.locator("#id_metric").select_option("share_work_or_education")
    page.locator("#id_value").fill("40")
    page.locator("#id_year_from").fill("2024")
    page.locator("#id_source").fill("NAV, årsrapport 2024")
    check(page)
    page.locator("#save-reference").click()
    expect(page.locator("#reference-list")).to_contain_text("NAV, årsrapport 2024")
    check(page)

    page.goto(live_server.url + "/results/")
    table = page.locator("#comparison-table")
    expect(table).to_contain_text("NAV-tiltak (2024)")
    expect(table).to_contain_text("40 %")
    expect(table).to_contain_text("50 %")  # three of our six exits went to work
    expect(table).to_contain_text("+10 prosentpoeng")
    expect(table).to_contain_text("NAV, årsrapport 2024")
    check(page)


def test_a_target_with_readings_shows_its_progress_chart_and_is_accessible(
    live_server, page: Page, check, org_admin, municipality
):
    today = datetime.date.today()
    target = do_create_target(
        org_admin,
        municipality,
        team=None,
        measure=None,
        description="Halvere antall unge sosialhjelpsmottakere",
        metric="readings",
        baseline_value=Decimal(428),
        baseline_on=today.replace(day=1) - datetime.timedelta(days=200),
        target_value=Decimal(214),
        deadline=today + datetime.timedelta(days=300),
        source="Bystyret, sak 1/25",
        url="",
    )
    do_add_target_reading(org_admin, target, measured_on=today, value=Decimal(380), note="NAV")
    log_in(page, live_server.url, "admin@test.no")
    page.goto(f"{live_server.url}/results/comparisons/targets/{target.pk}/")
    expect(page.locator(f"#target-chart-{target.pk}-desc")).to_be_attached()
    expect(page.locator(".target-current")).to_contain_text("380")
    expect(page.locator("#reading-table")).to_contain_text("NAV")
    check(page)

    page.goto(f"{live_server.url}/results/comparisons/targets/{target.pk}/edit/")
    expect(page.locator("#id_description")).to_have_value(target.description)
    check(page)
    page.goto(f"{live_server.url}/results/comparisons/targets/{target.pk}/delete/")
    expect(page.locator("#confirm-delete")).to_be_visible()
    check(page)

    page.goto(live_server.url + "/results/")
    expect(page.locator(f"#target-{target.pk}")).to_contain_text("Bystyret, sak 1/25")
    check(page)
