"""The results dashboard and its exports. No names or personal data: aggregates only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from losen.accounts.http import AuthenticatedHttpRequest
from losen.lib.charts import Series, month_chart
from losen.lib.exporters import (
    about_line,
    csv_response,
    pdf_response,
    period_text,
    xlsx_response,
)
from losen.lib.suppression import configured_threshold, rounding_base
from losen.lib.tables import TableExporter, displayed
from losen.programs.queries import can_see_costs
from losen.reports import comparisons
from losen.reports.dashboard import Dashboard, build_dashboard, dashboard_access
from losen.reports.exporters import FlowExporter
from losen.reports.forms.dashboard import DashboardForm
from losen.reports.milestones import TIMED
from losen.reports.tables import COLUMN_LABELS, MILESTONE_LABELS, TABLES, tables_for

FLOW_SERIES = ("referred", "started", "active_end_of_month", "exited")
EXIT_SERIES = ("cumulative_exited", "cumulative_exit_work", "cumulative_exit_education")


def _board(request: AuthenticatedHttpRequest) -> tuple[DashboardForm, Dashboard | None]:
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


def _period(board: Dashboard) -> dict[str, str]:
    return {"start": date_format(board.start, "F Y"), "end": date_format(board.end, "F Y")}


def _chart(board: Dashboard) -> str:
    series = [Series(str(COLUMN_LABELS[name]), board.column(name)) for name in FLOW_SERIES]
    description = _(
        "Referred, started, active at the end of the month and exited, month by month "
        "from %(start)s to %(end)s. The same figures are in the table below."
    ) % _period(board)
    return month_chart(
        [row.month for row in board.rows],
        title=_("Flow per month"),
        description=description,
        series=series,
        chart_id="flow-chart",
    )


def _exits_chart(board: Dashboard) -> str:
    series = [Series(str(COLUMN_LABELS[name]), board.column(name)) for name in EXIT_SERIES]
    description = _(
        "Exited so far, to work so far and to education so far, month by month from "
        "%(start)s to %(end)s. The same figures are in the month table."
    ) % _period(board)
    return month_chart(
        [row.month for row in board.rows],
        title=_("Exits so far"),
        description=description,
        series=series,
        chart_id="exits-chart",
    )


def _times_chart(board: Dashboard) -> str:
    series = [
        Series(
            str(MILESTONE_LABELS[milestone]),
            [month.in_month[milestone].median for month in board.times],
        )
        for milestone in TIMED
    ]
    description = _(
        "Median days from referral to first contact, to start and to exit, month by month "
        "from %(start)s to %(end)s. The same figures are in the table below."
    ) % _period(board)
    return month_chart(
        [row.month for row in board.rows],
        title=_("Median days from referral"),
        description=description,
        series=series,
        chart_id="times-chart",
    )


def _cost_chart(board: Dashboard) -> str:
    by_month = {m.month: m for m in board.cost_months}

    def values(name: str) -> list[float | None]:
        found = [
            getattr(by_month[row.month], name, None) if row.month in by_month else None
            for row in board.rows
        ]
        return [None if v is None else float(v) for v in found]

    series = [
        Series(_("Cost per participant so far"), values("cost_per_participant_so_far")),
        Series(_("Cost per exit to work or education so far"), values("cost_per_exit_so_far")),
    ]
    description = _(
        "Cost per participant and per exit to work or education, counted from %(start)s, "
        "month by month to %(end)s. The same figures are in the table below."
    ) % _period(board)
    return month_chart(
        [row.month for row in board.rows],
        title=_("Cost so far"),
        description=description,
        series=series,
        chart_id="cost-chart",
    )


def _context(
    form: DashboardForm, board: Dashboard | None, *, with_costs: bool = False
) -> dict[str, Any]:
    context: dict[str, Any] = {"form": form, "board": board}
    if board is None:
        return context
    tables = tables_for(board)
    context.update(
        chart=_chart(board),
        exits_chart=_exits_chart(board),
        times_chart=_times_chart(board),
        cost_chart=_cost_chart(board) if with_costs else "",
        tables={
            key.replace("-", "_"): {
                "table": table,
                "rows": displayed(table.rows),
                "footer": displayed(table.footer),
            }
            for key, table in tables.items()
        },
        with_costs=with_costs,
        threshold=configured_threshold(),
        base=rounding_base(threshold=configured_threshold()),
        query=form.query_string(),
    )
    context.update(comparisons.dashboard_context(form, board))
    return context


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, board = _board(request)
    return render(
        request,
        "reports/dashboard.html",
        _context(form, board, with_costs=board is not None and board.with_costs),
        status=200 if board is not None else 400,
    )


def _about(form: DashboardForm, board: Dashboard) -> str:
    """Whose figures and when, for the downloads' first line."""
    return about_line(*form.names(), period_text(board.start, board.end))


def _valid_board(request: AuthenticatedHttpRequest) -> tuple[Dashboard, str] | HttpResponse:
    """The figures and the line that says whose they are, or the page with its errors."""
    form, board = _board(request)
    if board is None:
        return render(request, "reports/dashboard.html", _context(form, None), status=400)
    return board, _about(form, board)


@login_required
@require_GET
def flow_csv(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    found = _valid_board(request)
    if isinstance(found, HttpResponse):
        return found
    board, about = found
    return csv_response(FlowExporter(board, about=about))


@login_required
@require_GET
def flow_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    found = _valid_board(request)
    if isinstance(found, HttpResponse):
        return found
    board, about = found
    return xlsx_response(FlowExporter(board, about=about))


@login_required
@require_GET
def dashboard_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, board = _board(request)
    if board is None:
        return render(request, "reports/dashboard.html", _context(form, None), status=400)
    exporter = FlowExporter(board, about=_about(form, board))
    exporter.title = _("Results")
    return pdf_response(
        exporter,
        template="reports/dashboard.pdf.html",
        context={**_context(form, board, with_costs=board.with_costs), "pdf": True},
    )


@login_required
@require_GET
def table_export(request: AuthenticatedHttpRequest, key: str, file_format: str) -> HttpResponseBase:
    """One of the dashboard's tables as CSV or XLSX, with the page's filters."""
    if key not in TABLES:
        raise Http404("No such table.")
    found = _valid_board(request)
    if isinstance(found, HttpResponse):
        return found
    board, about = found
    table = tables_for(board).get(key)
    if table is None:  # cost tables for someone who may not see costs
        raise Http404("No such table.")
    exporter = TableExporter(table, board, about=about)
    return csv_response(exporter) if file_format == "csv" else xlsx_response(exporter)
