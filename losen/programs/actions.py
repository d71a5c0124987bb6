"""Every write to measures, staircases, enrolments, sessions and attendance.

Each writes its change-log row; those about a case also write the case event
(`enrolment_waitlisted`, `enrolment_started`, `enrolment_ended`).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from losen.accounts.models import Organisation, User
from losen.audit.actions import do_log_change
from losen.cases.actions.core import do_record_event, do_transition_case
from losen.cases.models import Case, CaseState, EventKind
from losen.cases.queries.core import cases_visible_to
from losen.lib.errors import NotAllowed
from losen.programs.models import Attendance, Enrolment, Measure, Session, Staircase
from losen.programs.queries import can_manage_measures, can_register_attendance

MEASURE_FIELDS = (
    "name",
    "description",
    "kind",
    "planned_weeks",
    "capacity",
    "monthly_cost",
    "staircase",
    "step",
    "adults",
    "is_active",
)
STAIRCASE_FIELDS = ("name", "description")
# A case takes part in measures while it is accepted or active.
ENROLLABLE_STATES = (CaseState.ACCEPTED, CaseState.ACTIVE)


class DuplicateName(Exception):
    """The organisation already has a measure or staircase with this name."""


class CaseNotEnrollable(Exception):
    """Only accepted and active cases take part in measures."""


class AlreadyEnrolled(Exception):
    """The case is already taking part in, or waiting for, this measure."""


class EnrolmentNotOpen(Exception):
    """The enrolment has ended already."""


class EndBeforeStart(Exception):
    """An enrolment cannot end before it started."""


class NotAStepUp(Exception):
    """The measure is not higher up the same staircase."""


class NoFreePlace(Exception):
    pass


class NobodyWaiting(Exception):
    pass


# Staircases and measures


def _require_manager(actor: User, organisation_id: int) -> None:
    if not can_manage_measures(actor, organisation_id):
        raise NotAllowed("Only team leads and administrators define measures.")


@transaction.atomic
def do_create_staircase(
    actor: User, organisation: Organisation, *, name: str, description: str = ""
) -> Staircase:
    _require_manager(actor, organisation.pk)
    try:
        with transaction.atomic():
            staircase = Staircase.objects.create(
                organisation=organisation, name=name, description=description
            )
    except IntegrityError:
        raise DuplicateName() from None
    do_log_change(
        actor,
        action="staircase.created",
        obj=staircase,
        organisation_id=organisation.pk,
        changed_fields=STAIRCASE_FIELDS,
    )
    return staircase


@transaction.atomic
def do_update_staircase(actor: User, staircase: Staircase, **fields: object) -> list[str]:
    _require_manager(actor, staircase.organisation_id)
    return _update(actor, staircase, STAIRCASE_FIELDS, fields, action="staircase.updated")


def _check_staircase(organisation_id: int, staircase: Staircase | None) -> None:
    if staircase is not None and staircase.organisation_id != organisation_id:
        raise NotAllowed("The staircase belongs to another organisation.")


@transaction.atomic
def do_create_measure(actor: User, organisation: Organisation, **fields: object) -> Measure:
    """A new measure of the organisation. `fields` are those of MEASURE_FIELDS."""
    _require_manager(actor, organisation.pk)
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown measure fields: {sorted(unknown)}")
    _check_staircase(organisation.pk, fields.get("staircase"))  # type: ignore[arg-type]
    try:
        with transaction.atomic():
            measure = Measure.objects.create(organisation=organisation, **fields)
    except IntegrityError:
        raise DuplicateName() from None
    do_log_change(
        actor,
        action="measure.created",
        obj=measure,
        organisation_id=organisation.pk,
        changed_fields=fields.keys(),
    )
    return measure


@transaction.atomic
def do_update_measure(actor: User, measure: Measure, **fields: object) -> list[str]:
    """Change the given fields; returns the names of those that changed."""
    _require_manager(actor, measure.organisation_id)
    if "staircase" in fields:
        _check_staircase(measure.organisation_id, fields["staircase"])  # type: ignore[arg-type]
    return _update(actor, measure, MEASURE_FIELDS, fields, action="measure.updated")


def _update(actor: User, obj, allowed: tuple[str, ...], fields: dict, *, action: str) -> list[str]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(obj, name, fields[name])
    try:
        with transaction.atomic():
            obj.save(update_fields=changed)
    except IntegrityError:
        obj.refresh_from_db()
        raise DuplicateName() from None
    do_log_change(
        actor, action=action, obj=obj, organisation_id=obj.organisation_id, changed_fields=changed
    )
    return changed


# Enrolments


def planned_end(measure: Measure, start_on: datetime.date) -> datetime.date | None:
    """The start plus the measure's planned duration, if it has one."""
    if not measure.planned_weeks:
        return None
    return start_on + datetime.timedelta(weeks=measure.planned_weeks)


def _enrolment_data(enrolment: Enrolment, **extra: object) -> dict:
    return {
        "enrolment": enrolment.pk,
        "measure": enrolment.measure_id,
        "measure_name": enrolment.measure.name,
        **extra,
    }


def _log_enrolment(actor: User | None, enrolment: Enrolment, action: str, fields) -> None:
    do_log_change(
        actor,
        action=action,
        obj=enrolment,
        organisation_id=enrolment.organisation_id,
        person_id=enrolment.case.person_id,
        changed_fields=fields,
    )


def _start(
    actor: User | None,
    enrolment: Enrolment,
    *,
    start_on: datetime.date,
    planned_end_on: datetime.date | None,
) -> Enrolment:
    """Start a new or waiting enrolment: its event, and the case's first start makes it active."""
    enrolment.status = Enrolment.Status.ACTIVE
    enrolment.start_on = start_on
    enrolment.planned_end_on = planned_end_on or planned_end(enrolment.measure, start_on)
    fields = ["status", "start_on", "planned_end_on"]
    if enrolment.pk is None:
        enrolment.save()
    else:
        enrolment.save(update_fields=fields)
    case = enrolment.case
    do_record_event(
        actor,
        case,
        EventKind.ENROLMENT_STARTED,
        effective_on=start_on,
        data=_enrolment_data(
            enrolment,
            planned_end_on=enrolment.planned_end_on.isoformat()
            if enrolment.planned_end_on
            else None,
        ),
    )
    _log_enrolment(actor, enrolment, "enrolment.started", fields)
    if case.state == CaseState.ACCEPTED:
        do_transition_case(actor, case, CaseState.ACTIVE, effective_on=start_on)
    return enrolment


@transaction.atomic
def do_enrol(
    actor: User,
    case: Case,
    measure: Measure,
    *,
    start_on: datetime.date | None = None,
    planned_end_on: datetime.date | None = None,
) -> Enrolment:
    """Enrol the case in the measure: it starts if there is a free place, else it waits.

    A full measure (active enrolments >= capacity) puts the case at the end of its
    waiting list (`enrolment_waitlisted`); otherwise the enrolment starts
    (`enrolment_started`) and an accepted case becomes active. The planned end defaults
    to the start plus the measure's planned weeks.
    """
    # Lock the measure so two enrolments cannot take the last place at once.
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if measure.organisation_id != case.organisation_id:
        raise NotAllowed("The measure belongs to another organisation.")
    if case.state not in ENROLLABLE_STATES:
        raise CaseNotEnrollable()
    if case.enrolments.filter(
        measure=measure, status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.WAITING]
    ).exists():
        raise AlreadyEnrolled()
    start_on = start_on or timezone.localdate()
    if planned_end_on is not None and planned_end_on < start_on:
        raise EndBeforeStart()
    enrolment = Enrolment(
        organisation_id=case.organisation_id,
        case=case,
        measure=measure,
        created_by=actor,
    )
    taken = measure.enrolments.filter(status=Enrolment.Status.ACTIVE).count()
    if measure.capacity is not None and taken >= measure.capacity:
        enrolment.status = Enrolment.Status.WAITING
        enrolment.waitlisted_at = timezone.now()
        enrolment.save()
        position = measure.enrolments.filter(status=Enrolment.Status.WAITING).count()
        do_record_event(
            actor,
            case,
            EventKind.ENROLMENT_WAITLISTED,
            data=_enrolment_data(enrolment, position=position),
        )
        _log_enrolment(actor, enrolment, "enrolment.waitlisted", ["status", "waitlisted_at"])
        return enrolment
    return _start(actor, enrolment, start_on=start_on, planned_end_on=planned_end_on)


@transaction.atomic
def do_start_next_from_waiting_list(
    actor: User, measure: Measure, *, start_on: datetime.date | None = None
) -> Enrolment:
    """Start the first on the measure's waiting list, when a place is free."""
    _require_manager(actor, measure.organisation_id)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    taken = measure.enrolments.filter(status=Enrolment.Status.ACTIVE).count()
    if measure.capacity is not None and taken >= measure.capacity:
        raise NoFreePlace()
    first = (
        measure.enrolments.filter(status=Enrolment.Status.WAITING)
        .select_related("case", "measure")
        .order_by("waitlisted_at", "id")
        .first()
    )
    if first is None:
        raise NobodyWaiting()
    return _start(actor, first, start_on=start_on or timezone.localdate(), planned_end_on=None)


@transaction.atomic
def do_end_enrolment(
    actor: User,
    enrolment: Enrolment,
    *,
    end_on: datetime.date | None = None,
    reason: Enrolment.EndReason | str,
) -> Enrolment:
    """End an enrolment (or take it off the waiting list); the place becomes free."""
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if locked.status == Enrolment.Status.ENDED:
        raise EnrolmentNotOpen()
    end_on = end_on or timezone.localdate()
    if locked.start_on is not None and end_on < locked.start_on:
        raise EndBeforeStart()
    was = locked.status
    enrolment.status = Enrolment.Status.ENDED
    enrolment.end_on = end_on
    enrolment.end_reason = str(reason)
    enrolment.save(update_fields=["status", "end_on", "end_reason"])
    do_record_event(
        actor,
        enrolment.case,
        EventKind.ENROLMENT_ENDED,
        effective_on=end_on,
        data=_enrolment_data(enrolment, reason=str(reason), was=str(was)),
    )
    _log_enrolment(actor, enrolment, "enrolment.ended", ["status", "end_on", "end_reason"])
    return enrolment


@transaction.atomic
def do_move_up(
    actor: User,
    enrolment: Enrolment,
    to_measure: Measure,
    *,
    on: datetime.date | None = None,
    planned_end_on: datetime.date | None = None,
) -> Enrolment:
    """End the enrolment (moved up) and enrol in a higher step of the same staircase."""
    current = enrolment.measure
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise EnrolmentNotOpen()
    if current.staircase_id is None:
        raise NotAStepUp()
    if to_measure.staircase_id != current.staircase_id:
        raise NotAStepUp()
    if (to_measure.step or 0) <= (current.step or 0):
        raise NotAStepUp()
    on = on or timezone.localdate()
    do_end_enrolment(actor, enrolment, end_on=on, reason=Enrolment.EndReason.MOVED_UP)
    return do_enrol(actor, enrolment.case, to_measure, start_on=on, planned_end_on=planned_end_on)


# Sessions and attendance


@transaction.atomic
def do_add_session(
    actor: User, measure: Measure, *, number: int, starts_at: datetime.datetime, title: str = ""
) -> Session:
    _require_manager(actor, measure.organisation_id)
    session = Session.objects.create(
        measure=measure, number=number, title=title, starts_at=starts_at
    )
    do_log_change(
        actor,
        action="session.added",
        obj=session,
        organisation_id=measure.organisation_id,
        changed_fields=["number", "title", "starts_at"],
    )
    return session


def next_session_number(measure: Measure) -> int:
    last = measure.sessions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def session_days(first_day: datetime.date, weekdays: list[int], count: int) -> list[datetime.date]:
    """`count` days from `first_day` on, falling on the given weekdays (Monday = 0)."""
    wanted = set(weekdays)
    if not wanted:
        return []
    days: list[datetime.date] = []
    day = first_day
    while len(days) < count:
        if day.weekday() in wanted:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


@transaction.atomic
def do_plan_sessions(
    actor: User,
    measure: Measure,
    *,
    first_day: datetime.date,
    weekdays: list[int],
    at: datetime.time,
    count: int,
) -> list[Session]:
    """A series of sessions: e.g. "Klart jeg kan", twice a week for four weeks (count 8)."""
    number = next_session_number(measure)
    zone = timezone.get_current_timezone()
    sessions = []
    for offset, day in enumerate(session_days(first_day, weekdays, count)):
        starts_at = datetime.datetime.combine(day, at, tzinfo=zone)
        sessions.append(do_add_session(actor, measure, number=number + offset, starts_at=starts_at))
    return sessions


@transaction.atomic
def do_record_attendance(actor: User, session: Session, marks: dict[int, bool]) -> list[int]:
    """Record present (True) or absent (False) per enrolment; returns the changed ids.

    Only enrolments of the session's measure are recorded; each change is in the
    change log under the participant's person.
    """
    measure = session.measure
    if not can_register_attendance(actor, measure):
        raise NotAllowed("Only coordinators, team leads and administrators record attendance.")
    # Only participants whose case the actor may see (their teams, or the administrator's).
    enrolments = {
        e.pk: e
        for e in measure.enrolments.filter(
            pk__in=list(marks), case__in=cases_visible_to(actor)
        ).select_related("case")
    }
    existing = {a.enrolment_id: a for a in session.attendance.filter(enrolment_id__in=enrolments)}
    changed = []
    for enrolment_id, present in marks.items():
        enrolment = enrolments.get(enrolment_id)
        if enrolment is None:
            continue
        row = existing.get(enrolment_id)
        if row is None:
            row = Attendance.objects.create(
                session=session, enrolment=enrolment, present=present, recorded_by=actor
            )
        elif row.present != present:
            row.present = present
            row.recorded_by = actor
            row.save(update_fields=["present", "recorded_by"])
        else:
            continue
        changed.append(enrolment_id)
        do_log_change(
            actor,
            action="attendance.recorded",
            obj=row,
            organisation_id=enrolment.organisation_id,
            person_id=enrolment.case.person_id,
            changed_fields=["present"],
        )
    return changed
