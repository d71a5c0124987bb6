"""Every page that lists young people by name writes it in each person's access log.

One row per person shown per page view (purpose follow-up, `what` naming the list),
for the people on the page and no one else: not those on other pages, not those of
other teams, who are never shown.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import shown
from losen.audit.models import AccessLog, Purpose
from losen.cases.actions import intake
from losen.cases.actions.core import do_assign_contact_person, do_open_case, do_transition_case
from losen.cases.models import CaseState
from losen.outreach.tests.conftest import fnr, import_list  # noqa: F401 (fixtures)
from losen.programs import actions as programs

pytestmark = pytest.mark.django_db


def logged(what: str, actor) -> list[int]:
    """The people (ids, sorted) written in the access log as shown in list `what`."""
    return sorted(
        AccessLog.objects.filter(what=what, actor=actor, purpose=Purpose.FOLLOW_UP).values_list(
            "person_id", flat=True
        )
    )


@pytest.fixture
def other_case(register, colleague, other_team):
    """Ola, followed only by the other team, with the colleague as contact person."""
    ola = register(first_name="Ola", last_name="Nordmann", actor=colleague, in_team=other_team)
    opened = do_open_case(colleague, ola, other_team)
    do_assign_contact_person(colleague, opened, colleague)
    return opened


def test_the_work_list_logs_the_people_it_names(client, coordinator, case, other_case, team):
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert "Hansen" in response.content.decode()
    assert logged("list:worklist", coordinator) == [case.person_id]
    assert AccessLog.objects.get(what="list:worklist").team == team


def test_the_case_list_logs_each_person_once_though_they_are_in_both_its_lists(
    client, coordinator, case, other_case
):
    client.force_login(coordinator)
    client.get(reverse("cases:list"))
    assert logged("list:cases", coordinator) == [case.person_id]


def test_the_case_list_logs_only_the_page_shown(client, coordinator, register, team, settings):
    settings.LOSEN_PAGE_SIZE = 1
    first = do_open_case(coordinator, register(first_name="Anna", last_name="Aas"), team)
    do_open_case(coordinator, register(first_name="Berit", last_name="Berg"), team)
    client.force_login(coordinator)
    client.get(reverse("cases:list"))
    assert logged("list:cases", coordinator) == [first.person_id]


def test_the_hand_over_logs_the_cases_it_offers(client, team_lead, coordinator, case, other_case):
    client.force_login(team_lead)
    client.get(reverse("cases:handover"))
    assert logged("list:handover", team_lead) == []  # nobody picked yet: no names
    client.get(reverse("cases:handover"), {"from_user": coordinator.pk})
    assert logged("list:handover", team_lead) == [case.person_id]


def test_the_referral_queue_logs_the_people_referred(
    client, coordinator, colleague, team, other_team, register
):
    nora = register()
    ola = register(first_name="Ola", last_name="Nordmann", actor=colleague, in_team=other_team)
    for actor, in_team, person in [(coordinator, team, nora), (colleague, other_team, ola)]:
        intake.do_register_referral(
            actor, team=in_team, person=person, source="school", reason="Long absence."
        )
    client.force_login(coordinator)
    client.get(reverse("referrals:queue"))
    assert logged("list:referrals", coordinator) == [nora.pk]


def test_the_person_search_of_a_referral_logs_the_people_found(
    client, coordinator, person, other_case
):
    client.force_login(coordinator)
    client.post(reverse("referrals:person_search"), {"q": "o"})  # Nora; Ola is not found
    assert logged("list:person_search", coordinator) == [person.pk]


@pytest.fixture
def course(team_lead, municipality):
    return programs.do_create_measure(team_lead, municipality, name="Jobbklubb", kind="course")


@pytest.fixture
def enrolments(coordinator, colleague, register, team, other_team, course, today):
    """Nora (Ungteam) and Dina (the other team) take part in the course since a week."""
    start = today - datetime.timedelta(days=7)

    def enrol(first_name, actor, in_team):
        person = register(first_name=first_name, actor=actor, in_team=in_team)
        case = do_open_case(actor, person, in_team, opened_on=start)
        do_transition_case(actor, case, CaseState.ACCEPTED)
        return programs.do_enrol(actor, case, course, start_on=start)

    return {
        "nora": enrol("Nora", coordinator, team),
        "dina": enrol("Dina", colleague, other_team),
    }


def test_a_measures_page_logs_the_participants_it_names(client, coordinator, course, enrolments):
    client.force_login(coordinator)
    client.get(reverse("programs:measure_detail", args=[course.pk]))
    assert logged("list:participants", coordinator) == [enrolments["nora"].case.person_id]


def test_the_attendance_list_logs_the_people_on_it(
    client, coordinator, team_lead, course, enrolments, today
):
    starts_at = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10, 0)))
    session = programs.do_add_session(team_lead, course, number=1, starts_at=starts_at)
    client.force_login(coordinator)
    client.get(reverse("programs:session_detail", args=[course.pk, session.pk]))
    assert logged("list:attendance", coordinator) == [enrolments["nora"].case.person_id]


@pytest.fixture
def listed(import_list, fnr, outsider, outside_team):  # noqa: F811 (fixtures)
    """Ida on Ungteam's list, Per on another organisation's."""
    listed_on = timezone.localdate() - datetime.timedelta(days=3)
    born = datetime.date(timezone.localdate().year - 16, 2, 2)
    ours = import_list(
        [{"identity_number": fnr(born, 8), "first_name": "Ida", "last_name": "Lie"}],
        received_on=listed_on,
    )
    import_list(
        [
            {
                "identity_number": fnr(born + datetime.timedelta(days=1), 9),
                "first_name": "Per",
                "last_name": "Dal",
            }
        ],
        received_on=listed_on,
        organisation=outside_team.organisation,
        in_team=outside_team,
        actor=outsider,
    )
    return ours


def test_the_outreach_queue_logs_the_people_due(client, coordinator, listed):
    from losen.people.models import Person

    client.force_login(coordinator)
    assert "Lie, Ida" in client.get(reverse("outreach:queue")).content.decode()
    assert logged("list:outreach", coordinator) == [Person.objects.get(first_name="Ida").pk]


def test_a_target_lists_page_logs_the_people_on_it(client, coordinator, listed):
    from losen.people.models import Person

    client.force_login(coordinator)
    client.get(reverse("outreach:list", args=[listed.list_import_id]))
    assert logged("list:target_list", coordinator) == [Person.objects.get(first_name="Ida").pk]


def test_the_persons_access_log_says_which_list_showed_them(client, coordinator, person):
    client.force_login(coordinator)
    client.get(reverse("people:list"))
    page = client.get(reverse("people:access_log", args=[person.pk])).content.decode()
    assert shown("Shown in the list of young people") in page
