"""Reads for exits and follow-ups. A follow-up is part of its case: it is opened only
through the case getter (`get_case_for`), which answers 404 to anyone who may not see it."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from losen.accounts.models import User
from losen.audit.models import Purpose
from losen.cases.models import Case
from losen.cases.queries.core import cases_visible_to, get_case_for
from losen.outcomes.models import ExitOutcome, FollowUp

# How far ahead the work list looks for follow-ups due.
DUE_WITHIN_DAYS = 14


def exit_of(case: Case) -> ExitOutcome | None:
    return ExitOutcome.objects.filter(case=case).first()


def follow_ups_of(case: Case) -> QuerySet[FollowUp]:
    return case.follow_ups.order_by("due_on", "id")


def get_follow_up_for(
    actor: User, follow_up_id: int | str, purpose: Purpose | str = Purpose.FOLLOW_UP
) -> FollowUp:
    """The follow-up, through its case's getter (which logs the read). 404 otherwise."""
    try:
        case_id = (
            FollowUp.objects.filter(pk=int(follow_up_id)).values_list("case_id", flat=True).first()
        )
    except (ValueError, TypeError):
        raise Http404("No such follow-up.") from None
    if case_id is None:
        raise Http404("No such follow-up.")
    case = get_case_for(actor, case_id, purpose, what="follow_up")
    follow_up = FollowUp.objects.select_related("exit").get(pk=int(follow_up_id), case=case)
    follow_up.case = case
    return follow_up


def follow_ups_due_for(
    actor: User, *, today: datetime.date | None = None, within_days: int = DUE_WITHIN_DAYS
) -> QuerySet[FollowUp]:
    """Unregistered follow-ups of the actor's cases (as contact person) due within two weeks."""
    today = today or timezone.localdate()
    return (
        FollowUp.objects.filter(
            case__in=cases_visible_to(actor).filter(contact_person=actor),
            registered_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=within_days),
        )
        .select_related("case__person", "exit")
        .order_by("due_on", "id")
    )
