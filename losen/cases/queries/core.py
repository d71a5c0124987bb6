"""The door to cases: `cases_visible_to(actor)` and `get_case_for(actor, id, purpose)`, and
the lists of cases built on it (the cases page, the contact person's own cases).

A case is personal data about its young person, so it follows the people rules
(losen/people/queries.py): a coordinator or team lead sees the cases of their teams, an
organisation administrator every case of the organisation, nobody else any. Opening a
case writes an access-log row about its person. Anything else answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from losen.accounts.models import User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_access
from losen.audit.models import Purpose
from losen.cases.models import Case, CaseEvent, CaseState
from losen.cases.models.core import OPEN_STATES
from losen.people.holds import without_held_cases
from losen.people.queries import log_people_shown


def cases_visible_to(actor: User) -> QuerySet[Case]:
    scope = scope_of(actor)
    if not scope.can_read_people:
        return Case.objects.none()
    cases = Case.objects.filter(
        Q(team_id__in=scope.casework_team_ids) | Q(organisation_id__in=scope.admin_org_ids)
    )
    # Not the cases of an import that is still being written (losen/people/holds.py).
    return without_held_cases(cases)


def get_case_for(
    actor: User,
    case_id: int | str,
    purpose: Purpose | str = Purpose.FOLLOW_UP,
    *,
    what: str = "case",
) -> Case:
    """The case, if the actor may see it; logs the read of its person. 404 otherwise."""
    try:
        case = (
            cases_visible_to(actor)
            .select_related("person", "team", "organisation", "contact_person")
            .get(pk=int(case_id))
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case.") from None
    scope = scope_of(actor)
    team = case.team if case.team_id in scope.casework_team_ids else None
    do_log_access(
        actor,
        person_id=case.person_id,
        person_organisation_id=case.organisation_id,
        purpose=purpose,
        team=team,
        organisation=team.organisation if team else case.organisation,
        what=what,
    )
    return case


def log_cases_shown(actor: User, cases: Iterable, *, what: str) -> int:
    """A list page showed these cases (their young people's names): each person's access
    log says so (`losen.people.queries.log_people_shown`). Anything with `person_id` and
    `organisation_id` will do: a case, a referral, an application's case.
    """
    return log_people_shown(actor, ((c.person_id, c.organisation_id) for c in cases), what=what)


def is_team_lead_of(actor: User, case: Case) -> bool:
    scope = scope_of(actor)
    return case.team_id in scope.lead_team_ids or case.organisation_id in scope.admin_org_ids


def timeline(case: Case) -> QuerySet[CaseEvent]:
    """The case's events in the order they took effect (back-dated ones in their place)."""
    return case.events.select_related("recorded_by", "corrects").order_by(
        "effective_on", "recorded_at", "id"
    )


def team_members(case: Case) -> QuerySet[User]:
    """Who can be the case's contact person: coordinators and team leads of its team."""
    from losen.accounts.models import CASEWORK_ROLES

    return (
        User.objects.filter(
            is_active=True,
            memberships__team_id=case.team_id,
            memberships__role__in=[r.value for r in CASEWORK_ROLES],
        )
        .distinct()
        .order_by("full_name", "email")
    )


def filtered_cases(actor: User, *, state: str = "", team_id: int | None = None) -> QuerySet[Case]:
    """The cases the actor may see, narrowed by a state ("" open ones, "all") and a team."""
    cases = cases_visible_to(actor).select_related("person", "team", "contact_person")
    if state == "":
        cases = cases.filter(state__in=OPEN_STATES)
    elif state != "all":
        cases = cases.filter(state=CaseState(state))
    if team_id is not None:
        cases = cases.filter(team_id=team_id)
    return cases.order_by("person__last_name", "person__first_name", "id")


def my_cases(actor: User) -> QuerySet[Case]:
    """Open cases where the actor is the contact person."""
    return (
        cases_visible_to(actor)
        .filter(contact_person=actor)
        .exclude(state__in=[CaseState.ENDED, CaseState.REDIRECTED])
        .select_related("person", "team")
    )
