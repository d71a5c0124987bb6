"""Target lists in the browser: the lists received, one list's changes, the upload."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from losen.accounts.http import AuthenticatedHttpRequest
from losen.jobs.runner import start_job
from losen.outreach import eligibility
from losen.outreach.actions.ladder import do_send_rights_information_to_list
from losen.outreach.forms.lists import ListUploadForm
from losen.outreach.listfile import COLUMNS
from losen.outreach.models import MembershipChange, Notice, SchoolStatus
from losen.outreach.queries.lists import (
    get_list_for,
    lists_visible_to,
    members_of,
    rights_information_due,
)
from losen.outreach.views.ladder import _teams, require_casework
from losen.people.queries import log_people_shown
from losen.submissions.once import once_per_submission


@login_required
@require_GET
def list_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_casework(request)
    paginator = Paginator(lists_visible_to(request.user), 25)
    return render(
        request, "outreach/lists.html", {"page": paginator.get_page(request.GET.get("page"))}
    )


@login_required
@require_GET
def list_detail(request: AuthenticatedHttpRequest, list_id: int) -> HttpResponse:
    require_casework(request)
    list_import = get_list_for(request.user, list_id)
    change = request.GET.get("change", MembershipChange.NEW)
    if change not in MembershipChange.values:
        raise Http404("No such part of the list.")
    page = Paginator(members_of(request.user, list_import, change), 50).get_page(
        request.GET.get("page")
    )
    log_people_shown(
        request.user,
        ((m.person.pk, m.person.organisation_id) for m in page.object_list),
        what="list:target_list",
    )
    return render(
        request,
        "outreach/list_detail.html",
        {
            "list": list_import,
            "change": change,
            "changes": MembershipChange.choices,
            "page": page,
            "rights_information": eligibility.rule_on(
                list_import.scheme, timezone.localdate()
            ).rights_information,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def list_rights(request: AuthenticatedHttpRequest, list_id: int) -> HttpResponse:
    """OT: information about rights sent to everyone on the list who has not had it.

    GET asks for confirmation (how many people, how many guardians); POST records it."""
    require_casework(request)
    list_import = get_list_for(request.user, list_id)
    today = timezone.localdate()
    if not eligibility.rule_on(list_import.scheme, today).rights_information:
        raise Http404("This list's scheme has no information about rights.")
    if request.method == "POST":
        written = do_send_rights_information_to_list(request.user, list_import)
        people = len({notice.entry_id for notice in written})
        if people:
            messages.success(
                request,
                ngettext(
                    "Information about rights is recorded as sent to %(count)s person.",
                    "Information about rights is recorded as sent to %(count)s people.",
                    people,
                )
                % {"count": people},
            )
        else:
            messages.info(request, _("Everyone on the list had the information already."))
        return redirect("outreach:list", list_id=list_import.pk)
    due = rights_information_due(request.user, list_import, today)
    return render(
        request,
        "outreach/list_rights.html",
        {
            "list": list_import,
            "people": len(due),
            "guardians": sum(
                1 for _entry, recipients in due if Notice.Recipient.GUARDIAN in recipients
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def list_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a list; the import runs as a background job with a progress bar."""
    require_casework(request)
    form = ListUploadForm(request.POST or None, request.FILES or None, teams=_teams(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        team = form.cleaned_data["team"]

        job = start_job(
            request.user,
            "import_target_list",
            title=_("Import of the list %(file)s into %(team)s")
            % {"file": upload.name, "team": team.name},
            organisation=team.organisation,
            params={
                "team": team.pk,
                "scheme": form.cleaned_data["scheme"],
                "received_on": form.cleaned_data["received_on"].isoformat(),
            },
            upload=upload,
        )
        return redirect("jobs:detail", job_id=job.pk)
    return render(
        request,
        "outreach/list_upload.html",
        {"form": form, "columns": COLUMNS, "school_statuses": SchoolStatus.values},
    )
