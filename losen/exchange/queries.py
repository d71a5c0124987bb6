"""Reads of referrals between organisations: each side reads only its own record.

The sender reads its `SentReferral`s through its cases (cases.queries.core's door: the
case's team, or the organisation's administrator); the receiver reads its
`ReceivedReferral`s, which hold exactly what the consent let cross, if it does casework
in the receiving organisation (in the team referred to, when one was named). Anything
else answers 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from losen.accounts.models import Organisation, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_accesses
from losen.audit.models import Purpose
from losen.cases.queries.core import cases_visible_to, get_case_for
from losen.exchange.models import ReceivedReferral, ReferralReport, SentReferral, StatusNote
from losen.lib.dates import add_months
from losen.people.models import Person
from losen.people.queries import log_people_shown, visible_to
from losen.programs.models import Attendance


def sent_visible_to(actor: User) -> QuerySet[SentReferral]:
    return SentReferral.objects.filter(case__in=cases_visible_to(actor)).select_related(
        "to_organisation", "case", "person", "consent"
    )


def get_sent_for(actor: User, referral_id: int | str) -> SentReferral:
    """The sender's record of a referral, through its case's door (which logs the read):
    a referral whose case the actor may not see answers 404 like a missing one."""
    try:
        sent = SentReferral.objects.select_related("to_organisation", "consent").get(
            pk=int(referral_id)
        )
    except (SentReferral.DoesNotExist, ValueError, TypeError):
        raise Http404("No such referral.") from None
    case = get_case_for(actor, sent.case_id, Purpose.FOLLOW_UP, what="referral_out")
    sent.case, sent.person = case, case.person
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
    """The receiver's record of a referral; the read is logged (log_received_shown)."""
    try:
        received = received_visible_to(actor).get(pk=int(referral_id))
    except (ReceivedReferral.DoesNotExist, ValueError, TypeError):
        raise Http404("No such referral.") from None
    log_received_shown(actor, [received], what="referral_in")
    return received


def log_received_shown(actor: User, referrals: list[ReceivedReferral], *, what: str) -> None:
    """Write who read the received referrals in the young person's access log.

    Once accepted, a referral is about the receiver's own person, whose log it goes in.
    Before, the receiver has no record of the person but the referral itself: the read
    goes in the access log the sender keeps of the young person (the only one there is),
    as a read by the receiving organisation, so the young person sees who read it.
    """
    own = [(r.person_id, r.organisation_id) for r in referrals if r.person_id is not None]
    log_people_shown(actor, own, what=what)
    before = [r for r in referrals if r.person_id is None]
    if not before:
        return
    senders = dict(
        SentReferral.objects.filter(pk__in=[r.pk for r in before]).values_list("pk", "person_id")
    )
    by_organisation: dict[int, list[tuple[int, int, int | None]]] = {}
    for r in before:
        by_organisation.setdefault(r.organisation_id, []).append(
            (senders[r.pk], r.from_organisation_id, r.team_id)
        )
    for organisation_id, rows in by_organisation.items():
        do_log_accesses(
            actor,
            rows,
            purpose=Purpose.FOLLOW_UP,
            what=what,
            organisation=Organisation(pk=organisation_id),
        )


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


def attendance_in_month(case_id: int, month: datetime.date) -> dict[str, Any]:
    """The case's attendance in the sessions of its measures held in the month starting
    `month`: sessions recorded, present, and the same by measure."""
    first = month.replace(day=1)
    rows = (
        Attendance.objects.filter(
            enrolment__case_id=case_id,
            session__starts_at__date__gte=first,
            session__starts_at__date__lt=add_months(first, 1),
        )
        .values("session__measure__name")
        .annotate(sessions=Count("id"), present=Count("id", filter=Q(present=True)))
        .order_by("session__measure__name")
    )
    measures = [
        {
            "measure": row["session__measure__name"],
            "sessions": row["sessions"],
            "present": row["present"],
        }
        for row in rows
    ]
    return {
        "sessions": sum(m["sessions"] for m in measures),
        "present": sum(m["present"] for m in measures),
        "measures": measures,
    }


def pending_notes_for(actor: User) -> QuerySet[StatusNote]:
    """The status notes waiting for the actor's review (a team lead of the receiver)."""
    scope = scope_of(actor)
    lead_orgs = {m.organisation_id for m in scope.memberships if m.team_id in scope.lead_team_ids}
    return StatusNote.objects.filter(
        Q(received__team_id__in=scope.lead_team_ids)
        | Q(received__team__isnull=True, organisation_id__in=lead_orgs),
        state=StatusNote.State.DRAFT,
    ).select_related("received", "written_by")


def months_to_report(received: ReceivedReferral, today: datetime.date) -> list[datetime.date]:
    """The months over since the young person started (the last twelve at most, up to the
    exit's month) whose attendance is not reported yet, latest first."""
    if received.started_on is None:
        return []
    this_month = today.replace(day=1)
    last = (received.exit_on or today).replace(day=1)
    month = max(received.started_on.replace(day=1), add_months(this_month, -12))
    reported = set(
        ReferralReport.objects.filter(sent_id=received.pk, kind=ReferralReport.Kind.ATTENDANCE)
        .exclude(period="")
        .values_list("period", flat=True)
    )
    months = []
    while month < this_month and month <= last:
        if month.strftime("%Y-%m") not in reported:
            months.append(month)
        month = add_months(month, 1)
    return months[::-1]
