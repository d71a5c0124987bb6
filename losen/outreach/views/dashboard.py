"""The outreach dashboard page: the team's own figures, or an organisation's suppressed.

The charts, the tables and their downloads use the shared pieces in lib
(losen.lib.charts, losen.lib.tables, losen.lib.exporters), as the results dashboard does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.models import Organisation, Team
from losen.accounts.scope import scope_of
from losen.lib.charts import Series, month_chart
from losen.lib.dates import add_months
from losen.lib.exporters import (
    about_line,
    csv_response,
    pdf_response,
    period_text,
    xlsx_response,
)
from losen.lib.suppression import configured_threshold, rounding_base
from losen.lib.tables import Pct, Table, TableExporter, displayed
from losen.outreach.dashboard import STEPS, Board, build_board
from losen.outreach.forms.dashboard import DashboardForm
from losen.outreach.models.ladder import Method

MONTHS = 12
PEOPLE_SERIES = ("on_list", "new", "reached", "in_activity")


def _labels() -> dict[str, str]:
    return {
        "on_list": _("On the list"),
        "new": _("New on the list"),
        "reached_14": _("Reached within 14 days"),
        "share_14": _("Share reached within 14 days"),
        "reached": _("Reached"),
        "in_activity": _("In activity"),
        "attempts": _("All attempts"),
        **{step: str(Method(step).label) for step in STEPS},
    }


# --- the figures the actor may see ----------------------------------------------------


def _board(request: AuthenticatedHttpRequest) -> tuple[DashboardForm, Board, dict[str, Any]]:
    """The filter form, the figures and what they are of. A team or organisation
    that is not the actor's answers 404, and so does an actor with neither."""
    scope = scope_of(request.user)
    teams = Team.objects.filter(pk__in=scope.casework_team_ids).select_related("organisation")
    organisations = Organisation.objects.filter(
        pk__in=scope.aggregate_org_ids | scope.admin_org_ids
    )
    if not teams.exists() and not organisations.exists():
        raise Http404("No dashboard for this user.")
    form = DashboardForm(request.GET or None, teams=teams, organisations=organisations)
    team = organisation = None
    scheme = ""
    if form.is_bound:
        if not form.is_valid():
            raise Http404("No such team or organisation.")
        team = form.cleaned_data.get("team")
        organisation = form.cleaned_data.get("organisation")
        scheme = form.cleaned_data.get("scheme") or ""
    if team is None and organisation is None:
        team = teams.first()
        organisation = None if team else organisations.first()
    owner = team.organisation if team else organisation
    assert owner is not None
    scheme = scheme or ("kaa" if owner.country == "SE" else "ot")
    today = timezone.localdate()
    end = today.replace(day=1)
    board = build_board(
        organisation_id=owner.pk,
        scheme=scheme,
        start=add_months(end, -(MONTHS - 1)),
        end=end,
        team_id=team.pk if team else None,
        today=today,
        suppress=team is None,
    )
    chosen = {"team": team.pk} if team else {"organisation": owner.pk}
    about = {
        "team": team,
        "organisation": owner,
        "scheme": scheme,
        "query": urlencode({**chosen, "scheme": scheme}),
    }
    return form, board, about


# --- tables ---------------------------------------------------------------------------


def people_table(board: Board) -> Table:
    label = _labels()
    totals = board.totals
    return Table(
        key="people",
        caption=_("People on the list month by month"),
        header=[
            _("Month"),
            *(
                label[name]
                for name in ("on_list", "new", "reached_14", "share_14", "reached", "in_activity")
            ),
        ],
        rows=[
            [
                row.month,
                row.values["on_list"],
                row.values["new"],
                row.values["reached_14"],
                Pct(row.share_14),
                row.values["reached"],
                row.values["in_activity"],
            ]
            for row in board.rows
        ],
        footer=[
            [
                _("Whole period"),
                "",
                totals["new"],
                totals["reached_14"],
                Pct(board.share_14),
                totals["reached"],
                "",
            ]
        ],
    )


def attempts_table(board: Board) -> Table:
    label = _labels()
    names = (*STEPS, "attempts")
    return Table(
        key="attempts",
        caption=_("Contact attempts by ladder step month by month"),
        header=[_("Month"), *(label[name] for name in names)],
        rows=[[row.month, *(row.values[name] for name in names)] for row in board.rows],
        footer=[[_("Whole period"), *(board.totals[name] for name in names)]],
    )


TABLES = {"people": people_table, "attempts": attempts_table}


# --- charts ---------------------------------------------------------------------------


def _period(board: Board) -> dict[str, str]:
    return {"start": date_format(board.start, "F Y"), "end": date_format(board.end, "F Y")}


def people_series(board: Board) -> list[Series]:
    label = _labels()
    return [Series(label[name], board.column(name)) for name in PEOPLE_SERIES]


def share_series(board: Board) -> list[Series]:
    percent = [None if s is None else round(s * 100) for s in board.shares()]
    return [Series(_labels()["share_14"], percent)]


def attempts_series(board: Board) -> list[Series]:
    label = _labels()
    return [Series(label[name], board.column(name)) for name in STEPS]


def charts(board: Board) -> dict[str, str]:
    period = _period(board)
    months = [row.month for row in board.rows]
    share = share_series(board)
    return {
        "people_chart": month_chart(
            months,
            title=_("People on the list"),
            description=_(
                "On the list at the end of the month, new on the list, reached and in "
                "activity, month by month from %(start)s to %(end)s. The same figures are "
                "in the table below."
            )
            % period,
            series=people_series(board),
            chart_id="people-chart",
        ),
        "share_chart": month_chart(
            months,
            title=_("Share reached within 14 days"),
            description=_(
                "The share of those new on the list who were reached within 14 days, in "
                "per cent, month by month from %(start)s to %(end)s. The same figures are "
                "in the table below."
            )
            % period,
            series=share,
            y_max=100,
            height=280,
            chart_id="share-chart",
        ),
        "attempts_chart": month_chart(
            months,
            title=_("Contact attempts by ladder step"),
            description=_(
                "Phone calls, SMS, letters and home visits, month by month from %(start)s "
                "to %(end)s. The same figures are in the table below."
            )
            % period,
            series=attempts_series(board),
            chart_id="attempts-chart",
        ),
    }


def _context(form: DashboardForm, board: Board, about: dict[str, Any]) -> dict[str, Any]:
    tables = {}
    for key, build in TABLES.items():
        table = build(board)
        tables[key] = {
            "table": table,
            "rows": displayed(table.rows),
            "footer": displayed(table.footer),
        }
    return {
        "form": form,
        "board": board,
        "tables": tables,
        "threshold": configured_threshold(),
        "base": rounding_base(threshold=configured_threshold()),
        "suppressed": board.suppressed,
        **charts(board),
        **about,
    }


# --- views ----------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Month by month. A team member sees their team's figures as they are; anyone else
    (managers, administrators) sees an organisation's, with small counts hidden."""
    form, board, about = _board(request)
    return render(request, "outreach/dashboard.html", _context(form, board, about))


def _exporter(table: Table, board: Board, about: dict[str, Any]) -> TableExporter:
    # TableExporter reads only the board's first and last month, for the file name.
    team = about["team"]
    exporter = TableExporter(
        table,
        board,
        about=about_line(
            about["organisation"].name,
            team.name if team else None,
            about["scheme"].upper(),
            period_text(board.start, board.end),
        ),
    )
    exporter.filename = f"outreach-{board.scheme}-{exporter.filename}"
    return exporter


@login_required
@require_GET
def dashboard_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, board, about = _board(request)
    exporter = _exporter(people_table(board), board, about)
    exporter.title = _("Outreach: figures month by month")
    exporter.filename = f"outreach-{board.scheme}-{board.start:%Y-%m}-{board.end:%Y-%m}"
    return pdf_response(
        exporter,
        template="outreach/dashboard.pdf.html",
        context={**_context(form, board, about), "pdf": True},
    )


@login_required
@require_GET
def table_export(request: AuthenticatedHttpRequest, key: str, file_format: str) -> HttpResponseBase:
    """One of the dashboard's tables as CSV or XLSX, with the page's choices."""
    build = TABLES.get(key)
    if build is None:
        raise Http404("No such table.")
    _form, board, about = _board(request)
    exporter = _exporter(build(board), board, about)
    return csv_response(exporter) if file_format == "csv" else xlsx_response(exporter)
