"""The team meeting in a real browser: the team lead calls it inviting a NAV guest by address
and decides an item; the guest joins from her work list and sees that item without the
young person's identity. axe-core on every page.

The meeting pages' strings are English msgids until they are translated, so elements are
found by id, name and role rather than by their (Norwegian) text.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from losen.accounts.models import Organisation, Role, Team
from losen.cases.actions import intake
from losen.cases.models import (
    AgendaItem,
    CaseState,
    ConsentPurpose,
    ConsentRecipient,
    TeamMeeting,
)
from tests.browser.conftest import log_in


@pytest.fixture
def nav_guest(make_user):
    nav_office = Organisation.objects.create(
        name="NAV Testby", kind=Organisation.Kind.NAV_OFFICE, country="NO", org_number="889640782"
    )
    nav_team = Team.objects.create(organisation=nav_office, name="Ungdomsteamet")
    return make_user(
        "veileder@nav.test", Role.COORDINATOR, team=nav_team, full_name="Vera Veileder"
    )


def test_the_team_lead_runs_a_meeting_and_the_guest_sees_the_item_masked(
    live_server, page: Page, check, team_lead, coordinator, case, nav_guest
):
    base = live_server.url
    # Nora has signed her application and consented to the meeting, for its members of
    # her municipality only: NAV's guest does not see her.
    intake.do_sign_application(coordinator, case, youth_name="Nora Hansen")
    intake.do_give_consent(
        coordinator,
        case,
        purpose=ConsentPurpose.TEAM_MEETING,
        recipient=ConsentRecipient.ORGANISATION,
        recipient_organisation=case.organisation,
        given_by="youth",
    )
    log_in(page, base, "leder@test.no")

    page.goto(base + "/meetings/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(page)
    page.locator('a[href="/meetings/new/"]').first.click()
    expect(page.locator("#id_starts_at")).to_be_visible()
    check(page)

    # Sent without a time: the error summary, then the form again.
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page)

    page.locator("#id_starts_at").fill("2030-01-07T09:00")
    page.locator("#id_location").fill("Rådhuset, møterom 3")
    expect(page.locator(f"#id_member_{coordinator.pk}")).to_be_checked()
    page.locator("#id_guest_emails").fill(nav_guest.email)
    page.locator("form.form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    meeting = TeamMeeting.objects.get()
    item = AgendaItem.objects.get(meeting=meeting)
    section = page.locator(f"#item-{item.pk}")
    expect(section.get_by_role("heading", level=3)).to_contain_text("Nora Hansen")
    # Invited by address: the team sees the address, not whose it is, until she joins.
    expect(page.locator("#invited-addresses li")).to_have_count(1)
    expect(page.locator("#invited-addresses")).to_contain_text("veileder@nav.test")
    expect(page.locator("main")).not_to_contain_text("Vera Veileder")
    expect(page.locator("main")).not_to_contain_text("NAV Testby")
    check(page)

    # One control per item: the service field only shows for a redirection.
    expect(section.locator("form")).to_have_count(1)
    expect(section.locator("button[type=submit]")).to_have_count(1)
    expect(page.locator(f"#id_item-{item.pk}-redirect_to")).to_be_hidden()
    page.locator(f"#id_item-{item.pk}-decision").select_option("redirect")
    expect(page.locator(f"#id_item-{item.pk}-redirect_to")).to_be_visible()
    # Redirect without the service or why: refused, the errors shown in the item (htmx).
    section.locator("button[type=submit]").click()
    expect(section.locator("#error-summary")).to_be_visible()
    expect(page.locator(f"#id_item-{item.pk}-redirect_to")).to_be_visible()
    check(page)

    # Accepting names the contact person in the same choice.
    page.locator(f"#id_item-{item.pk}-decision").select_option(f"accept:{coordinator.pk}")
    section.locator("button[type=submit]").click()
    expect(section.locator("[role=status]")).to_be_visible()
    expect(page.locator(f"#id_item-{item.pk}-decision")).to_have_count(0)
    expect(section).to_contain_text("Kari Koordinator")
    check(page)
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert case.contact_person == coordinator

    # The guest from NAV finds the invitation on her work list and joins. Nora has given
    # no consent for NAV, so the item has no identity.
    log_in(page, base, "veileder@nav.test")
    invitations = page.locator("#meeting-invitations")
    expect(invitations.locator("li")).to_have_count(1)
    expect(invitations).not_to_contain_text("Nora")
    check(page)
    invitations.locator("form").first.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    guest_section = page.locator(f"#item-{item.pk}")
    expect(guest_section.get_by_role("heading", level=3)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Nora")
    expect(page.locator("main")).not_to_contain_text("Hansen")
    expect(page.locator("main")).not_to_contain_text("17.05.2003")
    expect(guest_section.locator("form")).to_have_count(0)
    expect(guest_section.locator("a")).to_have_count(0)
    check(page)

    response = page.request.get(base + f"/meetings/{meeting.pk}/minutes.pdf")
    assert response.status == 200
    assert response.body().startswith(b"%PDF")

    # Now the team sees who she is.
    log_in(page, base, "leder@test.no")
    page.goto(base + f"/meetings/{meeting.pk}/")
    expect(page.locator("main")).to_contain_text("Vera Veileder")
    expect(page.locator("#invited-addresses")).to_have_count(0)


def test_an_unsigned_referral_can_only_be_sent_back_for_more_information(
    live_server, page: Page, check, team_lead, coordinator, case
):
    from losen.cases.tests.test_meetings import create_meeting

    meeting = create_meeting(team_lead, case.team)
    item = AgendaItem.objects.get(meeting=meeting)
    base = live_server.url
    log_in(page, base, "leder@test.no")
    page.goto(base + f"/meetings/{meeting.pk}/")
    section = page.locator(f"#item-{item.pk}")
    missing = section.locator(f"#item-{item.pk}-missing li")
    expect(missing).to_have_count(2)
    decision = page.locator(f"#id_item-{item.pk}-decision option")
    expect(decision).to_have_count(2)  # "choose" and "more information"
    expect(page.locator(f"#id_item-{item.pk}-redirect_to")).to_have_count(0)
    check(page)

    page.locator(f"#id_item-{item.pk}-decision").select_option("more_information")
    page.locator(f"#id_item-{item.pk}-note").fill("Ask Nora to sign the application.")
    section.locator("button[type=submit]").click()
    expect(section.locator("[role=status]")).to_be_visible()
    check(page)
    case.refresh_from_db()
    assert case.state == CaseState.ASSESSMENT


def test_an_outsider_who_is_not_invited_gets_not_found(
    live_server, page: Page, team_lead, case, outsider
):
    from losen.cases.tests.test_meetings import create_meeting

    meeting = create_meeting(team_lead, case.team)
    log_in(page, live_server.url, "utenfor@test.no")
    response = page.goto(live_server.url + f"/meetings/{meeting.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_text("Nora")).to_have_count(0)


def test_the_agenda_shows_the_referral_and_guests_are_added_after_it_is_made(
    live_server, page: Page, check, team_lead, coordinator, person, team, nav_guest
):
    from losen.cases.tests.test_meetings import create_meeting

    intake.do_register_referral(
        coordinator,
        team=team,
        person=person,
        source="school",
        reason="Stopped coming to school in October.",
        referrer_organisation="Testby vgs",
    )
    meeting = create_meeting(team_lead, team, days=2)
    item = AgendaItem.objects.get(meeting=meeting)
    base = live_server.url
    log_in(page, base, "leder@test.no")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + f"/meetings/{meeting.pk}/")
        section = page.locator(f"#item-{item.pk}")
        expect(section.locator(f"#item-{item.pk}-referral")).to_contain_text("Testby vgs")
        expect(section).to_contain_text("Stopped coming to school in October.")
        expect(section.locator(f"#item-{item.pk}-missing li")).to_have_count(2)
        check(page)
        # Nothing of the meeting's page is wider than the screen.
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('main *')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= width

    page.locator("#guests summary").click()
    page.locator("#id_guest_emails").fill(nav_guest.email)
    page.locator("#guests button[type=submit]").click()
    expect(page.locator("#invited-addresses")).to_contain_text("veileder@nav.test")
    check(page)
    assert meeting.invitations.filter(email="veileder@nav.test").exists()
