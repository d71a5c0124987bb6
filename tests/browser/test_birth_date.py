"""The birth date in a real browser: a D-number with another birth date, a 2032 number."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect

from conftest import synthetic_fnr
from tests.browser.test_people_flow import log_in


def test_a_d_number_is_registered_with_its_registered_birth_date_after_a_2032_number_is_refused(
    live_server, page: Page, check, coordinator
):
    log_in(page, live_server.url, "koordinator@test.no")
    page.goto(live_server.url + "/people/new/")
    page.get_by_label("Fornavn").fill("Amal")
    page.get_by_label("Etternavn").fill("Yusuf")
    page.get_by_label("Fødselsnummer").fill("01011544718")
    page.get_by_role("button", name="Registrer", exact=True).click()
    expect(page.locator("#error-summary")).to_contain_text("viser ikke fødselsåret")
    expect(page.get_by_text("1915")).to_have_count(0)
    check(page)
    number = synthetic_fnr(datetime.date(2008, 1, 15), 55, d_number=True)
    page.get_by_label("Fødselsnummer").fill(number)
    page.get_by_label("Fødselsdato").fill("2007-06-03")
    page.get_by_role("button", name="Registrer", exact=True).click()
    expect(page.get_by_role("heading", name="Amal Yusuf", level=1)).to_be_visible()
    expect(page.get_by_text("03.06.2007")).to_be_visible()
    check(page)
