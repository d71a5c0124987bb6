"""The administration, as an organisation's administrator uses it, with axe-core."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from conftest import PASSWORD


def test_the_organisation_administrator_manages_teams_accessibly(
    live_server, page: Page, check, org_admin, team, outside_team, coordinator
):
    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-postadresse").fill(org_admin.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("link", name="Administrasjon").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(page)
    page.goto(base + "/admin/accounts/team/")
    expect(page.get_by_role("link", name=team.name)).to_be_visible()
    expect(page.get_by_text(outside_team.name)).to_have_count(0)
    check(page)
    page.goto(base + f"/admin/accounts/user/{coordinator.pk}/change/")
    expect(page.locator("#id_email")).to_have_value(coordinator.email)
    check(page)
