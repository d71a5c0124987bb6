"""Reads for the coordinator's work list that belong to the cases app."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from losen.accounts.models import User
from losen.accounts.scope import scope_of
from losen.cases.models import Application, Case, CaseState, Referral, TeamMeeting
from losen.cases.queries import cases_visible_to


def my_cases(actor: User) -> QuerySet[Case]:
    """Open cases where the actor is the contact person."""
    return (
        cases_visible_to(actor)
        .filter(contact_person=actor)
        .exclude(state__in=[CaseState.ENDED, CaseState.REDIRECTED])
        .select_related("person", "team")
    )


def applications_awaiting_signature(actor: User) -> QuerySet[Application]:
    """Applications in the actor's teams that the young person has not signed yet."""
    return (
        Application.objects.filter(
            case__in=cases_visible_to(actor).filter(
                state__in=[CaseState.REFERRED, CaseState.ASSESSMENT, CaseState.WAITING_LIST]
            ),
            youth_signed_at__isnull=True,
        )
        .select_related("case__person", "case__team")
        .order_by("created_at")
    )


def new_referrals_for(actor: User) -> QuerySet[Referral]:
    """Referrals to the actor's teams whose case has not been decided on yet."""
    scope = scope_of(actor)
    return (
        Referral.objects.filter(
            team_id__in=scope.casework_team_ids,
            case__state__in=[CaseState.REFERRED, CaseState.ASSESSMENT],
        )
        .select_related("person", "team", "case")
        .order_by("referred_on", "id")
    )


def next_meeting_for(actor: User) -> TeamMeeting | None:
    """The next team meeting of one of the actor's teams, or one they are invited to."""
    scope = scope_of(actor)
    now = timezone.now()
    own = TeamMeeting.objects.filter(team_id__in=scope.casework_team_ids, starts_at__gte=now)
    invited = TeamMeeting.objects.filter(attendees__user=actor, starts_at__gte=now)
    return (own | invited).distinct().select_related("team").order_by("starts_at").first()
