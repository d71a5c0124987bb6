"""Who reads and who writes an organisation's reference figures and targets.

Team leads, administrators and managers read them on their own pages; coordinators see
them on the dashboard only. Administrators and team leads enter reference figures; an
administrator sets targets for the whole organisation or any team, a team lead for the
teams they lead. Everyone else gets 404, as if the figure did not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from losen.accounts.models import Role, User
from losen.accounts.scope import scope_of
from losen.reports.models import ReferenceFigure, Target

READER_ROLES = (Role.TEAM_LEAD, Role.ADMIN, Role.MANAGER)
WRITER_ROLES = (Role.TEAM_LEAD, Role.ADMIN)


def _org_ids(actor: User, roles: tuple[Role, ...]) -> frozenset[int]:
    return frozenset(m.organisation_id for m in scope_of(actor).memberships if m.role in roles)


def reader_org_ids(actor: User) -> frozenset[int]:
    return _org_ids(actor, READER_ROLES)


def writer_org_ids(actor: User) -> frozenset[int]:
    return _org_ids(actor, WRITER_ROLES)


def can_read(actor: User, organisation_id: int) -> bool:
    return organisation_id in reader_org_ids(actor)


def can_write_references(actor: User, organisation_id: int) -> bool:
    return organisation_id in writer_org_ids(actor)


def target_team_ids(actor: User, organisation_id: int) -> frozenset[int]:
    """The teams a team lead sets targets for in the organisation."""
    scope = scope_of(actor)
    return frozenset(
        m.team_id
        for m in scope.memberships
        if m.role == Role.TEAM_LEAD and m.organisation_id == organisation_id and m.team_id
    )


def can_write_target(actor: User, organisation_id: int, team_id: int | None) -> bool:
    """Whether the actor may set a target for the organisation (team None) or a team."""
    if organisation_id in scope_of(actor).admin_org_ids:
        return True
    return team_id is not None and team_id in target_team_ids(actor, organisation_id)


def can_set_targets(actor: User, organisation_id: int) -> bool:
    scope = scope_of(actor)
    return organisation_id in scope.admin_org_ids or bool(target_team_ids(actor, organisation_id))


def references_visible_to(actor: User) -> QuerySet[ReferenceFigure]:
    return ReferenceFigure.objects.filter(organisation_id__in=reader_org_ids(actor))


def targets_visible_to(actor: User) -> QuerySet[Target]:
    return Target.objects.filter(organisation_id__in=reader_org_ids(actor))


def get_reference_for(actor: User, figure_id: int, *, to_change: bool = False) -> ReferenceFigure:
    """The reference figure, if the actor reads it (and, `to_change`, may change it)."""
    figure = references_visible_to(actor).select_related("organisation").filter(pk=figure_id)
    found = figure.first()
    if found is None:
        raise Http404("No such reference figure.")
    if to_change and not can_write_references(actor, found.organisation_id):
        raise Http404("The actor reads this reference figure but may not change it.")
    return found


def get_target_for(actor: User, target_id: int, *, to_change: bool = False) -> Target:
    """The target, if the actor reads it (and, `to_change`, may change it)."""
    found = (
        targets_visible_to(actor)
        .select_related("organisation", "team", "measure")
        .filter(pk=target_id)
        .first()
    )
    if found is None:
        raise Http404("No such target.")
    if to_change and not can_write_target(actor, found.organisation_id, found.team_id):
        raise Http404("The actor reads this target but may not change it.")
    return found
