"""The work list: the first page of a coordinator or team lead, composed from the apps.

Each section is a read scoped to the actor (their cases as contact person, their teams'
referrals and meetings); nothing from other teams appears.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from losen.accounts.models import User
from losen.cases.models import (
    Application,
    Case,
    MeetingInvitation,
    PlanStep,
    Referral,
    TeamMeeting,
)
from losen.cases.queries.core import log_cases_shown, my_cases
from losen.cases.queries.intake import (
    applications_awaiting_signature,
    new_referrals_for,
    passed_on_to,
)
from losen.cases.queries.meetings import invitations_for, next_meeting_for
from losen.outcomes.models import FollowUp
from losen.outcomes.queries import DUE_WITHIN_DAYS, follow_ups_due_for

# Long lists are cut in the work list; the count says how many there are in all.
SECTION_LIMIT = 50


@dataclass
class Section:
    items: list
    count: int


@dataclass
class WorkList:
    today: datetime.date
    horizon: datetime.date
    my_cases: Section
    follow_ups_due: Section
    plan_steps_due: Section
    applications: Section
    referrals: Section
    passed_on: Section
    next_meeting: TeamMeeting | None
    next_meeting_url: str | None
    # Invitations to other teams' meetings, to answer (no young person is named in them).
    invitations: list[MeetingInvitation]


def _section(queryset: QuerySet) -> Section:
    items = list(queryset[:SECTION_LIMIT])
    count = len(items) if len(items) < SECTION_LIMIT else queryset.count()
    return Section(items=items, count=count)


def plan_steps_due_for(
    actor: User, *, today: datetime.date, within_days: int = DUE_WITHIN_DAYS
) -> QuerySet[PlanStep]:
    """Planned or started steps of my cases' action plans with a deadline within two weeks."""
    return (
        PlanStep.objects.filter(
            plan__case__in=my_cases(actor),
            deadline__lte=today + datetime.timedelta(days=within_days),
            status__in=[PlanStep.Status.PLANNED, PlanStep.Status.IN_PROGRESS],
        )
        .select_related("plan__case__person")
        .order_by("deadline", "id")
    )


def _meeting_url(meeting: TeamMeeting | None) -> str | None:
    if meeting is None:
        return None
    try:
        return reverse("meetings:detail", args=[meeting.pk])
    except NoReverseMatch:
        return None


def work_list_for(actor: User, *, today: datetime.date | None = None) -> WorkList:
    today = today or timezone.localdate()
    meeting = next_meeting_for(actor)
    cases: QuerySet[Case] = my_cases(actor).order_by("person__last_name", "person__first_name")
    follow_ups: QuerySet[FollowUp] = follow_ups_due_for(actor, today=today)
    applications: QuerySet[Application] = applications_awaiting_signature(actor)
    referrals: QuerySet[Referral] = new_referrals_for(actor)
    work = WorkList(
        today=today,
        horizon=today + datetime.timedelta(days=DUE_WITHIN_DAYS),
        my_cases=_section(cases),
        follow_ups_due=_section(follow_ups),
        plan_steps_due=_section(plan_steps_due_for(actor, today=today)),
        applications=_section(applications),
        referrals=_section(referrals),
        passed_on=_section(passed_on_to(actor)),
        next_meeting=meeting,
        next_meeting_url=_meeting_url(meeting),
        invitations=list(invitations_for(actor)),
    )
    log_cases_shown(actor, _cases_shown(work), what="list:worklist")
    return work


def _cases_shown(work: WorkList) -> list:
    """What carries the name of a young person in the work list (each has person_id)."""
    return [
        *work.my_cases.items,
        *(follow_up.case for follow_up in work.follow_ups_due.items),
        *(step.plan.case for step in work.plan_steps_due.items),
        *(application.case for application in work.applications.items),
        *work.referrals.items,
        *work.passed_on.items,
    ]
