"""The KAA register and the half-yearly file in a real browser; axe-clean.

A coordinator records the day and reason the responsibility ended and a measure the
young person declined; the team lead makes the file, where she is with both.
"""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from playwright.sync_api import Page, expect

from losen.accounts.models import Organisation, Role, Team
from losen.outreach import statutory
from losen.outreach.actions.lists import do_import_list
from losen.outreach.models import KaaMeasure, StatutoryExport, TargetEntry
from losen.outreach.tests.conftest import list_csv, swedish_pnr
from tests.browser.conftest import log_in


def test_a_kaa_team_records_a_leaving_and_a_declined_measure_and_reports_them(
    live_server, page: Page, check, make_user
):
    municipality = Organisation.objects.create(
        name="Alingsås kommun", kind="municipality", country="SE", org_number="2120001512"
    )
    team = Team.objects.create(organisation=municipality, name="Plug In")
    coordinator = make_user("samordnare@test.se", Role.COORDINATOR, team=team)
    make_user("ledare@test.se", Role.TEAM_LEAD, team=team)
    today = timezone.localdate()
    last_half = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
    start = datetime.date(last_half[0], 1 if last_half[1] == 1 else 7, 1)
    born = datetime.date(start.year - 18, 5, 5)
    do_import_list(
        coordinator,
        "kaa.csv",
        io.BytesIO(
            list_csv(
                [
                    {
                        "identity_number": swedish_pnr(born, 9),
                        "first_name": "Alva",
                        "last_name": "Lund",
                    }
                ]
            )
        ),
        organisation=municipality,
        team=team,
        scheme="kaa",
        received_on=start,
    )
    entry = TargetEntry.objects.get()
    left_on = start + datetime.timedelta(days=40)
    base = live_server.url

    log_in(page, base, "samordnare@test.se")
    page.goto(f"{base}/outreach/people/{entry.pk}/kaa/")
    expect(page.locator("#leaving-form")).to_be_visible()
    check(page)
    page.locator("#id_left_on").fill(left_on.isoformat())
    page.locator("#id_reason").select_option("national_started")
    page.locator("#leaving-submit").click()
    expect(page.locator("#responsibility")).to_contain_text(left_on.strftime("%d.%m.%Y"))
    check(page)

    page.locator("#new-measure").click()
    page.locator("#id_plan").fill("Studievägledning")
    page.locator("#id_goal").fill("Börja studera")
    page.locator("#id_start_on").fill((start + datetime.timedelta(days=10)).isoformat())
    page.locator("#id_declined").check()
    check(page)
    page.locator("#measure-submit").click()
    expect(page.locator(".declined")).to_be_visible()
    check(page)
    assert KaaMeasure.objects.get().declined

    page.context.clear_cookies()
    log_in(page, base, "ledare@test.se")
    page.goto(f"{base}/outreach/exports/")
    page.locator("#id_organisation").select_option(str(municipality.pk))
    page.locator("#id_layout").select_option("scb-kaa-example@2026.2")
    page.locator("#id_period").fill(f"{last_half[0]}H{last_half[1]}")
    check(page)
    page.locator("#export-submit").click()
    expect(page.locator("#exports")).to_be_visible()
    check(page)
    text = statutory.content_of(StatutoryExport.objects.get()).decode()
    row = text.splitlines()[1].split(";")
    assert swedish_pnr(born, 9) in row
    assert left_on.isoformat() in row and "3" in row  # started a national programme
