"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test in this folder is marked ``browser`` (run them with ``pytest -m browser``,
leave them out with ``-m "not browser"``). Fixtures:

``browser``   one headless Chromium for the whole session (/usr/bin/chromium, or
              $LOSEN_CHROMIUM); a missing Chromium is an error, never a skip.
``context``   a fresh browser context per test: Norwegian locale, Oslo time zone, no
              cookies or storage carried over from other tests.
``page``      a page in that context. Requests to hosts other than the live server are
              blocked, and the test fails if a page tried any: Losen must work offline
              and must not leak anything to third parties (fonts, CDNs, analytics).
              The test also fails if the browser refused anything a page or its
              static files did under Losen's Content-Security-Policy (a console error,
              collected in ``csp_violations``): every browser test checks the policy.
              Refusals of code the test itself evaluates (axe-core's style sheet
              preloading, which has no source URL) do not count.
``check``     ``check(page)`` runs axe-core's WCAG 2.1 A/AA rules on the page and fails
              the test with a readable list of violations (see ``tests/browser/axe.py``).

Use pytest-django's ``live_server`` fixture for the server; it runs on the test
database, with transactions committed (``transactional_db``), so data made in the test
body is visible to the server.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.browser.axe import assert_accessible

CHROMIUM = os.environ.get("LOSEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root in a container
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The test machines have no internet: without these Chromium waits for the network.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
DEFAULT_TIMEOUT_MS = 10_000
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results"
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the marker must be on the items before `-m` deselects by marker.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Lets fixtures see whether the test failed (for screenshots on failure).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API runs an asyncio event loop in this thread, so Django would
    # refuse ORM calls made from test bodies ("SynchronousOnlyOperation"). The calls are
    # in fact synchronous; tell Django so for the rest of this test session.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install Debian's `chromium` package "
            "(scripts/ensure_system_packages.sh does) or set LOSEN_CHROMIUM.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        locale="nb-NO",
        timezone_id="Europe/Oslo",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def csp_violations() -> list[tuple[str, str]]:
    """(source URL, message) of what the browser refused under the Content-Security-Policy."""
    return []


def _is_csp_violation(message) -> bool:
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def page(
    context: BrowserContext, request: pytest.FixtureRequest, csp_violations: list[str]
) -> Iterator[Page]:
    blocked: list[str] = []

    def guard(route):
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and host not in LOCAL_HOSTS:
            blocked.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route("**/*", guard)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            csp_violations.append((message.location.get("url", ""), message.text))
            if _is_csp_violation(message)
            else None
        ),
    )
    yield page

    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTEFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        try:
            page.screenshot(path=ARTEFACTS / f"{name}.png", full_page=True)
        except Exception as error:  # best effort: the test has failed already
            print(f"could not save a screenshot: {error}")
    refused = [f"{url}: {text}" for url, text in csp_violations if url]
    if refused:
        pytest.fail(
            "the browser refused something under the Content-Security-Policy:\n  "
            + "\n  ".join(refused),
            pytrace=False,
        )
    if blocked:
        pytest.fail(
            "the page tried to fetch from outside the live server (blocked):\n  "
            + "\n  ".join(sorted(set(blocked))),
            pytrace=False,
        )


@pytest.fixture
def check():
    """``check(page)``: fail the test if axe-core finds WCAG 2.1 A/AA violations."""
    return assert_accessible


def log_in(page: Page, base: str, email: str, password: str | None = None) -> None:
    """Log in on the login page as `email` (the test password unless given), from a clean
    slate, and wait until the page shows the logged-in header."""
    from playwright.sync_api import expect

    from conftest import PASSWORD

    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password or PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
