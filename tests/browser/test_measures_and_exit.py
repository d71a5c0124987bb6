"""A measure defined, a case enrolled and ended, its follow-up due and registered.

Losen's own strings on these pages are English until the lead translates them, so the
elements are found by id, role and name rather than by visible text.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from losen.accounts.models import Role
from losen.cases.actions.core import do_assign_contact_person, do_open_case, do_transition_case
from losen.cases.models import CaseState
from losen.lib.dates import add_months
from losen.outcomes.models import ExitOutcome, FollowUp
from losen.programs.actions import do_create_measure, do_enrol, do_plan_sessions
from losen.programs.models import Enrolment, Measure
from tests.browser.conftest import log_in


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(re.compile("/accounts/login/"))


@pytest.fixture
def accepted_case(coordinator, person, team, team_lead):
    """Nora's case, opened ten months ago and accepted, with the coordinator as contact."""
    today = timezone.localdate()
    case = do_open_case(coordinator, person, team, opened_on=add_months(today, -10))
    do_assign_contact_person(coordinator, case, coordinator)
    do_transition_case(coordinator, case, CaseState.ACCEPTED, effective_on=add_months(today, -9))
    return case


def test_a_measure_an_enrolment_an_exit_and_its_follow_up(
    live_server, page: Page, check, accepted_case
):
    base = live_server.url
    today = timezone.localdate()

    # The team lead defines a measure.
    log_in(page, base, "leder@test.no")
    expect(page.locator("#my-cases")).to_be_visible()
    check(page)
    page.goto(base + "/measures/")
    expect(page.locator("h1")).to_be_visible()
    check(page)
    page.locator("#new-measure").click()
    check(page)
    page.locator("#id_name").fill("Restart")
    page.locator("#id_description").fill("Et 3 måneders avklarings- og aktiviseringstiltak.")
    page.locator("#id_kind").select_option(Measure.Kind.CLARIFICATION)
    page.locator("#id_planned_weeks").fill("13")
    page.locator("#id_capacity").fill("6")
    page.locator("#id_monthly_cost").fill("4500")
    page.locator("#save-measure").click()
    expect(page.get_by_role("heading", name="Restart", level=1)).to_be_visible()
    check(page)
    measure = Measure.objects.get(name="Restart")
    assert (measure.planned_weeks, measure.capacity) == (13, 6)
    log_out(page)

    # The coordinator enrols the accepted case, starting seven months ago.
    log_in(page, base, "koordinator@test.no")
    expect(page.locator("#my-cases")).to_contain_text("Hansen, Nora")
    check(page)
    page.goto(base + f"/cases/{accepted_case.pk}/enrolments/")
    check(page)
    page.locator("#enrol-link").click()
    check(page)
    page.locator("#id_measure").select_option(label="Restart")
    expect(page.locator("#measure-places")).to_contain_text("6")
    page.locator("#id_start_on").fill(add_months(today, -7).isoformat())
    check(page)
    page.locator("#enrol-submit").click()
    expect(page.locator("#section-enrolments")).to_contain_text("Restart")
    check(page)
    enrolment = Enrolment.objects.get(case=accepted_case)
    assert enrolment.status == Enrolment.Status.ACTIVE
    accepted_case.refresh_from_db()
    assert accepted_case.state == CaseState.ACTIVE

    # It ends with an exit outcome, back-dated six months.
    page.goto(base + f"/cases/{accepted_case.pk}/exit/")
    check(page)
    page.locator("#exit-submit").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page)
    page.locator("#id_code").select_option("work.full_time")
    exited_on = add_months(today, -6)
    page.locator("#id_exited_on").fill(exited_on.isoformat())
    page.locator("#id_note").fill("Fast jobb i butikk")
    page.locator("#exit-submit").click()
    # A summary to confirm first; going back keeps what was entered.
    expect(page.locator("#exit-summary")).to_contain_text(exited_on.strftime("%d.%m.%Y"))
    check(page)
    assert not ExitOutcome.objects.filter(case=accepted_case).exists()
    page.locator("#exit-change").click()
    expect(page.locator("#id_note")).to_have_value("Fast jobb i butikk")
    expect(page.locator("#id_code")).to_have_value("work.full_time")
    expect(page.locator("#id_exited_on")).to_have_value(exited_on.isoformat())
    page.locator("#exit-submit").click()
    page.locator("#exit-confirm").click()
    expect(page.locator("#exit-facts")).to_be_visible()
    check(page)
    outcome = ExitOutcome.objects.get(case=accepted_case)
    assert (outcome.code, outcome.exited_on) == ("work.full_time", exited_on)
    enrolment.refresh_from_db()
    assert enrolment.end_reason == Enrolment.EndReason.CASE_ENDED

    # The 6-month follow-up is due in the work list, and is registered.
    six = FollowUp.objects.get(case=accepted_case, months=6)
    page.goto(base + "/")
    due = page.locator("#follow-ups-due")
    link = due.locator(f'a[href="/follow-ups/{six.pk}/"]')
    expect(link).to_be_visible()
    expect(
        due.locator(f'a[href="/follow-ups/{FollowUp.objects.get(months=12).pk}/"]')
    ).to_have_count(0)
    check(page)
    link.click()
    check(page)
    page.locator("#id_reached").select_option("yes")
    page.locator("#follow-up-submit").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page)
    page.locator("#id_code").select_option("work.part_time")
    page.locator("#follow-up-submit").click()
    expect(page.locator("#follow-up-reached")).to_be_visible()
    check(page)
    six.refresh_from_db()
    assert (six.reached, six.code) == (True, "work.part_time")
    page.goto(base + "/")
    expect(page.locator("#follow-ups-due").locator("a")).to_have_count(0)


@pytest.fixture
def course(team_lead, municipality, accepted_case, coordinator, make_user, team):
    make_user("frivillig@test.no", Role.VOLUNTEER, team=team, full_name="Frida Frivillig")
    staircase_measure = do_create_measure(
        team_lead, municipality, name="Klart jeg kan", kind="course", planned_weeks=4, capacity=8
    )
    today = timezone.localdate()
    do_enrol(coordinator, accepted_case, staircase_measure, start_on=today - datetime.timedelta(7))
    do_plan_sessions(
        team_lead,
        staircase_measure,
        first_day=today,
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        at=datetime.time(23, 0),
        count=2,
    )
    return staircase_measure


def test_the_sessions_and_the_other_measure_pages_are_accessible(
    live_server, page: Page, check, course, accepted_case
):
    base = live_server.url
    session = course.sessions.order_by("number").first()
    enrolment = accepted_case.enrolments.get()
    log_in(page, base, "leder@test.no")
    for path in [
        f"/measures/{course.pk}/",
        f"/measures/{course.pk}/edit/",
        "/measures/staircases/new/",
        f"/measures/{course.pk}/sessions/",
        f"/measures/{course.pk}/sessions/new/",
        f"/measures/{course.pk}/sessions/plan/",
        "/sessions/",
        f"/cases/{accepted_case.pk}/enrolments/{enrolment.pk}/end/",
        f"/cases/{accepted_case.pk}/enrolments/{enrolment.pk}/move-up/",
    ]:
        page.goto(base + path)
        expect(page.locator("h1")).to_be_visible()
        check(page)
    page.goto(base + f"/measures/{course.pk}/sessions/{session.pk}/")
    page.get_by_label("Nora Hansen").check()
    page.locator("#save-attendance").click()
    expect(page.get_by_label("Nora Hansen")).to_be_checked()
    check(page)
    log_out(page)

    log_in(page, base, "frivillig@test.no")
    page.goto(base + f"/measures/{course.pk}/sessions/{session.pk}/")
    expect(page.locator("#first-names")).to_have_text("Nora")
    check(page)
    response = page.goto(base + f"/cases/{accepted_case.pk}/enrolments/")
    assert response is not None
    assert response.status == 404
