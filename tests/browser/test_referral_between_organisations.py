"""A referral to another organisation in a real browser, with axe-core on every page:
the coordinator refers from the case with consent, the provider takes it in, and the
provider's start shows on the sender's referral."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from losen.accounts.models import Role
from losen.cases.actions.core import do_transition_case
from losen.cases.models import CaseState, EventKind
from losen.catalogue.actions import do_publish_measure
from losen.exchange.models import ReceivedReferral
from losen.programs.actions import do_create_measure, do_enrol
from losen.programs.models import Measure
from tests.browser.conftest import log_in


def test_a_coordinator_refers_to_a_provider_who_takes_the_young_person_in(
    live_server, page: Page, check, coordinator, case, make_user, outside_team, outsider
):
    lead = make_user("leder@utenfor.no", Role.TEAM_LEAD, team=outside_team)
    measure = do_create_measure(
        lead, outside_team.organisation, name="Restart", kind=Measure.Kind.CLARIFICATION
    )
    do_publish_measure(
        lead,
        measure,
        target_group="Unge 16–29",
        municipality="Drammen",
        county="Buskerud",
        how_to_refer="Ring oss",
    )

    log_in(page, live_server.url, "koordinator@test.no")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.locator("#refer-out").click()
    expect(page.locator("h1")).to_have_text("Henvis til en annen organisasjon")
    check(page)
    page.get_by_label("Tiltak").select_option(label="Restart – Utenfor AS")
    page.get_by_label("Årsak til henvisningen").fill("Trenger avklaring")
    page.locator("#send-referral").click()
    # Without the consent nothing is sent, and the form says what is missing.
    expect(page.locator(".error-summary")).to_contain_text("den unges samtykke")
    check(page)
    page.get_by_label("Den unge samtykker til henvisningen og til det som deles").check()
    page.locator("#send-referral").click()
    expect(page.locator("h1")).to_contain_text("til Restart, Utenfor AS")
    expect(page.locator("#sent-facts")).to_contain_text(
        "Navn, Fødselsdato, Årsaken til henvisningen"
    )
    check(page)

    log_in(page, live_server.url, "utenfor@test.no")
    page.goto(live_server.url + "/referrals/incoming/")
    expect(page.locator("#incoming-waiting")).to_contain_text("Nora Hansen")
    check(page)
    page.locator("#incoming-waiting a").first.click()
    expect(page.locator("#shared-fields")).to_contain_text("Trenger avklaring")
    expect(page.locator("#shared-fields")).not_to_contain_text("412 34 567")  # not shared
    check(page)
    page.locator("#accept-referral").click()
    expect(page.locator("h1")).to_contain_text("Nora Hansen")  # the case with the provider

    received = ReceivedReferral.objects.get()
    do_transition_case(outsider, received.case, CaseState.ACCEPTED)
    do_enrol(outsider, received.case, measure)
    assert case.events.filter(kind=EventKind.REPORTED_BACK).count() == 2

    log_in(page, live_server.url, "koordinator@test.no")
    page.goto(f"{live_server.url}/referrals/outgoing/{received.pk}/")
    expect(page.locator("#referral-reports")).to_contain_text("Startet i tiltaket")
    expect(page.locator("#sent-facts")).to_contain_text("Startet")
    check(page)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("#case-referrals-out")).to_contain_text("Restart, Utenfor AS")
    check(page)


def test_the_provider_reports_attendance_a_pause_and_a_reviewed_note_back(
    live_server, page: Page, check, coordinator, case, make_user, outside_team, outsider
):
    import datetime

    from django.utils import timezone

    from losen.exchange.actions import do_accept_referral, do_refer_out
    from losen.lib.dates import add_months
    from losen.programs.actions import do_add_session, do_record_attendance

    lead = make_user("leder@utenfor.no", Role.TEAM_LEAD, team=outside_team)
    measure = do_create_measure(
        lead, outside_team.organisation, name="Restart", kind=Measure.Kind.CLARIFICATION
    )
    listing = do_publish_measure(
        lead,
        measure,
        target_group="Unge",
        municipality="Drammen",
        county="Buskerud",
        how_to_refer="Ring oss",
    )
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    sent = do_refer_out(
        coordinator,
        case,
        listing=listing,
        fields=[],
        reason="Trenger avklaring",
        youth_consents=True,
        guardian_consents=False,
        referred_on=last_month,
    )
    received = do_accept_referral(
        outsider,
        ReceivedReferral.objects.get(pk=sent.pk),
        team=outside_team,
        decided_on=last_month,
    )
    do_transition_case(outsider, received.case, CaseState.ACCEPTED, effective_on=last_month)
    enrolment = do_enrol(outsider, received.case, measure, start_on=last_month)
    for number in (1, 2):
        day = last_month + datetime.timedelta(days=number)
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        session = do_add_session(lead, measure, number=number, starts_at=at)
        do_record_attendance(outsider, session, {enrolment.pk: number == 1})

    log_in(page, live_server.url, "utenfor@test.no")
    page.goto(f"{live_server.url}/referrals/incoming/{sent.pk}/")
    expect(page.locator("#report-heading")).to_have_text("Meld til Testkommune")
    check(page)
    page.locator("#report-attendance").click()
    expect(page.locator("#attendance-reported")).to_be_visible()
    page.locator("#report-pause").click()
    expect(page.locator("#report-resumed")).to_be_visible()
    page.get_by_label("Statusnotat til avsenderen").fill("Møter fast hver mandag.")
    page.locator("#write-note").click()
    expect(page.locator("#status-notes")).to_contain_text("Venter på gjennomlesing")
    check(page)

    log_in(page, live_server.url, "leder@utenfor.no")
    page.goto(live_server.url + "/referrals/incoming/")
    check(page)
    page.locator("#notes-to-review a").first.click()
    page.get_by_role("button", name="Send slik det er skrevet").click()
    expect(page.locator("#status-notes")).to_contain_text("Sendt (")

    log_in(page, live_server.url, "koordinator@test.no")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/referrals/outgoing/{sent.pk}/")
    reports = page.locator("#referral-reports")
    expect(reports).to_contain_text("til stede på 1 av 2 samlinger")
    expect(reports).to_contain_text("Satt på pause")
    expect(reports).to_contain_text("Møter fast hver mandag.")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check(page)
