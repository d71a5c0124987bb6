"""The daily work queue and a person's outreach page: attempts, SMS, letters, statuses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.scope import scope_of
from losen.outreach import correspondence, eligibility, letters, statuses
from losen.outreach.actions.ladder import (
    AlreadyReached,
    AlreadyReferred,
    NotReached,
    do_assign_entry,
    do_log_attempt,
    do_record_leave_reason,
    do_refer_from_outreach,
    do_send_rights_information,
    do_send_sms,
    do_set_status,
)
from losen.outreach.forms.ladder import (
    AttemptForm,
    LeaveReasonForm,
    QueueFilterForm,
    ReferForm,
    SmsForm,
    StatusForm,
)
from losen.outreach.ladder import ladder_for, queue
from losen.outreach.models.ladder import Method, Result
from losen.outreach.queries.ladder import entries_visible_to, get_entry_for, status_history
from losen.people.models import age_on
from losen.people.queries import log_people_shown
from losen.submissions.once import once_per_submission


def require_casework(request: AuthenticatedHttpRequest) -> None:
    if not scope_of(request.user).casework_team_ids:
        raise Http404("Outreach is for the teams that work with young people.")


def _teams(request: AuthenticatedHttpRequest):
    from losen.accounts.models import Team

    return Team.objects.filter(pk__in=scope_of(request.user).casework_team_ids).select_related(
        "organisation"
    )


# --- the queue ---------------------------------------------------------------------------


@login_required
@require_GET
def queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who is due which step today: overdue first, then by due day."""
    require_casework(request)
    form = QueueFilterForm(request.GET or None, teams=_teams(request))
    entries = entries_visible_to(request.user)
    who = ""
    if form.is_valid():
        if form.cleaned_data["team"] is not None:
            entries = entries.filter(team=form.cleaned_data["team"])
        who = form.cleaned_data["who"]
    today = timezone.localdate()
    rows = queue(entries, day=today)
    totals = {
        "due": len(rows),
        "overdue": sum(r.overdue for r in rows),
        "unassigned": sum(r.entry.assigned_to_id is None for r in rows),
    }
    if who == "mine":
        rows = [r for r in rows if r.entry.assigned_to_id == request.user.pk]
    elif who == "unassigned":
        rows = [r for r in rows if r.entry.assigned_to_id is None]
    elif who == "overdue":
        rows = [r for r in rows if r.overdue]
    log_people_shown(
        request.user, ((r.person.pk, r.person.organisation_id) for r in rows), what="list:outreach"
    )
    context = {"form": form, "rows": rows, "totals": totals, "today": today}
    if request.htmx and not request.htmx.boosted:
        return render(request, "outreach/_queue_rows.html", context)
    return render(request, "outreach/queue.html", context)


def _back(request: AuthenticatedHttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def entry_assign(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    require_casework(request)
    entry = get_entry_for(request.user, entry_id)
    assignee = None if request.POST.get("unassign") else request.user
    do_assign_entry(request.user, entry, assignee)
    if assignee is None:
        messages.success(request, _("%(name)s is no longer assigned.") % {"name": entry.person})
    else:
        messages.success(request, _("%(name)s is assigned to you.") % {"name": entry.person})
    return _back(request, "outreach:queue")


# --- one person --------------------------------------------------------------------------


def _entry_context(request: AuthenticatedHttpRequest, entry, **forms) -> dict:
    ladder = ladder_for(entry.organisation_id, entry.scheme)
    today = timezone.localdate()
    person = entry.person
    minor = age_on(person.birth_date, today) < 18
    in_group = eligibility.is_eligible(
        entry.scheme, person.birth_date, today, entry.school_status
    ) and (entry.left_on is None or entry.left_on > today)
    history = list(status_history(entry))
    current = history[-1].code if history else ""
    next_step = (
        ladder.steps[entry.step_index].method if entry.step_index < len(ladder.steps) else ""
    )
    return {
        "entry": entry,
        "person": person,
        "ladder": ladder,
        "steps": [
            {"method": Method(step.method).label, "done": index < entry.step_index}
            for index, step in enumerate(ladder.steps)
        ],
        "next_step": Method(next_step).label if next_step else "",
        "due_on": ladder.due_on(entry),
        "promise_on": ladder.promise_on(entry),
        "overdue": ladder.is_overdue(entry, today),
        "minor": minor,
        "guardians": correspondence.guardians_of(entry),
        "in_group": in_group,
        "attempts": entry.attempts.select_related("attempted_by"),
        "history": history,
        "current_status": statuses.BY_SCHEME[entry.scheme].get(
            statuses.canonical(entry.scheme, current)
        ),
        "notices": list(entry.notices.all()),
        "rights_information": eligibility.rule_on(entry.scheme, today).rights_information,
        "attempt_form": forms.get("attempt_form")
        or AttemptForm(
            listed_on=entry.listed_on,
            initial={"method": next_step or Method.PHONE, "to_guardian": minor},
        ),
        "letters": _letters(entry, minor),
        "status_form": forms.get("status_form")
        or StatusForm(scheme=entry.scheme, initial={"effective_on": today}),
        "leave_form": forms.get("leave_form") or LeaveReasonForm(),
        "refer_form": forms.get("refer_form") or ReferForm(),
        "can_refer": entry.reached_on is not None and entry.case_id is None,
    }


@login_required
@require_GET
def entry_detail(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    require_casework(request)
    entry = get_entry_for(request.user, entry_id)
    return render(request, "outreach/entry.html", _entry_context(request, entry))


def _invalid(request, entry, **forms) -> HttpResponse:
    return render(
        request, "outreach/entry.html", _entry_context(request, entry, **forms), status=400
    )


@login_required
@require_POST
@once_per_submission
def entry_attempt(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    require_casework(request)
    entry = get_entry_for(request.user, entry_id)
    form = AttemptForm(request.POST, listed_on=entry.listed_on)
    if not form.is_valid():
        return _invalid(request, entry, attempt_form=form)
    try:
        do_log_attempt(request.user, entry, **form.cleaned_data)
    except AlreadyReached:
        messages.error(request, _("Contact has been made already; the ladder has stopped."))
        return redirect("outreach:entry", entry_id=entry.pk)
    result = Result(form.cleaned_data["result"])
    messages.success(request, _("The attempt is logged: %(result)s.") % {"result": result.label})
    return redirect("outreach:entry", entry_id=entry.pk)


@login_required
@require_POST
def entry_status(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    require_casework(request)
    entry = get_entry_for(request.user, entry_id)
    form = StatusForm(request.POST, scheme=entry.scheme)
    if form.is_valid():
        try:
            do_set_status(request.user, entry, **form.cleaned_data)
        except ValueError:
            form.add_error(
                "effective_on",
                _("The date must be between the day on the list and today."),
            )
    if not form.is_valid():
        return _invalid(request, entry, status_form=form)
    messages.success(request, _("The status is recorded."))
    return redirect("outreach:entry", entry_id=entry.pk)


@login_required
@require_POST
def entry_leave_reason(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    require_casework(request)
    entry = get_entry_for(request.user, entry_id)
    form = LeaveReasonForm(request.POST)
    if not form.is_valid() or entry.left_on is None:
        return _invalid(request, entry, leave_form=form)
    do_record_leave_reason(request.user, entry, form.cleaned_data["reason"])
    messages.success(request, _("The reason is recorded."))
    return redirect("outreach:entry", entry_id=entry.pk)


@login_required
@require_POST
@once_per_submission
def entry_refer(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    """From a reached contact: a referral (source outreach) and its application."""
    require_casework(request)
    entry = get_entry_for(request.user, entry_id)
    form = ReferForm(request.POST)
    if not form.is_valid():
        return _invalid(request, entry, refer_form=form)
    try:
        registered = do_refer_from_outreach(request.user, entry, reason=form.cleaned_data["reason"])
    except NotReached:
        messages.error(request, _("Only someone who has been reached can be referred."))
        return redirect("outreach:entry", entry_id=entry.pk)
    except AlreadyReferred:
        messages.error(request, _("This person has been referred already."))
        return redirect("outreach:entry", entry_id=entry.pk)
    messages.success(request, _("The referral is registered; the application is ready to sign."))
    return redirect("cases:application", case_id=registered.referral.case_id)


def _letters(entry, minor: bool) -> list[dict]:
    """The letters the page offers, each with what it still lacks (then no link)."""
    choices = [False, True] if minor else [False]
    letters_offered = []
    for to_guardian in choices:
        recipient = correspondence.letter_recipient(entry, to_guardian=to_guardian)
        letters_offered.append(
            {
                "to": recipient.key,
                "label": _("The letter to a guardian (PDF)")
                if to_guardian
                else _("The letter (PDF, neutral sender)"),
                "missing": correspondence.letter_missing(entry, recipient),
            }
        )
    return letters_offered


def _missing_message(missing: list[str]) -> str:
    return _("First register %(missing)s.") % {"missing": ", ".join(missing)}


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def entry_sms(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    """The SMS from the template (Norwegian or Swedish), to edit and send: worded for the
    young person or for a guardian (?to=guardian), always with a number to call back."""
    require_casework(request)
    entry = get_entry_for(request.user, entry_id)
    minor = age_on(entry.person.birth_date, timezone.localdate()) < 18
    to = request.POST.get("to") if request.method == "POST" else request.GET.get("to")
    if to not in ("youth", "guardian"):
        to = "guardian" if minor else "youth"
    recipient = correspondence.sms_recipient(entry, to_guardian=to == "guardian")
    missing = correspondence.sms_missing(entry, recipient)
    form = SmsForm(
        request.POST or None,
        callback=correspondence.callback_number(entry),
        initial={"text": correspondence.sms_text(entry, recipient, sender=request.user), "to": to},
    )
    if request.method == "POST" and missing:
        form.is_valid()
        form.add_error(None, _missing_message(missing))
    elif request.method == "POST" and form.is_valid():
        from losen.outreach.sms import SmsError

        try:
            do_send_sms(
                request.user,
                entry,
                text=form.cleaned_data["text"],
                to_guardian=recipient.to_guardian,
            )
        except SmsError:
            form.add_error(None, _("The SMS could not be sent. Try again later."))
        except AlreadyReached:
            form.add_error(None, _("Contact has been made already; the ladder has stopped."))
        else:
            messages.success(request, _("The SMS is sent and logged."))
            return redirect("outreach:entry", entry_id=entry.pk)
    context = {
        "entry": entry,
        "form": form,
        "minor": minor,
        "recipient": recipient,
        "guardians": correspondence.guardians_of(entry),
        "missing": missing,
        "callback": correspondence.callback_number(entry),
    }
    return render(request, "outreach/sms.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def entry_letter(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    """The letter as a PDF, with a neutral sender (log it as sent on the person's page);
    without an address or a number to call back, the person's page says what is missing."""
    require_casework(request)
    entry = get_entry_for(request.user, entry_id)
    to_guardian = request.GET.get("to") == "guardian"
    try:
        return letters.letter_response(entry, request.user, to_guardian=to_guardian)
    except letters.CannotPrint as refused:
        messages.error(
            request,
            _("The letter cannot be printed yet. %(what)s")
            % {"what": _missing_message(refused.missing)},
        )
        return redirect("outreach:entry", entry_id=entry.pk)


@login_required
@require_POST
def entry_rights(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    """OT: information about rights sent (to the young person, and a guardian under 18)."""
    require_casework(request)
    entry = get_entry_for(request.user, entry_id)
    written = do_send_rights_information(request.user, entry)
    if written:
        messages.success(request, _("Information about rights is recorded as sent."))
    return redirect("outreach:entry", entry_id=entry.pk)
