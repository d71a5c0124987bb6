"""Exit: the outcome on the versioned code list, the ended case, follow-ups at 6 and 12 months."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import shown
from losen.accounts.models import Role
from losen.audit.models import AccessLog, ChangeLog
from losen.cases.actions.core import (
    do_assign_contact_person,
    do_open_case,
    do_transition_case,
)
from losen.cases.models import CaseState, EventKind
from losen.outcomes import actions, codes
from losen.outcomes.models import ExitOutcome, FollowUp
from losen.programs.actions import do_create_measure, do_enrol
from losen.programs.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_case(coordinator, person, team):
    """An accepted case opened on 1 March 2025, the coordinator its contact person."""
    case = do_open_case(coordinator, person, team, opened_on=datetime.date(2025, 3, 1))
    do_assign_contact_person(coordinator, case, coordinator)
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    return case


@pytest.fixture
def measures(team_lead, municipality):
    return {
        "restart": do_create_measure(
            team_lead, municipality, name="Restart", kind="clarification", capacity=1
        ),
        "hangout": do_create_measure(team_lead, municipality, name="Hangout", kind="meeting_place"),
    }


@pytest.fixture
def volunteer(make_user, team):
    return make_user("frivillig@test.no", Role.VOLUNTEER, team=team)


def test_exit_ends_enrolments_records_the_outcome_and_ends_the_case(
    coordinator, long_case, measures, person, register, team
):
    start = datetime.date(2025, 4, 1)
    active = do_enrol(coordinator, long_case, measures["restart"], start_on=start)
    other_person = register(first_name="Bo", last_name="Berg")
    other = do_open_case(coordinator, other_person, team, opened_on=start)
    do_transition_case(coordinator, other, CaseState.ACCEPTED)
    waiting = do_enrol(coordinator, other, measures["restart"])
    do_enrol(coordinator, long_case, measures["hangout"], start_on=start)
    exited_on = datetime.date(2025, 8, 31)

    outcome = actions.do_exit(
        coordinator, long_case, code="education.apprenticeship", exited_on=exited_on, note="Lærling"
    )

    active.refresh_from_db()
    assert (active.status, active.end_reason, active.end_on) == ("ended", "case_ended", exited_on)
    assert long_case.enrolments.filter(status=Enrolment.Status.ACTIVE).count() == 0
    assert long_case.events.filter(kind=EventKind.ENROLMENT_ENDED).count() == 2
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.WAITING  # another case's place in the queue

    assert (outcome.code, outcome.top_code) == ("education.apprenticeship", "education")
    assert outcome.code_list_version == codes.CODE_LIST_VERSION
    assert outcome.exited_on == exited_on
    event = long_case.events.get(kind=EventKind.EXIT)
    assert event.effective_on == exited_on
    assert event.data == {
        "code": "education.apprenticeship",
        "top_code": "education",
        "version": codes.CODE_LIST_VERSION,
        "ot_code": "OTLL",
    }
    long_case.refresh_from_db()
    assert (long_case.state, long_case.ended_on) == (CaseState.ENDED, exited_on)
    assert long_case.events.filter(kind=EventKind.STATE_CHANGED, data__to="ended").exists()

    follow_ups = list(FollowUp.objects.filter(exit=outcome).order_by("months"))
    assert [(f.months, f.due_on) for f in follow_ups] == [
        (6, datetime.date(2026, 2, 28)),
        (12, datetime.date(2026, 8, 31)),
    ]
    assert all(f.case == long_case and not f.is_registered for f in follow_ups)
    assert ChangeLog.objects.filter(action="case.exited", person_id=person.pk).exists()


def test_an_unknown_code_is_refused(coordinator, long_case, today):
    with pytest.raises(actions.UnknownCode):
        actions.do_exit(coordinator, long_case, code="work", exited_on=today)
    long_case.refresh_from_db()
    assert long_case.state == CaseState.ACCEPTED
    assert not ExitOutcome.objects.exists()


def test_a_referred_case_does_not_exit_and_an_ended_case_not_twice(
    coordinator, case, long_case, today
):
    with pytest.raises(actions.CaseCannotExit):
        actions.do_exit(coordinator, case, code="no_activity", exited_on=today)
    actions.do_exit(coordinator, long_case, code="no_activity", exited_on=today)
    with pytest.raises(actions.CaseCannotExit):
        actions.do_exit(coordinator, long_case, code="work.full_time", exited_on=today)
    assert ExitOutcome.objects.count() == 1
    assert FollowUp.objects.count() == 2


def test_an_exit_in_the_future_or_before_a_measure_started_is_refused(
    coordinator, long_case, measures, today
):
    with pytest.raises(actions.InvalidExitDate):
        actions.do_exit(
            coordinator, long_case, code="no_activity", exited_on=today + datetime.timedelta(1)
        )
    do_enrol(coordinator, long_case, measures["hangout"], start_on=datetime.date(2025, 6, 1))
    with pytest.raises(actions.InvalidExitDate):
        actions.do_exit(
            coordinator, long_case, code="no_activity", exited_on=datetime.date(2025, 5, 31)
        )
    assert long_case.enrolments.get().status == Enrolment.Status.ACTIVE


# The page


def test_the_exit_page_offers_the_grouped_code_list(client, coordinator, long_case):
    client.force_login(coordinator)
    page = client.get(reverse("outcomes:exit", args=[long_case.pk])).content.decode()
    assert page.count("<optgroup") == len(codes.TOP_LEVEL)
    assert 'value="work.full_time"' in page


def test_a_coordinator_ends_the_case_on_the_exit_page(client, coordinator, long_case, measures):
    do_enrol(coordinator, long_case, measures["hangout"], start_on=datetime.date(2025, 4, 1))
    client.force_login(coordinator)
    url = reverse("outcomes:exit", args=[long_case.pk])
    entered = {"code": "work.part_time", "exited_on": "2025-10-15", "note": "Deltid i butikk"}
    response = client.post(url, {**entered, "confirmed": "True"})
    assert response["Location"] == url
    outcome = ExitOutcome.objects.get(case=long_case)
    assert (outcome.code, outcome.exited_on) == ("work.part_time", datetime.date(2025, 10, 15))
    page = client.get(url).content.decode()
    assert "15.04.2026" in page  # the 6-month follow-up
    assert "15.10.2026" in page
    assert reverse("outcomes:follow_up", args=[outcome.follow_ups.get(months=6).pk]) in page


def test_a_valid_exit_is_shown_as_a_summary_and_nothing_ends_before_it_is_confirmed(
    client, coordinator, long_case, measures
):
    do_enrol(coordinator, long_case, measures["hangout"], start_on=datetime.date(2025, 4, 1))
    client.force_login(coordinator)
    url = reverse("outcomes:exit", args=[long_case.pk])
    entered = {"code": "work.part_time", "exited_on": "2025-10-15", "note": "Deltid på Å-senteret"}
    response = client.post(url, entered)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "outcomes/exit_confirm.html"
    page = response.content.decode()
    assert shown("Confirm: end the case") in page
    assert "15.10.2025" in page
    assert 'name="exited_on" value="2025-10-15"' in page
    assert 'name="note" value="Deltid på Å-senteret"' in page
    assert measures["hangout"].name in page  # the enrolment that ends with the case
    assert not ExitOutcome.objects.exists()
    long_case.refresh_from_db()
    assert long_case.state == CaseState.ACTIVE


def test_going_back_from_the_summary_keeps_what_was_entered(client, coordinator, long_case):
    client.force_login(coordinator)
    url = reverse("outcomes:exit", args=[long_case.pk])
    entered = {"code": "education.upper_secondary", "exited_on": "2025-10-15", "note": "Vg1"}
    response = client.post(url, {**entered, "change": "True"})
    assert [t.name for t in response.templates][0] == "outcomes/exit.html"
    form = response.context["form"]
    assert {key: form[key].value() for key in entered} == entered
    assert 'id="exit-submit"' in response.content.decode()
    assert not ExitOutcome.objects.exists()


def test_the_exit_page_explains_a_missing_code_or_an_impossible_date(
    client, coordinator, long_case, today
):
    client.force_login(coordinator)
    url = reverse("outcomes:exit", args=[long_case.pk])
    response = client.post(url, {"code": "", "exited_on": "2025-01-01", "note": ""})
    errors = response.context["form"].errors
    assert set(errors) == {"code", "exited_on"}
    future = (today + datetime.timedelta(days=2)).isoformat()
    response = client.post(url, {"code": "no_activity", "exited_on": future})
    assert "exited_on" in response.context["form"].errors
    assert not ExitOutcome.objects.exists()


def test_the_team_lead_and_the_administrator_reach_the_exit_page(
    client, team_lead, org_admin, long_case
):
    for user in (team_lead, org_admin):
        client.force_login(user)
        assert client.get(reverse("outcomes:exit", args=[long_case.pk])).status_code == 200


def test_the_exit_page_is_not_found_for_everyone_outside_the_team(
    client, colleague, outsider, manager, volunteer, long_case, today
):
    url = reverse("outcomes:exit", args=[long_case.pk])
    for user in (colleague, outsider, manager, volunteer):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"code": "no_activity", "exited_on": today}).status_code == 404
    long_case.refresh_from_db()
    assert long_case.state == CaseState.ACCEPTED


def test_opening_the_exit_page_is_in_the_access_log(client, coordinator, long_case):
    client.force_login(coordinator)
    client.get(reverse("outcomes:exit", args=[long_case.pk]))
    assert AccessLog.objects.filter(
        person_id=long_case.person_id, actor=coordinator, what="exit"
    ).exists()


def test_the_case_page_section_offers_the_exit_and_then_shows_it(coordinator, long_case, today):
    from django.template.loader import render_to_string

    html = render_to_string("outcomes/_case_exit.html", {"case": long_case})
    assert reverse("outcomes:exit", args=[long_case.pk]) in html
    outcome = actions.do_exit(coordinator, long_case, code="work.supported", exited_on=today)
    html = render_to_string("outcomes/_case_exit.html", {"case": long_case})
    assert 'id="exit-link"' not in html
    assert today.strftime("%d.%m.%Y") in html
    for follow_up in outcome.follow_ups.all():
        assert reverse("outcomes:follow_up", args=[follow_up.pk]) in html
        assert follow_up.due_on.strftime("%d.%m.%Y") in html
