"""Enrolments: a place or the waiting list, ending, the next in line, moving up the staircase."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from losen.accounts.models import Role
from losen.audit.models import AccessLog, ChangeLog
from losen.cases.actions.core import do_open_case, do_transition_case
from losen.cases.models import CaseState, EventKind
from losen.lib.errors import NotAllowed
from losen.programs import actions
from losen.programs.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def steps(team_lead, municipality):
    staircase = actions.do_create_staircase(team_lead, municipality, name="PitStop")

    def make(name, step, **extra):
        return actions.do_create_measure(
            team_lead,
            municipality,
            name=name,
            kind="clarification",
            staircase=staircase,
            step=step,
            **extra,
        )

    return {
        "hangout": make("Hangout", 2),
        "restart": make("Restart", 3, planned_weeks=13, capacity=1),
        "kfg": make("Klar-Ferdig-Gå", 4, planned_weeks=26),
    }


@pytest.fixture
def accepted(coordinator, case):
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    return case


@pytest.fixture
def another_case(coordinator, register, team):
    def make(first_name):
        person = register(first_name=first_name, last_name="Test")
        new = do_open_case(coordinator, person, team)
        do_transition_case(coordinator, new, CaseState.ACCEPTED)
        return new

    return make


@pytest.fixture
def volunteer(make_user, team):
    return make_user("frivillig@test.no", Role.VOLUNTEER, team=team)


def kinds(case) -> list[str]:
    return list(case.events.order_by("id").values_list("kind", flat=True))


def test_an_enrolment_starts_when_there_is_room(coordinator, accepted, steps, today):
    enrolment = actions.do_enrol(coordinator, accepted, steps["restart"], start_on=today)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.start_on == today
    assert enrolment.planned_end_on == today + datetime.timedelta(weeks=13)
    event = accepted.events.get(kind=EventKind.ENROLMENT_STARTED)
    assert event.data["measure"] == steps["restart"].pk
    assert ChangeLog.objects.filter(action="enrolment.started", object_id=enrolment.pk).exists()


def test_the_first_start_moves_an_accepted_case_to_active_with_events(
    coordinator, accepted, steps, today
):
    start = today - datetime.timedelta(days=3)
    actions.do_enrol(coordinator, accepted, steps["hangout"], start_on=start)
    accepted.refresh_from_db()
    assert accepted.state == CaseState.ACTIVE
    change = accepted.events.filter(kind=EventKind.STATE_CHANGED).latest("id")
    assert change.data == {"from": "accepted", "to": "active"}
    assert change.effective_on == start
    assert kinds(accepted)[-2:] == [EventKind.ENROLMENT_STARTED, EventKind.STATE_CHANGED]

    actions.do_enrol(coordinator, accepted, steps["kfg"], start_on=today)
    assert accepted.events.filter(kind=EventKind.STATE_CHANGED, data__to="active").count() == 1


def test_an_explicit_planned_end_is_kept(coordinator, accepted, steps, today):
    end = today + datetime.timedelta(days=30)
    enrolment = actions.do_enrol(
        coordinator, accepted, steps["kfg"], start_on=today, planned_end_on=end
    )
    assert enrolment.planned_end_on == end


def test_a_full_measure_puts_enrolments_on_the_waiting_list_in_order(
    coordinator, accepted, another_case, steps
):
    restart = steps["restart"]
    actions.do_enrol(coordinator, accepted, restart)
    second, third = another_case("Bo"), another_case("Cem")
    waiting_2 = actions.do_enrol(coordinator, second, restart)
    waiting_3 = actions.do_enrol(coordinator, third, restart)
    assert waiting_2.status == waiting_3.status == Enrolment.Status.WAITING
    assert waiting_2.waitlisted_at <= waiting_3.waitlisted_at
    assert waiting_2.start_on is None
    event = third.events.get(kind=EventKind.ENROLMENT_WAITLISTED)
    assert event.data["position"] == 2
    second.refresh_from_db()
    assert second.state == CaseState.ACCEPTED  # waiting is not taking part yet


def test_ending_frees_a_place_and_the_next_starts_in_order(
    coordinator, team_lead, accepted, another_case, steps, today
):
    restart = steps["restart"]
    first = actions.do_enrol(coordinator, accepted, restart, start_on=today)
    second, third = another_case("Bo"), another_case("Cem")
    actions.do_enrol(coordinator, second, restart)
    actions.do_enrol(coordinator, third, restart)
    with pytest.raises(actions.NoFreePlace):
        actions.do_start_next_from_waiting_list(team_lead, restart)

    actions.do_end_enrolment(coordinator, first, end_on=today, reason="completed")
    first.refresh_from_db()
    assert (first.status, first.end_on, first.end_reason) == ("ended", today, "completed")
    assert accepted.events.filter(kind=EventKind.ENROLMENT_ENDED, data__reason="completed").exists()

    started = actions.do_start_next_from_waiting_list(team_lead, restart, start_on=today)
    assert started.case == second
    assert started.status == Enrolment.Status.ACTIVE
    assert started.planned_end_on == today + datetime.timedelta(weeks=13)
    second.refresh_from_db()
    assert second.state == CaseState.ACTIVE
    assert restart.enrolments.get(case=third).status == Enrolment.Status.WAITING


def test_nobody_waiting_and_coordinators_cannot_start_the_next(coordinator, team_lead, steps):
    with pytest.raises(actions.NobodyWaiting):
        actions.do_start_next_from_waiting_list(team_lead, steps["hangout"])
    with pytest.raises(NotAllowed):
        actions.do_start_next_from_waiting_list(coordinator, steps["hangout"])


def test_an_ended_enrolment_cannot_end_again(coordinator, accepted, steps):
    enrolment = actions.do_enrol(coordinator, accepted, steps["hangout"])
    actions.do_end_enrolment(coordinator, enrolment, reason="other")
    with pytest.raises(actions.EnrolmentNotOpen):
        actions.do_end_enrolment(coordinator, enrolment, reason="other")


def test_moving_up_the_staircase(coordinator, accepted, steps, today):
    hangout = actions.do_enrol(coordinator, accepted, steps["hangout"], start_on=today)
    new = actions.do_move_up(coordinator, hangout, steps["restart"], on=today)
    hangout.refresh_from_db()
    assert (hangout.status, hangout.end_reason, hangout.end_on) == ("ended", "moved_up", today)
    assert (new.measure, new.status, new.start_on) == (steps["restart"], "active", today)
    assert kinds(accepted)[-2:] == [EventKind.ENROLMENT_ENDED, EventKind.ENROLMENT_STARTED]


def test_moving_down_or_out_of_the_staircase_is_refused(
    coordinator, team_lead, municipality, accepted, steps
):
    restart = actions.do_enrol(coordinator, accepted, steps["restart"])
    with pytest.raises(actions.NotAStepUp):
        actions.do_move_up(coordinator, restart, steps["hangout"])
    loose = actions.do_create_measure(team_lead, municipality, name="Spisevenn", kind="course")
    with pytest.raises(actions.NotAStepUp):
        actions.do_move_up(coordinator, restart, loose)
    restart.refresh_from_db()
    assert restart.status == Enrolment.Status.ACTIVE


def test_only_accepted_and_active_cases_take_part(coordinator, case, steps):
    with pytest.raises(actions.CaseNotEnrollable):
        actions.do_enrol(coordinator, case, steps["hangout"])
    assert not Enrolment.objects.exists()


def test_the_same_measure_twice_is_refused(coordinator, accepted, steps):
    actions.do_enrol(coordinator, accepted, steps["hangout"])
    with pytest.raises(actions.AlreadyEnrolled):
        actions.do_enrol(coordinator, accepted, steps["hangout"])


# The pages


def test_a_coordinator_enrols_through_the_page(client, coordinator, accepted, steps, today):
    client.force_login(coordinator)
    url = reverse("programs:enrol", args=[accepted.pk])
    page = client.get(url).content.decode()
    assert "Klar-Ferdig-Gå" in page
    response = client.post(
        url, {"measure": steps["kfg"].pk, "start_on": today.isoformat(), "planned_end_on": ""}
    )
    assert response["Location"] == reverse("programs:case_enrolments", args=[accepted.pk])
    enrolment = accepted.enrolments.get()
    assert enrolment.planned_end_on == today + datetime.timedelta(weeks=26)
    page = client.get(response["Location"]).content.decode()
    assert "Klar-Ferdig-Gå" in page
    assert reverse("programs:enrolment_end", args=[accepted.pk, enrolment.pk]) in page


def test_the_enrol_page_tells_whether_the_measure_is_full(
    client, coordinator, accepted, another_case, steps
):
    actions.do_enrol(coordinator, another_case("Bo"), steps["restart"])
    client.force_login(coordinator)
    response = client.get(
        reverse("programs:enrol", args=[accepted.pk]),
        {"measure": steps["restart"].pk},
        HTTP_HX_REQUEST="true",
    )
    assert [t.name for t in response.templates][0] == "programs/_enrol_places.html"
    assert response.context["chosen"]["places"].is_full


def test_a_planned_end_before_the_start_is_refused(client, coordinator, accepted, steps, today):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:enrol", args=[accepted.pk]),
        {
            "measure": steps["kfg"].pk,
            "start_on": today.isoformat(),
            "planned_end_on": (today - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert "planned_end_on" in response.context["form"].errors
    assert not accepted.enrolments.exists()


def test_the_enrol_page_refuses_a_case_that_is_not_accepted(client, coordinator, case, steps):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:enrol", args=[case.pk]),
        {"measure": steps["kfg"].pk, "start_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert response.context["can_enrol"] is False
    assert not case.enrolments.exists()


def test_ending_and_moving_up_through_the_pages(client, coordinator, accepted, steps, today):
    hangout = actions.do_enrol(coordinator, accepted, steps["hangout"], start_on=today)
    client.force_login(coordinator)
    move_url = reverse("programs:enrolment_move_up", args=[accepted.pk, hangout.pk])
    assert "Klar-Ferdig-Gå" in client.get(move_url).content.decode()
    client.post(move_url, {"to_measure": steps["kfg"].pk, "on": today.isoformat()})
    kfg = accepted.enrolments.get(measure=steps["kfg"])
    assert kfg.status == Enrolment.Status.ACTIVE
    end_url = reverse("programs:enrolment_end", args=[accepted.pk, kfg.pk])
    before = (today - datetime.timedelta(days=1)).isoformat()
    response = client.post(end_url, {"end_on": before, "reason": "completed"})
    assert "end_on" in response.context["form"].errors
    client.post(end_url, {"end_on": today.isoformat(), "reason": "dropped_out"})
    kfg.refresh_from_db()
    assert (kfg.status, kfg.end_reason) == ("ended", "dropped_out")


def test_the_team_lead_starts_the_next_from_the_waiting_list_page(
    client, coordinator, team_lead, accepted, another_case, steps
):
    restart = steps["restart"]
    first = actions.do_enrol(coordinator, accepted, restart)
    waiting = actions.do_enrol(coordinator, another_case("Bo"), restart)
    client.force_login(team_lead)
    detail = reverse("programs:measure_detail", args=[restart.pk])
    assert 'id="start-next"' not in client.get(detail).content.decode()
    actions.do_end_enrolment(coordinator, first, reason="completed")
    assert 'id="start-next"' in client.get(detail).content.decode()
    client.post(reverse("programs:start_next", args=[restart.pk]))
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.ACTIVE
    client.force_login(coordinator)
    assert client.post(reverse("programs:start_next", args=[restart.pk])).status_code == 404


def test_the_case_pages_answer_not_found_to_everyone_outside_the_team(
    client, coordinator, colleague, outsider, manager, volunteer, accepted, steps, today
):
    enrolment = actions.do_enrol(coordinator, accepted, steps["hangout"], start_on=today)
    urls = [
        reverse("programs:case_enrolments", args=[accepted.pk]),
        reverse("programs:enrol", args=[accepted.pk]),
        reverse("programs:enrolment_end", args=[accepted.pk, enrolment.pk]),
        reverse("programs:enrolment_move_up", args=[accepted.pk, enrolment.pk]),
    ]
    client.force_login(coordinator)
    for url in urls:
        assert client.get(url).status_code == 200, url
    for user in (colleague, outsider, manager, volunteer):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        client.post(urls[2], {"end_on": today.isoformat(), "reason": "other"})
        client.post(urls[1], {"measure": steps["kfg"].pk, "start_on": today.isoformat()})
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert accepted.enrolments.count() == 1


def test_another_cases_enrolment_is_not_found_under_this_case(
    client, coordinator, accepted, another_case, steps
):
    other = actions.do_enrol(coordinator, another_case("Bo"), steps["hangout"])
    client.force_login(coordinator)
    url = reverse("programs:enrolment_end", args=[accepted.pk, other.pk])
    assert client.get(url).status_code == 404


def test_opening_a_cases_enrolments_is_in_the_access_log(client, coordinator, accepted):
    client.force_login(coordinator)
    client.get(reverse("programs:case_enrolments", args=[accepted.pk]))
    assert AccessLog.objects.filter(
        person_id=accepted.person_id, actor=coordinator, what="enrolments"
    ).exists()


def test_the_case_page_section_lists_the_enrolments_with_their_actions(
    coordinator, accepted, steps, today
):
    from django.template.loader import render_to_string

    enrolment = actions.do_enrol(coordinator, accepted, steps["hangout"], start_on=today)
    html = render_to_string("programs/_case_enrolments.html", {"case": accepted})
    assert "2. Hangout" in html
    assert reverse("programs:enrolment_end", args=[accepted.pk, enrolment.pk]) in html
    assert reverse("programs:enrolment_move_up", args=[accepted.pk, enrolment.pk]) in html
    assert reverse("programs:enrol", args=[accepted.pk]) in html


def test_the_enrol_form_sent_twice_makes_one_enrolment(client, coordinator, accepted, steps, today):
    from losen.submissions.tests.test_double_posts import SUBMISSION_FIELD, token_of

    client.force_login(coordinator)
    url = reverse("programs:enrol", args=[accepted.pk])
    data = {
        "measure": steps["kfg"].pk,
        "start_on": today.isoformat(),
        "planned_end_on": "",
        SUBMISSION_FIELD: token_of(client.get(url)),
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert Enrolment.objects.filter(case=accepted).count() == 1
    assert first.status_code == second.status_code == 302
