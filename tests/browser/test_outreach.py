"""The outreach work queue in a real browser: assign to me, log an attempt; axe-clean."""

from __future__ import annotations

import datetime
import io
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import synthetic_fnr
from losen.outreach.actions.lists import do_import_list
from losen.outreach.models import ContactAttempt, Notice, TargetEntry
from losen.outreach.tests.conftest import list_csv
from tests.browser.conftest import log_in


def test_a_coordinator_works_the_outreach_queue(live_server, page: Page, check, coordinator, team):
    listed = timezone.localdate() - datetime.timedelta(days=20)
    do_import_list(
        coordinator,
        "liste.csv",
        io.BytesIO(
            list_csv(
                [
                    {
                        "identity_number": synthetic_fnr(datetime.date(2009, 2, 2), 8),
                        "first_name": "Ida",
                        "last_name": "Lie",
                    },
                    {
                        "identity_number": synthetic_fnr(datetime.date(2006, 7, 7), 9),
                        "first_name": "Ola",
                        "last_name": "Berg",
                    },
                ]
            )
        ),
        organisation=team.organisation,
        team=team,
        scheme="ot",
        received_on=listed,
    )
    ida = TargetEntry.objects.get(person__first_name="Ida")
    base = live_server.url
    log_in(page, base, "koordinator@test.no")
    page.get_by_role("link", name="Oppsøkende arbeid").first.click()
    expect(page).to_have_url(re.compile(r"/outreach/$"))
    expect(page.locator("#outreach-queue")).to_be_visible()
    expect(page.locator("#queue-totals")).to_contain_text("Forsinket: 2")
    check(page)

    page.locator(f"#assign-{ida.pk}").click()
    expect(page.locator(f"#queue-row-{ida.pk}")).to_contain_text("Kari Koordinator")
    check(page)
    ida.refresh_from_db()
    assert ida.assigned_to == coordinator

    page.locator("#id_who").select_option("mine")
    expect(page.locator("#outreach-queue tbody tr")).to_have_count(1)
    check(page)

    page.get_by_role("link", name="Lie, Ida").click()
    expect(page.locator("#attempt-form")).to_be_visible()
    check(page)
    page.locator("#id_method").select_option("phone")
    page.locator("#id_result").select_option("no_answer")
    page.get_by_label("Notat").fill("Ring etter kl. 16")
    page.locator("#attempt-submit").click()
    expect(page.locator("#attempt-log")).to_contain_text("Ikke svar")
    expect(page.locator("#attempt-log")).to_contain_text("Ring etter kl. 16")
    check(page)
    assert ContactAttempt.objects.get().result == "no_answer"

    # The SMS: under 18 it is meant for a guardian, and Ida has none with a phone number.
    page.locator("#send-sms").click()
    expect(page.locator("#sms-missing")).to_contain_text("en foresatt med telefonnummer")
    check(page)
    page.get_by_role("link", name="Ida Lie (ungdommen)").click()
    expect(page.locator("#id_text")).to_have_value(re.compile(r"^Hei Ida!.*22 50 10 00"))
    check(page)
    page.locator("#sms-submit").click()
    expect(page.locator(".messages")).to_contain_text("SMS-en er sendt")
    assert ContactAttempt.objects.filter(method="sms", to_guardian=False).count() == 1

    page.goto(base + "/outreach/lists/import/")
    expect(page.locator("#list-upload")).to_be_visible()
    check(page)

    page.goto(base + "/outreach/dashboard/")
    expect(page.locator("#outreach-dashboard")).to_be_visible()
    expect(page.locator("svg[aria-describedby='people-chart-desc']")).to_be_visible()
    expect(page.locator("#people-table")).to_be_visible()
    expect(page.locator("#attempts-table")).to_be_visible()
    check(page)

    # Information about rights to everyone on the list: a confirmation, then one action.
    page.goto(base + "/outreach/lists/")
    page.get_by_role("link", name=re.compile(listed.strftime("%d.%m.%Y"))).first.click()
    page.locator("#list-rights").click()
    expect(page.locator("#rights-due")).to_contain_text("2 personer")
    check(page)
    page.locator("#rights-confirm").click()
    expect(page.locator(".messages")).to_contain_text("2 personer")
    check(page)
    assert Notice.objects.count() == 3  # Ida (17) and a guardian, Ola (20)
