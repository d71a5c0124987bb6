"""Referrals, consent, applications, team meetings, cases, journal and case events."""

from losen.cases.models.core import TRANSITIONS, Case, CaseEvent, CaseState, EventKind
from losen.cases.models.intake import (
    Application,
    Consent,
    ConsentPurpose,
    ConsentRecipient,
    Referral,
    ReferralSource,
    ScopeAnswer,
    Signature,
)
from losen.cases.models.meetings import (
    AgendaItem,
    Decision,
    MeetingAttendee,
    MeetingInvitation,
    TeamMeeting,
)
from losen.cases.models.work import (
    ActionPlan,
    Category,
    CategoryAssessment,
    Goal,
    JournalNote,
    Mapping,
    MappingAspect,
    MappingDomain,
    MappingScore,
    PlanStep,
)

__all__ = [
    "TRANSITIONS",
    "ActionPlan",
    "AgendaItem",
    "Application",
    "Case",
    "CaseEvent",
    "CaseState",
    "Category",
    "CategoryAssessment",
    "Consent",
    "ConsentPurpose",
    "ConsentRecipient",
    "Decision",
    "EventKind",
    "Goal",
    "JournalNote",
    "Mapping",
    "MappingAspect",
    "MappingDomain",
    "MappingScore",
    "MeetingAttendee",
    "MeetingInvitation",
    "PlanStep",
    "Referral",
    "ReferralSource",
    "ScopeAnswer",
    "Signature",
    "TeamMeeting",
]
