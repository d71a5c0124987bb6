"""The dashboard's tables, defined once: the page, the PDF and the CSV/XLSX exports read them.

The table, its cells and its exporter are generic and live in `losen.lib.tables`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from losen.lib.tables import Days, Pct, Table
from losen.outcomes.codes import TOP_LEVEL
from losen.reports.dashboard import Dashboard, Spread
from losen.reports.milestones import CONTACT, EXIT, START, TIMED
from losen.reports.results import COUNTS

COLUMN_LABELS = {
    "referred": gettext_lazy("Referred"),
    "started": gettext_lazy("Started"),
    "active_end_of_month": gettext_lazy("Active at the end of the month"),
    "exited": gettext_lazy("Exited"),
    "exit_work": gettext_lazy("Exited to work"),
    "exit_education": gettext_lazy("Exited to education"),
    "exit_other_activity": gettext_lazy("Exited to other activity"),
    "exit_no_activity": gettext_lazy("Exited to no activity"),
    "exit_unknown": gettext_lazy("Exited, outcome unknown"),
    "cumulative_referred": gettext_lazy("Referred so far"),
    "cumulative_started": gettext_lazy("Started so far"),
    "cumulative_exited": gettext_lazy("Exited so far"),
    "cumulative_exit_work": gettext_lazy("Exited to work so far"),
    "cumulative_exit_education": gettext_lazy("Exited to education so far"),
}
MILESTONE_LABELS = {
    CONTACT: gettext_lazy("Referral to first contact"),
    START: gettext_lazy("Referral to start"),
    EXIT: gettext_lazy("Referral to exit"),
}


def _spread_cells(spread: Spread | None) -> list[Any]:
    if spread is None:
        return [None, Days(None), Days(None), Days(None)]
    return [
        spread.cases,
        Days(spread.median),
        Days(spread.lower_quartile),
        Days(spread.upper_quartile),
    ]


def flow_table(board: Dashboard) -> Table:
    return Table(
        key="flow",
        caption=_("Results month by month"),
        header=[_("Month"), *(str(COLUMN_LABELS[name]) for name in COUNTS)],
        rows=[[row.month, *cells] for row, cells in zip(board.rows, board.cells, strict=True)],
    )


def exits_table(board: Dashboard) -> Table:
    rows: list[list[Any]] = [
        [str(TOP_LEVEL[top]), figures.count, Pct(figures.share)]
        for top, figures in board.exits.items()
    ]
    wore = board.work_or_education
    return Table(
        key="exits",
        caption=_("Exits in the period by outcome, with shares"),
        header=[_("Outcome"), _("Exits"), _("Share")],
        rows=rows,
        footer=[
            [_("All exits"), board.exited, ""],
            [
                _("In work or education"),
                wore.count if wore else None,
                Pct(wore.share if wore else None),
            ],
        ],
    )


def durability_table(board: Dashboard) -> Table:
    return Table(
        key="durability",
        caption=_("Follow-ups after exits to work or education"),
        header=[
            _("Follow-up"),
            _("Reached"),
            _("Still in work or education"),
            _("Share of those reached"),
        ],
        rows=[
            [
                _("After %(months)s months") % {"months": f.months},
                f.reached,
                f.in_work_or_education,
                Pct(f.share),
            ]
            for f in board.follow_ups
        ],
    )


def providers_table(board: Dashboard) -> Table:
    return Table(
        key="providers",
        caption=_("Referred to other organisations, and what they reported back"),
        header=[_("What happened"), _("Young people")],
        rows=[[row.label, row.count] for row in board.providers],
        empty=_(
            "Figures through other organisations are shown for a team or the whole "
            "organisation, not for one of our measures."
        ),
    )


def times_header() -> list[str]:
    header = [_("Month")]
    for milestone in TIMED:
        label = MILESTONE_LABELS[milestone]
        header += [
            _("%(what)s: cases") % {"what": label},
            _("%(what)s: median days") % {"what": label},
            _("%(what)s: lower quartile") % {"what": label},
            _("%(what)s: upper quartile") % {"what": label},
        ]
    return header


def times_table(board: Dashboard, *, so_far: bool = False) -> Table:
    rows = []
    for month in board.times:
        spreads = month.so_far if so_far else month.in_month
        cells: list[Any] = [month.month]
        for milestone in TIMED:
            cells += _spread_cells(spreads.get(milestone))
        rows.append(cells)
    if so_far:
        return Table(
            key="times-so-far",
            caption=_("Days from referral, so far in the period (median and quartiles)"),
            header=times_header(),
            rows=rows,
        )
    total: list[Any] = [_("Whole period")]
    for milestone in TIMED:
        total += _spread_cells(board.times_total.get(milestone))
    return Table(
        key="times",
        caption=_("Days from referral, month by month (median and quartiles)"),
        header=times_header(),
        rows=rows,
        footer=[total],
    )


def cost_measures_table(board: Dashboard) -> Table:
    return Table(
        key="cost-measures",
        caption=_("Cost per measure in the period"),
        header=[
            _("Measure"),
            _("Cost per participant per month"),
            _("Participants"),
            _("Participant-months"),
            _("Cost"),
            _("Cost per participant"),
            _("Adults"),
            _("Adults per six young people"),
        ],
        rows=[
            [
                row.measure,
                row.monthly_cost,
                row.participants,
                row.participant_months,
                row.cost,
                row.cost_per_participant,
                row.adults,
                row.adults_per_six,
            ]
            for row in board.costs
        ],
        footer=[
            [
                _("Total"),
                board.total_cost_per_participant_month,
                board.total_participants,
                board.total_participant_months,
                board.total_cost,
                board.total_cost_per_participant,
                "",
                board.total_adults_per_six,
            ]
        ],
        empty=_("No participants in measures in the period."),
    )


def cost_months_table(board: Dashboard) -> Table:
    return Table(
        key="cost-months",
        caption=_("Cost month by month"),
        header=[
            _("Month"),
            _("Participants"),
            _("Participant-months"),
            _("Cost"),
            _("Cost per participant per month"),
            _("Adults per six young people"),
            _("Cost so far"),
            _("Participants so far"),
            _("Cost per participant so far"),
            _("Exits to work or education so far"),
            _("Cost per exit to work or education so far"),
        ],
        rows=[
            [
                m.month,
                m.participants,
                m.participant_months,
                m.cost,
                m.cost_per_participant_month,
                m.adults_per_six,
                m.cost_so_far,
                m.participants_so_far,
                m.cost_per_participant_so_far,
                m.exits_to_work_or_education_so_far,
                m.cost_per_exit_so_far,
            ]
            for m in board.cost_months
        ],
    )


TABLES: dict[str, Callable[[Dashboard], Table]] = {
    "flow": flow_table,
    "exits": exits_table,
    "durability": durability_table,
    "providers": providers_table,
    "times": times_table,
    "times-so-far": lambda board: times_table(board, so_far=True),
    "cost-measures": cost_measures_table,
    "cost-months": cost_months_table,
}
COST_TABLES = ("cost-measures", "cost-months")


def tables_for(board: Dashboard) -> dict[str, Table]:
    return {
        key: build(board)
        for key, build in TABLES.items()
        if board.with_costs or key not in COST_TABLES
    }
