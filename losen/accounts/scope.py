"""What an actor may reach: computed once per request from their memberships.

Every permission-checked getter and `visible_to` queryset in the later apps starts
from `scope_of(actor)`, so the rules for who sees what are written once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from losen.accounts.models import CASEWORK_ROLES, Membership, Role, User


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_superuser: bool = False
    # Teams in which the actor works with individual young people (coordinator, team lead).
    casework_team_ids: frozenset[int] = field(default_factory=frozenset)
    lead_team_ids: frozenset[int] = field(default_factory=frozenset)
    volunteer_team_ids: frozenset[int] = field(default_factory=frozenset)
    # Organisations the actor administers (sees every young person of).
    admin_org_ids: frozenset[int] = field(default_factory=frozenset)
    # Organisations whose aggregates the actor sees (manager, funder).
    aggregate_org_ids: frozenset[int] = field(default_factory=frozenset)
    org_ids: frozenset[int] = field(default_factory=frozenset)
    memberships: tuple[Membership, ...] = ()

    @property
    def can_read_people(self) -> bool:
        return bool(self.casework_team_ids or self.admin_org_ids)

    @property
    def can_register_people(self) -> bool:
        return bool(self.casework_team_ids)

    def can_show_identity_numbers(self) -> bool:
        return self.can_read_people

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    def holds(self, organisation_ids: Iterable[int | None], *roles: str) -> bool:
        """Whether the actor has one of `roles` in one of the organisations."""
        wanted = set(organisation_ids)
        return any(m.organisation_id in wanted and m.role in roles for m in self.memberships)

    def casework_teams(self) -> list:
        return [m.team for m in self.memberships if m.role in CASEWORK_ROLES and m.team]


ANONYMOUS = Scope(user_id=None)


def scope_of(actor: User) -> Scope:
    """The actor's scope, cached on the user object for the rest of the request."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return ANONYMOUS
    cached = getattr(actor, "_losen_scope", None)
    if cached is not None:
        return cached
    memberships = tuple(
        Membership.objects.filter(user=actor).select_related("team", "organisation")
    )
    casework = frozenset(
        m.team_id for m in memberships if m.role in CASEWORK_ROLES and m.team_id is not None
    )
    scope = Scope(
        user_id=actor.pk,
        is_superuser=actor.is_superuser,
        casework_team_ids=casework,
        lead_team_ids=frozenset(
            m.team_id for m in memberships if m.role == Role.TEAM_LEAD and m.team_id
        ),
        volunteer_team_ids=frozenset(
            m.team_id for m in memberships if m.role == Role.VOLUNTEER and m.team_id
        ),
        admin_org_ids=frozenset(m.organisation_id for m in memberships if m.role == Role.ADMIN),
        aggregate_org_ids=frozenset(
            m.organisation_id for m in memberships if m.role in (Role.MANAGER, Role.FUNDER)
        ),
        org_ids=frozenset(m.organisation_id for m in memberships),
        memberships=memberships,
    )
    actor._losen_scope = scope  # type: ignore[attr-defined]
    return scope


def users_managed_by(actor: User) -> QuerySet[User]:
    """The user accounts `actor` administers: their password, e-mail, name and flags.

    A superuser manages everyone. An organisation's administrator manages a user only
    if every one of the user's memberships is in an organisation they administer: a
    user who also works elsewhere is managed by the superuser (the administrator may
    still change the memberships in their own organisation), and so is a user with no
    membership at all and every superuser. Otherwise adding a membership in one's own
    organisation would hand over anyone's account.
    """
    if actor.is_active and actor.is_superuser:
        return User.objects.all()
    orgs = scope_of(actor).admin_org_ids
    if not orgs:
        return User.objects.none()
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    return (
        User.objects.filter(is_superuser=False)
        .filter(Exists(memberships.filter(organisation__in=orgs)))
        .exclude(Exists(memberships.exclude(organisation__in=orgs)))
    )
