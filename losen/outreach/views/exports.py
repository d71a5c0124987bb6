"""Statutory exports in the browser: make one for a half-year, download it.

Team leads (of a team in the organisation) and the organisation's administrators make
and download them. The KAA file carries personnummer: downloading it writes an
access-log row for every person in it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.models import Organisation, Team
from losen.accounts.scope import scope_of
from losen.outreach import statutory
from losen.outreach.actions.exports import do_log_export_read, do_make_statutory_export
from losen.outreach.forms.exports import StatutoryExportForm
from losen.outreach.models import StatutoryExport
from losen.submissions.once import once_per_submission


def export_organisations(request: AuthenticatedHttpRequest):
    scope = scope_of(request.user)
    led = Team.objects.filter(pk__in=scope.lead_team_ids).values_list("organisation_id", flat=True)
    return Organisation.objects.filter(pk__in=set(led) | set(scope.admin_org_ids))


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def export_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = export_organisations(request)
    if not organisations.exists():
        raise Http404("Statutory exports are for team leads and administrators.")
    form = StatutoryExportForm(request.POST or None, organisations=organisations)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        layout = statutory.layouts()[form.cleaned_data["layout"]]
        try:
            export = do_make_statutory_export(
                request.user,
                form.cleaned_data["organisation"],
                layout,
                form.cleaned_data["period"],
            )
        except statutory.ExportRefused as refused:
            form.add_error(None, str(refused))
            problems = refused.problems
        else:
            messages.success(
                request,
                _("The export for %(period)s is made (%(rows)s rows).")
                % {"period": export.period, "rows": export.rows},
            )
            return redirect("outreach:exports")
    exports = StatutoryExport.objects.filter(organisation__in=organisations).select_related(
        "made_by", "organisation"
    )
    return render(
        request,
        "outreach/exports.html",
        {"form": form, "exports": exports, "problems": problems[:200]},
    )


@login_required
@require_GET
def export_download(request: AuthenticatedHttpRequest, export_id: int) -> HttpResponse:
    export = StatutoryExport.objects.filter(
        pk=export_id, organisation__in=export_organisations(request)
    ).first()
    if export is None:
        raise Http404("No such export.")
    do_log_export_read(request.user, export)
    response = HttpResponse(statutory.content_of(export), content_type="text/csv; charset=utf-8")
    name = f"{export.layout}-{export.period}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
