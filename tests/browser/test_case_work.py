"""A coordinator works on a case in a real browser: category, two mappings (the chart shows),
a plan with a goal and a step, a journal note, the timeline. axe-core on every page and after
every htmx swap. The page reads before it edits: each section's form opens on demand (Edit,
fill, save, and the section is read-only again), with JavaScript and without.

The case pages' strings are English msgids until they are translated, so elements are found
by id, name and role rather than by their (Norwegian) text.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import shown
from losen.cases.actions.work import do_add_note
from losen.cases.models import ActionPlan, CaseEvent, EventKind, JournalNote, Mapping
from tests.browser.conftest import log_in


def record_mapping(page: Page, mapped_on: datetime.date, scores: dict[str, str]) -> None:
    page.locator("#section-mapping a[href$='/mappings/new/']").click()
    expect(page.locator("#id_mapped_on")).to_be_visible()
    page.locator("#id_mapped_on").fill(mapped_on.isoformat())
    for name, value in scores.items():
        page.locator(f"#id_{name}").select_option(value)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#section-mapping")).to_be_visible()


def test_a_coordinator_works_on_a_case_from_category_to_timeline(
    live_server, page: Page, check, coordinator, team_lead, case
):
    base = live_server.url
    today = timezone.localdate()
    log_in(page, base, "koordinator@test.no")

    # The list, and from it the case page.
    page.goto(base + "/cases/")
    expect(page.locator("h1")).to_be_visible()
    check(page)
    page.locator("#mine-heading ~ .table-scroll table").get_by_role(
        "link", name="Hansen, Nora"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nora Hansen")
    check(page)
    timeline_rows = page.locator("#timeline tbody tr")
    expect(timeline_rows).to_have_count(2)  # referred, contact person

    # The page reads first: a summary at the top, and no form open.
    expect(page.locator("#case-summary")).to_contain_text("+47 412 34 567")
    expect(page.locator("main form")).to_have_count(0)

    # Category: the button fetches the form into the section by htmx; Cancel takes it away.
    category = page.locator("#section-category")
    category.locator("#open-category").click()
    expect(category.locator("#id_category-category")).to_be_focused()
    check(page)
    category.get_by_role("link", name=shown("Cancel")).click()
    expect(category.locator("form")).to_have_count(0)
    expect(category.locator("#open-category")).to_be_focused()

    # An empty category is refused in the section itself.
    category.locator("#open-category").click()
    category.get_by_role("button", name=shown("Save the category")).click()
    expect(page.locator("#section-category #error-summary")).to_be_visible()
    check(page)

    # Saved, the section is read-only again; the summary and the timeline follow out of band.
    category.locator("#id_category-category").select_option("3")
    category.locator("#id_category-note").fill("Keen to start, but little work experience")
    category.get_by_role("button", name=shown("Save the category")).click()
    expect(category).to_contain_text("Keen to start, but little work experience")
    expect(category.locator("form")).to_have_count(0)
    expect(page.locator("#case-status")).not_to_be_empty()
    expect(page.locator("#summary-category")).to_contain_text("3 –")
    expect(timeline_rows).to_have_count(3)
    check(page)

    # Two mappings, and the chart of the change.
    record_mapping(
        page,
        today - datetime.timedelta(days=30),
        {
            "resources-education-youth": "2",
            "resources-education-coordinator": "1",
            "motivation-work-youth": "3",
        },
    )
    check(page)
    page.locator("#section-mapping a[href$='/mappings/new/']").click()
    check(page)  # the mapping form: one table per aspect, a label on every select
    page.go_back()
    record_mapping(
        page,
        today,
        {
            "resources-education-youth": "4",
            "resources-education-coordinator": "3",
            "motivation-work-youth": "5",
        },
    )
    charts = page.locator("#mapping-charts svg[role=img]")
    expect(charts).to_have_count(3)
    expect(page.locator("#mapping-charts polyline").first).to_be_visible()
    check(page)
    assert Mapping.objects.filter(case=case).count() == 2

    page.locator("#section-mapping a[href$='/mappings/']").click()
    expect(page.locator("main table").first).to_be_visible()
    check(page)
    page.go_back()

    # The plan: first without the other actor's name (refused), then right.
    page.locator("#section-plan a[href$='/plan/']").click()
    expect(page.locator("#id_goals-0-text")).to_be_visible()
    check(page)
    page.locator("#id_goals-0-kind").select_option("outcome")
    page.locator("#id_goals-0-text").fill("Start as an apprentice carpenter")
    page.locator("#id_steps-0-text").fill("Visit the training office")
    page.locator("#id_steps-0-owner").select_option("other")
    page.locator("#id_steps-0-deadline").fill((today + datetime.timedelta(days=14)).isoformat())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_steps-0-owner_name")).to_have_attribute("aria-invalid", "true")
    check(page)
    page.locator("#id_steps-0-owner_name").fill("Opplæringskontoret, Per Hansen")
    page.locator("main form button[type=submit]").click()
    plan = page.locator("#section-plan")
    expect(plan).to_contain_text("Start as an apprentice carpenter")
    expect(plan).to_contain_text("Opplæringskontoret, Per Hansen")
    check(page)
    assert ActionPlan.objects.get(case=case).version == 1

    # A journal note, by htmx.
    journal = page.locator("#section-journal")
    journal.locator("#open-journal").click()
    journal.locator("#id_journal-text").fill("Met at the library; talked about the course.")
    journal.get_by_role("button", name=shown("Save the note")).click()
    expect(journal.locator("article")).to_have_count(1)
    expect(journal.locator("form")).to_have_count(0)
    expect(journal).to_contain_text("Met at the library; talked about the course.")
    check(page)
    assert JournalNote.objects.filter(case=case, author=coordinator).count() == 1

    # The timeline has it all, in the order things took effect.
    page.reload()
    expect(timeline_rows).to_have_count(6)
    kinds = list(
        CaseEvent.objects.filter(case=case)
        .order_by("effective_on", "recorded_at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds[0] == EventKind.MAPPING_RECORDED  # back-dated 30 days: first
    first_row = timeline_rows.first
    expect(first_row).to_contain_text((today - datetime.timedelta(days=30)).strftime("%d.%m.%Y"))
    check(page)


def test_the_other_case_pages_are_accessible(
    live_server, page: Page, check, coordinator, team_lead, case
):
    base = live_server.url
    note = do_add_note(coordinator, case, text="First meeting.")
    event = case.events.first()
    log_in(page, base, "koordinator@test.no")
    for path in [
        f"/cases/{case.pk}/notes/{note.pk}/edit/",
        f"/cases/{case.pk}/events/{event.pk}/correct/",
        f"/cases/{case.pk}/mappings/",
    ]:
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check(page)

    # A correction shows in the timeline beside the corrected event.
    page.goto(base + f"/cases/{case.pk}/events/{event.pk}/correct/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()  # the note is required
    check(page)
    page.locator("#id_note").fill("The referral came from the school, not NAV")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/#event-\d+$"))
    expect(page.locator(f"#event-{event.pk}")).to_contain_text(shown("corrected"))
    check(page)

    # The team lead hands the case over.
    log_in(page, base, "leder@test.no")
    page.goto(base + "/cases/handover/")
    check(page)
    page.locator("#id_from_user").select_option(str(coordinator.pk))
    page.locator("#handover-pick button[type=submit]").click()
    expect(page.locator(f"input[name=cases][value='{case.pk}']")).to_be_checked()
    check(page)
    page.locator("#id_to_user").select_option(str(team_lead.pk))
    page.locator("#id_note").fill("Kari is on leave until May")
    page.locator("#handover-form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    check(page)
    case.refresh_from_db()
    assert case.contact_person == team_lead


def test_without_javascript_a_section_form_opens_on_the_page_and_saves(
    live_server, browser, coordinator, case
):
    context = browser.new_context(
        java_script_enabled=False, locale="nb-NO", timezone_id="Europe/Oslo"
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    base = live_server.url
    log_in(page, base, "koordinator@test.no")
    page.goto(base + f"/cases/{case.pk}/")
    expect(page.locator("main form")).to_have_count(0)
    page.locator("#open-flag").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/\?edit=flag#section-flag$"))
    flag = page.locator("#section-flag")
    expect(page.locator("main form")).to_have_count(1)
    # (No axe-core here: it needs JavaScript. The same form is checked in the htmx flow.)
    flag.locator("#id_flag-reason").fill("Wants to talk about another measure")
    flag.get_by_role("button", name=shown("Flag for the team meeting")).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/#section-flag$"))
    expect(flag).to_contain_text("Wants to talk about another measure")
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator(".message--success")).to_be_visible()
    context.close()


@pytest.mark.parametrize("email", ["kollega@test.no", "utenfor@test.no", "analytiker@test.no"])
def test_the_case_page_is_not_found_outside_the_team(
    live_server, page: Page, case, colleague, outsider, manager, email
):
    log_in(page, live_server.url, email)
    response = page.goto(live_server.url + f"/cases/{case.pk}/")
    assert response.status == 404
    expect(page.get_by_text("Nora")).to_have_count(0)
