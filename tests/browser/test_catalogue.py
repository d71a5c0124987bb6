"""The catalogue of measures in a real browser, with axe-core on every page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from losen.accounts.models import Role
from losen.catalogue.models import ReportedMeasure
from losen.catalogue.reported import load_reported
from losen.programs.actions import do_create_measure
from losen.programs.models import Measure
from tests.browser.conftest import log_in


def test_a_team_lead_publishes_a_measure_and_another_organisation_finds_it_as_it_types(
    live_server, page: Page, check, team_lead, municipality, make_user, outside_team
):
    do_create_measure(
        team_lead,
        municipality,
        name="Klart jeg kan",
        kind=Measure.Kind.COURSE,
        capacity=16,
        planned_weeks=8,
        description="Kognitivt kurs i åtte samlinger.",
    )
    make_user("leder@utenfor.no", Role.TEAM_LEAD, team=outside_team)

    log_in(page, live_server.url, "leder@test.no")
    page.get_by_role("link", name="Tiltakskatalog").first.click()
    expect(page.locator("h1")).to_have_text("Tiltakskatalog")
    check(page)
    page.locator("#our-listings").click()
    expect(page.locator("h1")).to_have_text("Våre tiltak i tiltakskatalogen")
    check(page)
    page.locator("#our-measures a", has_text="Klart jeg kan").click()
    expect(page.locator("h1")).to_have_text("Publiser Klart jeg kan")
    page.get_by_label("Målgruppe").fill("Unge 16–25 år som står utenfor skole og arbeid")
    page.get_by_label("Fra alder").fill("25")
    page.get_by_label("Til alder").fill("16")
    page.get_by_label("Kommune").fill("Drammen")
    page.get_by_label("Fylke").select_option("Buskerud")
    page.get_by_label("Slik henviser du").fill("Skriv til ungteam@test.no")
    page.locator("#save-listing").click()
    # The ages in the wrong order: told at the field, nothing lost.
    expect(page.locator("#id_max_age_error1")).to_have_text(
        "Øvre alder kan ikke være lavere enn nedre."
    )
    expect(page.get_by_label("Kommune")).to_have_value("Drammen")
    check(page)
    page.get_by_label("Fra alder").fill("16")
    page.get_by_label("Til alder").fill("25")
    page.locator("#save-listing").click()
    expect(page.locator("h1")).to_have_text("Klart jeg kan")
    expect(page.locator("#availability")).to_contain_text("Åpent: 16 ledige plasser")
    check(page)

    log_in(page, live_server.url, "leder@utenfor.no")
    page.goto(live_server.url + "/catalogue/")
    page.get_by_label("Ord").fill("klart jeg")
    expect(page.locator("#listing-results")).to_contain_text("Klart jeg kan")
    expect(page.locator("#listing-results")).to_contain_text("Åpent: ledige plasser")
    expect(page).to_have_url(re.compile(r"/catalogue/\?q=klart(%20|\+)jeg"))  # a link to share
    check(page)
    page.get_by_role("link", name="Klart jeg kan").first.click()
    expect(page.locator("#listing-figures")).to_be_visible()
    expect(page.locator("#edit-listing")).to_have_count(0)
    check(page)


def test_a_reported_nav_measure_is_found_by_words_and_read_as_reported_knowledge(
    live_server, page: Page, check, coordinator
):
    # The browser tests' database is emptied between tests, the migration's rows too.
    load_reported(ReportedMeasure)
    log_in(page, live_server.url, "koordinator@test.no")
    page.goto(live_server.url + "/catalogue/?q=uhandterlig+gjeld")
    results = page.locator("#reported-results")
    expect(results).to_contain_text("Helhetlig tilnærming i oppfølging av personer")
    check(page)
    results.get_by_role("link").first.click()
    expect(page.locator("#reported-knowledge")).to_be_visible()
    expect(page.locator("#reported-answers")).to_contain_text("lest med middels sikkerhet")
    check(page)
