"""Team meetings: agenda, attendees and guests, decisions, minutes.

Every page opens the meeting through `get_meeting_for` (404 for anyone who may not see
it) and the agenda through `agenda_for`, which masks the young people a guest's
organisation has no consent for and writes the access log for everyone shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.models import User
from losen.audit.models import Purpose
from losen.cases.actions import meetings as actions
from losen.cases.actions.core import NotAContactPerson
from losen.cases.forms.meetings import (
    DecisionForm,
    GuestsForm,
    MeetingForm,
    TeamChoiceForm,
    not_ready_message,
    time_taken_message,
)
from losen.cases.models import AgendaItem, Decision, TeamMeeting
from losen.cases.queries.meetings import (
    AgendaEntry,
    Viewer,
    agenda_for,
    decisions_started,
    earlier_guests,
    get_invitation_for,
    get_item_for,
    get_meeting_for,
    invitations_for,
    invitations_shown_to_team,
    invited_meeting_ids,
    meeting_members,
    teams_for_new_meeting,
    upcoming_and_past,
    viewer_of,
)
from losen.lib.exporters import Exporter, pdf_response
from losen.submissions.once import once_per_submission

# `_decide`'s answer when the item was taken off the agenda under it.
TAKEN_OFF = "taken_off_the_agenda"


@login_required
@require_GET
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The actor's teams' meetings, upcoming and past, and the meetings they are invited to."""
    coming, past = upcoming_and_past(request.user)
    upcoming = list(coming.annotate(item_count=Count("items")))
    page = Paginator(past.annotate(item_count=Count("items")), settings.LOSEN_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/meetings/list.html",
        {
            "upcoming": upcoming,
            "page": page,
            "invited_ids": invited_meeting_ids(request.user, [*upcoming, *page.object_list]),
            "invitations": list(invitations_for(request.user)),
            "can_create": bool(teams_for_new_meeting(request.user)),
            "own_teams": teams_for_new_meeting(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def meeting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    teams = teams_for_new_meeting(request.user)
    if not teams:
        raise Http404("Only coordinators and team leads call team meetings.")
    chosen = request.POST if request.method == "POST" else request.GET
    team_form = TeamChoiceForm(chosen if "team" in chosen else None, teams=teams)
    if team_form.is_bound and not team_form.is_valid():
        raise Http404("Not one of your teams.")
    team = team_form.cleaned_data["team"] if team_form.is_bound else teams[0]
    team_form = TeamChoiceForm(initial={"team": team.pk}, teams=teams)
    form = MeetingForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.do_create_meeting(
                request.user,
                team=team,
                starts_at=form.cleaned_data["starts_at"],
                location=form.cleaned_data["location"],
                members=form.chosen_members(),
                guests=form.chosen_guests(),
                invite_addresses=form.invited_addresses(),
            )
        except actions.NotAGuest:
            form.add_error(
                "guest_emails", _("A guest must work in another organisation than the team.")
            )
        except actions.MeetingTimeTaken as taken:
            form.add_error("starts_at", time_taken_message(taken.meeting))
        else:
            count = meeting.items.count()
            messages.success(
                request,
                ngettext(
                    "The meeting is created with %(count)s item on the agenda.",
                    "The meeting is created with %(count)s items on the agenda.",
                    count,
                )
                % {"count": count},
            )
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(
        request,
        "cases/meetings/new.html",
        {"form": form, "team": team, "teams": teams, "team_form": team_form},
    )


def _item_context(
    entry: AgendaEntry, form: DecisionForm | None = None, members: list[User] | None = None
) -> dict[str, Any]:
    item = entry.item
    if form is None and entry.viewer.can_run_meeting and not item.decision:
        form = DecisionForm(item=item, missing=entry.missing, members=members)
    return {"entry": entry, "item": item, "form": form, "viewer": entry.viewer}


def can_add_guests(meeting: TeamMeeting) -> bool:
    """Guests are added until the meeting starts (as `do_invite_guests` checks)."""
    return meeting.closed_at is None and timezone.now() < meeting.starts_at


def _detail(
    request: AuthenticatedHttpRequest,
    meeting: TeamMeeting,
    *,
    bound: DecisionForm | None = None,
    guests_form: GuestsForm | None = None,
) -> HttpResponse:
    viewer = viewer_of(request.user, meeting)
    entries = agenda_for(request.user, meeting)
    # The contact persons to choose from, read once for every item's decision.
    members = list(meeting_members(meeting.team)) if viewer.can_run_meeting else []
    rows = [
        _item_context(
            entry, bound if bound and bound.item.pk == entry.item.pk else None, list(members)
        )
        for entry in entries
    ]
    attendees = list(
        meeting.attendees.select_related("user", "organisation").order_by(
            "is_guest", "user__full_name", "user__email"
        )
    )
    open_to_guests = viewer.can_run_meeting and can_add_guests(meeting)
    if open_to_guests and guests_form is None:
        guests_form = GuestsForm(team=meeting.team, exclude_guests=[a.user_id for a in attendees])
    return render(
        request,
        "cases/meetings/detail.html",
        {
            "meeting": meeting,
            "viewer": viewer,
            "rows": rows,
            "attendees": attendees,
            "decisions_started": decisions_started(meeting),
            "masked_count": sum(1 for entry in entries if entry.is_masked),
            # The team sees the addresses it invited, never whose they are (a guest sees
            # no other guest's address).
            "invitations": [] if viewer.is_guest else list(invitations_shown_to_team(meeting)),
            "guests_form": guests_form if open_to_guests else None,
        },
    )


@login_required
@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, meeting_id)
    return _detail(request, meeting)


def _answer_invitation(request: AuthenticatedHttpRequest, invitation_id: int, answer):
    """Give the owner's answer (`answer` is the action): the invitation, or None with a
    message when it can no longer be answered. 404 for anyone but its owner."""
    invitation = get_invitation_for(request.user, invitation_id)
    try:
        answer(request.user, invitation)
    except (actions.NotTheInvitee, actions.AlreadyAnswered):
        messages.error(request, _("The invitation can no longer be answered."))
        return None
    return invitation


@login_required
@require_POST
@once_per_submission
def invitation_accept(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """The owner of the invited address joins as a guest; 404 for anyone else."""
    invitation = _answer_invitation(request, invitation_id, actions.do_accept_invitation)
    if invitation is None:
        return redirect("meetings:list")
    messages.success(request, _("You attend the meeting as a guest."))
    return redirect("meetings:detail", meeting_id=invitation.meeting_id)


@login_required
@require_POST
@once_per_submission
def invitation_decline(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    if _answer_invitation(request, invitation_id, actions.do_decline_invitation) is not None:
        messages.success(request, _("You have declined the invitation."))
    return redirect("meetings:list")


def _started_message(meeting: TeamMeeting) -> str:
    if (
        meeting.closed_at is not None
        or timezone.localdate(meeting.starts_at) < timezone.localdate()
    ):
        return _("The meeting is over: guests can no longer be added.")
    return _("The meeting has started: guests can no longer be added.")


@login_required
@require_POST
@once_per_submission
def meeting_guests(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """Add guests (earlier ones by name, others by address) until the meeting starts."""
    meeting = get_meeting_for(request.user, meeting_id)
    _require_runner(request, meeting)
    seated = meeting.attendees.values_list("user_id", flat=True)
    form = GuestsForm(request.POST, team=meeting.team, exclude_guests=list(seated))
    if not can_add_guests(meeting):
        messages.error(request, _started_message(meeting))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    if form.is_valid():
        try:
            guests, invitations = actions.do_invite_guests(
                request.user,
                meeting,
                guests=form.chosen_guests(),
                invite_addresses=form.invited_addresses(),
            )
        except actions.MeetingStarted:
            messages.error(request, _started_message(meeting))
            return redirect("meetings:detail", meeting_id=meeting.pk)
        except actions.NotAGuest:
            form.add_error(
                "guest_emails", _("A guest must work in another organisation than the team.")
            )
        else:
            if guests or invitations:
                messages.success(
                    request,
                    _("Guests added: %(guests)s, invited by e-mail: %(invited)s.")
                    % {"guests": len(guests), "invited": len(invitations)},
                )
            else:
                messages.info(request, _("Nothing new: everyone is already invited."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#guests")
    return _detail(request, meeting, guests_form=form)


def _require_runner(request: AuthenticatedHttpRequest, meeting: TeamMeeting) -> Viewer:
    viewer = viewer_of(request.user, meeting)
    if not viewer.can_run_meeting:
        raise Http404("Only coordinators and team leads of the team run the meeting.")
    return viewer


@login_required
@require_POST
def meeting_refresh(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, meeting_id)
    _require_runner(request, meeting)
    try:
        added, removed = actions.do_refresh_agenda(request.user, meeting)
    except actions.AgendaLocked:
        messages.error(
            request,
            _("The team has started deciding: the agenda is no longer rebuilt."),
        )
    else:
        messages.success(
            request,
            _("The agenda is refreshed: %(added)s added, %(removed)s taken off.")
            % {"added": added, "removed": removed},
        )
    return redirect("meetings:detail", meeting_id=meeting.pk)


def _decide(request: AuthenticatedHttpRequest, item: AgendaItem, form: DecisionForm) -> str | None:
    """Carry out a valid decision form; returns an error for the whole item, if any."""
    data = form.cleaned_data
    try:
        actions.do_decide(
            request.user,
            item,
            data["decision"],
            contact_person=data["contact_person"],
            redirect_to=data["redirect_to"],
            redirect_reason=data["redirect_reason"],
            note=data["note"],
        )
    except actions.AlreadyDecided:
        return _("This item has been decided already; the second decision is not saved.")
    except actions.TakenOffTheAgenda:
        return TAKEN_OFF
    except NotAContactPerson:
        form.add_error("decision", _("The contact person must work in the team."))
    except actions.NotReadyForDecision as exc:
        form.add_error("decision", not_ready_message(exc.missing))
    except actions.CaseCannotMove:
        form.add_error(
            "decision",
            _("The case is %(state)s and cannot be given this decision.")
            % {"state": item.case.get_state_display().lower()},
        )
    except actions.ContactPersonRequired:
        form.add_error("decision", form.error_messages["contact_person_required"])
    except actions.RedirectDetailsRequired:
        form.add_error("redirect_to", form.error_messages["redirect_to_required"])
    return None


def taken_off_message() -> str:
    return _(
        "This case is no longer on this meeting's agenda: it has been decided in another "
        "meeting. Nothing was saved."
    )


@login_required
@require_POST
def meeting_decide(
    request: AuthenticatedHttpRequest, meeting_id: int, item_id: int
) -> HttpResponse:
    meeting = get_meeting_for(request.user, meeting_id)
    _require_runner(request, meeting)
    try:
        item = get_item_for(request.user, meeting, item_id)
    except Http404:
        # Gone from the agenda the runner has open: say why instead of "not found".
        if request.htmx:
            return render(
                request,
                "cases/meetings/_item_gone.html",
                {"item_id": item_id, "message": taken_off_message()},
            )
        messages.error(request, taken_off_message())
        return redirect("meetings:detail", meeting_id=meeting.pk)
    form = DecisionForm(request.POST, item=item)
    refused: str | None = None
    if form.is_valid():
        refused = _decide(request, item, form)
    decided = form.is_valid() and not form.errors and refused is None
    if request.htmx:
        if refused == TAKEN_OFF:
            return render(
                request,
                "cases/meetings/_item_gone.html",
                {"item_id": item.pk, "message": taken_off_message()},
            )
        item = get_item_for(request.user, meeting, item_id)
        entry = agenda_for(request.user, meeting, items=[item])[0]
        context = _item_context(entry, None if decided or refused else form)
        context.update(
            {
                "refused": refused,
                "just_decided": decided,
                "meeting": meeting,
                "decisions_started": decisions_started(meeting),
            }
        )
        return render(request, "cases/meetings/_item_response.html", context)
    if decided:
        messages.success(request, _("The decision is saved."))
    elif refused == TAKEN_OFF:
        messages.error(request, taken_off_message())
        return redirect("meetings:detail", meeting_id=meeting.pk)
    elif refused:
        messages.error(request, refused)
    else:
        return _detail(request, meeting, bound=form)
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"#item-{item.pk}")


class MinutesExporter(Exporter):
    """The minutes: one row per agenda item, masked as the downloading viewer must see it."""

    filename = "minutes"

    def __init__(self, meeting: TeamMeeting, entries: Iterable[AgendaEntry]):
        self.meeting = meeting
        self.entries = list(entries)
        when = formats.date_format(timezone.localtime(meeting.starts_at), "d.m.Y H:i")
        self.title = _("Minutes of the team meeting, %(team)s, %(when)s") % {
            "team": meeting.team.name,
            "when": when,
        }
        self.about = meeting.team.organisation.name
        self.filename = f"minutes-{meeting.pk}"

    def header(self) -> list[str]:
        return [
            _("Item"),
            _("Young person"),
            _("Birth date"),
            _("Why on the agenda"),
            _("Decision"),
            _("Details"),
        ]

    def rows(self) -> Iterable[list[Any]]:
        for entry in self.entries:
            item = entry.item
            decision = item.get_decision_display() if item.decision else _("Not decided")
            if entry.is_masked:
                yield [
                    entry.number,
                    _("No consent for your organisation"),
                    "",
                    item.get_reason_display(),
                    decision,
                    "",
                ]
                continue
            person = item.case.person
            yield [
                entry.number,
                person.full_name,
                person.birth_date.strftime("%d.%m.%Y"),
                entry.reason_label,
                decision,
                _details(item),
            ]


def _details(item: AgendaItem) -> str:
    parts = []
    if item.decision == Decision.ACCEPT and item.contact_person:
        parts.append(_("Contact person: %(name)s") % {"name": item.contact_person.get_full_name()})
    if item.decision == Decision.REDIRECT:
        parts.append(
            _("Redirected to %(service)s: %(reason)s")
            % {"service": item.redirect_to, "reason": item.redirect_reason}
        )
    if item.note:
        parts.append(item.note)
    return " · ".join(parts)


@login_required
@require_GET
def minutes_pdf(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, meeting_id)
    entries = agenda_for(request.user, meeting, purpose=Purpose.EXPORT, what="meeting_minutes")
    attendees = meeting.attendees.select_related("user", "organisation").order_by(
        "is_guest", "user__full_name", "user__email"
    )
    return pdf_response(
        MinutesExporter(meeting, entries),
        template="cases/meetings/minutes.pdf.html",
        context={"meeting": meeting, "attendees": attendees},
    )


# Under /meetings/ (namespace "meetings").


def _own_team(request: AuthenticatedHttpRequest, team_id: int):
    """One of the actor's casework teams (404 for any other)."""
    for team in teams_for_new_meeting(request.user):
        if team.pk == team_id:
            return team
    raise Http404("Not one of your teams.")


@login_required
@require_http_methods(["GET", "POST"])
def team_partners(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    """The team's partners from other organisations: seated in every meeting it calls."""
    team = _own_team(request, team_id)
    partners = list(team.partners.select_related("user", "organisation"))
    named = {partner.user_id for partner in partners}
    choices = [user for user in earlier_guests(team).distinct() if user.pk not in named]
    if request.method == "POST":
        chosen = next((u for u in choices if str(u.pk) == request.POST.get("user")), None)
        if chosen is None:
            messages.error(request, _("Choose one of the team's earlier guests."))
        else:
            actions.do_name_partner(request.user, team, chosen)
            messages.success(
                request,
                _("%(name)s is a partner of the team: seated in its coming meetings.")
                % {"name": chosen.get_full_name()},
            )
        return redirect("meetings:partners", team_id=team.pk)
    return render(
        request,
        "cases/meetings/partners.html",
        {"team": team, "partners": partners, "choices": choices},
    )


@login_required
@require_POST
def team_partner_remove(
    request: AuthenticatedHttpRequest, team_id: int, partner_id: int
) -> HttpResponse:
    team = _own_team(request, team_id)
    partner = team.partners.filter(pk=partner_id).select_related("user", "team").first()
    if partner is None:
        raise Http404("No such partner.")
    actions.do_remove_partner(request.user, partner)
    messages.success(
        request,
        _("%(name)s is no longer a partner of the team.") % {"name": partner.user.get_full_name()},
    )
    return redirect("meetings:partners", team_id=team.pk)
