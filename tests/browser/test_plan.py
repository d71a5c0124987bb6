"""The action plan in a real browser: saving it keeps what was not edited.

A plan of two goals and three steps; the coordinator marks one step done and saves. All
five rows are still there, and the new version (the plan's version number and its
`plan_changed` event) records exactly one changed row. Saving again without a change
makes no new version. axe-core on the form and on the case page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import shown
from losen.cases.actions.work import GoalData, StepData, do_save_plan
from losen.cases.models import ActionPlan, EventKind
from tests.browser.conftest import log_in


@pytest.fixture
def plan(coordinator, case, today):
    return do_save_plan(
        coordinator,
        case,
        expected_version=0,
        goals=[
            GoalData(kind="outcome", text="Start upper secondary in August"),
            GoalData(kind="development", text="Get up at seven"),
        ],
        steps=[
            StepData(text="Visit the school", owner="youth", deadline=today),
            StepData(text="Call NAV", owner="other", owner_name="NAV, Ola Nordmann"),
            StepData(text="Buy an alarm clock", owner="youth", status="in_progress"),
        ],
    )


def rows(plan: ActionPlan) -> tuple[list[tuple], list[tuple]]:
    plan.refresh_from_db()
    goals = [(g.pk, g.kind, g.text, g.achieved_on) for g in plan.goals.all()]
    steps = [
        (s.pk, s.text, s.owner, s.owner_name, s.deadline, s.status, s.goal_id)
        for s in plan.steps.all()
    ]
    return goals, steps


def test_marking_one_step_done_keeps_all_five_rows_with_one_change_in_the_new_version(
    live_server, page: Page, check, coordinator, case, plan
):
    base = live_server.url
    goals_before, steps_before = rows(plan)
    log_in(page, base, coordinator.email)

    page.goto(base + f"/cases/{case.pk}/")
    page.locator("#section-plan a[href$='/plan/']").click()
    expect(page.locator("#id_steps-1-status")).to_be_visible()
    check(page)
    page.locator("#id_steps-1-status").select_option("done")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/(#section-plan)?$"))
    section = page.locator("#section-plan")
    for text in (
        "Start upper secondary in August",
        "Get up at seven",
        "Visit the school",
        "NAV, Ola Nordmann",
        "Buy an alarm clock",
    ):
        expect(section).to_contain_text(text)
    check(page)

    goals_after, steps_after = rows(plan)
    assert goals_after == goals_before
    assert len(steps_after) == 3
    changed = [
        (before, after)
        for before, after in zip(steps_before, steps_after, strict=True)
        if before != after
    ]
    assert len(changed) == 1
    before, after = changed[0]
    assert (before[1], before[5], after[5]) == ("Call NAV", "planned", "done")
    assert plan.version == 2
    event = case.events.filter(kind=EventKind.PLAN_CHANGED).latest("id")
    assert event.data == {"version": 2, "goals": 2, "steps": 3, "changed": 1}

    # Saved again without a change: no new version, and the coordinator is told so.
    page.locator("#section-plan a[href$='/plan/']").click()
    expect(page.locator("#id_steps-1-status")).to_have_value("done")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(
        shown("Nothing in the plan was changed; it is as it was.")
    )
    check(page)
    assert rows(plan) == (goals_after, steps_after)
    assert plan.version == 2
    assert case.events.filter(kind=EventKind.PLAN_CHANGED).count() == 2
