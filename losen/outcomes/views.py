"""A case's exit (/cases/<id>/exit/) and its follow-ups (/follow-ups/<id>/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from losen.accounts.http import AuthenticatedHttpRequest
from losen.audit.models import Purpose
from losen.cases.queries.core import get_case_for
from losen.outcomes import actions, queries
from losen.outcomes.forms import ExitForm, FollowUpForm
from losen.people.models import Guardian, Person
from losen.people.queries import get_person_for
from losen.programs.queries import case_page_url, open_enrolments
from losen.submissions.once import once_per_submission


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def case_exit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """End the case with an exit outcome; once ended, the outcome and its follow-ups.

    Two steps, without JavaScript: a valid form is shown as a summary to confirm (its
    values carried in hidden fields), and only the summary's confirmation ends the case.
    "Change" on the summary brings the form back as it was filled in.
    """
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP, what="exit")
    exit_outcome = queries.exit_of(case)
    can_exit = exit_outcome is None and case.state in actions.EXITABLE_STATES
    form = None
    if can_exit:
        form = ExitForm(request.POST or None, earliest=actions.earliest_exit_date(case))
    confirming = False
    if request.method == "POST" and form is not None and form.is_valid():
        # Shown as a summary first ("change" brings the form back as it was filled in).
        confirming = not form.cleaned_data["change"]
    if confirming and form is not None and form.is_confirmed():
        confirming = False
        try:
            actions.do_exit(
                request.user,
                case,
                code=form.cleaned_data["code"],
                exited_on=form.cleaned_data["exited_on"],
                note=form.cleaned_data["note"],
            )
        except actions.AlreadyExited:
            messages.info(request, _("The case has ended already."))
            return redirect("outcomes:exit", case_id=case.pk)
        except actions.CaseCannotExit:
            messages.error(request, _("Only an accepted or active case can end with an outcome."))
            return redirect("outcomes:exit", case_id=case.pk)
        except actions.InvalidExitDate:
            form.add_error("exited_on", _("The exit date is not possible for this case."))
        else:
            messages.success(request, _("The case has ended. The follow-ups are planned."))
            return redirect("outcomes:exit", case_id=case.pk)
    return render(
        request,
        "outcomes/exit_confirm.html" if confirming else "outcomes/exit.html",
        {
            "case": case,
            "case_url": case_page_url(case.pk),
            "exit": exit_outcome,
            "follow_ups": list(queries.follow_ups_of(case)) if exit_outcome else [],
            "form": form,
            "open_enrolments": list(open_enrolments(case)) if form is not None else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def follow_up(request: AuthenticatedHttpRequest, follow_up_id: int) -> HttpResponse:
    """Register a follow-up (once): reached or not, and the status then."""
    item = queries.get_follow_up_for(request.user, follow_up_id)
    case = item.case
    if item.is_registered and request.method == "POST":
        messages.error(request, _("This follow-up is registered already."))
        return redirect("outcomes:follow_up", follow_up_id=item.pk)
    form = None
    if not item.is_registered:
        form = FollowUpForm(request.POST or None, exited_on=item.exit.exited_on)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            actions.do_register_follow_up(
                request.user,
                item,
                reached=form.cleaned_data["reached"],
                code=form.cleaned_data["code"],
                registered_on=form.cleaned_data["registered_on"],
                note=form.cleaned_data["note"],
            )
        except actions.AlreadyRegistered:
            messages.error(request, _("This follow-up is registered already."))
            return redirect("outcomes:follow_up", follow_up_id=item.pk)
        except actions.InvalidFollowUpDate:
            form.add_error("registered_on", _("The date is not possible for this follow-up."))
        else:
            messages.success(request, _("The follow-up is registered."))
            return redirect("outcomes:follow_up", follow_up_id=item.pk)
    person, guardians = _who_to_call(request, case.person_id) if form is not None else (None, [])
    return render(
        request,
        "outcomes/follow_up.html",
        {
            "case": case,
            "case_url": case_page_url(case.pk),
            "follow_up": item,
            "form": form,
            "person": person,
            "guardians": guardians,
        },
    )


def _who_to_call(
    request: AuthenticatedHttpRequest, person_id: int
) -> tuple[Person | None, list[Guardian]]:
    """The young person's phone and e-mail beside the follow-up form, and their guardians'
    under 18: read through the person's getter, so the read is logged. Someone who sees the
    case but not the person's record gets neither."""
    try:
        person = get_person_for(request.user, person_id, Purpose.FOLLOW_UP, what="contact_details")
    except Http404:
        return None, []
    return person, list(person.guardians.all()) if person.is_minor else []
