"""The case's core actions: the state machine, the contact person, hand-over, append-only events."""

from __future__ import annotations

import datetime

import pytest

from losen.accounts.models import Membership, Role
from losen.audit.models import ChangeLog
from losen.cases.actions.core import (
    InvalidTransition,
    NotAContactPerson,
    do_assign_contact_person,
    do_correct_event,
    do_flag_for_meeting,
    do_hand_over_cases,
    do_open_case,
    do_record_event,
    do_transition_case,
)
from losen.cases.models import TRANSITIONS, Case, CaseEvent, CaseState, EventKind

pytestmark = pytest.mark.django_db


def state_events(case):
    return list(case.events.filter(kind=EventKind.STATE_CHANGED).order_by("id"))


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], CaseState.ASSESSMENT),
        ([], CaseState.ACCEPTED),
        ([], CaseState.WAITING_LIST),
        ([], CaseState.REDIRECTED),
        ([CaseState.WAITING_LIST], CaseState.ACCEPTED),
        ([CaseState.ACCEPTED], CaseState.ACTIVE),
        ([CaseState.ACCEPTED, CaseState.ACTIVE], CaseState.ENDED),
    ],
)
def test_an_allowed_transition_moves_the_case_and_writes_an_event(coordinator, case, path, target):
    for step in path:
        do_transition_case(coordinator, case, step)
    event = do_transition_case(coordinator, case, target, note="decided")
    case.refresh_from_db()
    assert case.state == target
    assert event.kind == EventKind.STATE_CHANGED
    assert event.data["to"] == target
    assert event.recorded_by == coordinator
    assert len(state_events(case)) == len(path) + 1
    assert ChangeLog.objects.filter(action="case.state_changed", object_id=case.pk).exists()


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], CaseState.ACTIVE),
        ([], CaseState.ENDED),
        ([CaseState.ACCEPTED, CaseState.ACTIVE], CaseState.REFERRED),
        ([CaseState.REDIRECTED], CaseState.ACCEPTED),
        ([CaseState.ACCEPTED, CaseState.ENDED], CaseState.ACTIVE),
    ],
)
def test_a_transition_the_state_machine_forbids_is_refused_without_an_event(
    coordinator, case, path, target
):
    for step in path:
        do_transition_case(coordinator, case, step)
    before = case.events.count()
    with pytest.raises(InvalidTransition):
        do_transition_case(coordinator, case, target)
    case.refresh_from_db()
    assert case.state == (path[-1] if path else CaseState.REFERRED)
    assert case.events.count() == before


def test_the_state_machine_has_no_way_out_of_an_ended_or_redirected_case():
    assert TRANSITIONS[CaseState.ENDED] == frozenset()
    assert TRANSITIONS[CaseState.REDIRECTED] == frozenset()


def test_ending_a_case_records_the_end_date(coordinator, case, today):
    do_transition_case(coordinator, case, CaseState.ACCEPTED)
    ended_on = today - datetime.timedelta(days=2)
    do_transition_case(coordinator, case, CaseState.ENDED, effective_on=ended_on)
    case.refresh_from_db()
    assert case.ended_on == ended_on
    assert state_events(case)[-1].effective_on == ended_on


def test_the_contact_person_must_work_in_the_cases_team(coordinator, colleague, case):
    with pytest.raises(NotAContactPerson):
        do_assign_contact_person(coordinator, case, colleague)
    case.refresh_from_db()
    assert case.contact_person == coordinator


def test_a_new_contact_person_is_an_event_and_the_same_one_is_not(coordinator, team_lead, case):
    events = case.events.filter(kind=EventKind.CONTACT_PERSON_ASSIGNED)
    before = events.count()
    assert do_assign_contact_person(team_lead, case, coordinator) is None
    assert events.count() == before
    event = do_assign_contact_person(team_lead, case, team_lead, note="holiday")
    case.refresh_from_db()
    assert case.contact_person == team_lead
    assert event.data["from"] == coordinator.pk
    assert event.data["to"] == team_lead.pk
    assert events.count() == before + 1


def test_hand_over_moves_all_the_cases_in_one_step_with_an_event_on_each(
    coordinator, team_lead, register, team, case
):
    other = do_open_case(coordinator, register(first_name="Ola"), team)
    do_assign_contact_person(coordinator, other, coordinator)
    events = do_hand_over_cases(team_lead, [case, other], team_lead, note="Kari has left")
    assert len(events) == 2
    assert {e.case_id for e in events} == {case.pk, other.pk}
    assert all(e.note == "Kari has left" and e.recorded_by == team_lead for e in events)
    assert set(Case.objects.filter(contact_person=team_lead).values_list("pk", flat=True)) == {
        case.pk,
        other.pk,
    }


def test_hand_over_changes_nothing_when_one_case_cannot_go_to_the_receiver(
    coordinator, team_lead, make_user, register, team, other_team, case
):
    both = make_user("begge@test.no", Role.COORDINATOR, team=other_team)
    Membership.objects.create(
        user=both, team=team, organisation=team.organisation, role=Role.COORDINATOR
    )
    elsewhere = do_open_case(coordinator, register(first_name="Per"), other_team)
    do_assign_contact_person(team_lead, elsewhere, both)
    receiver = team_lead  # works in Ungteam only
    before = CaseEvent.objects.count()
    with pytest.raises(NotAContactPerson):
        do_hand_over_cases(team_lead, [case, elsewhere], receiver, note="reorganised")
    case.refresh_from_db()
    assert case.contact_person == coordinator
    assert CaseEvent.objects.count() == before


def test_flagging_for_the_meeting_keeps_the_reason(coordinator, case):
    do_flag_for_meeting(coordinator, case, reason="Not shown up for two weeks")
    case.refresh_from_db()
    assert case.flagged_for_meeting
    assert case.flag_reason == "Not shown up for two weeks"
    assert ChangeLog.objects.filter(action="case.flagged", object_id=case.pk).exists()


def test_an_event_cannot_be_saved_again(coordinator, case):
    event = do_record_event(coordinator, case, EventKind.CATEGORY_SET, data={"category": 1})
    event.note = "changed afterwards"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    event.refresh_from_db()
    assert event.note == ""


def test_an_event_cannot_be_deleted(coordinator, case):
    event = do_record_event(coordinator, case, EventKind.CATEGORY_SET, data={"category": 1})
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_a_correction_is_a_new_event_and_leaves_the_original_as_it_was(coordinator, case, today):
    original = do_record_event(
        coordinator, case, EventKind.CATEGORY_SET, effective_on=today, data={"category": 1}
    )
    correction = do_correct_event(
        coordinator, original, note="It was category 2", effective_on=today
    )
    original.refresh_from_db()
    assert correction.pk != original.pk
    assert correction.kind == EventKind.CORRECTION
    assert correction.corrects == original
    assert correction.data["corrected_kind"] == EventKind.CATEGORY_SET
    assert original.data == {"category": 1}
    assert original.kind == EventKind.CATEGORY_SET


def test_case_events_cannot_be_rewritten_in_bulk(case):
    from losen.cases.models import CaseEvent

    events = CaseEvent.objects.filter(case=case)
    count = events.count()
    with pytest.raises(ValueError):
        events.update(note="rewritten")
    with pytest.raises(ValueError):
        events.delete()
    assert CaseEvent.objects.filter(case=case, note="rewritten").count() == 0
    assert CaseEvent.objects.filter(case=case).count() == count
