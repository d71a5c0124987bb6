"""The results of a measure over a report's year, for beside the answers and the exports.

The figures come from the results dashboard (`losen.reports.dashboard.build_dashboard`)
for the report's organisation and measure, January to December, always rounded as the
dashboard rounds them for a manager (losen.lib.suppression: every count to a multiple of
the threshold + 1 by its cell key): a grant report leaves the organisation. They are kept
as a plain, JSON-ready dict (`None` is an undefined share), so a submitted report can keep
the figures it was submitted with, and the JSON export carries the same structure:

    {"period": {"start": "2025-01-01", "end": "2025-12-31"},
     "suppressed": true, "small_count_threshold": 4, "rounded_to": 5,
     "flow": {"referred": 12, "started": 9, "active_end_of_period": null, "exited": 7},
     "exit_outcomes": {"work": {"count": 5, "share": 0.714}, "education": {...}, ...},
     "work_or_education": {"count": 5, "share": 0.714},
     "durability": [{"months": 6, "reached": 5, "in_work_or_education": 5, "share": 1.0},
                    {"months": 12, ...}],
     "cost": null | {"monthly_cost": 12000.0, "participants": 9, "participant_months": 41.2,
                     "total_cost": 494400, "cost_per_participant": 54933},
     "computed_at": "2026-01-15T10:12:00+00:00"}

Referred, started and exited count the cases of the measure (cases with an enrolment in
it) in the year; active is at the end of December (or the end of the year so far). They
are the dashboard's running totals at December: the same cases as the manager's month
table, so the same rounded counts, and no subtraction between the two gives back a
count from 1 to the threshold.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from losen.grants.models import GrantReport
from losen.lib.suppression import configured_threshold, rounding_base
from losen.outcomes.codes import TOP_LEVEL
from losen.programs.queries import can_see_costs
from losen.reports.dashboard import build_dashboard

SHARE_DIGITS = 3


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, SHARE_DIGITS)


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _last(values: list[int | None]) -> int | None:
    return values[-1] if values else None


def compute(report: GrantReport, *, with_costs: bool) -> dict[str, Any]:
    """The report's figures now, suppressed."""
    board = build_dashboard(
        organisation_id=report.organisation_id,
        start=datetime.date(report.year, 1, 1),
        end=datetime.date(report.year, 12, 1),
        suppressed=True,
        measure_id=report.measure_id,
        with_costs=with_costs,
    )
    figures: dict[str, Any] = {
        "period": {"start": board.start.isoformat(), "end": board.end.isoformat()},
        "suppressed": True,
        "small_count_threshold": configured_threshold(),
        "rounded_to": rounding_base(threshold=configured_threshold()),
        "flow": {
            "referred": _last(board.column("cumulative_referred")),
            "started": _last(board.column("cumulative_started")),
            "active_end_of_period": _last(board.column("active_end_of_month")),
            "exited": _last(board.column("cumulative_exited")),
        },
        "exit_outcomes": {
            top: {"count": share.count, "share": _share(share.share)}
            for top, share in board.exits.items()
        },
        "work_or_education": {
            "count": board.work_or_education.count if board.work_or_education else None,
            "share": _share(board.work_or_education.share) if board.work_or_education else None,
        },
        "durability": [
            {
                "months": f.months,
                "reached": f.reached,
                "in_work_or_education": f.in_work_or_education,
                "share": _share(f.share),
            }
            for f in board.follow_ups
        ],
        "cost": None,
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }
    if with_costs:
        # With the measure chosen, the cost table has its one row (none without enrolments).
        row = board.costs[0] if board.costs else None
        figures["cost"] = {
            "monthly_cost": _number(report.measure.monthly_cost),
            "participants": board.total_participants,
            "participant_months": _number(row.participant_months) if row else 0,
            "total_cost": _number(board.total_cost),
            "cost_per_participant": _number(board.total_cost_per_participant),
        }
    return figures


def figures_for(report: GrantReport, actor: Any) -> dict[str, Any]:
    """What the actor sees: the submitted figures of a submitted report, else today's.

    Costs only for those who see the organisation's costs (team leads, administrators,
    managers; losen.programs.queries.can_see_costs).
    """
    if report.is_submitted and report.submitted_figures is not None:
        return report.submitted_figures
    return compute(report, with_costs=can_see_costs(actor, report.organisation_id))


def exit_rows(figures: dict[str, Any]) -> list[tuple[str, int | None, float | None]]:
    """(label, count, share) per exit outcome, in the code list's order."""
    outcomes = figures.get("exit_outcomes", {})
    return [
        (str(label), outcomes.get(top, {}).get("count"), outcomes.get(top, {}).get("share"))
        for top, label in TOP_LEVEL.items()
    ]
