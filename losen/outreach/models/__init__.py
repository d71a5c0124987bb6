"""Outreach: target lists and their people, the contact ladder, statuses, the KAA register."""

from losen.outreach.models.exports import StatutoryExport
from losen.outreach.models.kaa import KaaMeasure, KaaMeasureVersion, KaaRecord
from losen.outreach.models.ladder import ContactAttempt, LadderConfig, Notice
from losen.outreach.models.lists import (
    LeaveReason,
    ListImport,
    ListMembership,
    MembershipChange,
    PendingPerson,
    Scheme,
    SchoolStatus,
    StatusChange,
    TargetEntry,
)

__all__ = [
    "ContactAttempt",
    "KaaMeasure",
    "KaaMeasureVersion",
    "KaaRecord",
    "LadderConfig",
    "LeaveReason",
    "ListImport",
    "ListMembership",
    "MembershipChange",
    "Notice",
    "PendingPerson",
    "SchoolStatus",
    "Scheme",
    "StatusChange",
    "StatutoryExport",
    "TargetEntry",
]
