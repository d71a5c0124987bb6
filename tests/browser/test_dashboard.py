"""The results dashboard in a real browser, with axe-core on the page."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect

from losen.cases.actions.core import do_open_case, do_record_event
from losen.cases.models import EventKind
from tests.browser.conftest import log_in


def test_a_team_lead_reads_the_results_and_the_page_is_accessible(
    live_server, page: Page, check, team_lead, register, team
):
    today = datetime.date.today()
    for n in range(3):
        person = register(first_name=f"Ung{n}")
        case = do_open_case(None, person, team, opened_on=today)
        do_record_event(None, case, EventKind.REFERRED, effective_on=today)
        do_record_event(None, case, EventKind.ENROLMENT_STARTED, effective_on=today)
    log_in(page, live_server.url, "leder@test.no")
    page.goto(live_server.url + "/results/")
    expect(page.locator("h1")).to_be_visible()
    for chart in ("flow-chart", "exits-chart", "times-chart", "cost-chart"):
        expect(page.locator(f"svg[aria-describedby={chart}-desc]")).to_be_visible()
    expect(page.locator("#flow-table tbody tr")).to_have_count(12)
    expect(page.locator("#times-table tbody tr")).to_have_count(12)
    expect(page.locator("#cost-months-table tbody tr")).to_have_count(12)
    check(page)
