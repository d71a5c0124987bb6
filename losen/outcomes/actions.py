"""Every write about a case's exit and its follow-ups; each writes its case event and
change-log row."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from losen.accounts.models import User
from losen.audit.actions import do_log_change
from losen.cases.actions.core import do_record_event, do_transition_case
from losen.cases.models import Case, CaseState, EventKind
from losen.lib.dates import add_months
from losen.outcomes import codes
from losen.outcomes.models import FOLLOW_UP_MONTHS, ExitOutcome, FollowUp
from losen.programs.actions import do_end_enrolment
from losen.programs.models import Enrolment

# A case ends with an exit outcome from these states.
EXITABLE_STATES = (CaseState.ACCEPTED, CaseState.ACTIVE)


class UnknownCode(Exception):
    """The code is not on the exit outcome code list."""


class CaseCannotExit(Exception):
    """Only an accepted or active case ends with an exit outcome."""


class AlreadyExited(Exception):
    pass


class InvalidExitDate(Exception):
    """In the future, before the case opened, or before an open enrolment started."""


class AlreadyRegistered(Exception):
    """A follow-up is registered once."""


class StatusRequired(Exception):
    """A reached young person's status is required."""


class InvalidFollowUpDate(Exception):
    """In the future, or before the exit."""


def _code(code: str) -> codes.OutcomeCode:
    try:
        outcome = codes.get(code)
    except KeyError:
        raise UnknownCode(code) from None
    if outcome.retired_in:  # kept to read older exits, not offered for new ones
        raise UnknownCode(code)
    return outcome


def _code_data(outcome: codes.OutcomeCode) -> dict[str, str]:
    return {
        "code": outcome.code,
        "top_code": outcome.top,
        "version": codes.CODE_LIST_VERSION,
        "ot_code": outcome.ot_code,
    }


def earliest_exit_date(case: Case) -> datetime.date:
    """An exit cannot be dated before the case opened or an open enrolment started."""
    starts = [
        e.start_on
        for e in case.enrolments.filter(status=Enrolment.Status.ACTIVE)
        if e.start_on is not None
    ]
    return max([case.opened_on, *starts])


@transaction.atomic
def do_exit(
    actor: User,
    case: Case,
    *,
    code: str,
    exited_on: datetime.date,
    note: str = "",
) -> ExitOutcome:
    """End the case with an exit outcome (may be back-dated).

    Ends the open enrolments (reason case_ended), records the outcome with the code
    list's version, writes the `exit` event, moves the case to ended and creates the
    follow-ups at 6 and 12 months after the exit date.
    """
    outcome = _code(code)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state not in EXITABLE_STATES:
        raise CaseCannotExit()
    if ExitOutcome.objects.filter(case=locked).exists():
        raise AlreadyExited()
    if exited_on > timezone.localdate():
        raise InvalidExitDate()
    if exited_on < earliest_exit_date(locked):
        raise InvalidExitDate()
    for enrolment in case.enrolments.filter(
        status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.WAITING]
    ).select_related("measure", "case"):
        do_end_enrolment(actor, enrolment, end_on=exited_on, reason=Enrolment.EndReason.CASE_ENDED)
    try:
        with transaction.atomic():
            exit_outcome = ExitOutcome.objects.create(
                organisation_id=case.organisation_id,
                case=case,
                exited_on=exited_on,
                code=outcome.code,
                top_code=outcome.top,
                code_list_version=codes.CODE_LIST_VERSION,
                note=note,
                recorded_by=actor,
            )
    except IntegrityError:
        raise AlreadyExited() from None
    do_record_event(
        actor, case, EventKind.EXIT, effective_on=exited_on, data=_code_data(outcome), note=note
    )
    do_log_change(
        actor,
        action="case.exited",
        obj=exit_outcome,
        organisation_id=case.organisation_id,
        person_id=case.person_id,
        changed_fields=["exited_on", "code", "top_code", "code_list_version", "note"],
    )
    do_transition_case(actor, case, CaseState.ENDED, effective_on=exited_on)
    for months in FOLLOW_UP_MONTHS:
        follow_up = FollowUp.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            exit=exit_outcome,
            months=months,
            due_on=add_months(exited_on, months),
        )
        do_log_change(
            actor,
            action="follow_up.planned",
            obj=follow_up,
            organisation_id=case.organisation_id,
            person_id=case.person_id,
            changed_fields=["months", "due_on"],
        )
    return exit_outcome


@transaction.atomic
def do_register_follow_up(
    actor: User,
    follow_up: FollowUp,
    *,
    reached: bool,
    code: str = "",
    registered_on: datetime.date | None = None,
    note: str = "",
) -> FollowUp:
    """Register the follow-up once: reached or not, and (if reached) the status then."""
    registered_on = registered_on or timezone.localdate()
    outcome = _code(code) if code else None
    if reached and outcome is None:
        raise StatusRequired()
    if registered_on > timezone.localdate():
        raise InvalidFollowUpDate()
    if registered_on < follow_up.exit.exited_on:
        raise InvalidFollowUpDate()
    changes = {
        "registered_on": registered_on,
        "reached": reached,
        "code": outcome.code if outcome else "",
        "top_code": outcome.top if outcome else "",
        "code_list_version": codes.CODE_LIST_VERSION if outcome else "",
        "note": note,
        "registered_by": actor,
    }
    # Registered once: a second registration (or a racing one) changes nothing.
    updated = FollowUp.objects.filter(pk=follow_up.pk, registered_on__isnull=True).update(**changes)
    if updated == 0:
        raise AlreadyRegistered()
    follow_up.refresh_from_db()
    case = follow_up.case
    do_record_event(
        actor,
        case,
        EventKind.FOLLOW_UP_REGISTERED,
        effective_on=registered_on,
        data={
            "follow_up": follow_up.pk,
            "months": follow_up.months,
            "reached": reached,
            **(_code_data(outcome) if outcome else {}),
        },
        note=note,
    )
    do_log_change(
        actor,
        action="follow_up.registered",
        obj=follow_up,
        organisation_id=follow_up.organisation_id,
        person_id=case.person_id,
        changed_fields=[name for name in changes if name != "registered_by"],
    )
    return follow_up
