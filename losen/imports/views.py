"""The history import in the browser: upload, then a job with a progress bar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from losen.accounts.http import AuthenticatedHttpRequest
from losen.imports.forms import HistoryImportForm
from losen.imports.queries import can_import, importable_teams
from losen.imports.rows import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, SOURCES
from losen.jobs.runner import start_job
from losen.submissions.once import once_per_submission


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def history_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a programme's history; the import runs as a job, all or nothing."""
    if not can_import(request.user):
        raise Http404("Only administrators and team leads import.")
    form = HistoryImportForm(
        request.POST or None, request.FILES or None, teams=importable_teams(request.user)
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        team = form.cleaned_data["team"]

        job = start_job(
            request.user,
            "import_history",
            title=_("Import of %(file)s into %(team)s") % {"file": upload.name, "team": team.name},
            organisation=team.organisation,
            params={"team": team.pk, "create_measures": form.cleaned_data["create_measures"]},
            upload=upload,
        )
        return redirect("jobs:detail", job_id=job.pk)
    return render(
        request,
        "imports/history_form.html",
        {
            "form": form,
            "required_columns": REQUIRED_COLUMNS,
            "optional_columns": OPTIONAL_COLUMNS,
            "sources": list(SOURCES),
        },
    )
