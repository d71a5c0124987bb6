"""Administrative changes to organisations, user accounts and their memberships.

`do_create_organisation` sets up an organisation (tenant) and its first team; both are
written in the change log.

Every change writes Losen's change log as a row about the user (object type
`accounts.user`), memberships included, so the user's administration page lists them
all. The log names the fields, never their values: an e-mail address or a password
hash has no place in it. Each row carries the organisation it concerns (the
membership's, or for the account itself the organisation the user works in), and an
organisation's administrator sees only the rows of their own organisations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from losen.accounts.models import Country, Membership, Organisation, Team, User
from losen.audit.actions import do_log_change
from losen.audit.actors import SYSTEM_USERS
from losen.audit.models import ChangeLog
from losen.lib.orgnumbers import InvalidOrganisationNumber, normalize_organisation_number

MEMBERSHIP_FIELDS = ("organisation", "team", "role")
DEFAULT_TEAM_NAME = "Team"


def _field_names(changed: Iterable[str]) -> list[str]:
    """Form field names as the log records them: every password field is `password`."""
    return sorted({"password" if "password" in name else name for name in changed})


def _organisation_of(user: User) -> int | None:
    """The organisation a change to the account itself is filed under: the user's first."""
    return (
        Membership.objects.filter(user=user)
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .first()
    )


def _log_user_change(
    actor: User, user: User, action: str, fields: Iterable[str], organisation_id: int | None
) -> ChangeLog:
    return do_log_change(
        actor,
        action=action,
        obj=user,
        organisation_id=organisation_id,
        changed_fields=_field_names(fields),
    )


@transaction.atomic
def system_user(email: str) -> User:
    """One of Losen's own accounts (`SYSTEM_USERS`, e.g. `LIST_IMPORT_USER`), the actor of
    what an import writes; made on first use, inactive and without a usable password."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": SYSTEM_USERS[email][0], "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def do_create_user(
    actor: User, user: User, *, fields: Iterable[str], memberships: Sequence[Membership] = ()
) -> User:
    """Save a new user (its fields and password already set) with its first memberships."""
    user.save()
    organisations = sorted(m.organisation_id for m in memberships)
    _log_user_change(
        actor, user, "user.created", fields, organisations[0] if organisations else None
    )
    for membership in memberships:
        membership.user = user
        do_add_membership(actor, membership)
    return user


def do_change_user(actor: User, user: User, *, fields: Iterable[str]) -> None:
    """Save the fields an administrator changed on a user (no-op when none changed)."""
    names = _field_names(fields)
    if not names:
        return
    user.save(update_fields=names)
    _log_user_change(actor, user, "user.updated", names, _organisation_of(user))


def do_set_user_password(actor: User, user: User, password: str | None) -> None:
    """Set a user's password, or with None turn password log-in off for them."""
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    _log_user_change(actor, user, "user.password_set", ["password"], _organisation_of(user))


def do_add_membership(actor: User, membership: Membership) -> Membership:
    membership.save()
    _log_user_change(
        actor,
        membership.user,
        "user.membership_added",
        MEMBERSHIP_FIELDS,
        membership.organisation_id,
    )
    return membership


def do_change_membership(actor: User, membership: Membership, *, fields: Iterable[str]) -> None:
    names = _field_names(fields)
    if not names:
        return
    membership.save(update_fields=names)
    _log_user_change(
        actor, membership.user, "user.membership_changed", names, membership.organisation_id
    )


def do_remove_membership(actor: User, membership: Membership) -> None:
    user, organisation_id = membership.user, membership.organisation_id
    membership.delete()
    _log_user_change(actor, user, "user.membership_removed", MEMBERSHIP_FIELDS, organisation_id)


def do_set_user_language(actor: User, user: User, language: str) -> None:
    """Set the user's interface language ('' for their organisation's default)."""
    if user.language == language:
        return
    user.language = language
    do_change_user(actor, user, fields=["language"])


# Organisations -------------------------------------------------------------------------


class OrganisationRefused(Exception):
    pass


def do_create_organisation(
    name: str,
    *,
    kind: str,
    number: str = "",
    country: str = Country.NORWAY,
    team_name: str = DEFAULT_TEAM_NAME,
) -> tuple[Organisation, Team]:
    name, team_name = name.strip(), team_name.strip()
    country = country.strip().upper()
    if not name:
        raise OrganisationRefused("The organisation needs a name.")
    if not team_name:
        raise OrganisationRefused("The team needs a name.")
    if kind not in Organisation.Kind.values:
        raise OrganisationRefused(
            f"Unknown kind {kind!r}: one of {', '.join(Organisation.Kind.values)}."
        )
    if country not in Country.values:
        raise OrganisationRefused(
            f"Unknown country {country!r}: one of {', '.join(Country.values)}."
        )
    org_number = ""
    if number.strip():
        try:
            org_number = normalize_organisation_number(number, country)
        except InvalidOrganisationNumber as exc:
            raise OrganisationRefused(f"Organisation number {number!r}: {exc.message}") from None
    with transaction.atomic():
        same_number = (
            Organisation.objects.filter(country=country, org_number=org_number).first()
            if org_number
            else None
        )
        if same_number:
            raise OrganisationRefused(
                f"{same_number.name} already has the organisation number {org_number}."
            )
        if Organisation.objects.filter(name__iexact=name).exists():
            raise OrganisationRefused(f"An organisation called {name!r} already exists.")
        organisation = Organisation.objects.create(
            name=name, kind=kind, country=country, org_number=org_number
        )
        team = Team.objects.create(organisation=organisation, name=team_name)
        do_log_change(
            None, action="create_organisation", obj=organisation, organisation_id=organisation.pk
        )
        do_log_change(None, action="create_team", obj=team, organisation_id=organisation.pk)
    return organisation, team
