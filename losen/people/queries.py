"""The one door to a young person's data.

`visible_to(actor)` is the only way to list people; `get_person_for(actor, id, purpose)`
is the only way to open one. Both start from the actor's scope (losen/accounts/scope.py):

- a coordinator or team lead sees the people their teams follow;
- an organisation administrator sees every person of their organisation;
- managers, funders and volunteers see no individual (aggregates and sessions only);
- nobody sees another organisation's people.

Anything outside that answers 404, exactly as if it did not exist, and every opening
writes an access-log row.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from losen.accounts.models import Team, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_access
from losen.audit.models import Purpose
from losen.people.models import Follow, Person


def visible_to(actor: User) -> QuerySet[Person]:
    scope = scope_of(actor)
    if not scope.can_read_people:
        return Person.objects.none()
    condition = Q(organisation_id__in=scope.admin_org_ids)
    if scope.casework_team_ids:
        followed = Follow.objects.filter(
            person_id=OuterRef("pk"), team_id__in=scope.casework_team_ids
        )
        condition |= Exists(followed)
    return Person.objects.filter(condition)


def reading_team(actor: User, person: Person) -> Team | None:
    """The actor's team through which they see the person (for the access log)."""
    scope = scope_of(actor)
    followed = set(
        Follow.objects.filter(person=person, team_id__in=scope.casework_team_ids).values_list(
            "team_id", flat=True
        )
    )
    for team in scope.casework_teams():
        if team.pk in followed:
            return team
    return None


def get_person_for(
    actor: User, person_id: int | str, purpose: Purpose | str, *, what: str = "person"
) -> Person:
    """The person, if the actor may see them; logs the read. 404 otherwise."""
    try:
        person = visible_to(actor).select_related("organisation").get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person.") from None
    team = reading_team(actor, person)
    organisation = team.organisation if team else person.organisation
    do_log_access(
        actor,
        person_id=person.pk,
        person_organisation_id=person.organisation_id,
        purpose=purpose,
        team=team,
        organisation=organisation,
        what=what,
    )
    return person


def reveal_identity_number_for(actor: User, person_id: int | str) -> tuple[Person, str]:
    """The person and their identity number in the clear; the showing is logged.

    Only roles that work with individual young people see numbers; for anyone else the
    person does not exist (404), as everywhere else.
    """
    from losen.lib import crypto

    if not scope_of(actor).can_show_identity_numbers():
        raise Http404("No such person.")
    person = get_person_for(actor, person_id, Purpose.IDENTITY_NUMBER, what="identity_number")
    number = crypto.decrypt(person.id_number_encrypted) if person.id_number_encrypted else ""
    return person, number


def search(queryset: QuerySet[Person], text: str) -> QuerySet[Person]:
    """Narrow a visible queryset by name words, or by an exact identity number."""
    from losen.lib import crypto
    from losen.lib.idnumbers import InvalidIdentityNumber, parse_identity_number

    text = text.strip()
    if not text:
        return queryset
    digits = text.replace(" ", "").replace("-", "").replace("+", "")
    if digits.isdigit() and len(digits) in (10, 11, 12):
        try:
            number = parse_identity_number(text, allow_synthetic=True)
        except InvalidIdentityNumber:
            return queryset.none()
        # The exclude repeats the partial unique index's condition, so it can be used.
        return queryset.filter(id_number_hash=crypto.lookup_hash(number.value)).exclude(
            id_number_hash=""
        )
    for word in text.split():
        queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return queryset
