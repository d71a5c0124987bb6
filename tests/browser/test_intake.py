"""Intake in a real browser: referral, signing on screen, consent given and withdrawn.

The interface is Norwegian by default, but intake's strings may still be English until
they are translated, so these tests find intake's own elements by id, name or address,
never by their text.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from losen.accounts.models import Organisation
from losen.cases.models import Application, Case, CaseState, Consent, EventKind, Referral
from losen.cases.queries.intake import consent_covers
from tests.browser.conftest import log_in


@pytest.fixture
def nav_office(db) -> Organisation:
    return Organisation.objects.create(
        name="NAV Testkommune", kind=Organisation.Kind.NAV_OFFICE, country="NO", org_number="1"
    )


def test_a_coordinator_takes_in_a_referral_signs_and_gives_and_withdraws_consent(
    live_server, page: Page, check, coordinator, team, nav_office
):
    base = live_server.url
    log_in(page, base, "koordinator@test.no")
    page.goto(base + "/referrals/")
    expect(page.locator("#referral-rows")).to_be_visible()
    check(page)

    page.locator("#register-referral").click()
    expect(page).to_have_url(re.compile(r"/referrals/new/$"))
    check(page)
    page.locator("#register-referral-submit").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page)

    page.locator("#id_first_name").fill("Emma")
    page.locator("#id_last_name").fill("Larsen")
    page.locator("#id_birth_date").fill("2001-03-09")
    page.locator("#id_source").select_option("school")
    page.locator("#id_reason").fill("Has not been at school since October.")
    page.locator("#id_referrer_name").fill("Sara Rådgiver")
    page.locator("#id_referrer_organisation").fill("Testkommune videregående")
    page.locator("#register-referral-submit").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/application/$"))
    expect(page.locator("#sign-on-screen")).to_be_visible()
    check(page)
    case = Case.objects.get(person__last_name="Larsen")
    assert Referral.objects.get(case=case).source == "school"
    assert case.state == CaseState.REFERRED

    page.locator("#sign-on-screen").click()
    expect(page.locator("#sign-form")).to_be_visible()
    check(page)
    expect(page.locator("#application-text")).to_contain_text("Ungteam")
    page.locator("#id_youth__follow_up__nav").check()
    page.locator("#id_youth__information_sharing__school").check()
    page.locator("#id_youth_name").fill("Emma Larsen")
    page.locator("#id_witnessed").check()
    page.locator("#sign-submit").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/application/$"))
    expect(page.locator("#application-status")).to_contain_text("Emma Larsen")
    expect(page.locator("#sign-on-screen")).to_have_count(0)
    check(page)
    case.refresh_from_db()
    assert case.state == CaseState.ASSESSMENT
    assert Application.objects.get(case=case).witnessed_by == coordinator
    assert case.events.filter(kind=EventKind.APPLICATION_SIGNED).count() == 1
    expect(page.locator("#signature-record")).to_contain_text("Emma Larsen")
    given_at_signing = set(Consent.objects.filter(case=case).values_list("purpose", "recipient"))
    assert given_at_signing == {("follow_up", "nav"), ("information_sharing", "school")}

    page.locator(f"a[href='/cases/{case.pk}/consents/']").first.click()
    expect(page.locator("#consent-new")).to_be_visible()
    check(page)
    page.locator("#consent-new").click()
    expect(page.locator("#consent-form")).to_be_visible()
    check(page)
    page.locator("#id_purpose").select_option("team_meeting")
    page.locator("#id_recipient").select_option("nav")
    page.locator("#id_given_by").select_option("youth")
    page.locator("#consent-submit").click()
    expect(page.locator("#active-consents")).to_be_visible()
    check(page)
    consent = Consent.objects.get(case=case, signature=None)
    assert consent_covers(case, nav_office)

    page.locator(f"#withdraw-{consent.pk}").click()
    expect(page.locator("#withdraw-form")).to_be_visible()
    check(page)
    page.locator("#id_note").fill("Told me on the phone.")
    page.locator("#withdraw-submit").click()
    expect(page.locator("#withdrawn-consents")).to_be_visible()
    check(page)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not consent_covers(case, nav_office)
    assert consent_covers(case, nav_office, "follow_up")  # given at signing, not withdrawn
    assert case.events.filter(kind=EventKind.CONSENT_WITHDRAWN).count() == 1

    page.goto(base + "/referrals/")
    expect(page.locator("#referral-queue")).to_contain_text("Larsen, Emma")
    check(page)
    page.locator("#id_team").select_option(str(team.pk))  # htmx swaps the rows
    expect(page).to_have_url(re.compile(rf"team={team.pk}"))
    expect(page.locator("#referral-queue")).to_contain_text("Larsen, Emma")
    check(page)


def test_a_referral_for_a_registered_person_is_found_by_search(
    live_server, page: Page, check, coordinator, person, team
):
    base = live_server.url
    log_in(page, base, "koordinator@test.no")
    page.goto(base + "/referrals/new/")
    page.locator("#id_q").fill("Hansen")
    page.locator("#person-search-submit").click()
    link = page.locator(f"#person-result-list a[href$='?person={person.pk}']")
    expect(link).to_be_visible()
    check(page)
    link.click()
    expect(page).to_have_url(re.compile(rf"\?person={person.pk}$"))
    expect(page.locator("#referral-form")).to_be_visible()
    check(page)
    page.locator("#id_source").select_option("nav")
    page.locator("#id_reason").fill("Asked NAV for help.")
    page.locator("#register-referral-submit").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/application/$"))
    assert Referral.objects.get().person == person

    page.locator("#upload-paper").click()
    expect(page.locator("#upload-form")).to_be_visible()
    check(page)


def test_a_minor_and_the_guardian_sign_in_swedish_and_tick_their_scopes(
    live_server, page: Page, check, coordinator, register, team
):
    from django.utils import timezone

    from losen.cases.actions.intake import do_register_referral
    from losen.people.actions import do_add_guardian

    today = timezone.localdate()
    young = register(
        first_name="Ida", last_name="Berg", birth_date=today.replace(year=today.year - 16, day=1)
    )
    do_add_guardian(coordinator, young, name="Mor Berg", relation="mother", phone="+4790000001")
    case = do_register_referral(
        coordinator, team=team, person=young, source="school", reason="Absent."
    ).referral.case
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "sv", "url": base}])
    page.goto(base + "/accounts/login/")
    page.locator("form:has(input[type=password]) input[name=username]").fill("koordinator@test.no")
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("form:has(input[type=password]) button").click()
    page.goto(base + f"/cases/{case.pk}/application/sign/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("#application-text")).to_contain_text("Jag ansöker")
    check(page)
    page.locator("#id_youth__team_meeting__meeting_members").check()
    page.locator("#id_guardian__team_meeting__meeting_members").check()
    page.locator("#id_youth__follow_up__nav").check()  # the guardian does not tick this one
    page.locator("#id_youth_name").fill("Ida Berg")
    page.locator("#id_guardian_name").fill("Mor Berg")
    page.locator("#id_witnessed").check()
    page.locator("#sign-submit").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/application/$"))
    expect(page.locator("#signature-record")).to_contain_text("Mor Berg")
    check(page)
    consent = Consent.objects.get(case=case)
    assert (consent.purpose, consent.recipient, consent.given_by) == (
        "team_meeting",
        "meeting_members",
        "guardian",
    )
