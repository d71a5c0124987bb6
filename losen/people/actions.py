"""Every write to a young person's record. Each writes its change-log row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from losen.accounts.models import Team, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_change
from losen.lib import crypto
from losen.lib.errors import NotAllowed, StaleEdit
from losen.lib.idnumbers import IdentityNumber
from losen.people.models import Follow, Guardian, Person

# Fields a coordinator edits on the person form (the identity number is handled apart).
EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "phone",
    "email",
    "address",
    "postal_code",
    "city",
    "municipality",
    "country",
    "preferred_language",
)


class DuplicateIdentityNumber(Exception):
    """A person with this identity number is already registered in the organisation."""

    def __init__(self, existing: Person):
        super().__init__("duplicate identity number")
        self.existing = existing


@dataclass(frozen=True)
class PersonData:
    first_name: str
    last_name: str
    birth_date: datetime.date
    phone: str = ""
    email: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    municipality: str = ""
    country: str = "NO"
    preferred_language: str = "nb"


def _identity_fields(number: IdentityNumber | None) -> dict[str, str]:
    if number is None:
        return {
            "id_number_encrypted": "",
            "id_number_hash": "",
            "id_number_kind": "",
            "id_number_masked": "",
        }
    return {
        "id_number_encrypted": crypto.encrypt(number.value),
        "id_number_hash": crypto.lookup_hash(number.value),
        "id_number_kind": str(number.kind),
        "id_number_masked": number.masked(),
    }


def _date_is_the_birth_date(number: IdentityNumber | None) -> bool:
    """Whether the number's date is the person's birth date, and so wins over a typed one.

    A coordination number's date may be the day it was registered, and a number of the
    2032 series gives no date at all: for those the registered birth date stands.
    """
    return number is not None and number.birth_date is not None and not number.date_may_differ


def find_by_identity_number(organisation_id: int, number: IdentityNumber) -> Person | None:
    """The person with this number in the organisation, if any (for duplicate detection).

    Not a read of personal data: callers only learn that the record exists, and open
    it through get_person_for.
    """
    return (
        Person.objects.filter(
            organisation_id=organisation_id, id_number_hash=crypto.lookup_hash(number.value)
        )
        # Says what the partial unique index says, so the database can use it.
        .exclude(id_number_hash="")
        .only("id", "organisation_id")
        .first()
    )


def count_same_name_and_birth_date(
    organisation_id: int, first_name: str, last_name: str, birth_date: datetime.date
) -> int:
    return Person.objects.filter(
        organisation_id=organisation_id,
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        birth_date=birth_date,
    ).count()


@transaction.atomic
def do_register_person(
    actor: User,
    *,
    team: Team,
    data: PersonData,
    identity_number: IdentityNumber | None,
    guardian: dict[str, str] | None = None,
) -> Person:
    """Register a young person in the team's organisation; the team follows them.

    `guardian` (name, relation, phone, email) is registered with them, in one step:
    a young person under 18 is never without a guardian to contact.
    """
    scope = scope_of(actor)
    if team.pk not in scope.casework_team_ids:
        raise NotAllowed("The actor does not work in this team.")
    if identity_number is not None:
        existing = find_by_identity_number(team.organisation_id, identity_number)
        if existing is not None:
            raise DuplicateIdentityNumber(existing)
    now = timezone.now()
    person = Person(
        organisation_id=team.organisation_id,
        created_at=now,
        updated_at=now,
        **{name: getattr(data, name) for name in EDITABLE_FIELDS},
        **_identity_fields(identity_number),
    )
    if _date_is_the_birth_date(identity_number):
        assert identity_number is not None and identity_number.birth_date is not None
        person.birth_date = identity_number.birth_date
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Two registrations of the same number raced; the other one won.
        assert identity_number is not None
        existing = find_by_identity_number(team.organisation_id, identity_number)
        if existing is None:
            raise
        raise DuplicateIdentityNumber(existing) from None
    Follow.objects.create(person=person, team=team, organisation_id=team.organisation_id)
    do_log_change(
        actor,
        action="person.registered",
        obj=person,
        organisation_id=person.organisation_id,
        person_id=person.pk,
        changed_fields=[*EDITABLE_FIELDS, *(["identity_number"] if identity_number else [])],
    )
    if guardian:
        do_add_guardian(actor, person, **guardian)
    return person


@transaction.atomic
def do_update_person(
    actor: User,
    person: Person,
    *,
    data: PersonData,
    expected_version: int,
    identity_number: IdentityNumber | None = None,
    clear_identity_number: bool = False,
) -> list[str]:
    """Save the edited fields, unless someone else saved since `expected_version`.

    Returns the names of the fields that changed. Raises StaleEdit with the current
    record when the version moved on: the second save is refused, never merged silently.
    """
    changes: dict[str, object] = {}
    for name in EDITABLE_FIELDS:
        new = getattr(data, name)
        if getattr(person, name) != new:
            changes[name] = new
    changed_names = list(changes)
    if identity_number is not None:
        if identity_number.value != _decrypted_or_empty(person):
            existing = find_by_identity_number(person.organisation_id, identity_number)
            if existing is not None and existing.pk != person.pk:
                raise DuplicateIdentityNumber(existing)
            changes.update(_identity_fields(identity_number))
            if _date_is_the_birth_date(
                identity_number
            ) and identity_number.birth_date != changes.get("birth_date", person.birth_date):
                changes["birth_date"] = identity_number.birth_date
                if "birth_date" not in changed_names:
                    changed_names.append("birth_date")
            changed_names.append("identity_number")
    elif clear_identity_number and person.id_number_hash:
        changes.update(_identity_fields(None))
        changed_names.append("identity_number")

    if not changes:
        if person.version != expected_version:
            raise StaleEdit(Person.objects.get(pk=person.pk))
        return []
    now = timezone.now()
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
        **changes, version=F("version") + 1, updated_at=now
    )
    if updated == 0:
        raise StaleEdit(Person.objects.get(pk=person.pk))
    person.refresh_from_db()
    do_log_change(
        actor,
        action="person.updated",
        obj=person,
        organisation_id=person.organisation_id,
        person_id=person.pk,
        changed_fields=changed_names,
    )
    return changed_names


def _decrypted_or_empty(person: Person) -> str:
    return crypto.decrypt(person.id_number_encrypted) if person.id_number_encrypted else ""


@transaction.atomic
def do_add_guardian(
    actor: User,
    person: Person,
    *,
    name: str,
    relation: str,
    phone: str = "",
    email: str = "",
    address: str = "",
) -> Guardian:
    guardian = Guardian.objects.create(
        person=person,
        organisation_id=person.organisation_id,
        name=name,
        relation=relation,
        phone=phone,
        email=email,
        address=address,
    )
    do_log_change(
        actor,
        action="guardian.added",
        obj=guardian,
        organisation_id=person.organisation_id,
        person_id=person.pk,
        changed_fields=["name", "relation", "phone", "email", "address"],
    )
    return guardian


@transaction.atomic
def do_remove_guardian(actor: User, guardian: Guardian) -> None:
    person_id, organisation_id, pk = guardian.person_id, guardian.organisation_id, guardian.pk
    guardian.delete()
    guardian.pk = pk
    do_log_change(
        actor,
        action="guardian.removed",
        obj=guardian,
        organisation_id=organisation_id,
        person_id=person_id,
    )


def can_manage_follows(actor: User, person: Person) -> bool:
    """The organisation's administrator, or a team lead of a team that follows the person."""
    scope = scope_of(actor)
    if person.organisation_id in scope.admin_org_ids:
        return True
    return Follow.objects.filter(person=person, team_id__in=scope.lead_team_ids).exists()


class LastFollowingTeam(Exception):
    """A person must stay followed by at least one team."""


@transaction.atomic
def do_follow_person(actor: User | None, person: Person, team: Team) -> Follow:
    if team.organisation_id != person.organisation_id:
        raise NotAllowed("A team can only follow people of its own organisation.")
    follow, created = Follow.objects.get_or_create(
        person=person, team=team, defaults={"organisation_id": person.organisation_id}
    )
    if created:
        do_log_change(
            actor,
            action="person.followed",
            obj=follow,
            organisation_id=person.organisation_id,
            person_id=person.pk,
            changed_fields=["team"],
        )
    return follow


@transaction.atomic
def do_unfollow_person(actor: User, person: Person, team: Team) -> None:
    follows = Follow.objects.select_for_update().filter(person=person)
    follow = follows.filter(team=team).first()
    if follow is None:
        return
    if follows.count() <= 1:
        raise LastFollowingTeam()
    pk = follow.pk
    follow.delete()
    follow.pk = pk
    do_log_change(
        actor,
        action="person.unfollowed",
        obj=follow,
        organisation_id=person.organisation_id,
        person_id=person.pk,
        changed_fields=["team"],
    )
