"""The Content-Security-Policy in a real browser: it holds, and Losen works under it.

Every browser test fails on a refusal under the policy (the `page` fixture); this one
shows that the browser does enforce it, and that htmx (vendored, 'self') still
searches as you type.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.test_people_flow import log_in


def test_the_browser_refuses_an_injected_inline_handler_and_htmx_still_works(
    live_server, page: Page, csp_violations, coordinator, person
):
    log_in(page, live_server.url, coordinator.email)
    page.goto(live_server.url + "/people/")
    # htmx runs under the policy: the list narrows as one types, without a page load.
    page.get_by_label("Søk", exact=True).fill("Hansen")
    expect(page.locator("#people-results").get_by_role("link", name="Hansen, Nora")).to_be_visible()
    assert csp_violations == []

    # What an injected piece of markup would try: an inline handler and an inline script.
    page.evaluate(
        """() => {
            const image = '<img id="bad" src="/static/losen/favicon.svg" onload="window.x = 1">';
            document.body.insertAdjacentHTML('beforeend', image);
            const script = document.createElement('script');
            script.textContent = 'window.x = 2';
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_function("() => document.getElementById('bad').complete")
    assert page.evaluate("() => window.x") is None
    refused = [text for _url, text in csp_violations]
    assert any("inline event handler" in text for text in refused), refused
    assert any("inline script" in text for text in refused), refused
    csp_violations.clear()  # expected here; any other test fails on them
