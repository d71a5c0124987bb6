"""Pages of referrals between organisations: referring out from a case, the sender's
outgoing list, and the receiver's incoming queue with accept, decline and waiting list."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.scope import scope_of
from losen.audit.disclosures import SharedField
from losen.audit.models import Purpose
from losen.cases.actions.work import can_work_on
from losen.cases.queries.core import get_case_for, log_cases_shown
from losen.exchange import actions, queries
from losen.exchange.forms import (
    AcceptForm,
    AttendanceForm,
    DeclineForm,
    PauseForm,
    ReferOutForm,
    ResumeForm,
    StatusNoteForm,
)
from losen.exchange.models import ReceivedReferral, State
from losen.lib.errors import NotAllowed
from losen.outcomes.codes import TOP_LEVEL
from losen.submissions.once import once_per_submission


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def refer_out(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP, what="case")
    if not can_work_on(request.user, case):
        raise Http404("Only the case's team refers its young people.")
    listings = actions.referral_targets(case)
    teams = actions.referral_teams(case)
    form = ReferOutForm(request.POST or None, listings=listings, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = actions.do_refer_out(
                request.user,
                case,
                listing=data["listing"],
                team=data["team"],
                fields=data["shared"],
                reason=data["reason"],
                youth_consents=data["youth_consents"],
                guardian_consents=data["guardian_consents"],
            )
        except actions.ConsentMissing as missing:
            form.add_error(None, missing.what)
        except actions.AlreadyReferred as already:
            messages.info(request, _("The young person is referred there already."))
            return redirect("outgoing:detail", referral_id=already.existing.pk)
        except NotAllowed:
            form.add_error("listing", _("The measure takes no referrals now."))
        else:
            messages.success(
                request,
                _("The referral is sent to %(organisation)s.")
                % {"organisation": sent.to_organisation.name},
            )
            return redirect("outgoing:detail", referral_id=sent.pk)
    return render(
        request,
        "exchange/refer_out.html",
        {
            "case": case,
            "form": form,
            "minor": case.person.is_minor,
            "has_targets": bool(listings or teams),
        },
    )


@login_required
@require_GET
def outgoing(request: AuthenticatedHttpRequest) -> HttpResponse:
    referrals = list(queries.sent_visible_to(request.user).order_by("-referred_on", "-id")[:200])
    log_cases_shown(request.user, referrals, what="list:referrals_out")
    return render(request, "exchange/outgoing.html", {"referrals": referrals})


@login_required
@require_GET
def outgoing_detail(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    sent = queries.get_sent_for(request.user, referral_id)
    labels = dict(SharedField.choices)
    return render(
        request,
        "exchange/outgoing_detail.html",
        {
            "sent": sent,
            "fields": [labels.get(key, key) for key in sent.fields],
            "reports": [
                (
                    report,
                    TOP_LEVEL.get(report.data.get("top_code", ""), ""),
                    _date(report.data.get("until")),
                    _date(f"{report.period}-01" if report.period else None),
                )
                for report in sent.reports.select_related("reported_by_organisation").order_by(
                    "effective_on", "id"
                )
            ],
        },
    )


@login_required
@require_GET
def incoming(request: AuthenticatedHttpRequest) -> HttpResponse:
    referrals = list(queries.received_visible_to(request.user).order_by("-referred_on")[:200])
    queries.log_received_shown(request.user, referrals, what="list:referrals_in")
    return render(
        request,
        "exchange/incoming.html",
        {
            "notes_to_review": list(queries.pending_notes_for(request.user)[:50]),
            "waiting": [r for r in referrals if r.state in (State.SENT, State.WAITING_LIST)],
            "decided": [r for r in referrals if r.state not in (State.SENT, State.WAITING_LIST)],
        },
    )


def _teams_to_accept_into(request: AuthenticatedHttpRequest, received):
    teams = [
        team
        for team in scope_of(request.user).casework_teams()
        if team.organisation_id == received.organisation_id
    ]
    if received.team_id is not None:
        teams = [team for team in teams if team.pk == received.team_id]
    return teams


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _detail_context(request: AuthenticatedHttpRequest, received: ReceivedReferral) -> dict:
    labels = dict(SharedField.choices)
    today = timezone.localdate()
    return {
        "received": received,
        "shared": received.shared,
        "birth_date": _date(received.shared.get("birth_date")),
        "fields": [labels.get(key, key) for key in received.fields],
        "accept_form": AcceptForm(
            teams=_teams_to_accept_into(request, received),
            candidates=queries.same_person_candidates(request.user, received),
        ),
        "decline_form": DeclineForm(),
        "open": received.state in (State.SENT, State.WAITING_LIST) and received.case_id is None,
        "under_way": received.state == State.STARTED and received.consent_withdrawn_at is None,
        "pause_form": PauseForm(initial={"on": today}, auto_id="pause_%s"),
        "resume_form": ResumeForm(initial={"on": today}, auto_id="resume_%s"),
        "attendance_form": AttendanceForm(months=queries.months_to_report(received, today)),
        "note_form": StatusNoteForm(),
        "notes": list(received.status_notes.select_related("written_by", "reviewed_by")),
        "may_review": actions.may_review_notes(request.user, received),
        "may_write": received.consent_withdrawn_at is None
        and received.state not in (State.DECLINED, State.WITHDRAWN),
    }


@login_required
@require_GET
def incoming_detail(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    received = queries.get_received_for(request.user, referral_id)
    return render(request, "exchange/incoming_detail.html", _detail_context(request, received))


@login_required
@require_POST
def incoming_accept(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    received = queries.get_received_for(request.user, referral_id)
    form = AcceptForm(
        request.POST,
        teams=_teams_to_accept_into(request, received),
        candidates=queries.same_person_candidates(request.user, received),
    )
    if not form.is_valid():
        messages.error(request, _("Choose the team to take the young person into."))
        return redirect("incoming:detail", referral_id=received.pk)
    to_meeting = request.POST.get("to") == "meeting"
    take_in = actions.do_take_to_meeting if to_meeting else actions.do_accept_referral
    try:
        taken = take_in(
            request.user,
            received,
            team=form.cleaned_data["team"],
            person=form.cleaned_data["person"],
        )
    except actions.AlreadyDecided:
        messages.info(request, _("The referral was decided on already."))
        return redirect("incoming:detail", referral_id=received.pk)
    if to_meeting:
        messages.success(
            request,
            _(
                "The referral is taken in for the team meeting: the young person has a case "
                "with you, and the meeting's decision goes back to the sender."
            ),
        )
    else:
        messages.success(
            request, _("The referral is accepted: the young person has a case with you.")
        )
    return redirect("cases:detail", case_id=taken.case_id)


@login_required
@require_POST
def incoming_decline(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    received = queries.get_received_for(request.user, referral_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the referral is declined."))
        return redirect("incoming:detail", referral_id=received.pk)
    try:
        actions.do_decline_referral(request.user, received, reason=form.cleaned_data["reason"])
    except actions.AlreadyDecided:
        messages.info(request, _("The referral was decided on already."))
    else:
        messages.success(request, _("The referral is declined, and the sender is told why."))
    return redirect("incoming:list")


@login_required
@require_POST
def incoming_waitlist(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    received = queries.get_received_for(request.user, referral_id)
    try:
        actions.do_waitlist_referral(request.user, received)
    except actions.AlreadyDecided:
        messages.info(request, _("The referral was decided on already."))
    else:
        messages.success(request, _("The referral is on the waiting list."))
    return redirect("incoming:detail", referral_id=received.pk)


def _report_outcome(request: AuthenticatedHttpRequest, made) -> None:
    if made is None:
        messages.warning(
            request, _("The consent is withdrawn: the report stays with you and is not sent.")
        )
    else:
        messages.success(
            request, _("Reported to %(organisation)s.") % {"organisation": made.organisation.name}
        )


def _detail_with_errors(request: AuthenticatedHttpRequest, received, **forms) -> HttpResponse:
    context = {**_detail_context(request, received), **forms}
    return render(request, "exchange/incoming_detail.html", context, status=400)


@login_required
@require_POST
@once_per_submission
def incoming_pause(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    received = queries.get_received_for(request.user, referral_id)
    paused = received.paused_on is not None
    form_class = ResumeForm if paused else PauseForm
    form = form_class(request.POST, auto_id=("resume_%s" if paused else "pause_%s"))
    if form.is_valid():
        try:
            if paused:
                made = actions.do_report_resumed(request.user, received, on=form.cleaned_data["on"])
            else:
                made = actions.do_report_pause(
                    request.user,
                    received,
                    on=form.cleaned_data["on"],
                    until=form.cleaned_data["until"],
                )
        except NotAllowed:
            raise Http404("Not under way with this team.") from None
        except actions.AlreadyReported:
            messages.info(request, _("The pause is reported already."))
        except ValueError:
            form.add_error("on", _("Give a date between the start and today."))
        else:
            _report_outcome(request, made)
            return redirect("incoming:detail", referral_id=received.pk)
    name = "resume_form" if paused else "pause_form"
    return _detail_with_errors(request, received, **{name: form})


@login_required
@require_POST
@once_per_submission
def incoming_attendance(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    received = queries.get_received_for(request.user, referral_id)
    form = AttendanceForm(
        request.POST, months=queries.months_to_report(received, timezone.localdate())
    )
    if form.is_valid():
        month = datetime.date.fromisoformat(form.cleaned_data["month"])
        try:
            made = actions.do_report_attendance(request.user, received, month)
        except NotAllowed:
            raise Http404("Not under way with this team.") from None
        except actions.NothingToReport:
            form.add_error("month", _("No attendance is recorded for the month."))
        except actions.AlreadyReported:
            messages.info(request, _("The month's attendance is reported already."))
            return redirect("incoming:detail", referral_id=received.pk)
        else:
            _report_outcome(request, made)
            return redirect("incoming:detail", referral_id=received.pk)
    return _detail_with_errors(request, received, attendance_form=form)


@login_required
@require_POST
@once_per_submission
def incoming_note(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    received = queries.get_received_for(request.user, referral_id)
    form = StatusNoteForm(request.POST)
    if form.is_valid():
        try:
            actions.do_write_status_note(request.user, received, form.cleaned_data["text"])
        except NotAllowed:
            raise Http404("Not the receiving team.") from None
        messages.success(request, _("The note waits for a team lead's review before it is sent."))
        return redirect("incoming:detail", referral_id=received.pk)
    return _detail_with_errors(request, received, note_form=form)


@login_required
@require_POST
def incoming_note_review(
    request: AuthenticatedHttpRequest, referral_id: int, note_id: int
) -> HttpResponse:
    received = queries.get_received_for(request.user, referral_id)
    note = received.status_notes.filter(pk=note_id).first()
    if note is None or not actions.may_review_notes(request.user, received):
        raise Http404("No such note to review.")
    try:
        if request.POST.get("send") == "yes":
            _report_outcome(request, actions.do_send_status_note(request.user, note))
        else:
            actions.do_discard_status_note(request.user, note)
            messages.success(request, _("The note is not sent; it stays with you."))
    except actions.AlreadyDecided:
        messages.info(request, _("The note was reviewed already."))
    return redirect("incoming:detail", referral_id=received.pk)
