"""The whole follow-up chain in a real browser, with axe-core on every page on the way.

referral → application signed → consent → team meeting decision → case page and plan →
enrolment → exit → the 6-month follow-up due in the work list and registered.

The referral is registered ten months after it came in (back-dated), and the
enrolment and exit are recorded afterwards too, as a coordinator catching up on
paper records would, so that the 6-month follow-up is due today. Elements are found
by id, name and role, so the test does not depend on the wording of the interface.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from losen.cases.models import Case, CaseState, EventKind
from losen.lib.dates import add_months
from losen.outcomes.models import FollowUp
from losen.programs.actions import do_create_measure


def log_in(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form.logout-form")).to_be_visible()


@pytest.fixture
def restart(team_lead, municipality):
    return do_create_measure(
        team_lead,
        municipality,
        name="Restart",
        kind="clarification",
        planned_weeks=13,
        capacity=6,
    )


def test_the_chain_from_referral_to_the_six_month_follow_up(
    live_server, page: Page, check, coordinator, team_lead, team, restart
):
    base = live_server.url
    today = timezone.localdate()

    # Referral, registered late: it came in ten months ago.
    log_in(page, base, coordinator.email)
    expect(page.locator("#my-cases")).to_be_visible()  # the work list is the first page
    check(page)
    page.goto(base + "/referrals/new/")
    check(page)
    page.locator("#id_first_name").fill("Ingrid")
    page.locator("#id_last_name").fill("Berg")
    page.locator("#id_birth_date").fill("2002-04-04")
    page.locator("#id_source").select_option("nav")
    page.locator("#id_referred_on").fill(add_months(today, -10).isoformat())
    page.locator("#id_reason").fill("Har falt ut av videregående og ønsker hjelp.")
    page.locator("#register-referral-submit").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/application/$"))
    case = Case.objects.get(person__last_name="Berg")
    referred = case.events.get(kind=EventKind.REFERRED)
    assert referred.effective_on == add_months(today, -10)
    check(page)

    # The application, signed on screen in her presence, and her consent for the meeting.
    page.locator("#sign-on-screen").click()
    check(page)
    page.locator("#id_youth_name").fill("Ingrid Berg")
    page.locator("#id_witnessed").check()
    page.locator("#sign-submit").click()
    expect(page.locator("#application-status")).to_contain_text("Ingrid Berg")
    check(page)
    page.goto(base + f"/cases/{case.pk}/consents/new/")
    check(page)
    page.locator("#id_purpose").select_option("team_meeting")
    page.locator("#id_recipient").select_option("meeting_members")
    page.locator("#id_given_by").select_option("youth")
    page.locator("#consent-submit").click()
    expect(page.locator("#active-consents")).to_be_visible()
    check(page)
    case.refresh_from_db()
    assert case.state == CaseState.ASSESSMENT

    # The team lead calls the weekly meeting; the case is on the agenda; accepted.
    log_in(page, base, team_lead.email)
    page.goto(base + "/meetings/new/")
    check(page)
    tomorrow = today + datetime.timedelta(days=1)
    page.locator("#id_starts_at").fill(f"{tomorrow.isoformat()}T09:00")
    page.locator("#id_location").fill("Rådhuset")
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    item = case.agenda_items.get()
    section = page.locator(f"#item-{item.pk}")
    expect(section).to_contain_text("Ingrid Berg")
    check(page)
    page.locator(f"#id_item-{item.pk}-decision").select_option(f"accept:{coordinator.pk}")
    section.locator("button[type=submit]").click()
    expect(page.locator(f"#id_item-{item.pk}-decision")).to_have_count(0)
    check(page)
    case.refresh_from_db()
    assert (case.state, case.contact_person) == (CaseState.ACCEPTED, coordinator)

    # The contact person opens the case and writes the plan with her.
    log_in(page, base, coordinator.email)
    page.goto(base + f"/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ingrid Berg")
    check(page)
    page.locator("#section-plan a[href$='/plan/']").click()
    check(page)
    page.locator("#id_goals-0-kind").select_option("outcome")
    page.locator("#id_goals-0-text").fill("Være i jobb innen et år")
    page.locator("#id_steps-0-text").fill("Lage CV sammen med koordinator")
    page.locator("#id_steps-0-owner").select_option("youth")
    page.locator("#id_steps-0-deadline").fill((today + datetime.timedelta(days=14)).isoformat())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#section-plan")).to_contain_text("Være i jobb innen et år")
    check(page)

    # Enrolment in Restart, recorded afterwards: it started seven months ago.
    page.goto(base + f"/cases/{case.pk}/enrolments/new/")
    check(page)
    page.locator("#id_measure").select_option(str(restart.pk))
    page.locator("#id_start_on").fill(add_months(today, -7).isoformat())
    page.locator("#enrol-submit").click()
    expect(page.locator("#section-enrolments")).to_contain_text("Restart")
    check(page)
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE

    # Exit to ordinary work six months ago.
    page.goto(base + f"/cases/{case.pk}/exit/")
    check(page)
    page.locator("#id_code").select_option("work.full_time")
    page.locator("#id_exited_on").fill(add_months(today, -6).isoformat())
    page.locator("#exit-submit").click()
    page.locator("#exit-confirm").click()
    expect(page.locator("#exit-facts")).to_be_visible()
    check(page)
    case.refresh_from_db()
    assert case.state == CaseState.ENDED

    # The 6-month follow-up is due today: in the work list, registered from there.
    six = FollowUp.objects.get(case=case, months=6)
    assert six.due_on == today
    page.goto(base + "/")
    link = page.locator(f'#follow-ups-due a[href="/follow-ups/{six.pk}/"]')
    expect(link).to_be_visible()
    check(page)
    link.click()
    check(page)
    page.locator("#id_reached").select_option("yes")
    page.locator("#id_code").select_option("work.full_time")
    page.locator("#follow-up-submit").click()
    expect(page.locator("#follow-up-reached")).to_be_visible()
    check(page)
    six.refresh_from_db()
    assert (six.reached, six.code) == (True, "work.full_time")

    # The timeline tells the whole story, in the order things took effect.
    page.goto(base + f"/cases/{case.pk}/")
    check(page)
    kinds = list(
        case.events.order_by("effective_on", "recorded_at", "id").values_list("kind", flat=True)
    )
    for expected in (
        EventKind.REFERRED,
        EventKind.APPLICATION_SIGNED,
        EventKind.DECISION,
        EventKind.ENROLMENT_STARTED,
        EventKind.EXIT,
        EventKind.FOLLOW_UP_REGISTERED,
    ):
        assert expected in kinds
    assert kinds[0] == EventKind.REFERRED
    expect(page.locator("#timeline tbody tr")).to_have_count(len(kinds))
