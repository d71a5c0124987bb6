"""Reads for measures, staircases, enrolments and sessions, scoped to the actor.

Measures belong to an organisation, not to a young person, so anyone who works in the
organisation reads them (coordinators, team leads, administrators, managers); team leads
and administrators define them. An enrolment is part of a case: it is opened only through
the case getter (`get_case_for`), which answers 404 to anyone who may not see the case.
Volunteers see the sessions of their organisation's measures and the first names of their
own team's participants, nothing else.

On lists that span teams (a measure's waiting list, a session's attendance) a participant
is named only to those who may see their case; the others see a position in the queue.

Counts of young people (places taken, the waiting list) are exact for those who do
casework in the organisation and rounded by the cases' cell keys for everyone else who
reads the measures (managers, administrators without casework; `counts_rounded_for`),
with the same record keys as the results page (losen.lib.suppression), so the same cases
give the same figure on both and no difference between them is a count from 1 to 4.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from losen.accounts.models import Role, User
from losen.accounts.scope import scope_of
from losen.audit.models import Purpose
from losen.cases.models import Case
from losen.cases.queries.core import cases_visible_to, get_case_for
from losen.lib import suppression
from losen.programs.models import Enrolment, Measure, Session, Staircase

# Who reads an organisation's measures, who defines them, who sees what they cost.
READER_ROLES = (Role.COORDINATOR, Role.TEAM_LEAD, Role.ADMIN, Role.MANAGER)
MANAGER_ROLES = (Role.TEAM_LEAD, Role.ADMIN)
COST_ROLES = (Role.TEAM_LEAD, Role.ADMIN, Role.MANAGER)
# Who sees an organisation's sessions (the volunteers too).
SESSION_ROLES = (*READER_ROLES, Role.VOLUNTEER)


def _org_ids(actor: User, roles: tuple[Role, ...]) -> frozenset[int]:
    scope = scope_of(actor)
    return frozenset(m.organisation_id for m in scope.memberships if m.role in roles)


def measure_org_ids(actor: User) -> frozenset[int]:
    """Organisations whose measures the actor reads."""
    return _org_ids(actor, READER_ROLES)


def managed_org_ids(actor: User) -> frozenset[int]:
    """Organisations whose measures and staircases the actor defines."""
    return _org_ids(actor, MANAGER_ROLES)


def can_see_costs(actor: User, organisation_id: int) -> bool:
    return organisation_id in _org_ids(actor, COST_ROLES)


def can_manage_measures(actor: User, organisation_id: int) -> bool:
    return organisation_id in managed_org_ids(actor)


def sees_only_aggregates(actor: User, organisation_id: int) -> bool:
    """A manager of the organisation who does no casework in it."""
    scope = scope_of(actor)
    if organisation_id in scope.admin_org_ids:
        return False
    return not any(
        m.organisation_id == organisation_id and m.role in (Role.COORDINATOR, Role.TEAM_LEAD)
        for m in scope.memberships
    )


def measures_visible_to(actor: User) -> QuerySet[Measure]:
    return Measure.objects.filter(organisation_id__in=measure_org_ids(actor))


def staircases_visible_to(actor: User) -> QuerySet[Staircase]:
    return Staircase.objects.filter(organisation_id__in=measure_org_ids(actor))


def get_measure_for(actor: User, measure_id: int | str) -> Measure:
    """The measure, if it belongs to an organisation the actor works in. 404 otherwise."""
    try:
        return (
            measures_visible_to(actor)
            .select_related("organisation", "staircase")
            .get(pk=int(measure_id))
        )
    except (Measure.DoesNotExist, ValueError, TypeError):
        raise Http404("No such measure.") from None


def get_measure_to_manage(actor: User, measure_id: int | str) -> Measure:
    """The measure, if the actor defines the organisation's measures. 404 otherwise."""
    measure = get_measure_for(actor, measure_id)
    if not can_manage_measures(actor, measure.organisation_id):
        raise Http404("Only team leads and administrators change measures.")
    return measure


def get_staircase_to_manage(actor: User, staircase_id: int | str) -> Staircase:
    try:
        staircase = staircases_visible_to(actor).get(pk=int(staircase_id))
    except (Staircase.DoesNotExist, ValueError, TypeError):
        raise Http404("No such staircase.") from None
    if not can_manage_measures(actor, staircase.organisation_id):
        raise Http404("Only team leads and administrators change staircases.")
    return staircase


@dataclass(frozen=True)
class Places:
    """A measure's places: exact counts of young people, with their cell keys.

    `taken_key` and `waiting_key` are the cell keys (losen.lib.suppression) of the
    cases taking part and of the cases waiting: the sums of the same record keys the
    results page counts with, so the same cases round to the same figure there and here.
    """

    capacity: int | None
    taken: int
    waiting: int
    taken_key: int = 0
    waiting_key: int = 0

    @property
    def free(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity


def places_of(measures: list[Measure]) -> dict[int, Places]:
    """Places taken and the waiting list's length for each measure, in one query."""
    cases: dict[tuple[int, str], set[int]] = defaultdict(set)
    rows = Enrolment.objects.filter(
        measure__in=measures, status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.WAITING]
    ).values_list("measure_id", "status", "case_id")
    for measure_id, status, case_id in rows:
        cases[(measure_id, status)].add(case_id)
    key = suppression.key_coefficients("case").key

    def count(measure: Measure, status: str) -> tuple[int, int]:
        found = cases.get((measure.pk, status), set())
        return len(found), suppression.cell_key(key(pk) for pk in found)

    places = {}
    for m in measures:
        taken, taken_key = count(m, Enrolment.Status.ACTIVE)
        waiting, waiting_key = count(m, Enrolment.Status.WAITING)
        places[m.pk] = Places(m.capacity, taken, waiting, taken_key, waiting_key)
    return places


def counts_rounded_for(actor: User, organisation_id: int) -> bool:
    """Whether the actor sees the organisation's counts of young people rounded.

    Exact for those who do casework in the organisation (coordinators and team leads:
    they enrol young people and need the free places); rounded by cell key for everyone
    else who reads its measures (managers, and administrators without casework), as on
    the results page, so that no subtraction between the two gives a count from 1 to 4.
    """
    scope = scope_of(actor)
    return not any(
        m.organisation_id == organisation_id and m.role in (Role.COORDINATOR, Role.TEAM_LEAD)
        for m in scope.memberships
    )


def shown_count(count: int, key: int, *, rounded: bool) -> int:
    """A count of young people as the viewer sees it: exact, or rounded by its cell key."""
    if not rounded:
        return count
    return suppression.round_count(count, key, threshold=suppression.configured_threshold())


@dataclass(frozen=True)
class ShownPlaces:
    """A measure's places as one viewer sees them. `free` is None when it is hidden (no
    limit, or a rounded count: capacity minus a rounded count is no count of places)."""

    taken: int
    free: int | None
    waiting: int
    rounded: bool


def shown_places(places: Places, *, rounded: bool) -> ShownPlaces:
    return ShownPlaces(
        taken=shown_count(places.taken, places.taken_key, rounded=rounded),
        free=None if rounded else places.free,
        waiting=shown_count(places.waiting, places.waiting_key, rounded=rounded),
        rounded=rounded,
    )


@dataclass
class StaircaseRow:
    measure: Measure
    places: Places


@dataclass
class StaircaseView:
    staircase: Staircase | None  # None: the measures outside any staircase
    rows: list[StaircaseRow]


def staircases_with_measures(actor: User) -> list[StaircaseView]:
    """The actor's organisations' staircases, each with its measures in step order."""
    staircases = list(staircases_visible_to(actor).order_by("organisation__name", "name"))
    measures = list(
        measures_visible_to(actor)
        .select_related("staircase", "organisation")
        .order_by("step", "name")
    )
    places = places_of(measures)
    views = [
        StaircaseView(
            staircase=s,
            rows=[StaircaseRow(m, places[m.pk]) for m in measures if m.staircase_id == s.pk],
        )
        for s in staircases
    ]
    loose = [StaircaseRow(m, places[m.pk]) for m in measures if m.staircase_id is None]
    if loose:
        views.append(StaircaseView(staircase=None, rows=loose))
    return views


def waiting_list(measure: Measure) -> QuerySet[Enrolment]:
    """The measure's waiting list, first in line first."""
    return (
        measure.enrolments.filter(status=Enrolment.Status.WAITING)
        .select_related("case__person", "case__team")
        .order_by("waitlisted_at", "id")
    )


def active_enrolments(measure: Measure) -> QuerySet[Enrolment]:
    return measure.enrolments.filter(status=Enrolment.Status.ACTIVE)


def visible_case_ids(actor: User, case_ids) -> set[int]:
    """Which of these cases the actor may see (to name the participant or not)."""
    return set(cases_visible_to(actor).filter(pk__in=list(case_ids)).values_list("pk", flat=True))


def enrolments_of(case: Case) -> QuerySet[Enrolment]:
    """The case's enrolments: open ones first, then the ended, newest first."""
    return case.enrolments.select_related("measure", "measure__staircase").order_by(
        "end_on", "-start_on", "waitlisted_at", "-id"
    )


def open_enrolments(case: Case) -> QuerySet[Enrolment]:
    return case.enrolments.filter(
        status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.WAITING]
    ).select_related("measure")


def get_enrolment_for(
    actor: User,
    case_id: int | str,
    enrolment_id: int | str,
    purpose: Purpose | str = Purpose.FOLLOW_UP,
) -> Enrolment:
    """The case's enrolment, through the case getter (which logs the read). 404 otherwise."""
    case = get_case_for(actor, case_id, purpose, what="enrolment")
    try:
        enrolment = case.enrolments.select_related("measure", "measure__staircase").get(
            pk=int(enrolment_id)
        )
    except (Enrolment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such enrolment.") from None
    enrolment.case = case
    return enrolment


def enrollable_measures(case: Case) -> QuerySet[Measure]:
    """Measures in use in the case's organisation."""
    return Measure.objects.filter(organisation_id=case.organisation_id, is_active=True).order_by(
        "staircase__name", "step", "name"
    )


def steps_up_from(enrolment: Enrolment) -> QuerySet[Measure]:
    """Measures higher up the same staircase, the next step first."""
    measure = enrolment.measure
    if measure.staircase_id is None or measure.step is None:
        return Measure.objects.none()
    return Measure.objects.filter(
        staircase_id=measure.staircase_id, step__gt=measure.step, is_active=True
    ).order_by("step", "name")


# Sessions


def session_org_ids(actor: User) -> frozenset[int]:
    return _org_ids(actor, SESSION_ROLES)


def sessions_visible_to(actor: User) -> QuerySet[Session]:
    return Session.objects.filter(measure__organisation_id__in=session_org_ids(actor))


def get_measure_for_sessions(actor: User, measure_id: int | str) -> Measure:
    """The measure whose sessions the actor sees (volunteers included). 404 otherwise."""
    try:
        return Measure.objects.select_related("organisation").get(
            pk=int(measure_id), organisation_id__in=session_org_ids(actor)
        )
    except (Measure.DoesNotExist, ValueError, TypeError):
        raise Http404("No such measure.") from None


def get_session_for(actor: User, measure_id: int | str, session_id: int | str) -> Session:
    measure = get_measure_for_sessions(actor, measure_id)
    try:
        session = measure.sessions.get(pk=int(session_id))
    except (Session.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session.") from None
    session.measure = measure
    return session


def can_register_attendance(actor: User, measure: Measure) -> bool:
    """Coordinators, team leads and administrators of the measure's organisation."""
    scope = scope_of(actor)
    if measure.organisation_id in scope.admin_org_ids:
        return True
    return any(
        m.organisation_id == measure.organisation_id
        and m.role in (Role.COORDINATOR, Role.TEAM_LEAD)
        for m in scope.memberships
    )


def attendance_list(actor: User, session: Session) -> list[Enrolment]:
    """Who takes part in the measure on the session's day, as far as the actor may know.

    Participants are shown to the teams that follow their case (coordinators, team leads
    and volunteers of that team) and to the organisation's administrators.
    """
    scope = scope_of(actor)
    day = timezone.localtime(session.starts_at).date()
    teams = scope.casework_team_ids | scope.volunteer_team_ids
    enrolments = (
        session.measure.enrolments.filter(
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.ENDED],
            start_on__lte=day,
        )
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .filter(Q(case__team_id__in=teams) | Q(case__organisation_id__in=scope.admin_org_ids))
        .select_related("case__person")
        .order_by("case__person__first_name", "case__person__last_name", "id")
    )
    return list(enrolments)


def attendance_marks(session: Session) -> dict[int, bool]:
    """Recorded attendance of the session: enrolment id → present."""
    return dict(session.attendance.values_list("enrolment_id", "present"))


def upcoming_sessions(actor: User, *, since: datetime.datetime) -> QuerySet[Session]:
    return (
        sessions_visible_to(actor)
        .filter(starts_at__gte=since)
        .select_related("measure")
        .order_by("starts_at", "id")
    )


def case_page_url(case_id: int) -> str:
    """The case page. Written by the cases app; the literal path until its URL is named."""
    try:
        return reverse("cases:detail", args=[case_id])
    except NoReverseMatch:
        return f"/cases/{case_id}/"
