"""Who may import a programme's history, and into which teams.

An organisation's administrator imports into any team of the organisation; a team lead
into the teams they lead (the cases become that team's). Nobody else imports.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from losen.accounts.models import Team, User
from losen.accounts.scope import scope_of


def can_import(actor: User) -> bool:
    scope = scope_of(actor)
    return bool(scope.admin_org_ids or scope.lead_team_ids)


def importable_teams(actor: User) -> QuerySet[Team]:
    scope = scope_of(actor)
    if not (scope.admin_org_ids or scope.lead_team_ids):
        return Team.objects.none()
    return (
        Team.objects.filter(
            Q(organisation_id__in=scope.admin_org_ids) | Q(pk__in=scope.lead_team_ids)
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
