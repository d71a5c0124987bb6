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

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from losen.accounts.models import Team, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_access, do_log_accesses
from losen.audit.models import Purpose
from losen.people.holds import without_held_people
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
        condition |= Q(Exists(followed))
    # Not the people of an import that is still being written (losen/people/holds.py).
    return without_held_people(Person.objects.filter(condition))


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


def log_people_shown(
    actor: User,
    people: Iterable[tuple[int, int]],
    *,
    what: str,
    purpose: Purpose | str = Purpose.FOLLOW_UP,
) -> int:
    """Write in each person's access log that a list page showed them to the actor.

    `people` are (person id, person's organisation id) of the rows on the page as shown
    (one page of a paginated list, not the whole query); each person gets one row per
    page view, with `what` naming the list (see `losen.audit.exporters.what_label`),
    through the first of the actor's teams that follows them. Every page that lists
    people by name calls this with the rows it renders; the number of rows written.
    """
    unique = list(dict.fromkeys((int(p), int(o)) for p, o in people))
    if not unique:
        return 0
    team_order = [team.pk for team in scope_of(actor).casework_teams()]
    reading = reading_teams([person_id for person_id, _org in unique], team_order)
    return do_log_accesses(
        actor, ((p, o, reading.get(p)) for p, o in unique), purpose=purpose, what=what
    )


def reading_teams(person_ids: list[int], team_order: list[int]) -> dict[int, int]:
    """person id → the first of the actor's teams (in `team_order`) that follows them."""
    if not team_order:
        return {}
    rank = {team_id: index for index, team_id in enumerate(team_order)}
    reading: dict[int, int] = {}
    follows = Follow.objects.filter(person_id__in=person_ids, team_id__in=team_order)
    for person_id, team_id in follows.values_list("person_id", "team_id"):
        if person_id not in reading or rank[team_id] < rank[reading[person_id]]:
            reading[person_id] = team_id
    return reading


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
