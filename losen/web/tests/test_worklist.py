"""The work list: the coordinator's and team lead's first page, and only their own work."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from losen.accounts.models import Role
from losen.cases.actions.core import do_assign_contact_person, do_open_case, do_transition_case
from losen.cases.models import (
    ActionPlan,
    Application,
    CaseState,
    PlanStep,
    Referral,
    TeamMeeting,
)
from losen.lib.dates import add_months
from losen.outcomes.actions import do_exit
from losen.programs.queries import case_page_url
from losen.web.worklist import work_list_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague_case(colleague, register, other_team):
    """A case of the other team, with the colleague as contact person."""
    person = register(first_name="Dina", last_name="Annen", actor=colleague, in_team=other_team)
    case = do_open_case(colleague, person, other_team)
    do_assign_contact_person(colleague, case, colleague)
    return case


def step(case, text, deadline, status=PlanStep.Status.PLANNED):
    plan, _ = ActionPlan.objects.get_or_create(case=case)
    return PlanStep.objects.create(
        plan=plan, text=text, owner=PlanStep.Owner.YOUTH, deadline=deadline, status=status
    )


def test_coordinators_and_team_leads_land_on_the_work_list(client, coordinator, team_lead):
    for user in (coordinator, team_lead):
        client.force_login(user)
        response = client.get(reverse("home"))
        assert response.status_code == 200
        page = response.content.decode()
        for section in (
            "my-cases",
            "follow-ups-due",
            "plan-steps-due",
            "applications-awaiting-signature",
            "new-referrals",
            "next-meeting",
        ):
            assert f'id="{section}"' in page


def test_managers_and_volunteers_keep_the_home_page(client, manager, make_user, team):
    volunteer = make_user("frivillig@test.no", Role.VOLUNTEER, team=team)
    for user in (manager, volunteer):
        client.force_login(user)
        response = client.get(reverse("home"))
        assert [t.name for t in response.templates][0] == "web/home.html"


def test_my_cases_are_my_open_cases_as_contact_person(
    client, coordinator, case, colleague_case, register, team
):
    ended_person = register(first_name="Eli", last_name="Ferdig")
    ended = do_open_case(coordinator, ended_person, team, opened_on=datetime.date(2025, 1, 1))
    do_assign_contact_person(coordinator, ended, coordinator)
    do_transition_case(coordinator, ended, CaseState.ACCEPTED)
    do_exit(coordinator, ended, code="no_activity", exited_on=timezone.localdate())
    unassigned = do_open_case(coordinator, register(first_name="Ulla", last_name="Uten"), team)

    work = work_list_for(coordinator)
    assert work.my_cases.items == [case]
    assert work.my_cases.count == 1
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert case_page_url(case.pk) in page
    assert "Hansen, Nora" in page
    for absent in ("Dina", "Ferdig", case_page_url(unassigned.pk)):
        assert absent not in page


def test_plan_steps_due_within_two_weeks(coordinator, case, colleague_case, today):
    soon = step(case, "Søke jobb", today + datetime.timedelta(days=14))
    late = step(
        case, "Ta førerkort", today - datetime.timedelta(days=3), PlanStep.Status.IN_PROGRESS
    )
    step(case, "Langt fram", today + datetime.timedelta(days=15))
    step(case, "Ferdig", today, PlanStep.Status.DONE)
    step(case, "Avlyst", today, PlanStep.Status.CANCELLED)
    step(case, "Uten frist", None)
    step(colleague_case, "Annet team", today)

    work = work_list_for(coordinator, today=today)
    assert work.plan_steps_due.items == [late, soon]
    assert work.plan_steps_due.count == 2


def test_applications_waiting_for_a_signature_from_my_teams_only(
    client, coordinator, case, colleague_case, register, team
):
    waiting = Application.objects.create(case=case, organisation=case.organisation)
    signed_case = do_open_case(coordinator, register(first_name="Siv", last_name="Signert"), team)
    Application.objects.create(
        case=signed_case,
        organisation=signed_case.organisation,
        youth_signed_name="Siv Signert",
        youth_signed_at=timezone.now(),
    )
    Application.objects.create(case=colleague_case, organisation=colleague_case.organisation)

    work = work_list_for(coordinator)
    assert work.applications.items == [waiting]
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "Signert" not in page
    assert "Dina" not in page


def test_new_referrals_for_my_team_only(coordinator, case, colleague_case, today):
    mine = Referral.objects.create(
        organisation=case.organisation,
        team=case.team,
        person=case.person,
        case=case,
        source="nav",
        reason="Ute av skole",
        referred_on=today,
    )
    Referral.objects.create(
        organisation=colleague_case.organisation,
        team=colleague_case.team,
        person=colleague_case.person,
        case=colleague_case,
        source="school",
        reason="Frafall",
        referred_on=today,
    )
    assert work_list_for(coordinator).referrals.items == [mine]
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    assert work_list_for(coordinator).referrals.items == []


def test_the_next_team_meeting_of_my_team(client, coordinator, team, other_team):
    now = timezone.now()
    TeamMeeting.objects.create(
        organisation=team.organisation, team=team, starts_at=now - datetime.timedelta(days=1)
    )
    TeamMeeting.objects.create(
        organisation=other_team.organisation,
        team=other_team,
        starts_at=now + datetime.timedelta(days=1),
        location="Annet rom",
    )
    mine = TeamMeeting.objects.create(
        organisation=team.organisation,
        team=team,
        starts_at=now + datetime.timedelta(days=3),
        location="Møterom Fjorden",
    )
    assert work_list_for(coordinator).next_meeting == mine
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "Møterom Fjorden" in page
    assert "Annet rom" not in page


def test_follow_ups_due_show_with_their_count(client, coordinator, case, today):
    exited_on = add_months(today, -6)
    case.opened_on = exited_on - datetime.timedelta(days=30)
    case.save(update_fields=["opened_on"])
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    do_exit(coordinator, case, code="work.full_time", exited_on=exited_on)
    work = work_list_for(coordinator, today=today)
    assert [f.months for f in work.follow_ups_due.items] == [6]
    assert work.follow_ups_due.count == 1
    far = work_list_for(coordinator, today=add_months(today, -1))
    assert far.follow_ups_due.count == 0
