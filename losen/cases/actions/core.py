"""Case events, state transitions and the contact person."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from losen.accounts.models import User
from losen.audit.actions import do_log_change
from losen.cases.models import Case, CaseEvent, CaseState, EventKind


class InvalidTransition(Exception):
    def __init__(self, case: Case, to: str):
        super().__init__(f"A case cannot go from {case.state} to {to}.")
        self.case = case
        self.to = to


class NotAContactPerson(Exception):
    """The user does not work in the case's team."""


def do_record_event(
    actor: User | None,
    case: Case,
    kind: EventKind | str,
    *,
    effective_on: datetime.date | None = None,
    data: dict | None = None,
    note: str = "",
    corrects: CaseEvent | None = None,
) -> CaseEvent:
    """Append an event to the case's log. `effective_on` may be back-dated."""
    return CaseEvent.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        person_id=case.person_id,
        kind=kind,
        effective_on=effective_on or timezone.localdate(),
        recorded_by=actor,
        data=data or {},
        note=note,
        corrects=corrects,
    )


@transaction.atomic
def do_correct_event(
    actor: User,
    event: CaseEvent,
    *,
    note: str,
    effective_on: datetime.date | None = None,
    data: dict | None = None,
) -> CaseEvent:
    """A correction is a new event pointing at the one it corrects; the old one stays."""
    return do_record_event(
        actor,
        event.case,
        EventKind.CORRECTION,
        effective_on=effective_on or event.effective_on,
        data={"corrected_kind": event.kind, **(data or {})},
        note=note,
        corrects=event,
    )


@transaction.atomic
def do_transition_case(
    actor: User | None,
    case: Case,
    to: CaseState | str,
    *,
    effective_on: datetime.date | None = None,
    note: str = "",
    extra: dict | None = None,
) -> CaseEvent:
    """Move the case to another state, if the state machine allows it, with its event."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.can_move_to(to):
        raise InvalidTransition(locked, to)
    previous = locked.state
    changes: dict[str, object] = {"state": to}
    if to == CaseState.ENDED:
        changes["ended_on"] = effective_on or timezone.localdate()
    Case.objects.filter(pk=case.pk).update(**changes)
    case.refresh_from_db()
    event = do_record_event(
        actor,
        case,
        EventKind.STATE_CHANGED,
        effective_on=effective_on,
        data={"from": previous, "to": str(to), **(extra or {})},
        note=note,
    )
    do_log_change(
        actor,
        action="case.state_changed",
        obj=case,
        organisation_id=case.organisation_id,
        person_id=case.person_id,
        changed_fields=["state"],
    )
    return event


def _works_in_team(user: User, case: Case) -> bool:
    from losen.cases.queries.core import team_members

    return team_members(case).filter(pk=user.pk).exists()


@transaction.atomic
def do_assign_contact_person(
    actor: User,
    case: Case,
    contact_person: User,
    *,
    effective_on: datetime.date | None = None,
    note: str = "",
) -> CaseEvent | None:
    """Give the case its contact person (or a new one); the change is an event."""
    if not _works_in_team(contact_person, case):
        raise NotAContactPerson()
    previous_id = (
        Case.objects.select_for_update().values_list("contact_person_id", flat=True).get(pk=case.pk)
    )
    if previous_id == contact_person.pk:
        return None
    Case.objects.filter(pk=case.pk).update(contact_person=contact_person)
    case.refresh_from_db()
    do_log_change(
        actor,
        action="case.contact_person_assigned",
        obj=case,
        organisation_id=case.organisation_id,
        person_id=case.person_id,
        changed_fields=["contact_person"],
    )
    return do_record_event(
        actor,
        case,
        EventKind.CONTACT_PERSON_ASSIGNED,
        effective_on=effective_on,
        data={
            "from": previous_id,
            "to": contact_person.pk,
            "to_name": contact_person.get_full_name(),
        },
        note=note,
    )


@transaction.atomic
def do_hand_over_cases(
    actor: User,
    cases: Iterable[Case],
    to: User,
    *,
    note: str,
) -> list[CaseEvent]:
    """Move a leaving or absent coordinator's cases to another in one step, with a note."""
    events = []
    for case in cases:
        event = do_assign_contact_person(actor, case, to, note=note)
        if event is not None:
            events.append(event)
    return events


@transaction.atomic
def do_flag_for_meeting(actor: User, case: Case, *, reason: str) -> None:
    Case.objects.filter(pk=case.pk).update(flagged_for_meeting=True, flag_reason=reason)
    case.refresh_from_db()
    do_log_change(
        actor,
        action="case.flagged",
        obj=case,
        organisation_id=case.organisation_id,
        person_id=case.person_id,
        changed_fields=["flagged_for_meeting"],
    )


@transaction.atomic
def do_open_case(
    actor: User | None,
    person,
    team,
    *,
    opened_on: datetime.date | None = None,
) -> Case:
    """A new case for the person in the team, in state `referred` (intake adds the event)."""
    if person.organisation_id != team.organisation_id:
        raise ValueError("A team opens cases only for people of its own organisation.")
    case = Case.objects.create(
        organisation_id=team.organisation_id,
        team=team,
        person=person,
        state=CaseState.REFERRED,
        opened_on=opened_on or timezone.localdate(),
    )
    do_log_change(
        actor,
        action="case.opened",
        obj=case,
        organisation_id=case.organisation_id,
        person_id=case.person_id,
        changed_fields=["team", "state"],
    )
    return case
