"""Counts of the people on a list by status at a cut-off date, reproducible later.

A count is made "as known at" a moment: only what was recorded by then is read (the
people on the list, their leaving, their status changes). Made again later with the same
cut-off date and the same moment, it gives the same figures, whatever was recorded in
between, back-dated or not. A count made without a moment reads everything known now;
the statutory exports store the moment they were made at.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import OuterRef, QuerySet, Subquery

from losen.outreach import statuses
from losen.outreach.ladder import in_group_on
from losen.outreach.models import StatusChange, TargetEntry


def status_counts(
    organisation_id: int,
    scheme: str,
    day: datetime.date,
    *,
    known_at: datetime.datetime | None = None,
    team_id: int | None = None,
) -> Counter:
    """People in the target group on `day` by their status that day (code -> count)."""
    return Counter(
        code
        for _pk, code in statuses_on(
            organisation_id, scheme, day, known_at=known_at, team_id=team_id
        )
    )


def statuses_on(
    organisation_id: int,
    scheme: str,
    day: datetime.date,
    *,
    known_at: datetime.datetime | None = None,
    team_id: int | None = None,
) -> list[tuple[int, str]]:
    """(entry id, status code) of each person in the target group on `day`."""
    entries: QuerySet[TargetEntry] = TargetEntry.objects.shown().filter(
        organisation_id=organisation_id
    )
    if team_id is not None:
        entries = entries.filter(team_id=team_id)
    entries = in_group_on(entries, scheme, day, known_at=known_at)
    changes = StatusChange.objects.filter(entry_id=OuterRef("pk"), effective_on__lte=day)
    if known_at is not None:
        changes = changes.filter(recorded_at__lte=known_at)
    latest = changes.order_by("-effective_on", "-recorded_at", "-id").values("code")[:1]
    return [
        (pk, statuses.canonical(scheme, code) if code else statuses.INITIAL[scheme])
        for pk, code in entries.annotate(code=Subquery(latest)).values_list("pk", "code")
    ]
