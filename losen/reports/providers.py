"""What became of the young people referred to other organisations, apart from our own.

Read from our own case events, as every figure: `referred_out` when a case was referred to
another organisation's measure, `reported_back` for each report that organisation sent
while the consent lasted (losen/exchange). A young person counts once per row: referred
out, taken in, declined, started at the provider, each exit outcome there, and in work
or education at the follow-ups 6 and 12 months after that exit. Outside the team every
count is rounded by its cases' cell key, as everywhere (losen/lib/suppression.py).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from losen.cases.models import CaseEvent, EventKind
from losen.lib import suppression
from losen.outcomes.codes import TOP_LEVEL

IN_WORK_OR_EDUCATION = ("work", "education")


@dataclass(frozen=True)
class ProviderRow:
    key: str
    label: str
    count: int | None


def _row_keys() -> list[tuple[str, str]]:
    rows = [
        ("referred_out", str(_("Referred to another organisation"))),
        ("accepted", str(_("Taken in by the receiving organisation"))),
        ("declined", str(_("Declined by the receiving organisation"))),
        ("started", str(_("Started in a measure there"))),
    ]
    rows += [
        (f"ended:{top}", str(_("Exited there to: %(outcome)s") % {"outcome": label}))
        for top, label in TOP_LEVEL.items()
    ]
    rows += [
        (
            f"follow_up:{months}",
            str(_("In work or education %(months)s months after that exit") % {"months": months}),
        )
        for months in (6, 12)
    ]
    return rows


def provider_rows(
    *,
    organisation_id: int,
    start: datetime.date,
    end: datetime.date,
    suppressed: bool,
    threshold: int,
    team_id: int | None = None,
) -> list[ProviderRow]:
    """The period's figures through other organisations (`end` is the period's last day)."""
    events = CaseEvent.objects.filter(
        organisation_id=organisation_id,
        kind__in=[EventKind.REFERRED_OUT, EventKind.REPORTED_BACK],
        effective_on__gte=start,
        effective_on__lte=end,
    )
    if team_id is not None:
        events = events.filter(case__team_id=team_id)
    cases: dict[str, set[int]] = defaultdict(set)
    for kind, case_id, data in events.values_list("kind", "case_id", "data"):
        data = data or {}
        if kind == EventKind.REFERRED_OUT:
            cases["referred_out"].add(case_id)
            continue
        report = data.get("report")
        if report in ("accepted", "declined", "started"):
            cases[report].add(case_id)
        elif report == "ended":
            top = data.get("top_code") or "unknown"
            cases[f"ended:{top if top in TOP_LEVEL else 'unknown'}"].add(case_id)
        elif report == "follow_up" and data.get("top_code") in IN_WORK_OR_EDUCATION:
            cases[f"follow_up:{data.get('months')}"].add(case_id)
    key = suppression.key_coefficients("case").key
    rows = []
    for name, label in _row_keys():
        found = cases.get(name, set())
        count = len(found)
        if suppressed:
            cell = suppression.cell_key(key(pk) for pk in found)
            count = suppression.round_count(count, cell, threshold=threshold)
        rows.append(ProviderRow(name, label, count))
    return rows
