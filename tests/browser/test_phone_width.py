"""Every page on a phone: at 390 × 844 no page is wider than the screen, and axe-core is clean.

Outreach calls and home visits happen away from the desk (issue 10, item 6). The pages are
the URL sweep's (losen/web/tests/test_url_sweep.py): every pattern of the URL resolver, its
keywords filled with the ids of one team's objects in the sweep's world, and, for the
organisation's administrator, every page of the admin for the models registered there. Each
persona asks for all of them with Django's test client first; the pages that answer with a
whole HTML page (200, not a file, not an htmx partial) are then opened in a phone-sized
browser, logged in once per persona. On each page the document must be no wider than the
window (a table scrolls inside its own box, a long word breaks, a form fits), and axe-core's
WCAG 2.1 A/AA rules must find nothing. Every page's problems are listed together, with the
page's address and the element that sticks out.

The menu is a disclosure (<details>) on a phone: it opens and closes with and without
JavaScript, and on a wide screen it is simply there.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD as TEST_PASSWORD
from losen.demo.world import PASSWORD
from losen.web.tests import sweep_world
from losen.web.tests.sweep_world import World
from losen.web.tests.test_url_sweep import LIST_URLS, NOT_LISTS, OBJECT_URLS, list_url, url_of
from tests.browser.axe import format_violations, run_axe

PHONE = {"width": 390, "height": 844}
# Everyone the sweep's world has, by what they do: each reaches their own set of pages.
PERSONAS = {
    "coordinator": "koordinator@demo.no",
    "team_lead": "leder@demo.no",
    "manager": "analytiker@demo.no",
    "org_admin": "admin@demo.no",
    "volunteer": sweep_world.VOLUNTEER,
    "provider_volunteer": "frivillig@demo.no",
    "kaa_coordinator": "kaa@demo.se",
    "nav_adviser": "navveileder@demo.no",
    "provider": "pitstop@demo.no",
    "meeting_guest": sweep_world.GUEST,
    "invitee": sweep_world.INVITEE,
    "receiver_lead": sweep_world.RECEIVER_LEAD,
    "contract_verifier": sweep_world.CONTRACT_VERIFIER,
}
# The pages of someone not logged in (the rest of NOT_LISTS only redirect or answer POST).
ANONYMOUS_PAGES = ("login", "password_reset", "password_reset_done", "password_reset_complete")
ADMIN_VIEWS = ("change", "history", "delete")
# Addresses of files (PDF, CSV, Excel, JSON): not pages, and slow to make only to skip them.
FILES = (".pdf", ".csv", ".xlsx", ".json")
# The element that makes the page wider than the window: of the elements that reach past
# its right edge (and are not inside a box that scrolls or clips), the outermost ones, the
# one reaching furthest, named by a short path of its ancestors.
WIDEST_ELEMENT = """() => {
  const width = window.innerWidth;
  const page = document.documentElement.scrollWidth;
  if (page <= width) return null;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  // Whether a box that scrolls or clips holds the element: an ancestor with overflow that
  // is in its chain of containing blocks (an absolutely placed element escapes the
  // unpositioned ones, a fixed one all of them).
  const clipped = (el) => {
    let position = getComputedStyle(el).position;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (position === 'fixed' || (position === 'absolute' && style.position === 'static')) {
        continue;
      }
      if (style.overflowX !== 'visible') return true;
      position = style.position;
    }
    return false;
  };
  const textClipped = (text) => getComputedStyle(text.parentElement).overflowX !== 'visible'
    || clipped(text.parentElement);
  // How far right each element reaches; text that runs out of its element (a word too
  // long to break) counts as the element's.
  const reach = new Map();
  const note = (el, box) => {
    if (box.width > 0 && box.right > width + 0.5) {
      reach.set(el, Math.max(reach.get(el) || 0, box.right));
    }
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (!clipped(el)) note(el, el.getBoundingClientRect());
  }
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let text = texts.nextNode(); text; text = texts.nextNode()) {
    range.selectNodeContents(text);
    if (!textClipped(text)) note(text.parentElement, range.getBoundingClientRect());
  }
  let widest = null;
  for (const [el, right] of reach) {
    if (reach.has(el.parentElement)) continue;
    if (!widest || right > reach.get(widest)) widest = el;
  }
  if (!widest) return {page, width, element: 'body', right: page, text: ''};
  const path = [];
  for (let el = widest; el && el !== document.body && path.length < 4; el = el.parentElement) {
    path.unshift(name(el));
  }
  return {
    page, width, element: path.join(' > '), right: Math.round(reach.get(widest)),
    text: (widest.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 80),
  };
}"""


def too_wide(page: Page) -> str | None:
    """Why the page is wider than the window, or None."""
    found = page.evaluate(WIDEST_ELEMENT)
    if found is None:
        return None
    return (
        f"{found['page']} px wide in a {found['width']} px window; widest element"
        f" {found['element']} reaches {found['right']} px"
        + (f" ({found['text']!r})" if found["text"] else "")
    )


def admin_urls(user) -> list[str]:
    """The admin's pages for this user: the index, each app, and each model's list, add
    form and the change, history and delete pages of the first object the user may see."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        app_list = reverse("admin:app_list", args=[model._meta.app_label])
        if app_list not in urls:
            urls.append(app_list)
        urls += [reverse(f"admin:{info}_changelist"), reverse(f"admin:{info}_add")]
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            urls += [reverse(f"admin:{info}_{view}", args=[first.pk]) for view in ADMIN_VIEWS]
    return urls


def candidate_urls(world: World, user) -> list[str]:
    """Every page the URL sweep knows of, filled with its home team's objects."""
    urls = [list_url(name) for name in LIST_URLS]
    urls += [url_of(world, name) for name, _keywords in OBJECT_URLS]
    if user.is_staff:
        urls += admin_urls(user)
    return [url for url in dict.fromkeys(urls) if not url.endswith(FILES)]


def whole_pages(client: Client, urls: list[str], statuses: tuple[int, ...] = (200,)) -> list[str]:
    """The addresses among `urls` that answer with a whole HTML page (not a file, not an
    htmx partial, not a redirection or a refusal unless `statuses` says so)."""
    pages = []
    for url in urls:
        response = client.get(url)
        if response.status_code not in statuses or response.streaming:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if b"<html" in response.content[:500]:
            pages.append(url)
    return pages


def problems_on(page: Page, base: str, urls: list[str]) -> list[str]:
    """Open each page; what is too wide and what axe-core finds, page by page."""
    found = []
    for url in urls:
        page.goto(base + url)
        wide = too_wide(page)
        if wide:
            found.append(f"{url}: {wide}")
        violations = run_axe(page)
        if violations:
            found.append(format_violations(violations, url))
    return found


@pytest.fixture
def world(settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    return sweep_world.build_world()


@pytest.fixture
def phone(page: Page) -> Page:
    """The suite's page (its checks of the Content-Security-Policy included), phone-sized."""
    page.set_viewport_size(PHONE)
    return page


def log_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base + reverse("login"))
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form.logout-form")).to_be_attached()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_reaches_fits_a_phone_and_is_accessible(
    live_server, world, phone: Page, persona
):
    user = world.users[PERSONAS[persona]]
    client = Client()
    client.force_login(user)
    urls = whole_pages(client, candidate_urls(world, user))
    assert len(urls) > 1, f"{persona} reaches no page but the first"
    log_in(phone, live_server.url, user.email)
    found = problems_on(phone, live_server.url, urls)
    assert not found, f"{persona}, {len(found)} problem(s) on {len(urls)} pages:\n" + "\n".join(
        found
    )


def test_the_pages_before_logging_in_fit_a_phone_and_are_accessible(
    live_server, world, phone: Page
):
    assert set(ANONYMOUS_PAGES) <= NOT_LISTS
    urls = [reverse(name) for name in ANONYMOUS_PAGES] + ["/no-such-page/"]
    assert whole_pages(Client(), urls, statuses=(200, 404)) == urls
    found = problems_on(phone, live_server.url, urls)
    assert not found, "\n".join(found)


def test_the_check_names_the_element_that_makes_a_page_too_wide(live_server, phone: Page):
    """The check is not vacuous: a wide element on a phone-sized page is found and named."""
    phone.goto(live_server.url + reverse("login"))
    assert too_wide(phone) is None
    phone.evaluate(
        """() => {
            const wide = document.createElement('div');
            wide.id = 'too-wide';
            wide.style.width = '40rem';
            wide.style.height = '1rem';
            document.querySelector('main').append(wide);
        }"""
    )
    found = too_wide(phone)
    assert found is not None
    assert re.search(r"widest element main#main > div#too-wide reaches \d+ px", found), found


def test_on_a_phone_the_menu_opens_and_closes(live_server, phone: Page, check, coordinator):
    log_in(phone, live_server.url, coordinator.email, TEST_PASSWORD)
    menu = phone.locator("#site-menu")
    button = menu.locator("summary")
    people = phone.get_by_role("link", name="Unge", exact=True)
    expect(button).to_be_visible()
    expect(people).to_be_hidden()
    expect(phone.locator("form.logout-form")).to_be_hidden()
    button.click()
    expect(people).to_be_visible()
    expect(phone.locator("form.logout-form")).to_be_visible()
    check(phone)
    # The open menu pushes the page down: nothing lies on top of the heading.
    heading = phone.locator("main h1").bounding_box()
    assert heading["y"] >= menu.bounding_box()["y"] + menu.bounding_box()["height"]
    button.click()
    expect(people).to_be_hidden()
    button.press("Enter")
    expect(people).to_be_visible()
    people.focus()
    phone.keyboard.press("Escape")
    expect(people).to_be_hidden()
    expect(button).to_be_focused()
    button.click()
    people.click()
    expect(phone.get_by_role("heading", level=1, name="Unge")).to_be_visible()
    expect(phone.get_by_role("link", name="Unge", exact=True)).to_be_hidden()


def test_on_a_wide_screen_the_menu_is_open_and_has_no_button(live_server, page: Page, coordinator):
    log_in(page, live_server.url, coordinator.email, TEST_PASSWORD)
    expect(page.locator("#site-menu summary")).to_be_hidden()
    expect(page.get_by_role("link", name="Unge", exact=True)).to_be_visible()
    expect(page.locator("form.logout-form")).to_be_visible()
    # Turning a tablet to portrait folds the menu; back to landscape opens it again.
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("link", name="Unge", exact=True)).to_be_hidden()
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_role("link", name="Unge", exact=True)).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "wide"])
def test_the_menu_works_without_javascript(live_server, browser: Browser, coordinator, viewport):
    context = browser.new_context(locale="nb-NO", java_script_enabled=False, viewport=viewport)
    try:
        page = context.new_page()
        log_in(page, live_server.url, coordinator.email, TEST_PASSWORD)
        people = page.get_by_role("link", name="Unge", exact=True)
        if viewport == PHONE:
            expect(people).to_be_hidden()
            page.locator("#site-menu summary").click()
        expect(people).to_be_visible()
        people.click()
        expect(page.get_by_role("heading", level=1, name="Unge")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        context.close()


@pytest.fixture
def people_list(register, person) -> None:
    register(first_name="Aleksander", last_name="Kristoffersen-Holmboe")


def test_on_a_phone_a_wide_table_scrolls_in_its_own_box_which_the_keyboard_reaches(
    live_server, phone: Page, check, coordinator, people_list
):
    log_in(phone, live_server.url, coordinator.email, TEST_PASSWORD)
    phone.goto(live_server.url + reverse("people:list"))
    box = phone.locator("#people-results .table-scroll")
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("tabindex", "0")
    assert box.evaluate("(box) => box.scrollWidth > box.clientWidth")
    assert too_wide(phone) is None
    box.focus()
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function(
        "() => document.querySelector('#people-results .table-scroll').scrollLeft > 0"
    )
    check(phone)
    # A search swaps the table (htmx): the new one is boxed as well.
    phone.get_by_label("Søk", exact=True).fill("Kristoffersen")
    expect(phone.locator("#people-results tbody tr")).to_have_count(1)
    expect(phone.locator("#people-results .table-scroll table")).to_have_count(1)
    assert too_wide(phone) is None
    # On a wide screen the table fits: its box is no stop for the keyboard.
    phone.set_viewport_size({"width": 1280, "height": 900})
    expect(phone.locator("#people-results .table-scroll")).not_to_have_attribute("tabindex", "0")


def test_without_javascript_a_wide_table_scrolls_by_itself_on_a_phone(
    live_server, browser: Browser, coordinator, people_list
):
    context = browser.new_context(locale="nb-NO", java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        log_in(page, live_server.url, coordinator.email, TEST_PASSWORD)
        page.goto(live_server.url + reverse("people:list"))
        table = page.locator("#people-results table")
        assert table.evaluate("(table) => table.scrollWidth > table.clientWidth")
        assert too_wide(page) is None
    finally:
        context.close()
