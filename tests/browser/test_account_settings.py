"""A user chooses their language on their own settings page, reached from the header."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from conftest import PASSWORD


def test_a_coordinator_chooses_swedish_on_the_settings_page(
    live_server, page: Page, check, coordinator
):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-postadresse").fill(coordinator.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()

    page.get_by_role("link", name="Kari Koordinator").click()
    expect(page.get_by_role("heading", name="Mine innstillinger")).to_be_visible()
    check(page)

    page.locator("main").get_by_label("Språk").select_option("sv")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", name="Mina inställningar")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_text("Dina inställningar är sparade.")).to_be_visible()
    check(page)
    coordinator.refresh_from_db()
    assert coordinator.language == "sv"
