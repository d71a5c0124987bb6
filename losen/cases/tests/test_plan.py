"""Goals and action plan: one form for the whole plan, racing edits refused, a printable plan."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from conftest import shown
from losen.audit.models import AccessLog, ChangeLog, Purpose
from losen.cases.actions.work import GoalData, StepData, do_save_plan
from losen.cases.models import ActionPlan, CaseEvent, EventKind, Goal, PlanStep
from losen.cases.views.case_plan import plan_print_context
from losen.lib.errors import NotAllowed, StaleEdit
from losen.lib.exporters import as_of_text

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int, initial: int) -> dict[str, int]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def plan_post(version: int, goals=(), steps=(), *, initial_goals=0, initial_steps=0) -> dict:
    """The plan form's POST data: `goals` and `steps` are lists of field dicts."""
    data: dict[str, object] = {"version": version}
    data.update(management("goals", len(goals), initial_goals))
    data.update(management("steps", len(steps), initial_steps))
    for i, goal in enumerate(goals):
        for name, value in goal.items():
            data[f"goals-{i}-{name}"] = value
    for i, step in enumerate(steps):
        for name, value in step.items():
            data[f"steps-{i}-{name}"] = value
    return data


def goal(text: str, kind: str = "outcome", **more) -> dict:
    return {"kind": kind, "text": text, **more}


def step(text: str, owner: str = "youth", **more) -> dict:
    return {"text": text, "owner": owner, "status": "planned", **more}


@pytest.fixture
def saved_plan(coordinator, case):
    return do_save_plan(
        coordinator,
        case,
        expected_version=0,
        goals=[GoalData(kind="outcome", text="Start upper secondary in August")],
        steps=[StepData(text="Visit the school", owner="youth")],
    )


def test_a_second_concurrent_edit_of_a_plan_is_refused_and_the_first_one_is_kept(
    client, coordinator, team_lead, case, saved_plan
):
    url = reverse("cases:plan_edit", args=[case.pk])
    goal_id = saved_plan.goals.get().pk
    step_id = saved_plan.steps.get().pk

    def edit(goal_text: str, step_text: str) -> dict:
        return plan_post(
            saved_plan.version,  # both opened the form at version 1
            [goal(goal_text, id=goal_id)],
            [step(step_text, id=step_id)],
            initial_goals=1,
            initial_steps=1,
        )

    client.force_login(team_lead)
    first = client.post(url, edit("Start at the electrician course", "Call the school"))
    client.force_login(coordinator)
    second = client.post(url, edit("Get a work placement", "Write an application"))

    assert first.status_code == 302
    assert second.status_code == 200
    plan = ActionPlan.objects.get(case=case)
    assert plan.version == 2
    assert plan.updated_by == team_lead
    assert list(plan.goals.values_list("text", flat=True)) == ["Start at the electrician course"]
    assert list(plan.steps.values_list("text", flat=True)) == ["Call the school"]
    page = second.content.decode()
    assert (
        shown(
            "Someone else saved the plan while you were editing it. Your changes are not "
            "saved. Compare with the saved plan, then make your changes again on top of it."
        )
        in page
    )
    # The saved plan is shown beside the refused input, which is still in the form.
    assert 'id="saved-plan"' in page
    start = page.index('id="saved-plan"')
    saved_part = page[start : page.index("</section>", start)]
    assert "Start at the electrician course" in saved_part
    assert "Lise Leder" in saved_part
    form_part = page[page.index('<form method="post" class="form"') :]
    assert "Get a work placement" in form_part
    assert "Write an application" in form_part
    events = CaseEvent.objects.filter(case=case, kind=EventKind.PLAN_CHANGED)
    assert events.count() == 2  # the first save of the fixture and the team lead's edit
    assert ChangeLog.objects.filter(action="case.plan_changed").count() == 2


def test_two_first_plans_racing_keep_the_first(client, coordinator, team_lead, case):
    url = reverse("cases:plan_edit", args=[case.pk])
    client.force_login(team_lead)
    assert client.post(url, plan_post(0, [goal("First")])).status_code == 302
    client.force_login(coordinator)
    response = client.post(url, plan_post(0, [goal("Second")]))
    assert response.status_code == 200
    assert list(Goal.objects.values_list("text", flat=True)) == ["First"]


def test_the_plan_action_refuses_a_stale_version(coordinator, case, saved_plan):
    do_save_plan(
        coordinator,
        case,
        expected_version=1,
        goals=[GoalData(kind="outcome", text="Changed", id=saved_plan.goals.get().pk)],
        steps=[],
    )
    with pytest.raises(StaleEdit) as raised:
        do_save_plan(coordinator, case, expected_version=1, goals=[], steps=[])
    assert raised.value.current.version == 2
    assert Goal.objects.get().text == "Changed"


def test_saving_an_unchanged_plan_writes_no_event(coordinator, case, saved_plan):
    g, s = saved_plan.goals.get(), saved_plan.steps.get()
    do_save_plan(
        coordinator,
        case,
        expected_version=1,
        goals=[GoalData(kind=g.kind, text=g.text, id=g.pk)],
        steps=[StepData(text=s.text, owner=s.owner, id=s.pk)],
    )
    saved_plan.refresh_from_db()
    assert saved_plan.version == 1
    assert case.events.filter(kind=EventKind.PLAN_CHANGED).count() == 1


def test_a_coordinator_writes_a_plan_with_goals_and_steps_through_the_form(
    client, coordinator, case, today
):
    client.force_login(coordinator)
    deadline = today + datetime.timedelta(days=14)
    response = client.post(
        reverse("cases:plan_edit", args=[case.pk]),
        plan_post(
            0,
            [goal("Work in a shop"), goal("Get up at seven", "development"), goal("")],
            [
                step("Visit Kiwi", "coordinator", deadline=deadline.isoformat()),
                step("Talk to the NAV adviser", "other", owner_name="NAV, Ola Nordmann"),
                step(""),
            ],
        ),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#section-plan")
    plan = ActionPlan.objects.get(case=case)
    assert [(g.kind, g.text) for g in plan.goals.all()] == [
        ("outcome", "Work in a shop"),
        ("development", "Get up at seven"),
    ]
    steps = list(plan.steps.all())
    assert [(s.text, s.owner, s.owner_name, s.deadline) for s in steps] == [
        ("Visit Kiwi", "coordinator", "", deadline),
        ("Talk to the NAV adviser", "other", "NAV, Ola Nordmann", None),
    ]
    event = case.events.get(kind=EventKind.PLAN_CHANGED)
    assert event.data == {"version": 1, "goals": 2, "steps": 2, "changed": 4}
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Work in a shop" in page
    assert "NAV, Ola Nordmann" in page


def test_a_step_by_another_actor_needs_the_actors_name(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:plan_edit", args=[case.pk]),
        plan_post(0, [goal("School")], [step("Meet the counsellor", "other")]),
    )
    assert response.status_code == 200
    assert shown("Name the other actor who does this step.") in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_goals_and_steps_are_updated_removed_and_linked(client, coordinator, case, saved_plan):
    old_goal = saved_plan.goals.get()
    old_step = saved_plan.steps.get()
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:plan_edit", args=[case.pk]),
        plan_post(
            1,
            [goal("Start upper secondary in January", id=old_goal.pk)],
            [
                step("Visit the school", id=old_step.pk, DELETE="on"),
                step("Apply by 1 December", goal=old_goal.pk),
            ],
            initial_goals=1,
            initial_steps=1,
        ),
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get(case=case)
    assert plan.version == 2
    assert Goal.objects.get().pk == old_goal.pk
    assert Goal.objects.get().text == "Start upper secondary in January"
    remaining = PlanStep.objects.get()
    assert remaining.text == "Apply by 1 December"
    assert remaining.goal_id == old_goal.pk
    assert not PlanStep.objects.filter(pk=old_step.pk).exists()


def test_only_the_cases_team_saves_a_plan(org_admin, case):
    with pytest.raises(NotAllowed):
        do_save_plan(org_admin, case, expected_version=0, goals=[], steps=[])


def test_the_printed_plan_has_name_goals_steps_owners_and_deadlines_but_no_identity_number(
    coordinator, case, person_number, today
):
    do_save_plan(
        coordinator,
        case,
        expected_version=0,
        goals=[GoalData(kind="outcome", text="Apprenticeship as a carpenter")],
        steps=[
            StepData(
                text="- call the training office",
                owner="other",
                owner_name="Opplæringskontoret",
                deadline=today,
            )
        ],
    )
    exporter, context = plan_print_context(case)
    html = render_to_string(
        "cases/plan.pdf.html",
        {
            "title": exporter.title,
            "header": exporter.header(),
            "generated_at": timezone.now(),
            **context,
        },
    )
    assert "Nora Hansen" in html
    assert "Apprenticeship as a carpenter" in html
    assert "- call the training office" in html
    assert "Opplæringskontoret" in html
    assert today.strftime("%d.%m.%Y") in html
    assert person_number not in html
    assert case.person.masked_identity_number() not in html


def test_the_plan_pdf_downloads_for_the_team_and_logs_an_export(
    client, coordinator, case, saved_plan, team
):
    client.force_login(coordinator)
    response = client.get(reverse("cases:plan_pdf", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"action-plan-{case.pk}.pdf" in response["Content-Disposition"]
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    with translation.override("nb"):
        as_of = as_of_text(timezone.localdate())
    assert " ".join(text.split()).startswith(
        f"Handlingsplan for Nora Hansen · Testkommune · Ungteam · {as_of}"
    )
    entry = AccessLog.objects.filter(person_id=case.person_id, purpose=Purpose.EXPORT).latest("id")
    assert entry.actor == coordinator
    assert entry.team == team


@pytest.mark.parametrize("name", ["cases:plan_edit", "cases:plan_pdf"])
def test_the_plan_pages_open_for_the_team_and_log_the_read(
    client, coordinator, case, saved_plan, name
):
    client.force_login(coordinator)
    before = AccessLog.objects.filter(actor=coordinator).count()
    assert client.get(reverse(name, args=[case.pk])).status_code == 200
    assert AccessLog.objects.filter(actor=coordinator, person_id=case.person_id).count() == (
        before + 1
    )


@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager"])
@pytest.mark.parametrize("name", ["cases:plan_edit", "cases:plan_pdf"])
def test_the_plan_pages_are_not_found_for_anyone_else(
    client, request, case, saved_plan, persona, name
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse(name, args=[case.pk])).status_code == 404
    assert not AccessLog.objects.filter(actor=user).exists()


@pytest.mark.parametrize("persona", ["colleague", "outsider", "manager", "org_admin"])
def test_nobody_outside_the_team_can_post_a_plan(client, request, case, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("cases:plan_edit", args=[case.pk]), plan_post(0, [goal("X")]))
    assert response.status_code == 404
    assert not ActionPlan.objects.exists()


def test_a_step_moves_to_another_goal(coordinator, case):
    plan = do_save_plan(
        coordinator,
        case,
        expected_version=0,
        goals=[GoalData(kind="outcome", text="A"), GoalData(kind="development", text="B")],
        steps=[StepData(text="Do it", owner="youth")],
    )
    a, b = plan.goals.all()
    s = plan.steps.get()
    goals = [GoalData(kind=g.kind, text=g.text, id=g.pk) for g in (a, b)]
    do_save_plan(
        coordinator,
        case,
        expected_version=1,
        goals=goals,
        steps=[StepData(text="Do it", owner="youth", goal_id=b.pk, id=s.pk)],
    )
    assert PlanStep.objects.get().goal_id == b.pk


# --- saving keeps what was not edited -------------------------------------------------


@pytest.fixture
def two_goals_three_steps(coordinator, case, today):
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


def as_the_browser_posts(response) -> dict:
    """What the plan form sends when submitted as it was shown: every field's value."""
    data: dict[str, object] = {"version": response.context["version_form"]["version"].value()}
    for formset in (response.context["goal_formset"], response.context["step_formset"]):
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset:
            for field in form:
                value = field.value()
                if value is not None and value is not False:
                    data[field.html_name] = value
    return data


def plan_rows(case) -> tuple[list[tuple], list[tuple]]:
    plan = ActionPlan.objects.get(case=case)
    goals = [(g.pk, g.kind, g.text, g.achieved_on) for g in plan.goals.all()]
    steps = [
        (s.pk, s.text, s.owner, s.owner_name, s.deadline, s.status, s.goal_id)
        for s in plan.steps.all()
    ]
    return goals, steps


def open_plan_form(client, case) -> dict:
    response = client.get(reverse("cases:plan_edit", args=[case.pk]))
    assert response.status_code == 200
    return as_the_browser_posts(response)


def test_marking_one_step_done_keeps_every_other_goal_and_step(
    client, coordinator, case, two_goals_three_steps
):
    goals_before, steps_before = plan_rows(case)
    client.force_login(coordinator)
    data = open_plan_form(client, case)
    data["steps-1-status"] = "done"

    response = client.post(reverse("cases:plan_edit", args=[case.pk]), data)

    assert response.status_code == 302
    goals_after, steps_after = plan_rows(case)
    assert goals_after == goals_before
    assert [s[0] for s in steps_after] == [s[0] for s in steps_before]
    assert [s[5] for s in steps_after] == ["planned", "done", "in_progress"]
    assert [s[:5] + s[6:] for s in steps_after] == [s[:5] + s[6:] for s in steps_before]
    plan = ActionPlan.objects.get(case=case)
    assert plan.version == 2
    event = case.events.filter(kind=EventKind.PLAN_CHANGED).latest("id")
    assert event.data == {"version": 2, "goals": 2, "steps": 3, "changed": 1}
    assert ChangeLog.objects.filter(action="case.plan_changed").latest("id").changed_fields == [
        "steps"
    ]


def test_saving_the_plan_without_a_change_keeps_it_and_makes_no_new_version(
    client, coordinator, case, two_goals_three_steps
):
    before = plan_rows(case)
    client.force_login(coordinator)

    response = client.post(
        reverse("cases:plan_edit", args=[case.pk]), open_plan_form(client, case), follow=True
    )

    assert plan_rows(case) == before
    assert ActionPlan.objects.get(case=case).version == 1
    assert case.events.filter(kind=EventKind.PLAN_CHANGED).count() == 1
    assert ChangeLog.objects.filter(action="case.plan_changed").count() == 1
    assert shown("Nothing in the plan was changed; it is as it was.") in response.content.decode()


def test_a_step_is_linked_to_a_goal_without_touching_the_goals(
    client, coordinator, case, two_goals_three_steps
):
    goals_before, _steps = plan_rows(case)
    second_goal = goals_before[1][0]
    client.force_login(coordinator)
    data = open_plan_form(client, case)
    data["steps-2-goal"] = second_goal

    response = client.post(reverse("cases:plan_edit", args=[case.pk]), data)

    assert response.status_code == 302
    goals_after, steps_after = plan_rows(case)
    assert goals_after == goals_before
    assert [s[6] for s in steps_after] == [None, None, second_goal]


def test_only_the_row_marked_for_removal_is_removed(
    client, coordinator, case, two_goals_three_steps
):
    goals_before, steps_before = plan_rows(case)
    client.force_login(coordinator)
    data = open_plan_form(client, case)
    data["goals-0-DELETE"] = "on"
    data["steps-1-DELETE"] = "on"

    response = client.post(reverse("cases:plan_edit", args=[case.pk]), data)

    assert response.status_code == 302
    goals_after, steps_after = plan_rows(case)
    assert [g[0] for g in goals_after] == [goals_before[1][0]]
    assert [s[0] for s in steps_after] == [steps_before[0][0], steps_before[2][0]]
    assert case.events.filter(kind=EventKind.PLAN_CHANGED).latest("id").data["changed"] == 4


def test_a_new_row_is_added_beside_the_saved_ones_and_empty_rows_are_left_out(
    client, coordinator, case, two_goals_three_steps
):
    _goals, steps_before = plan_rows(case)
    client.force_login(coordinator)
    data = open_plan_form(client, case)
    data["steps-3-text"] = "Apply for a summer job"

    response = client.post(reverse("cases:plan_edit", args=[case.pk]), data)

    assert response.status_code == 302
    goals_after, steps_after = plan_rows(case)
    assert len(goals_after) == 2
    assert [s[1] for s in steps_after] == [
        "Visit the school",
        "Call NAV",
        "Buy an alarm clock",
        "Apply for a summer job",
    ]
    assert [s[0] for s in steps_after[:3]] == [s[0] for s in steps_before]


def test_a_saved_goal_emptied_but_not_marked_for_removal_is_refused_and_nothing_is_lost(
    client, coordinator, case, two_goals_three_steps
):
    before = plan_rows(case)
    client.force_login(coordinator)
    data = open_plan_form(client, case)
    data["goals-1-text"] = ""

    response = client.post(reverse("cases:plan_edit", args=[case.pk]), data)

    assert response.status_code == 200
    assert response.context["goal_formset"].forms[1].has_error("text")
    assert plan_rows(case) == before
    assert ActionPlan.objects.get(case=case).version == 1


def test_the_timeline_says_how_many_rows_a_version_changed(coordinator, case, saved_plan):
    from losen.cases.views.case_timeline import describe_event

    goal_row = saved_plan.goals.get()
    step_row = saved_plan.steps.get()
    do_save_plan(
        coordinator,
        case,
        expected_version=1,
        goals=[GoalData(kind=goal_row.kind, text=goal_row.text, id=goal_row.pk)],
        steps=[StepData(text=step_row.text, owner=step_row.owner, status="done", id=step_row.pk)],
    )
    event = case.events.filter(kind=EventKind.PLAN_CHANGED).latest("id")
    summary = shown("Version %(version)s; goals: %(goals)s, steps: %(steps)s") % {
        "version": 2,
        "goals": 1,
        "steps": 1,
    }
    assert describe_event(event) == shown("%(summary)s; rows changed: %(changed)s") % {
        "summary": summary,
        "changed": 1,
    }
