"""The case page (/cases/<id>/) and the work inside it.

Every view opens the case through `get_case_for` (404 for anyone who may not see it,
an access-log row for everyone else) and writes only through actions. The work itself
is split over the `case_*` modules beside this one; their URLs are all here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.models import Team
from losen.accounts.scope import scope_of
from losen.audit.models import Purpose
from losen.cases.actions import work
from losen.cases.actions.core import (
    NotAContactPerson,
    do_assign_contact_person,
    do_flag_for_meeting,
)
from losen.cases.exporters import CaseListExport
from losen.cases.forms.work import (
    CaseFilterForm,
    CategoryForm,
    ContactPersonForm,
    FlagForm,
    SchoolRightsForm,
)
from losen.cases.queries.core import filtered_cases, get_case_for, log_cases_shown
from losen.cases.views.case_sections import editing_from, page_context, respond, show_section
from losen.jobs.exporters import export_response


def _require_casework(request: AuthenticatedHttpRequest) -> None:
    if not scope_of(request.user).can_read_people:
        raise Http404("No access to individual records.")


def _list_teams(request: AuthenticatedHttpRequest) -> list[Team]:
    scope = scope_of(request.user)
    teams = {team.pk: team for team in scope.casework_teams()}
    for team in Team.objects.filter(organisation_id__in=scope.admin_org_ids):
        teams.setdefault(team.pk, team)
    return sorted(teams.values(), key=lambda team: team.name)


@login_required
@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My cases (I am the contact person) and my teams' cases, by state and team."""
    _require_casework(request)
    teams = _list_teams(request)
    form = CaseFilterForm(request.GET or None, teams=teams)
    state, team_id = "", None
    if form.is_valid():
        state = form.cleaned_data["state"]
        team_id = form.cleaned_data["team"].pk if form.cleaned_data["team"] else None
    cases = filtered_cases(request.user, state=state, team_id=team_id)
    # Both lists are paged: a contact person can have hundreds of cases.
    mine = Paginator(cases.filter(contact_person=request.user), _page_size()).get_page(
        request.GET.get("mine_page")
    )
    page = Paginator(cases, _page_size()).get_page(request.GET.get("page"))
    log_cases_shown(request.user, [*mine.object_list, *page.object_list], what="list:cases")
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("mine_page", None)
    context = {
        "form": form,
        "mine": mine,
        "page": page,
        "query": query.urlencode(),
        "can_hand_over": bool(work.hand_over_team_ids(request.user)),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "cases/_list_results.html", context)
    return render(request, "cases/list.html", context)


@login_required
@require_GET
def case_list_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    """The team's cases as filtered on the list, as CSV or XLSX."""
    _require_casework(request)
    form = CaseFilterForm(request.GET or None, teams=_list_teams(request))
    state, team_id = "", None
    if form.is_valid():
        state = form.cleaned_data["state"]
        team_id = form.cleaned_data["team"].pk if form.cleaned_data["team"] else None
    export = CaseListExport(request.user, {"state": state, "team": team_id})
    return export_response(request, export, fmt)


def _page_size() -> int:
    from django.conf import settings

    return settings.LOSEN_PAGE_SIZE


@login_required
@require_GET
def case_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP)
    context = page_context(request, case, editing=editing_from(request, case))
    return render(request, "cases/case_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_contact_person(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP)
    if not work.can_change_contact_person(request.user, case):
        raise Http404("Only the team lead or the contact person changes the contact person.")
    if request.method == "GET":
        return show_section(request, case, "contact")
    form = ContactPersonForm(request.POST, case=case)
    saved = False
    message = ""
    if form.is_valid():
        chosen = form.cleaned_data["contact_person"]
        try:
            event = do_assign_contact_person(
                request.user, case, chosen, note=form.cleaned_data["note"]
            )
        except NotAContactPerson:
            form.add_error("contact_person", _("Choose someone who works in the case's team."))
        else:
            saved = True
            message = (
                _("%(name)s is now the contact person.") % {"name": chosen.get_full_name()}
                if event
                else _("%(name)s already is the contact person.") % {"name": chosen.get_full_name()}
            )
    return respond(
        request,
        case,
        "contact",
        form_name="contact_form",
        form=form,
        saved=saved,
        message=message,
        also=("header", "timeline"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_flag(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP)
    if not work.can_work_on(request.user, case):
        raise Http404("Only the case's team flags it for the meeting.")
    if request.method == "GET":
        return show_section(request, case, "flag")
    form = FlagForm(request.POST)
    saved = form.is_valid()
    if saved:
        do_flag_for_meeting(request.user, case, reason=form.cleaned_data["reason"])
    return respond(
        request,
        case,
        "flag",
        form_name="flag_form",
        form=form,
        saved=saved,
        message=_("The case is flagged for the next team meeting."),
        also=("header",),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_category(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP)
    if not work.can_work_on(request.user, case):
        raise Http404("Only the case's team sets its category.")
    if request.method == "GET":
        return show_section(request, case, "category")
    form = CategoryForm(request.POST)
    saved = form.is_valid()
    if saved:
        work.do_set_category(
            request.user,
            case,
            category=form.cleaned_data["category"],
            set_on=form.cleaned_data["set_on"],
            note=form.cleaned_data["note"],
        )
    return respond(
        request,
        case,
        "category",
        form_name="category_form",
        form=form,
        saved=saved,
        message=_("The category is set."),
        also=("header", "timeline"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_school_rights(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP)
    if not work.can_work_on(request.user, case):
        raise Http404("Only the case's team records school rights.")
    if not work.shows_school_rights(case):
        raise Http404("School rights are recorded for Norwegian cases only.")
    if request.method == "GET":
        return show_section(request, case, "school")
    form = SchoolRightsForm(request.POST, case=case)
    saved = form.is_valid()
    if saved:
        work.do_record_school_rights(
            request.user,
            case,
            years_used=form.cleaned_data["years_used"],
            years_left=form.cleaned_data["years_left"],
            recorded_on=form.cleaned_data["recorded_on"],
            note=form.cleaned_data["note"],
        )
    return respond(
        request,
        case,
        "school",
        form_name="school_form",
        form=form,
        saved=saved,
        message=_("The remaining school rights are recorded."),
    )
