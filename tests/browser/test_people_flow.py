"""A coordinator's day in a real browser, with axe-core on every page on the way."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from conftest import synthetic_fnr
from losen.audit.models import AccessLog, ChangeLog
from losen.people.actions import do_add_guardian
from tests.browser.conftest import log_in


@pytest.fixture
def world(coordinator, register, person, team_lead):
    others = [
        register(first_name="Jakob", last_name="Olsen", birth_date=datetime.date(2000, 1, 2)),
        register(first_name="Aisha", last_name="Ali", birth_date=datetime.date(2002, 8, 30)),
    ]
    do_add_guardian(coordinator, person, name="Mor Hansen", relation="mother", phone="+4790000000")
    return {"person": person, "others": others}


def test_a_coordinator_finds_edits_and_sees_the_access_log(live_server, page: Page, check, world):
    base = live_server.url
    person = world["person"]
    log_in(page, base, "koordinator@test.no")
    page.get_by_role("link", name="Unge", exact=True).click()
    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(page.get_by_role("heading", name="Unge")).to_be_visible()
    check(page)

    page.get_by_label("Søk", exact=True).fill("Hansen")
    page.get_by_role("button", name="Søk").click()
    results = page.locator("#people-results")
    expect(results.get_by_role("link", name="Hansen, Nora")).to_be_visible()
    expect(results.get_by_role("link", name="Olsen, Jakob")).to_have_count(0)
    check(page)

    results.get_by_role("link", name="Hansen, Nora").click()
    expect(page.get_by_role("heading", name="Nora Hansen", level=1)).to_be_visible()
    check(page)

    page.get_by_role("button", name="Vis fødselsnummer").click()
    number = synthetic_fnr(datetime.date(2003, 5, 17), 456)
    expect(page.locator("#identity-number")).to_contain_text(number)
    check(page)

    page.get_by_role("link", name="Rediger").click()
    expect(page.get_by_role("heading", name="Rediger Nora Hansen")).to_be_visible()
    check(page)
    page.get_by_label("Telefon").fill("+47 955 55 555")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Endringene er lagret.")).to_be_visible()
    expect(page.get_by_text("+47 955 55 555")).to_be_visible()
    assert ChangeLog.objects.filter(action="person.updated", person_id=person.pk).exists()

    page.get_by_role("link", name=re.compile("tilgangslogg")).click()
    expect(page.get_by_role("heading", name=re.compile("Tilgangslogg"))).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text("Kari Koordinator")
    expect(page.locator("table")).to_contain_text("Ungteam")
    check(page)
    assert (
        AccessLog.objects.filter(person_id=person.pk, actor__email="koordinator@test.no").count()
        >= 3
    )

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned som CSV").click()
    assert download.value.suggested_filename == f"access-log-{person.pk}.csv"


def test_registering_a_person_shows_clear_errors_and_then_the_new_record(
    live_server, page: Page, check, world
):
    log_in(page, live_server.url, "koordinator@test.no")
    page.goto(live_server.url + "/people/")
    page.get_by_role("link", name="Registrer en ung person").click()
    check(page)
    page.get_by_label("Fornavn").fill("Ingrid")
    page.get_by_label("Etternavn").fill("Berg")
    page.get_by_label("Fødselsnummer").fill("12345678901")
    page.get_by_role("button", name="Registrer", exact=True).click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_contain_text("Fødselsnummer")
    check(page)
    page.get_by_label("Fødselsnummer").fill(synthetic_fnr(datetime.date(2001, 4, 4), 77))
    page.get_by_role("button", name="Registrer", exact=True).click()
    expect(page.get_by_role("heading", name="Ingrid Berg", level=1)).to_be_visible()
    expect(page.get_by_text("04.04.2001")).to_be_visible()


def test_the_other_pages_are_accessible(live_server, page: Page, check, world, manager):
    base = live_server.url
    person = world["person"]
    log_in(page, base, "koordinator@test.no")
    for path in [f"/people/{person.pk}/guardians/new/", f"/people/{person.pk}/edit/"]:
        page.goto(base + path)
        check(page)
    page.goto(base + "/people/new/")
    page.get_by_role("button", name="Registrer", exact=True).click()
    check(page)
    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(re.compile("/accounts/login/"))
    for path in [
        "/accounts/password-reset/",
        "/accounts/password-reset/sent/",
        "/accounts/reset/done/",
        "/accounts/reset/x/y/",
    ]:
        page.goto(base + path)
        check(page)
    log_in(page, base, "analytiker@test.no")
    expect(page.get_by_role("heading", name=re.compile("Velkommen"))).to_be_visible()
    check(page)


def test_the_interface_switches_to_swedish(live_server, page: Page, check, world):
    log_in(page, live_server.url, "koordinator@test.no")
    page.goto(live_server.url + "/people/")
    page.get_by_label("Språk").select_option("sv")
    page.get_by_role("button", name="Bytt").click()
    expect(page.get_by_role("heading", name="Unga")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    check(page)


def test_an_outsider_gets_not_found_for_the_municipalitys_people(
    live_server, page, world, outsider
):
    log_in(page, live_server.url, "utenfor@test.no")
    response = page.goto(live_server.url + f"/people/{world['person'].pk}/")
    assert response.status == 404
    expect(page.get_by_text("Nora")).to_have_count(0)
