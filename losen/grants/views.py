"""Grant reports: the list, a new report, the form with the figures beside it, the
versions, submitting, and the exports (PDF, JSON, CSV). Aggregates only: no access log."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from losen.accounts.http import AuthenticatedHttpRequest
from losen.grants import actions, queries
from losen.grants.exporters import (
    GrantReportExporter,
    amount_text,
    answer_rows,
    figure_rows,
    report_data,
)
from losen.grants.figures import exit_rows, figures_for
from losen.grants.forms import AnswersForm, ListFilterForm, NewReportForm, SubmitForm
from losen.grants.models import GrantReport, GrantReportVersion
from losen.grants.questions import counties_for, missing
from losen.lib.errors import StaleEdit
from losen.lib.exporters import csv_response, pdf_response
from losen.lib.suppression import PLACEHOLDER
from losen.programs.models import Measure
from losen.programs.queries import can_see_costs
from losen.submissions.once import once_per_submission


def _page_size() -> int:
    from django.conf import settings

    return settings.LOSEN_PAGE_SIZE


def _percent(share: float | None) -> str:
    return PLACEHOLDER if share is None else f"{round(share * 100)} %"


def _shown(count: Any) -> str:
    return PLACEHOLDER if count is None else str(count)


def figures_context(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures panel's rows, with hidden counts as "–"."""
    flow = figures["flow"]
    cost = figures.get("cost")
    return {
        "figures": figures,
        "flow_rows": [
            (_("Referred"), _shown(flow["referred"])),
            (_("Started"), _shown(flow["started"])),
            (_("Active at the end of the year"), _shown(flow["active_end_of_period"])),
            (_("Exited"), _shown(flow["exited"])),
        ],
        "exit_rows": [
            (label, _shown(count), _percent(share)) for label, count, share in exit_rows(figures)
        ],
        "work_or_education": (
            _shown(figures["work_or_education"]["count"]),
            _percent(figures["work_or_education"]["share"]),
        ),
        "durability_rows": [
            (
                f["months"],
                _shown(f["reached"]),
                _shown(f["in_work_or_education"]),
                _percent(f["share"]),
            )
            for f in figures["durability"]
        ],
        "cost_rows": [
            (_("Cost per participant per month"), amount_text(cost["monthly_cost"])),
            (_("Participants"), amount_text(cost["participants"])),
            (_("Participant-months"), amount_text(cost["participant_months"])),
            (_("Cost"), amount_text(cost["total_cost"])),
            (_("Cost per participant"), amount_text(cost["cost_per_participant"])),
        ]
        if cost
        else [],
    }


# ---------------------------------------------------------------------------------------
# The list and a new report


@login_required
@require_GET
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not queries.can_read_any(request.user):
        raise Http404("No organisation whose grant reports the actor reads.")
    reports = queries.reports_visible_to(request.user)
    years = sorted(set(reports.values_list("year", flat=True)), reverse=True)
    form = ListFilterForm(request.GET or None, years=years)
    measure = None
    if form.is_valid():
        if form.cleaned_data["year"]:
            reports = reports.filter(year=form.cleaned_data["year"])
        if form.cleaned_data["status"]:
            reports = reports.filter(status=form.cleaned_data["status"])
        measure_id = form.cleaned_data["measure"]
        if measure_id:
            reports = reports.filter(measure_id=measure_id)
            measure = (
                queries.measures_to_report_on(request.user).filter(pk=measure_id).first()
                or Measure.objects.filter(pk__in=reports.values("measure_id")).first()
            )
    reports = reports.select_related("measure", "organisation").order_by(
        "-year", "measure__name", "kind"
    )
    page = Paginator(reports, _page_size()).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_create": queries.can_create(request.user),
        "measure": measure,
        "measure_id": form.cleaned_data.get("measure") if form.is_valid() else None,
        "several_orgs": len({r.organisation_id for r in page}) > 1,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "grants/_rows.html", context)
    return render(request, "grants/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def report_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not queries.can_create(request.user):
        raise Http404("Only the organisation's teams and administrators write grant reports.")
    measures = queries.measures_to_report_on(request.user)
    initial = {}
    if request.GET.get("measure", "").isdigit():
        initial["measure"] = int(request.GET["measure"])
    form = NewReportForm(request.POST or None, measures=measures, initial=initial)
    existing: GrantReport | None = None
    if request.method == "POST" and form.is_valid():
        try:
            report = actions.do_create_grant_report(
                request.user,
                form.cleaned_data["measure"],
                year=form.cleaned_data["year"],
                kind=form.cleaned_data["kind"],
            )
        except actions.ReportExists as exc:
            existing = exc.report
            form.add_error(None, _("The measure already has this report for the year."))
        else:
            # The form says so when it starts from last year's answers.
            return redirect("grants:edit", report_id=report.pk)
    return render(request, "grants/new.html", {"form": form, "existing": existing})


# ---------------------------------------------------------------------------------------
# One report


def _report_context(
    request: AuthenticatedHttpRequest, report: GrantReport, version: GrantReportVersion | None
) -> dict[str, Any]:
    figures = figures_for(report, request.user)
    answers = version.answers if version else {}
    return {
        "report": report,
        "version": version,
        "answer_rows": [
            (number, question, text)
            for number, (_key, question, text) in enumerate(
                answer_rows(report, answers, local_dates=True), start=1
            )
        ],
        **figures_context(figures),
    }


@login_required
@require_GET
def report_detail(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = queries.get_report_for(request.user, report_id)
    version = queries.latest_version(report)
    context = _report_context(request, report, version)
    context.update(
        can_write=queries.can_write(request.user, report),
        can_submit=queries.can_submit(request.user, report),
        can_see_history=queries.can_see_history(request.user, report),
        missing=missing(version.answers) if version and not report.is_submitted else [],
    )
    return render(request, "grants/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = queries.get_report_to_write(request.user, report_id)
    if report.is_submitted:
        messages.info(
            request, _("The report is submitted. A team lead or administrator can reopen it.")
        )
        return redirect("grants:detail", report_id=report.pk)
    latest = queries.latest_version(report)
    if latest is not None:
        initial = AnswersForm.initial_from(latest.answers, version=latest.number)
    else:
        initial = AnswersForm.initial_from(
            queries.starting_answers(report, request.user), version=0
        )
        if initial["county"] not in counties_for(report.year):
            initial["county"] = ""  # last year's county no longer exists (2024's division)
    form = AnswersForm(request.POST or None, initial=initial, year=report.year)
    conflict: GrantReportVersion | None = None
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.do_save_grant_answers(
                request.user,
                report,
                expected_version=form.cleaned_data["version"],
                answers=form.answers(),
            )
        except StaleEdit as exc:
            conflict = exc.current
            error = _(
                "Someone else saved the report while you were editing it. Your changes are "
                "not saved. Compare with the saved answers, then make your changes again on "
                "top of them."
            )
        except actions.ReportSubmitted:
            messages.error(request, _("The report was submitted while you were editing it."))
            return redirect("grants:detail", report_id=report.pk)
        else:
            messages.success(
                request,
                _("The answers are saved as version %(number)s.") % {"number": saved.number},
            )
            return redirect("grants:edit", report_id=report.pk)
    context = {
        "report": report,
        "form": form,
        "latest": latest,
        "rows": form.rows(),
        "prefilled": latest is None and report.started_from is not None,
        "error": error,
        "conflict": conflict,
        "conflict_rows": answer_rows(report, conflict.answers, local_dates=True)
        if conflict
        else [],
        "invalid": request.method == "POST" and not form.is_valid(),
        **figures_context(figures_for(report, request.user)),
    }
    return render(request, "grants/edit.html", context)


def _not_ready(request: AuthenticatedHttpRequest, report: GrantReport, expected: int) -> bool:
    """Why the report cannot be submitted now, as a message (False: it can be)."""
    latest = queries.latest_version(report)
    if report.is_submitted:
        messages.info(request, _("The report is already submitted."))
    elif latest is None or report.version != expected:
        messages.error(request, STALE_MESSAGE)
    elif gaps := missing(latest.answers):
        messages.error(request, _incomplete_message(gaps))
    else:
        return False
    return True


STALE_MESSAGE = gettext_lazy(
    "The report was saved again after you opened it. Read it through, then submit."
)


def _incomplete_message(questions) -> str:
    names = "; ".join(str(q.label) for q in questions)
    return _("Answer every question before you submit. Missing: %(questions)s") % {
        "questions": names
    }


@login_required
@require_POST
def report_submit(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    """Two steps, without JavaScript: the first post shows what is about to be submitted
    (the version, its figures) with a confirm button; only the confirmed post submits."""
    report = queries.get_report_to_submit(request.user, report_id)
    form = SubmitForm(request.POST)
    expected = form.cleaned_data["version"] if form.is_valid() else -1
    if not (form.is_valid() and form.cleaned_data["confirmed"]):
        if _not_ready(request, report, expected):
            return redirect("grants:detail", report_id=report.pk)
        version = queries.latest_version(report)
        context = _report_context(request, report, version)
        context["form"] = form
        return render(request, "grants/submit_confirm.html", context)
    try:
        actions.do_submit_grant_report(
            request.user,
            report,
            expected_version=expected,
            with_costs=can_see_costs(request.user, report.organisation_id),
        )
    except actions.Incomplete as exc:
        messages.error(request, _incomplete_message(exc.questions))
    except StaleEdit:
        messages.error(request, STALE_MESSAGE)
    except actions.ReportSubmitted:
        messages.info(request, _("The report is already submitted."))
    else:
        messages.success(
            request, _("The report is submitted; its figures are kept as they are now.")
        )
    return redirect("grants:detail", report_id=report.pk)


@login_required
@require_POST
def report_reopen(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = queries.get_report_to_submit(request.user, report_id)
    actions.do_reopen_grant_report(request.user, report)
    messages.success(request, _("The report is a draft again and can be changed."))
    return redirect("grants:detail", report_id=report.pk)


@login_required
@require_GET
def report_history(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = queries.get_report_with_history(request.user, report_id)
    versions = list(report.versions.select_related("saved_by").order_by("-number"))
    return render(request, "grants/history.html", {"report": report, "versions": versions})


@login_required
@require_GET
def report_version(request: AuthenticatedHttpRequest, report_id: int, number: int) -> HttpResponse:
    report = queries.get_report_with_history(request.user, report_id)
    version = queries.get_version(report, number)
    context = _report_context(request, report, version)
    context["is_latest"] = version.number == report.version
    if request.htmx and not request.htmx.boosted:
        return render(request, "grants/_version.html", context)
    return render(request, "grants/version.html", context)


# ---------------------------------------------------------------------------------------
# Exports


def _export_parts(
    request: AuthenticatedHttpRequest, report_id: int
) -> tuple[GrantReport, GrantReportVersion | None, dict[str, Any]]:
    report = queries.get_report_for(request.user, report_id)
    return report, queries.latest_version(report), figures_for(report, request.user)


@login_required
@require_GET
def report_pdf(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report, version, figures = _export_parts(request, report_id)
    exporter = GrantReportExporter(report, version, figures)
    context = _report_context(request, report, version)
    context["figure_rows"] = figure_rows(figures)
    return pdf_response(exporter, template="grants/report.pdf.html", context=context)


@login_required
@require_GET
def report_json(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report, version, figures = _export_parts(request, report_id)
    body = json.dumps(report_data(report, version, figures), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = GrantReportExporter(report, version, figures).filename
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


@login_required
@require_GET
def report_csv(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponseBase:
    report, version, figures = _export_parts(request, report_id)
    return csv_response(GrantReportExporter(report, version, figures))
