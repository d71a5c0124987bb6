"""Reads of referrals between organisations: each side reads only its own record.

The sender reads its `SentReferral`s through its cases (cases.queries.core's door: the
case's team, or the organisation's administrator); the receiver reads its
`ReceivedReferral`s, which hold exactly what the consent let cross, if it does casework
in the receiving organisation (in the team referred to, when one was named). Anything
else answers 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from losen.accounts.models import User
from losen.accounts.scope import scope_of
from losen.audit.models import Purpose
from losen.cases.queries.core import cases_visible_to, get_case_for
from losen.exchange.models import ReceivedReferral, SentReferral
from losen.people.models import Person
from losen.people.queries import log_people_shown, visible_to


def sent_visible_to(actor: User) -> QuerySet[SentReferral]:
    return SentReferral.objects.filter(case__in=cases_visible_to(actor)).select_related(
        "to_organisation", "case", "person", "consent"
    )


def get_sent_for(actor: User, referral_id: int | str) -> SentReferral:
    """The sender's record of a referral, through its case's door (which logs the read)."""
    try:
        sent = sent_visible_to(actor).get(pk=int(referral_id))
    except (SentReferral.DoesNotExist, ValueError, TypeError):
        raise Http404("No such referral.") from None
    get_case_for(actor, sent.case_id, Purpose.FOLLOW_UP, what="referral_out")
    return sent


def received_visible_to(actor: User) -> QuerySet[ReceivedReferral]:
    scope = scope_of(actor)
    casework_orgs = {
        m.organisation_id for m in scope.memberships if m.team_id in scope.casework_team_ids
    }
    return ReceivedReferral.objects.filter(
        Q(team__isnull=True, organisation_id__in=casework_orgs)
        | Q(team_id__in=scope.casework_team_ids)
    ).select_related("from_organisation", "organisation", "team", "case")


def get_received_for(actor: User, referral_id: int | str) -> ReceivedReferral:
    """The receiver's record of a referral. Once accepted it is about the receiver's own
    person, whose access log says it was read; before, the record itself is the
    receiver's record of what came in."""
    try:
        received = received_visible_to(actor).get(pk=int(referral_id))
    except (ReceivedReferral.DoesNotExist, ValueError, TypeError):
        raise Http404("No such referral.") from None
    if received.person_id is not None:
        log_people_shown(
            actor, [(received.person_id, received.organisation_id)], what="referral_in"
        )
    return received


def same_person_candidates(actor: User, received: ReceivedReferral) -> list[Person]:
    """The receiver's own people the actor sees with the shared birth date and a shared
    name: offered to join, never joined silently."""
    shared = received.shared
    if "birth_date" not in shared:
        return []
    return list(
        visible_to(actor)
        .filter(organisation_id=received.organisation_id, birth_date=shared["birth_date"])
        .filter(
            Q(last_name__iexact=shared.get("last_name", ""))
            | Q(first_name__iexact=shared.get("first_name", ""))
        )
        .order_by("last_name", "first_name")[:10]
    )


def sent_of_case(case_id: int) -> QuerySet[SentReferral]:
    """The case's referrals to other organisations (for the case page, whose door opened)."""
    return SentReferral.objects.filter(case_id=case_id).select_related("to_organisation")
