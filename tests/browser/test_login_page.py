"""The log-in page in a real browser: labelled fields, WCAG 2.1 AA (axe-core)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


def visible_label_text(page: Page, field: Locator) -> str:
    """The text of the visible <label> tied to ``field`` (fails if there is none)."""
    field_id = field.get_attribute("id")
    assert field_id, "the field has no id, so no <label for=...> can point at it"
    label = page.locator(f'label[for="{field_id}"]')
    expect(label).to_have_count(1)
    expect(label).to_be_visible()
    text = " ".join(label.inner_text().split())
    assert text, f"the label for #{field_id} is empty"
    return text


def test_login_page_has_labelled_fields_and_is_accessible(live_server, page: Page, check):
    page.goto(live_server.url + "/accounts/login/")

    email = page.locator('input[name="username"]')
    password = page.locator('input[name="password"]')
    expect(email).to_be_visible()
    expect(password).to_be_visible()
    expect(password).to_have_attribute("type", "password")

    # The labels are visible and are what assistive technology announces for the fields.
    email_label = visible_label_text(page, email)
    password_label = visible_label_text(page, password)
    expect(page.get_by_label(email_label, exact=True)).to_have_attribute("name", "username")
    expect(page.get_by_label(password_label, exact=True)).to_have_attribute("name", "password")

    form = page.locator("form", has=password)
    expect(form.locator('button[type="submit"]')).to_be_visible()

    check(page)
