"""Pages for the young person: list, register, view, edit, guardians, access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.models import Team
from losen.accounts.scope import scope_of
from losen.audit.exporters import AccessLogExporter
from losen.audit.models import Purpose
from losen.audit.queries import access_log_of
from losen.jobs.exporters import export_response, snapshot_about
from losen.lib.errors import StaleEdit
from losen.lib.exporters import pdf_response
from losen.people import actions
from losen.people.exporters import AccessLogTableExport, PeopleExport, people_filter_params
from losen.people.forms import (
    EditPersonForm,
    FollowForm,
    GuardianForm,
    PersonFilterForm,
    RegisterPersonForm,
)
from losen.people.models import Guardian, Person
from losen.people.queries import (
    get_person_for,
    log_people_shown,
    reveal_identity_number_for,
    search,
    visible_to,
)
from losen.submissions.once import once_per_submission


def _require_casework(request: AuthenticatedHttpRequest) -> None:
    if not scope_of(request.user).can_read_people:
        raise Http404("No access to individual records.")


@sensitive_post_parameters("q")
@login_required
@require_http_methods(["GET", "POST"])
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The people the actor may see.

    Searching is a POST: a name or identity number typed into the search field never
    lands in a URL, so it is not in the browser history or the web server's log.
    """
    _require_casework(request)
    scope = scope_of(request.user)
    teams = scope.casework_teams()
    form = PersonFilterForm(request.POST or None, teams=teams)
    people = visible_to(request.user)
    if form.is_valid():
        people = search(people, form.cleaned_data["q"])
        if team := form.cleaned_data["team"]:
            people = people.filter(follows__team=team)
        eighteen_years_ago = _years_before(timezone.localdate(), 18)
        if form.cleaned_data["age"] == "minor":
            people = people.filter(birth_date__gt=eighteen_years_ago)
        elif form.cleaned_data["age"] == "adult":
            people = people.filter(birth_date__lte=eighteen_years_ago)
        if municipality := form.cleaned_data["municipality"].strip():
            people = people.filter(municipality__icontains=municipality)
    people = people.order_by("last_name", "first_name", "id").only(
        "id", "first_name", "last_name", "birth_date", "municipality", "city", "organisation_id"
    )
    paginator = Paginator(people, _page_size())
    page = paginator.get_page(request.POST.get("page") or request.GET.get("page"))
    log_people_shown(
        request.user, ((p.pk, p.organisation_id) for p in page.object_list), what="list:people"
    )
    context = {"form": form, "page": page, "can_register": scope.can_register_people}
    if request.htmx and not request.htmx.boosted:
        return render(request, "people/_rows.html", context)
    return render(request, "people/list.html", context)


def _years_before(day, years: int):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _page_size() -> int:
    from django.conf import settings

    return settings.LOSEN_PAGE_SIZE


@sensitive_post_parameters("identity_number")
@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def person_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.can_register_people:
        raise Http404("Only coordinators and team leads register people.")
    teams = scope.casework_teams()
    form = RegisterPersonForm(request.POST or None, teams=teams)
    duplicate_of: Person | None = None
    possible_duplicates = 0
    if request.method == "POST" and form.is_valid():
        team = form.cleaned_data["team"]
        data = form.person_data()
        possible_duplicates = actions.count_same_name_and_birth_date(
            team.organisation_id, data.first_name, data.last_name, data.birth_date
        )
        if possible_duplicates and not form.cleaned_data["confirm_possible_duplicate"]:
            form.add_error(
                None,
                _(
                    "A person with the same name and birth date is already registered. Check the "
                    "list first; if this is someone else, tick the box below and save again."
                ),
            )
        else:
            guardian = None
            if form.cleaned_data["guardian_name"]:
                guardian = {
                    "name": form.cleaned_data["guardian_name"],
                    "relation": form.cleaned_data["guardian_relation"] or Guardian.Relation.PARENT,
                    "phone": form.cleaned_data["guardian_phone"],
                    "email": form.cleaned_data["guardian_email"],
                }
            try:
                person = actions.do_register_person(
                    request.user,
                    team=team,
                    data=data,
                    identity_number=form.parsed_identity_number,
                    guardian=guardian,
                )
            except actions.DuplicateIdentityNumber as exc:
                duplicate_of = exc.existing
                form.add_error(
                    "identity_number",
                    _(
                        "A person with this identity number is already registered in your "
                        "organisation. Open the existing record instead of registering a new one."
                    ),
                )
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": person.full_name})
                return redirect("people:detail", person_id=person.pk)
    can_open_duplicate = bool(
        duplicate_of and visible_to(request.user).filter(pk=duplicate_of.pk).exists()
    )
    return render(
        request,
        "people/new.html",
        {
            "form": form,
            "duplicate_of": duplicate_of,
            "can_open_duplicate": can_open_duplicate,
            "possible_duplicates": possible_duplicates,
        },
    )


@login_required
@require_GET
def person_detail(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, Purpose.FOLLOW_UP)
    can_manage_follows = actions.can_manage_follows(request.user, person)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "guardians": list(person.guardians.all()),
            "teams": list(person.teams.select_related("organisation")),
            "can_show_identity_number": scope_of(request.user).can_show_identity_numbers(),
            "can_manage_follows": can_manage_follows,
            "follow_form": FollowForm(person=person) if can_manage_follows else None,
        },
    )


def _require_follow_manager(request: AuthenticatedHttpRequest, person: Person) -> None:
    if not actions.can_manage_follows(request.user, person):
        raise Http404("Only the team lead or the administrator changes who follows a person.")


@login_required
@require_POST
def person_follow(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, Purpose.REGISTRATION)
    _require_follow_manager(request, person)
    form = FollowForm(request.POST, person=person)
    if form.is_valid():
        team = form.cleaned_data["team"]
        actions.do_follow_person(request.user, person, team)
        messages.success(
            request,
            _("%(team)s now follows %(name)s.") % {"team": team.name, "name": person.full_name},
        )
    else:
        messages.error(
            request, _("Choose a team of the organisation that does not follow the person already.")
        )
    return redirect("people:detail", person_id=person.pk)


@login_required
@require_POST
def person_unfollow(
    request: AuthenticatedHttpRequest, person_id: int, team_id: int
) -> HttpResponse:
    person = get_person_for(request.user, person_id, Purpose.REGISTRATION)
    _require_follow_manager(request, person)
    team = get_object_or_404(Team, pk=team_id, organisation_id=person.organisation_id)
    try:
        actions.do_unfollow_person(request.user, person, team)
    except actions.LastFollowingTeam:
        messages.error(
            request,
            _(
                "A young person must be followed by at least one team: "
                "add the new team before removing this one."
            ),
        )
    else:
        messages.success(
            request,
            _("%(team)s no longer follows %(name)s.")
            % {"team": team.name, "name": person.full_name},
        )
    if visible_to(request.user).filter(pk=person.pk).exists():
        return redirect("people:detail", person_id=person.pk)
    return redirect("people:list")


@login_required
@require_POST
def person_identity_number(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person, number = reveal_identity_number_for(request.user, person_id)
    context = {"person": person, "identity_number": number}
    if request.htmx:
        return render(request, "people/_identity_number.html", context)
    return render(request, "people/identity_number.html", context)


@sensitive_post_parameters("identity_number")
@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    purpose = Purpose.REGISTRATION
    person = get_person_for(request.user, person_id, purpose)
    initial = {name: getattr(person, name) for name in actions.EDITABLE_FIELDS}
    initial["version"] = person.version
    form = EditPersonForm(request.POST or None, initial=initial)
    conflict: Person | None = None
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.do_update_person(
                request.user,
                person,
                data=form.person_data(),
                expected_version=form.cleaned_data["version"],
                identity_number=form.parsed_identity_number,
                clear_identity_number=form.cleaned_data["clear_identity_number"],
            )
        except StaleEdit as exc:
            conflict = exc.current
            form.add_error(
                None,
                _(
                    "Someone else saved changes to this person while you were editing. "
                    "Your changes are not saved. Compare with the saved version below, "
                    "then make your changes again on top of it."
                ),
            )
        except actions.DuplicateIdentityNumber:
            form.add_error(
                "identity_number",
                _("Another person in your organisation already has this identity number."),
            )
        else:
            if changed:
                messages.success(request, _("The changes are saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/edit.html",
        {
            "person": person,
            "form": form,
            "conflict": conflict,
            "conflict_fields": _conflict_rows(conflict, form) if conflict else [],
        },
    )


def _conflict_rows(current: Person, form: EditPersonForm) -> list[dict[str, object]]:
    rows = []
    for name in actions.EDITABLE_FIELDS:
        saved = getattr(current, name)
        mine = form.cleaned_data.get(name)
        field = form.fields[name]
        if hasattr(field, "choices"):
            labels = dict(field.choices)
            saved, mine = labels.get(saved, saved), labels.get(mine, mine)
        rows.append({"label": field.label, "saved": saved, "mine": mine, "differs": saved != mine})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def guardian_new(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, Purpose.REGISTRATION)
    form = GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_add_guardian(request.user, person, **form.cleaned_data)
        messages.success(request, _("The guardian is added."))
        return redirect("people:detail", person_id=person.pk)
    return render(request, "people/guardian_form.html", {"person": person, "form": form})


@login_required
@require_POST
def guardian_remove(
    request: AuthenticatedHttpRequest, person_id: int, guardian_id: int
) -> HttpResponse:
    person = get_person_for(request.user, person_id, Purpose.REGISTRATION)
    guardian = get_object_or_404(Guardian, pk=guardian_id, person=person)
    with transaction.atomic():
        if person.is_minor and person.guardians.count() <= 1:
            messages.error(
                request,
                _(
                    "A young person under 18 must have a guardian as contact: add another guardian "
                    "before removing this one."
                ),
            )
        else:
            actions.do_remove_guardian(request.user, guardian)
            messages.success(request, _("The guardian is removed."))
    return redirect("people:detail", person_id=person.pk)


@login_required
@require_GET
def access_log(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id, Purpose.ACCESS_LOG)
    paginator = Paginator(access_log_of(person.pk), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "people/access_log.html", {"person": person, "page": page})


@login_required
@require_GET
def access_log_export(
    request: AuthenticatedHttpRequest, person_id: int, fmt: str
) -> HttpResponseBase:
    if fmt in ("csv", "xlsx"):
        # Through the export rule: logged per export, a job when the log is long.
        export = AccessLogTableExport(request.user, {"person": person_id})
        return export_response(request, export, fmt)
    person = get_person_for(request.user, person_id, Purpose.EXPORT)
    exporter = AccessLogExporter(
        access_log_of(person.pk),
        person_label=person.full_name,
        person_id=person.pk,
        about=snapshot_about(person.organisation.name),
    )
    return pdf_response(
        exporter,
        context={
            "subtitle": _("Born %(date)s") % {"date": person.birth_date.strftime("%d.%m.%Y")},
            "back_url": reverse("people:access_log", args=[person.pk]),
        },
    )


@sensitive_post_parameters("q")
@login_required
@require_POST
def person_list_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    """The list as filtered, as CSV or XLSX (a POST, like the search it carries)."""
    _require_casework(request)
    form = PersonFilterForm(request.POST, teams=scope_of(request.user).casework_teams())
    cleaned = form.cleaned_data if form.is_valid() else {}
    export = PeopleExport(request.user, people_filter_params(cleaned))
    return export_response(request, export, fmt)
