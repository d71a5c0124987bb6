"""Pages for measures and staircases, a case's enrolments, sessions and attendance."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.models import Organisation
from losen.accounts.scope import scope_of
from losen.audit.models import Purpose
from losen.cases.queries.core import get_case_for
from losen.jobs.exporters import export_response
from losen.people.queries import log_people_shown
from losen.programs import actions, queries
from losen.programs.exporters import AttendanceExport, MeasureListExport, ParticipantsExport
from losen.programs.forms import (
    AttendanceForm,
    EndEnrolmentForm,
    EnrolForm,
    MeasureForm,
    MoveUpForm,
    SessionForm,
    SessionSeriesForm,
    StaircaseForm,
)
from losen.programs.models import Enrolment
from losen.submissions.once import once_per_submission

# Measures and staircases


def _require_measure_reader(request: AuthenticatedHttpRequest) -> None:
    if not queries.measure_org_ids(request.user):
        raise Http404("No organisation whose measures the actor reads.")


def _managed_organisations(request: AuthenticatedHttpRequest) -> list[Organisation]:
    organisations = list(
        Organisation.objects.filter(pk__in=queries.managed_org_ids(request.user)).order_by("name")
    )
    if not organisations:
        raise Http404("Only team leads and administrators define measures.")
    return organisations


def _measure_row(request: AuthenticatedHttpRequest, row: queries.StaircaseRow) -> dict[str, object]:
    measure, places = row.measure, row.places
    rounded = queries.counts_rounded_for(request.user, measure.organisation_id)
    shown = queries.shown_places(places, rounded=rounded)
    return {
        "measure": measure,
        "places": places,
        "taken": shown.taken,
        "free": "–" if shown.free is None else shown.free,
        "waiting": shown.waiting,
        "rounded": rounded,
        "cost": measure.monthly_cost
        if queries.can_see_costs(request.user, measure.organisation_id)
        else None,
        "can_manage": queries.can_manage_measures(request.user, measure.organisation_id),
    }


@login_required
@require_GET
def measure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organisation's staircases with their measures in step order, and the places."""
    _require_measure_reader(request)
    views = queries.staircases_with_measures(request.user)
    rows = [[_measure_row(request, row) for row in view.rows] for view in views]
    return render(
        request,
        "programs/measure_list.html",
        {
            "staircases": [
                {"staircase": view.staircase, "rows": shown}
                for view, shown in zip(views, rows, strict=True)
            ],
            "any_rounded": any(row["rounded"] for shown in rows for row in shown),
            "can_manage": bool(queries.managed_org_ids(request.user)),
            "show_costs": any(
                queries.can_see_costs(request.user, org_id)
                for org_id in queries.measure_org_ids(request.user)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def measure_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = _managed_organisations(request)
    form = MeasureForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            measure = actions.do_create_measure(
                request.user, form.cleaned_data["organisation"], **form.measure_fields()
            )
        except actions.DuplicateName:
            form.add_error("name", form.error_messages["duplicate"])
        else:
            messages.success(request, _("The measure %(name)s is saved.") % {"name": measure.name})
            return redirect("programs:measure_detail", measure_id=measure.pk)
    return render(request, "programs/measure_form.html", {"form": form, "measure": None})


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: AuthenticatedHttpRequest, measure_id: int) -> HttpResponse:
    measure = queries.get_measure_to_manage(request.user, measure_id)
    initial = {name: getattr(measure, name) for name in actions.MEASURE_FIELDS}
    initial["organisation"] = measure.organisation_id
    form = MeasureForm(
        request.POST or None,
        initial=initial,
        organisations=[measure.organisation],
        measure=measure,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.do_update_measure(request.user, measure, **form.measure_fields())
        except actions.DuplicateName:
            form.add_error("name", form.error_messages["duplicate"])
        else:
            if changed:
                messages.success(request, _("The changes are saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("programs:measure_detail", measure_id=measure.pk)
    return render(request, "programs/measure_form.html", {"form": form, "measure": measure})


@login_required
@require_GET
def measure_detail(request: AuthenticatedHttpRequest, measure_id: int) -> HttpResponse:
    """The measure, its places and its waiting list in order."""
    measure = queries.get_measure_for(request.user, measure_id)
    places = queries.places_of([measure])[measure.pk]
    waiting = list(queries.waiting_list(measure))
    active = list(queries.active_enrolments(measure).select_related("case__person"))
    visible = queries.visible_case_ids(request.user, [e.case_id for e in waiting + active])
    can_manage = queries.can_manage_measures(request.user, measure.organisation_id)
    aggregates_only = queries.sees_only_aggregates(request.user, measure.organisation_id)
    if aggregates_only:
        # Someone who sees figures only: the lists would count small numbers out loud.
        waiting, active = [], []
    log_people_shown(
        request.user,
        (
            (e.case.person_id, e.case.organisation_id)
            for e in waiting + active
            if e.case_id in visible
        ),
        what="list:participants",
    )
    return render(
        request,
        "programs/measure_detail.html",
        {
            "aggregates_only": aggregates_only,
            "measure": measure,
            "places": places,
            "row": _measure_row(request, queries.StaircaseRow(measure, places)),
            "waiting": [
                {"position": i, "enrolment": e, "visible": e.case_id in visible}
                for i, e in enumerate(waiting, start=1)
            ],
            "participants": [e for e in active if e.case_id in visible],
            "other_participants": sum(1 for e in active if e.case_id not in visible),
            "can_manage": can_manage,
            "can_start_next": can_manage and bool(waiting) and not places.is_full,
            "can_export_people": scope_of(request.user).can_read_people,
        },
    )


@login_required
@require_POST
@once_per_submission
def start_next(request: AuthenticatedHttpRequest, measure_id: int) -> HttpResponse:
    """Start the first on the waiting list (team lead or administrator)."""
    measure = queries.get_measure_to_manage(request.user, measure_id)
    try:
        actions.do_start_next_from_waiting_list(request.user, measure)
    except actions.NoFreePlace:
        messages.error(request, _("The measure is full: end an enrolment first."))
    except actions.NobodyWaiting:
        messages.info(request, _("Nobody is on the waiting list."))
    else:
        messages.success(request, _("The first on the waiting list has started."))
    return redirect("programs:measure_detail", measure_id=measure.pk)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def staircase_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = _managed_organisations(request)
    form = StaircaseForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_create_staircase(
                request.user,
                form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except actions.DuplicateName:
            form.add_error("name", form.error_messages["duplicate"])
        else:
            messages.success(request, _("The staircase is saved."))
            return redirect("programs:measures")
    return render(request, "programs/staircase_form.html", {"form": form, "staircase": None})


@login_required
@require_http_methods(["GET", "POST"])
def staircase_edit(request: AuthenticatedHttpRequest, staircase_id: int) -> HttpResponse:
    staircase = queries.get_staircase_to_manage(request.user, staircase_id)
    form = StaircaseForm(
        request.POST or None,
        initial={"name": staircase.name, "description": staircase.description},
        organisations=[staircase.organisation],
        staircase=staircase,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_staircase(
                request.user,
                staircase,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except actions.DuplicateName:
            form.add_error("name", form.error_messages["duplicate"])
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("programs:measures")
    return render(request, "programs/staircase_form.html", {"form": form, "staircase": staircase})


# A case's enrolments


def _enrolments_context(request: AuthenticatedHttpRequest, case) -> dict[str, object]:
    return {
        "case": case,
        "case_url": queries.case_page_url(case.pk),
        "enrolments": list(queries.enrolments_of(case)),
        "can_enrol": case.state in actions.ENROLLABLE_STATES,
    }


@login_required
@require_GET
def case_enrolments(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP, what="enrolments")
    return render(request, "programs/case_enrolments.html", _enrolments_context(request, case))


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def enrol(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Enrol the case in a measure; a full measure puts it on the waiting list."""
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP, what="enrolments")
    measures = queries.enrollable_measures(case)
    if request.htmx and request.method == "GET":
        return _places_partial(request, measures)
    form = EnrolForm(request.POST or None, measures=measures)
    can_enrol = case.state in actions.ENROLLABLE_STATES
    if request.method == "POST" and can_enrol and form.is_valid():
        measure = form.cleaned_data["measure"]
        try:
            enrolment = actions.do_enrol(
                request.user,
                case,
                measure,
                start_on=form.cleaned_data["start_on"],
                planned_end_on=form.cleaned_data["planned_end_on"],
            )
        except actions.AlreadyEnrolled:
            form.add_error(
                "measure", _("The young person already takes part in or waits for this measure.")
            )
        except actions.CaseNotEnrollable:
            can_enrol = False
        else:
            if enrolment.status == Enrolment.Status.WAITING:
                messages.info(
                    request,
                    _("%(measure)s is full: the young person is on the waiting list.")
                    % {"measure": measure.name},
                )
            else:
                messages.success(
                    request,
                    _("The young person takes part in %(measure)s.") % {"measure": measure.name},
                )
            return redirect("programs:case_enrolments", case_id=case.pk)
    return render(
        request,
        "programs/enrol.html",
        {
            "case": case,
            "case_url": queries.case_page_url(case.pk),
            "form": form,
            "can_enrol": can_enrol,
            "chosen": _places_for(request, measures, form["measure"].value()),
        },
    )


def _places_for(
    request: AuthenticatedHttpRequest, measures, measure_id
) -> dict[str, object] | None:
    """The chosen measure and its places, for the note under the measure field."""
    if not str(measure_id or "").isdigit():
        return None
    measure = measures.filter(pk=int(measure_id)).first()
    if measure is None:
        return None
    places = queries.places_of([measure])[measure.pk]
    rounded = queries.counts_rounded_for(request.user, measure.organisation_id)
    return {
        "measure": measure,
        "places": places,
        "shown": queries.shown_places(places, rounded=rounded),
    }


def _places_partial(request: AuthenticatedHttpRequest, measures) -> HttpResponse:
    chosen = _places_for(request, measures, request.GET.get("measure"))
    return render(request, "programs/_enrol_places.html", {"chosen": chosen})


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_end(
    request: AuthenticatedHttpRequest, case_id: int, enrolment_id: int
) -> HttpResponse:
    enrolment = queries.get_enrolment_for(request.user, case_id, enrolment_id)
    case = enrolment.case
    if enrolment.status == Enrolment.Status.ENDED:
        messages.info(request, _("The enrolment has ended already."))
        return redirect("programs:case_enrolments", case_id=case.pk)
    form = EndEnrolmentForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_end_enrolment(
                request.user,
                enrolment,
                end_on=form.cleaned_data["end_on"],
                reason=form.cleaned_data["reason"],
            )
        except actions.EnrolmentNotOpen:
            messages.info(request, _("The enrolment has ended already."))
        else:
            messages.success(
                request,
                _("The enrolment in %(measure)s has ended.") % {"measure": enrolment.measure.name},
            )
        return redirect("programs:case_enrolments", case_id=case.pk)
    return render(
        request,
        "programs/enrolment_end.html",
        {"case": case, "enrolment": enrolment, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_move_up(
    request: AuthenticatedHttpRequest, case_id: int, enrolment_id: int
) -> HttpResponse:
    """End the enrolment (moved up) and enrol in a higher step of the staircase."""
    enrolment = queries.get_enrolment_for(request.user, case_id, enrolment_id)
    case = enrolment.case
    steps = queries.steps_up_from(enrolment)
    if enrolment.status != Enrolment.Status.ACTIVE:
        messages.info(request, _("Only an enrolment in progress can move up the staircase."))
        return redirect("programs:case_enrolments", case_id=case.pk)
    form = MoveUpForm(request.POST or None, enrolment=enrolment, steps=steps)
    if request.method == "POST" and form.is_valid():
        to_measure = form.cleaned_data["to_measure"]
        try:
            new = actions.do_move_up(
                request.user, enrolment, to_measure, on=form.cleaned_data["on"]
            )
        except actions.AlreadyEnrolled:
            form.add_error(
                "to_measure", _("The young person already takes part in or waits for this measure.")
            )
        except (actions.NotAStepUp, actions.EnrolmentNotOpen):
            form.add_error("to_measure", _("Choose a measure higher up the same staircase."))
        else:
            if new.status == Enrolment.Status.WAITING:
                messages.info(
                    request,
                    _("%(measure)s is full: the young person is on the waiting list.")
                    % {"measure": to_measure.name},
                )
            else:
                messages.success(
                    request,
                    _("The young person has moved up to %(measure)s.")
                    % {"measure": to_measure.name},
                )
            return redirect("programs:case_enrolments", case_id=case.pk)
    return render(
        request,
        "programs/enrolment_move_up.html",
        {"case": case, "enrolment": enrolment, "form": form, "has_steps": steps.exists()},
    )


# Sessions and attendance


@login_required
@require_GET
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Coming sessions of the actor's organisations (volunteers' way in)."""
    if not queries.session_org_ids(request.user):
        raise Http404("No organisation whose sessions the actor sees.")
    # Today's sessions stay on the list all day, whatever the hour.
    since = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
    sessions = list(queries.upcoming_sessions(request.user, since=since)[:200])
    return render(request, "programs/session_list.html", {"sessions": sessions})


@login_required
@require_GET
def measure_sessions(request: AuthenticatedHttpRequest, measure_id: int) -> HttpResponse:
    measure = queries.get_measure_for_sessions(request.user, measure_id)
    return render(
        request,
        "programs/measure_sessions.html",
        {
            "measure": measure,
            "sessions": list(measure.sessions.order_by("starts_at", "number")),
            "can_manage": queries.can_manage_measures(request.user, measure.organisation_id),
            "can_read_measure": measure.organisation_id in queries.measure_org_ids(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def session_new(request: AuthenticatedHttpRequest, measure_id: int) -> HttpResponse:
    measure = queries.get_measure_to_manage(request.user, measure_id)
    form = SessionForm(
        request.POST or None, initial={"number": actions.next_session_number(measure)}
    )
    if request.method == "POST" and form.is_valid():
        actions.do_add_session(request.user, measure, **form.cleaned_data)
        messages.success(request, _("The session is added."))
        return redirect("programs:measure_sessions", measure_id=measure.pk)
    return render(request, "programs/session_form.html", {"measure": measure, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def sessions_plan(request: AuthenticatedHttpRequest, measure_id: int) -> HttpResponse:
    """Add a series of sessions on chosen weekdays (e.g. Monday and Thursday, 8 in all)."""
    measure = queries.get_measure_to_manage(request.user, measure_id)
    form = SessionSeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sessions = actions.do_plan_sessions(
            request.user,
            measure,
            first_day=form.cleaned_data["first_day"],
            weekdays=form.weekdays(),
            at=form.cleaned_data["at"],
            count=form.cleaned_data["count"],
        )
        messages.success(
            request,
            ngettext("%(count)s session is added.", "%(count)s sessions are added.", len(sessions))
            % {"count": len(sessions)},
        )
        return redirect("programs:measure_sessions", measure_id=measure.pk)
    return render(request, "programs/session_plan.html", {"measure": measure, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(
    request: AuthenticatedHttpRequest, measure_id: int, session_id: int
) -> HttpResponse:
    """The session's attendance list. Volunteers see the first names only."""
    session = queries.get_session_for(request.user, measure_id, session_id)
    enrolments = queries.attendance_list(request.user, session)
    log_people_shown(
        request.user,
        ((e.case.person_id, e.case.organisation_id) for e in enrolments),
        what="list:attendance",
    )
    can_register = queries.can_register_attendance(request.user, session.measure)
    if not can_register:
        if request.method == "POST":
            raise Http404("Volunteers do not record attendance.")
        return render(
            request,
            "programs/session_detail.html",
            {
                "session": session,
                "first_names": [e.case.person.first_name for e in enrolments],
                "can_register": False,
                # A manager sees no one on the list: "nobody" would be a count, and false.
                "teams_only": not scope_of(request.user).volunteer_team_ids,
            },
        )
    marks = queries.attendance_marks(session)
    form = AttendanceForm(request.POST or None, enrolments=enrolments, marks=marks)
    if request.method == "POST" and form.is_valid():
        actions.do_record_attendance(request.user, session, form.marks())
        messages.success(request, _("The attendance is saved."))
        return redirect(
            "programs:session_detail", measure_id=session.measure_id, session_id=session.pk
        )
    return render(
        request,
        "programs/session_detail.html",
        {
            "session": session,
            "form": form,
            "rows": [
                {"enrolment": e, "field": form[f"present_{e.pk}"], "mark": marks.get(e.pk)}
                for e in enrolments
            ],
            "can_register": True,
        },
    )


# Exports

_MEASURE_EXPORTS = {"participants": ParticipantsExport, "attendance": AttendanceExport}


@login_required
@require_GET
def measures_export(
    request: AuthenticatedHttpRequest, fmt: str, measure_id: int | None = None, table: str = ""
):
    """The measures list, or a measure's participants or attendance, as CSV or XLSX."""
    if measure_id is None:
        return export_response(request, MeasureListExport(request.user), fmt)
    export = _MEASURE_EXPORTS[table](request.user, {"measure": measure_id})
    return export_response(request, export, fmt)
