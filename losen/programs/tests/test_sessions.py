"""Sessions and attendance ("Klart jeg kan": 8 sessions, twice a week for four weeks)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import shown
from losen.accounts.models import Role
from losen.audit.models import ChangeLog
from losen.cases.actions.core import do_open_case, do_transition_case
from losen.cases.models import CaseState
from losen.lib.errors import NotAllowed
from losen.programs import actions
from losen.programs.models import Attendance, Session

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


@pytest.fixture
def course(team_lead, municipality):
    return actions.do_create_measure(
        team_lead, municipality, name="Klart jeg kan", kind="course", planned_weeks=4, capacity=12
    )


@pytest.fixture
def volunteer(make_user, team):
    return make_user("frivillig@test.no", Role.VOLUNTEER, team=team, full_name="Frida Frivillig")


@pytest.fixture
def session(team_lead, course, today):
    starts_at = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10, 0)))
    return actions.do_add_session(
        team_lead, course, number=1, starts_at=starts_at, title="Hvem er jeg?"
    )


@pytest.fixture
def participants(coordinator, colleague, register, team, other_team, course, today):
    """Nora and Jakob from Ungteam and Dina from the other team take part; Ola waits."""
    start = today - datetime.timedelta(days=7)

    def enrol(first_name, last_name, actor=coordinator, in_team=team):
        person = register(first_name=first_name, last_name=last_name, actor=actor, in_team=in_team)
        case = do_open_case(actor, person, in_team, opened_on=start)
        do_transition_case(actor, case, CaseState.ACCEPTED)
        return actions.do_enrol(actor, case, course, start_on=start)

    return {
        "nora": enrol("Nora", "Hansen"),
        "jakob": enrol("Jakob", "Olsen"),
        "dina": enrol("Dina", "Annen", actor=colleague, in_team=other_team),
    }


def test_session_days_fall_on_the_chosen_weekdays():
    days = actions.session_days(MONDAY, [0, 3], 8)
    assert days[:3] == [MONDAY, datetime.date(2026, 3, 5), datetime.date(2026, 3, 9)]
    assert days[-1] == datetime.date(2026, 3, 26)
    assert {d.weekday() for d in days} == {0, 3}


def test_a_team_lead_plans_klart_jeg_kan_twice_a_week_for_four_weeks(client, team_lead, course):
    client.force_login(team_lead)
    response = client.post(
        reverse("programs:sessions_plan", args=[course.pk]),
        {
            "first_day": MONDAY.isoformat(),
            "at": "10:00",
            "count": "8",
            "monday": "on",
            "thursday": "on",
        },
    )
    assert response["Location"] == reverse("programs:measure_sessions", args=[course.pk])
    sessions = list(course.sessions.order_by("starts_at"))
    assert [s.number for s in sessions] == list(range(1, 9))
    local = [timezone.localtime(s.starts_at) for s in sessions]
    assert local[0].date() == MONDAY
    assert local[0].time() == datetime.time(10, 0)
    assert local[-1].date() == datetime.date(2026, 3, 26)
    assert ChangeLog.objects.filter(action="session.added").count() == 8


def test_a_series_needs_a_weekday(client, team_lead, course):
    client.force_login(team_lead)
    response = client.post(
        reverse("programs:sessions_plan", args=[course.pk]),
        {"first_day": MONDAY.isoformat(), "at": "10:00", "count": "8"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not course.sessions.exists()


def test_the_follow_up_session_a_month_later_gets_the_next_number(client, team_lead, course):
    actions.do_plan_sessions(
        team_lead, course, first_day=MONDAY, weekdays=[0, 3], at=datetime.time(10), count=8
    )
    client.force_login(team_lead)
    form = client.get(reverse("programs:session_new", args=[course.pk])).context["form"]
    assert form["number"].value() == 9
    client.post(
        reverse("programs:session_new", args=[course.pk]),
        {"number": "9", "title": "Oppfølgingssamling", "starts_at": "2026-04-23T10:00"},
    )
    assert course.sessions.get(number=9).title == "Oppfølgingssamling"


def test_a_coordinator_does_not_plan_sessions(client, coordinator, course):
    client.force_login(coordinator)
    assert client.get(reverse("programs:session_new", args=[course.pk])).status_code == 404
    assert client.get(reverse("programs:sessions_plan", args=[course.pk])).status_code == 404


def test_a_coordinator_registers_attendance(client, coordinator, session, participants):
    nora, jakob = participants["nora"], participants["jakob"]
    client.force_login(coordinator)
    url = reverse("programs:session_detail", args=[session.measure_id, session.pk])
    page = client.get(url).content.decode()
    assert "Nora Hansen" in page
    assert "Jakob Olsen" in page
    client.post(url, {f"present_{nora.pk}": "on"})
    marks = dict(session.attendance.values_list("enrolment_id", "present"))
    assert marks == {nora.pk: True, jakob.pk: False}
    assert ChangeLog.objects.filter(
        action="attendance.recorded", person_id=nora.case.person_id
    ).exists()

    client.post(url, {f"present_{nora.pk}": "on", f"present_{jakob.pk}": "on"})
    assert Attendance.objects.get(session=session, enrolment=jakob).present is True
    assert Attendance.objects.filter(session=session).count() == 2


def test_the_attendance_list_has_those_taking_part_on_the_day(
    coordinator, register, team, course, session, participants, today
):
    later = register(first_name="Ola", last_name="Senere")
    case = do_open_case(coordinator, later, team)
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    actions.do_enrol(coordinator, case, course, start_on=today + datetime.timedelta(days=1))
    ended = participants["jakob"]
    actions.do_end_enrolment(
        coordinator, ended, end_on=today - datetime.timedelta(days=1), reason="dropped_out"
    )
    from losen.programs.queries import attendance_list

    names = [e.case.person.first_name for e in attendance_list(coordinator, session)]
    assert names == ["Nora"]


def test_a_colleague_sees_the_session_but_not_another_teams_participants(
    client, colleague, session, participants
):
    client.force_login(colleague)
    url = reverse("programs:session_detail", args=[session.measure_id, session.pk])
    page = client.get(url).content.decode()
    assert "Dina Annen" in page
    assert "Nora" not in page
    client.post(url, {f"present_{participants['nora'].pk}": "on"})
    assert not Attendance.objects.filter(enrolment=participants["nora"]).exists()


def test_a_volunteer_sees_the_sessions_and_only_first_names(
    client, volunteer, session, participants
):
    client.force_login(volunteer)
    listing = client.get(reverse("programs:sessions"))
    assert listing.status_code == 200
    assert "Klart jeg kan" in listing.content.decode()
    assert (
        client.get(reverse("programs:measure_sessions", args=[session.measure_id])).status_code
        == 200
    )
    url = reverse("programs:session_detail", args=[session.measure_id, session.pk])
    response = client.get(url)
    page = response.content.decode()
    assert response.context["first_names"] == ["Jakob", "Nora"]
    for hidden in ("Hansen", "Olsen", "Dina", "/cases/", 'type="checkbox"'):
        assert hidden not in page
    assert client.post(url, {f"present_{participants['nora'].pk}": "on"}).status_code == 404
    assert not Attendance.objects.exists()


def test_a_volunteers_first_page_lists_her_next_sessions(client, volunteer, team_lead, course):
    now = timezone.localtime()
    earlier_today = now.replace(hour=0, minute=5, second=0, microsecond=0)
    yesterday = earlier_today - datetime.timedelta(days=1)
    for number, (starts_at, title) in enumerate(
        [
            (yesterday, "I går"),
            (earlier_today, "Tidlig i dag"),
            (now + datetime.timedelta(days=2), "Om to dager"),
        ],
        start=1,
    ):
        actions.do_add_session(team_lead, course, number=number, starts_at=starts_at, title=title)
    client.force_login(volunteer)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert 'id="next-sessions"' in page
    assert "Tidlig i dag" in page and "Om to dager" in page
    assert "I går" not in page
    assert page.index("Tidlig i dag") < page.index("Om to dager")


def test_a_volunteer_without_sessions_is_told_none_are_planned(client, volunteer):
    client.force_login(volunteer)
    page = client.get(reverse("home")).content.decode()
    assert shown("No sessions are planned.") in page
    assert 'id="next-sessions"' not in page


def test_a_volunteer_gets_not_found_for_case_pages_and_enrolments(client, volunteer, participants):
    nora = participants["nora"]
    client.force_login(volunteer)
    for url in [
        f"/cases/{nora.case_id}/",
        reverse("programs:case_enrolments", args=[nora.case_id]),
        reverse("programs:enrolment_end", args=[nora.case_id, nora.pk]),
        reverse("outcomes:exit", args=[nora.case_id]),
        reverse("people:detail", args=[nora.case.person_id]),
    ]:
        assert client.get(url).status_code == 404, url


def test_an_outsider_gets_not_found_for_the_sessions(client, outsider, session):
    client.force_login(outsider)
    assert (
        client.get(reverse("programs:measure_sessions", args=[session.measure_id])).status_code
        == 404
    )
    url = reverse("programs:session_detail", args=[session.measure_id, session.pk])
    assert client.get(url).status_code == 404
    assert "Klart jeg kan" not in client.get(reverse("programs:sessions")).content.decode()


def test_a_session_is_found_only_under_its_own_measure(
    client, team_lead, municipality, coordinator, session
):
    other = actions.do_create_measure(team_lead, municipality, name="Hangout", kind="meeting_place")
    client.force_login(coordinator)
    url = reverse("programs:session_detail", args=[other.pk, session.pk])
    assert client.get(url).status_code == 404
    assert Session.objects.filter(pk=session.pk).exists()


def test_attendance_is_recorded_only_for_participants_the_actor_may_see(
    colleague, session, participants
):
    changed = actions.do_record_attendance(
        colleague, session, {participants["nora"].pk: True, participants["dina"].pk: True}
    )
    assert changed == [participants["dina"].pk]
    assert list(session.attendance.values_list("enrolment_id", flat=True)) == [
        participants["dina"].pk
    ]


def test_a_volunteer_cannot_record_attendance_through_the_action(volunteer, session, participants):
    with pytest.raises(NotAllowed):
        actions.do_record_attendance(volunteer, session, {participants["nora"].pk: True})


def test_the_session_list_keeps_todays_sessions_all_day_and_drops_yesterdays(
    client, volunteer, team_lead, course, today
):
    def add(number, day, hour):
        starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
        return actions.do_add_session(team_lead, course, number=number, starts_at=starts_at)

    early_today = add(1, today, 0)
    add(2, today - datetime.timedelta(days=1), 23)
    client.force_login(volunteer)
    sessions = client.get(reverse("programs:sessions")).context["sessions"]
    assert sessions == [early_today]
