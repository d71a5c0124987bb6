"""The results dashboard and its exports. No names or personal data: aggregates only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from losen.cases.svg import Series, line_chart
from losen.lib.exporters import csv_response, pdf_response, xlsx_response
from losen.lib.suppression import configured_threshold, display
from losen.outcomes.codes import TOP_LEVEL
from losen.programs.queries import can_see_costs
from losen.reports.dashboard import Dashboard, build_dashboard, dashboard_access
from losen.reports.exporters import FlowExporter
from losen.reports.forms import DashboardForm
from losen.reports.results import COUNTS

FLOW_SERIES = ("referred", "started", "active_end_of_month", "exited")
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


def shown(value: Any) -> str:
    """A count or amount as shown: hidden values read as "–"."""
    if isinstance(value, Decimal):
        return number_format(value, use_l10n=True, force_grouping=True)
    return display(value)


def percent(fraction: float | None) -> str:
    return display(None) if fraction is None else f"{round(fraction * 100)} %"


def _board(request: HttpRequest) -> tuple[DashboardForm, Dashboard | None]:
    """The filter form and, when it is valid, the figures the actor may see."""
    access = dashboard_access(request.user)
    form = DashboardForm(request.GET, access=access)
    if not form.is_valid():
        return form, None
    cleaned = form.cleaned_data
    org_id = cleaned["organisation"]
    team_id = cleaned.get("team")
    board = build_dashboard(
        organisation_id=org_id,
        start=cleaned["start"],
        end=cleaned["end"],
        suppressed=not access.is_exact(team_id),
        team_id=team_id,
        measure_id=cleaned.get("measure"),
        with_costs=can_see_costs(request.user, org_id),
    )
    return form, board


def _nice_max(value: int) -> int:
    """A y axis top: at least 5, rounded up to a multiple of 5 so the ticks are whole."""
    return max(5, -(-value // 5) * 5)


def _chart(board: Dashboard) -> str:
    series = [Series(str(COLUMN_LABELS[name]), board.column(name)) for name in FLOW_SERIES]
    top = max((v for one in series for v in one.values if v is not None), default=0)
    description = _(
        "Referred, started, active at the end of the month and exited, month by month "
        "from %(start)s to %(end)s. The same figures are in the table below."
    ) % {"start": date_format(board.start, "F Y"), "end": date_format(board.end, "F Y")}
    return line_chart(
        title=_("Flow per month"),
        description=description,
        x_labels=[date_format(row.month, "M y") for row in board.rows],
        series=series,
        y_min=0,
        y_max=_nice_max(int(top)),
        width=max(560, 72 * len(board.rows)),
        height=320,
        chart_id="flow-chart",
    )


def _context(
    form: DashboardForm, board: Dashboard | None, *, with_costs: bool = False
) -> dict[str, Any]:
    context: dict[str, Any] = {"form": form, "board": board}
    if board is None:
        return context
    context.update(
        chart=_chart(board),
        columns=[COLUMN_LABELS[name] for name in COUNTS],
        table=[
            (row.month, [shown(c) for c in cells])
            for row, cells in zip(board.rows, board.cells, strict=True)
        ],
        exit_rows=[
            (TOP_LEVEL[top], shown(figures.count), percent(figures.share))
            for top, figures in board.exits.items()
        ],
        exited=shown(board.exited),
        work_or_education=percent(board.work_or_education.share),
        work_or_education_count=shown(board.work_or_education.count),
        follow_ups=[
            (f.months, shown(f.reached), shown(f.in_work_or_education), percent(f.share))
            for f in board.follow_ups
        ],
        costs=[
            (
                row.measure,
                shown(row.monthly_cost),
                shown(row.participants),
                shown(row.participant_months),
                shown(row.cost),
                shown(row.cost_per_participant),
            )
            for row in board.costs
        ],
        total_cost=shown(board.total_cost),
        total_participants=shown(board.total_participants),
        total_cost_per_participant=shown(board.total_cost_per_participant),
        with_costs=with_costs,
        threshold=configured_threshold(),
        query=form.query_string(),
    )
    return context


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, board = _board(request)
    return render(
        request,
        "reports/dashboard.html",
        _context(form, board, with_costs=board is not None and board.with_costs),
        status=200 if board is not None else 400,
    )


def _valid_board(request: HttpRequest) -> Dashboard | HttpResponse:
    form, board = _board(request)
    if board is None:
        return render(request, "reports/dashboard.html", _context(form, None), status=400)
    return board


@login_required
@require_GET
def flow_csv(request: HttpRequest) -> HttpResponse:
    board = _valid_board(request)
    if isinstance(board, HttpResponse):
        return board
    return csv_response(FlowExporter(board))


@login_required
@require_GET
def flow_xlsx(request: HttpRequest) -> HttpResponse:
    board = _valid_board(request)
    if isinstance(board, HttpResponse):
        return board
    return xlsx_response(FlowExporter(board))


@login_required
@require_GET
def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    form, board = _board(request)
    if board is None:
        return render(request, "reports/dashboard.html", _context(form, None), status=400)
    exporter = FlowExporter(board)
    exporter.title = _("Results")
    return pdf_response(
        exporter,
        template="reports/dashboard.pdf.html",
        context=_context(form, board, with_costs=board.with_costs),
    )
