"""The team meeting: calling it, building its agenda, and deciding each item.

Every write here writes its change-log row; a decision also writes its case event, moves
the case through the state machine (losen/cases/actions/core.py) and, on acceptance,
gives the case its contact person.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from losen.accounts.models import Team, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_change
from losen.cases.actions.core import (
    NotAContactPerson,
    do_assign_contact_person,
    do_record_event,
    do_transition_case,
)
from losen.cases.models import (
    AgendaItem,
    Case,
    CaseState,
    Consent,
    Decision,
    EventKind,
    MeetingAttendee,
    MeetingInvitation,
    TeamMeeting,
    TeamPartner,
)
from losen.cases.queries.core import team_members
from losen.cases.queries.meetings import (
    FINAL_DECISIONS,
    NEW_APPLICATION_STATES,
    Missing,
    agenda_candidates,
    guest_organisation,
    meeting_day,
    meeting_members,
    missing_for_decision,
    normalised_address,
    possible_guests,
)
from losen.lib.errors import NotAllowed

# The state a decision moves the case to; "more information" is handled apart.
DECISION_STATES = {
    Decision.ACCEPT: CaseState.ACCEPTED,
    Decision.WAITING_LIST: CaseState.WAITING_LIST,
    Decision.REDIRECT: CaseState.REDIRECTED,
}


class MeetingError(Exception):
    """A meeting write the rules do not allow; `code` says which rule."""

    code = "not_allowed"


class NotAMember(MeetingError):
    """An attendee picked as member does not work in the team."""

    code = "not_a_member"


class NotAGuest(MeetingError):
    """A guest must come from another organisation than the team's."""

    code = "not_a_guest"


class NotTheInvitee(MeetingError):
    """Only the owner of the invited address, a user of another organisation, answers."""

    code = "not_the_invitee"


class AlreadyAnswered(MeetingError):
    """The invitation has its answer, or the meeting's day is over."""

    code = "already_answered"


class MeetingTimeTaken(MeetingError):
    """The team has another meeting at that time (`meeting`)."""

    code = "time_taken"

    def __init__(self, meeting: TeamMeeting):
        super().__init__(f"The team already meets at {meeting.starts_at:%Y-%m-%d %H:%M}.")
        self.meeting = meeting


class MeetingStarted(MeetingError):
    """The meeting has started (or ended): no more guests are added."""

    code = "meeting_started"


class TakenOffTheAgenda(MeetingError):
    """The item is gone: its case was decided in another meeting (or the agenda was
    refreshed) before this decision was saved."""

    code = "taken_off_the_agenda"


class AgendaLocked(MeetingError):
    """Decisions have started: the agenda is no longer rebuilt."""

    code = "agenda_locked"


class AlreadyDecided(MeetingError):
    """The item has its decision; a second one is refused."""

    code = "already_decided"


class ContactPersonRequired(MeetingError):
    code = "contact_person_required"


class RedirectDetailsRequired(MeetingError):
    code = "redirect_details_required"


class CaseCannotMove(MeetingError):
    """The case's state does not allow the decision (an active case cannot be accepted)."""

    code = "case_cannot_move"


class NotReadyForDecision(MeetingError):
    """The application is not signed or the consent for the meeting not given (`missing`):
    the meeting can only ask for more information."""

    code = "not_ready_for_decision"

    def __init__(self, missing: list[Missing]):
        super().__init__(", ".join(str(m) for m in missing))
        self.missing = missing


def _require_team_member(actor: User, team_id: int) -> None:
    if team_id not in scope_of(actor).casework_team_ids:
        raise NotAllowed("Only coordinators and team leads of the team run its meetings.")


def meeting_start(starts_at: datetime.datetime) -> datetime.datetime:
    """A meeting starts on a whole minute: two starts in the same minute are the same time."""
    return starts_at.replace(second=0, microsecond=0)


@transaction.atomic
def do_create_meeting(
    actor: User,
    *,
    team: Team,
    starts_at: datetime.datetime,
    location: str = "",
    members: Iterable[User] = (),
    guests: Iterable[User] = (),
    invite_addresses: Iterable[str] = (),
) -> TeamMeeting:
    """Call a meeting of the team, with its members and guests, and build its agenda.

    `guests` attend at once (the team's earlier guests, chosen by name); each address of
    `invite_addresses` gets an invitation, whoever it belongs to, that its owner answers
    (`do_accept_invitation`). No e-mail is sent: the invitation waits in Losen.

    A team meets once at a time: a second meeting of the team starting in the same minute
    is refused (MeetingTimeTaken), here under the team's lock and in the database by the
    constraint `meeting_one_per_team_at_a_time`, so two calls at once make one meeting.
    """
    _require_team_member(actor, team.pk)
    starts_at = meeting_start(starts_at)
    member_ids = set(meeting_members(team).values_list("pk", flat=True))
    attendees: list[MeetingAttendee] = []
    for user in dict.fromkeys(members):
        if user.pk not in member_ids:
            raise NotAMember(user)
        attendees.append(
            MeetingAttendee(user=user, organisation_id=team.organisation_id, is_guest=False)
        )
    # The team's partners are seated in every meeting it calls, beside the guests chosen.
    partners = [p.user for p in team.partners.select_related("user")]
    guest_attendees = _guest_attendees(
        team, [*guests, *partners], exclude={a.user_id for a in attendees}
    )
    Team.objects.select_for_update().filter(pk=team.pk).first()  # one meeting call at a time
    taken = TeamMeeting.objects.filter(team=team, starts_at=starts_at).first()
    if taken is not None:
        raise MeetingTimeTaken(taken)
    try:
        with transaction.atomic():
            meeting = TeamMeeting.objects.create(
                organisation_id=team.organisation_id,
                team=team,
                starts_at=starts_at,
                location=location,
                created_by=actor,
            )
    except IntegrityError:
        # Another call of the same time committed between the check and the insert.
        raise MeetingTimeTaken(TeamMeeting.objects.get(team=team, starts_at=starts_at)) from None
    for attendee in attendees:
        attendee.meeting = meeting
    MeetingAttendee.objects.bulk_create(attendees)
    do_log_change(
        actor,
        action="meeting.created",
        obj=meeting,
        organisation_id=meeting.organisation_id,
        changed_fields=["team", "starts_at", "location", "attendees", "invitations"],
    )
    _add_guests(actor, meeting, guest_attendees, invite_addresses)
    _build_agenda(actor, meeting)
    return meeting


def _guest_attendees(
    team: Team, guests: Iterable[User], *, exclude: Iterable[int] = ()
) -> list[MeetingAttendee]:
    """Guests of the team's meeting, each from their organisation (not the team's own)."""
    seen = set(exclude)
    attendees = []
    for user in guests:
        organisation = guest_organisation(user, team)
        if organisation is None:
            raise NotAGuest(user)
        if user.pk not in seen:
            seen.add(user.pk)
            attendees.append(MeetingAttendee(user=user, organisation=organisation, is_guest=True))
    return attendees


def _add_guests(
    actor: User,
    meeting: TeamMeeting,
    attendees: list[MeetingAttendee],
    invite_addresses: Iterable[str],
) -> tuple[list[MeetingAttendee], list[MeetingInvitation]]:
    """Seat the guests and invite the addresses not seated or invited to the meeting yet."""
    seated = set(meeting.attendees.values_list("user_id", flat=True))
    new_guests = [attendee for attendee in attendees if attendee.user_id not in seated]
    for attendee in new_guests:
        attendee.meeting = meeting
    MeetingAttendee.objects.bulk_create(new_guests)
    for attendee in new_guests:
        do_log_change(
            actor,
            action="meeting.guest_added",
            obj=attendee,
            organisation_id=meeting.organisation_id,
            changed_fields=["user", "organisation"],
        )
    invited = set(meeting.invitations.values_list("email", flat=True))
    addresses = [
        address
        for address in dict.fromkeys(normalised_address(a) for a in invite_addresses if a.strip())
        if address not in invited
    ]
    invitations = MeetingInvitation.objects.bulk_create(
        MeetingInvitation(meeting=meeting, email=address, invited_by=actor) for address in addresses
    )
    for invitation in invitations:
        do_log_change(
            actor,
            action="meeting.invited",
            obj=invitation,
            organisation_id=meeting.organisation_id,
            changed_fields=["email"],
        )
    return new_guests, invitations


@transaction.atomic
def do_invite_guests(
    actor: User,
    meeting: TeamMeeting,
    *,
    guests: Iterable[User] = (),
    invite_addresses: Iterable[str] = (),
) -> tuple[list[MeetingAttendee], list[MeetingInvitation]]:
    """Add guests to a meeting at any time before it starts, the agenda built or not.

    As when the meeting is called: earlier guests attend at once, each address gets an
    invitation (one already seated or invited is left as it is). Refused (MeetingStarted)
    from the meeting's start on, and once it is closed. Returns what was added.
    """
    _require_team_member(actor, meeting.team_id)
    locked = TeamMeeting.objects.select_for_update().select_related("team").get(pk=meeting.pk)
    if locked.closed_at is not None or timezone.now() >= locked.starts_at:
        raise MeetingStarted(locked)
    attendees = _guest_attendees(locked.team, guests)
    return _add_guests(actor, locked, attendees, invite_addresses)


@transaction.atomic
def do_name_partner(actor: User, team: Team, user: User) -> TeamPartner:
    """Name someone of another organisation a partner of the team: seated as a guest in
    the team's coming meetings and every one it calls from now on."""
    _require_team_member(actor, team.pk)
    organisation = guest_organisation(user, team)
    if organisation is None:
        raise NotAGuest(user)
    partner, created = TeamPartner.objects.get_or_create(
        team=team, user=user, defaults={"organisation": organisation, "added_by": actor}
    )
    if not created:
        return partner
    do_log_change(
        actor,
        action="team.partner_named",
        obj=partner,
        organisation_id=team.organisation_id,
        changed_fields=["user", "organisation"],
    )
    coming = TeamMeeting.objects.select_for_update().filter(
        team=team, closed_at__isnull=True, starts_at__gt=timezone.now()
    )
    for meeting in coming:
        _add_guests(
            actor,
            meeting,
            [MeetingAttendee(user=user, organisation=organisation, is_guest=True)],
            (),
        )
    return partner


@transaction.atomic
def do_remove_partner(actor: User, partner: TeamPartner) -> None:
    """No longer a partner: meetings already called keep their guests as they are."""
    _require_team_member(actor, partner.team_id)
    do_log_change(
        actor,
        action="team.partner_removed",
        obj=partner,
        organisation_id=partner.team.organisation_id,
        changed_fields=["user"],
    )
    partner.delete()


def _lock_invitation_for_answer(actor: User, invitation: MeetingInvitation) -> MeetingInvitation:
    """The invitation, locked, once it is sure the actor may answer it now."""
    locked = (
        MeetingInvitation.objects.select_for_update()
        .select_related("meeting__team")
        .get(pk=invitation.pk)
    )
    team = locked.meeting.team
    if not actor.email or normalised_address(actor.email) != locked.email:
        raise NotTheInvitee(locked)
    if not possible_guests(team).filter(pk=actor.pk).exists():
        raise NotTheInvitee(locked)
    if locked.status != MeetingInvitation.Status.PENDING:
        raise AlreadyAnswered(locked)
    if timezone.localdate(locked.meeting.starts_at) < timezone.localdate():
        raise AlreadyAnswered(locked)
    return locked


def _answer(actor: User, invitation: MeetingInvitation, status: str) -> None:
    invitation.status = status
    invitation.answered_by = actor
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_by", "answered_at"])
    do_log_change(
        actor,
        action=f"meeting.invitation_{status}",
        obj=invitation,
        organisation_id=invitation.meeting.organisation_id,
        changed_fields=["status", "answered_by"],
    )


@transaction.atomic
def do_accept_invitation(actor: User, invitation: MeetingInvitation) -> MeetingAttendee:
    """The owner of the invited address joins the meeting as a guest of their organisation.

    Refused (NotTheInvitee) for anyone whose address is not the invited one, and for a
    user of the team's own organisation (no guest); refused (AlreadyAnswered) once
    answered or after the meeting's day.
    """
    locked = _lock_invitation_for_answer(actor, invitation)
    organisation = guest_organisation(actor, locked.meeting.team)
    if organisation is None:
        raise NotTheInvitee(locked)
    attendee, _created = MeetingAttendee.objects.get_or_create(
        meeting=locked.meeting,
        user=actor,
        defaults={"organisation": organisation, "is_guest": True},
    )
    _answer(actor, locked, MeetingInvitation.Status.ACCEPTED)
    return attendee


@transaction.atomic
def do_decline_invitation(actor: User, invitation: MeetingInvitation) -> None:
    """The owner of the invited address declines; the team sees the address declined."""
    locked = _lock_invitation_for_answer(actor, invitation)
    _answer(actor, locked, MeetingInvitation.Status.DECLINED)


@transaction.atomic
def do_refresh_agenda(actor: User, meeting: TeamMeeting) -> tuple[int, int]:
    """Rebuild the agenda with the cases that came up since; refused once decisions start.

    Returns (added, removed): new cases are appended, items whose case no longer belongs
    on the agenda (decided in another meeting, ended) are taken off.
    """
    _require_team_member(actor, meeting.team_id)
    TeamMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if meeting.items.exclude(decision="").exists():
        raise AgendaLocked()
    return _build_agenda(actor, meeting)


def _build_agenda(actor: User, meeting: TeamMeeting) -> tuple[int, int]:
    candidates = agenda_candidates(meeting.team)
    wanted = {case.pk for case, _reason in candidates}
    existing = list(meeting.items.select_related("case").order_by("position", "id"))
    removed = [item for item in existing if item.case_id not in wanted]
    kept = [item for item in existing if item.case_id in wanted]
    for item in removed:
        pk, case = item.pk, item.case
        item.delete()
        item.pk = pk
        do_log_change(
            actor,
            action="meeting.item_removed",
            obj=item,
            organisation_id=meeting.organisation_id,
            person_id=case.person_id,
            changed_fields=["case"],
        )
    on_agenda = {item.case_id for item in kept}
    added: list[AgendaItem] = []
    for case, reason in candidates:
        if case.pk in on_agenda:
            continue
        added.append(AgendaItem.objects.create(meeting=meeting, case=case, reason=reason))
        do_log_change(
            actor,
            action="meeting.item_added",
            obj=added[-1],
            organisation_id=meeting.organisation_id,
            person_id=case.person_id,
            changed_fields=["case", "reason", "position"],
        )
    items = kept + added
    for position, item in enumerate(items, start=1):
        item.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    return len(added), len(removed)


@transaction.atomic
def do_decide(
    actor: User,
    item: AgendaItem,
    decision: Decision | str,
    *,
    contact_person: User | None = None,
    redirect_to: str = "",
    redirect_reason: str = "",
    note: str = "",
) -> AgendaItem:
    """The team's decision on one item: stored on the item, written as a case event, and
    carried out on the case (state, contact person, flag cleared).

    accept            → accepted, with the contact person (required, from the team)
    waiting list      → waiting_list
    redirect          → redirected (which service and why are both required)
    more information  → stays where it is (a referral moves on to assessment)

    Accept, waiting list and redirect need the signed application (and a guardian's
    signature under 18 on the meeting's day) and the consent for the team meeting, given
    by the meeting's day; without them NotReadyForDecision says what is missing.
    An item is decided once: a second decision is refused (AlreadyDecided). A settled
    case (and a flagged one, once talked over) leaves every other meeting still to come
    in the same transaction; a decision posted on such a removed item is refused
    (TakenOffTheAgenda).
    """
    decision = Decision(decision)
    redirect_to, redirect_reason, note = redirect_to.strip(), redirect_reason.strip(), note.strip()
    found = AgendaItem.objects.filter(pk=item.pk).values_list("case_id", "meeting__team_id")
    if not found:
        raise TakenOffTheAgenda(item)
    ((case_id, team_id),) = found
    _require_team_member(actor, team_id)
    # The case is locked first, then the item: every decision on a case takes its lock
    # first, so two meetings deciding on one case at once go one after the other (and a
    # consent given, which locks the case, or withdrawn waits for the decision).
    case = Case.objects.select_for_update().get(pk=case_id)
    locked = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .filter(pk=item.pk)
        .first()
    )
    if locked is None:
        # Decided in another meeting while this one waited for the case's lock.
        raise TakenOffTheAgenda(item)
    locked.case = case
    meeting = locked.meeting
    if locked.decision:
        raise AlreadyDecided(locked)
    target = DECISION_STATES.get(decision)
    if decision == Decision.MORE_INFORMATION and case.state == CaseState.REFERRED:
        target = CaseState.ASSESSMENT
    if target is not None and target != case.state and not case.can_move_to(target):
        raise CaseCannotMove(case)
    if decision in FINAL_DECISIONS:
        list(Consent.objects.select_for_update().filter(case_id=case.pk))
        missing = missing_for_decision(case, meeting_day(meeting))
        if missing:
            raise NotReadyForDecision(missing)
    if decision == Decision.ACCEPT:
        if contact_person is None:
            raise ContactPersonRequired()
        if not team_members(case).filter(pk=contact_person.pk).exists():
            raise NotAContactPerson()
    if decision == Decision.REDIRECT and not (redirect_to and redirect_reason):
        raise RedirectDetailsRequired()

    now = timezone.now()
    # Recorded after the meeting, it takes effect on the meeting's day; never in the future.
    effective_on = min(timezone.localdate(meeting.starts_at), timezone.localdate(now))
    locked.decision = decision
    locked.contact_person = contact_person if decision == Decision.ACCEPT else None
    locked.redirect_to = redirect_to if decision == Decision.REDIRECT else ""
    locked.redirect_reason = redirect_reason if decision == Decision.REDIRECT else ""
    locked.note = note
    locked.decided_at = now
    locked.decided_by = actor
    changed = ["decision", "contact_person", "redirect_to", "redirect_reason", "note"]
    locked.save(update_fields=[*changed, "decided_at", "decided_by"])
    do_log_change(
        actor,
        action="meeting.decided",
        obj=locked,
        organisation_id=meeting.organisation_id,
        person_id=case.person_id,
        changed_fields=changed,
    )
    do_record_event(
        actor,
        case,
        EventKind.DECISION,
        effective_on=effective_on,
        data={
            "decision": str(decision),
            "meeting": meeting.pk,
            "item": locked.pk,
            "contact_person": contact_person.pk
            if contact_person and decision == Decision.ACCEPT
            else None,
            "redirect_to": locked.redirect_to,
        },
        note="\n\n".join(part for part in (locked.redirect_reason, note) if part),
    )
    if target is not None and target != case.state:
        do_transition_case(
            actor,
            case,
            target,
            effective_on=effective_on,
            extra={"decision": str(decision), "meeting": meeting.pk},
        )
    if decision == Decision.ACCEPT:
        assert contact_person is not None
        do_assign_contact_person(actor, case, contact_person, effective_on=effective_on)
    if decision in FINAL_DECISIONS or (target or case.state) not in NEW_APPLICATION_STATES:
        # Settled (or a flagged case talked over): it leaves the other meetings' agendas.
        _take_off_other_agendas(actor, case, decided_in=meeting)
    if case.flagged_for_meeting:
        Case.objects.filter(pk=case.pk).update(flagged_for_meeting=False, flag_reason="")
        do_log_change(
            actor,
            action="case.unflagged",
            obj=case,
            organisation_id=case.organisation_id,
            person_id=case.person_id,
            changed_fields=["flagged_for_meeting", "flag_reason"],
        )
    item.refresh_from_db()
    return item


def _take_off_other_agendas(actor: User, case: Case, *, decided_in: TeamMeeting) -> int:
    """Take the case's undecided items off the agendas of the meetings still to come.

    Called by `do_decide` in its transaction, under the case's lock. A meeting that has
    started or is closed keeps its agenda as it was (its minutes say "not decided").
    The items left are numbered anew. Returns how many items were taken off.
    """
    items = list(
        AgendaItem.objects.filter(
            case_id=case.pk,
            decision="",
            meeting__starts_at__gt=timezone.now(),
            meeting__closed_at__isnull=True,
        )
        .exclude(meeting_id=decided_in.pk)
        .select_related("meeting")
    )
    for item in items:
        pk = item.pk
        item.delete()
        item.pk = pk
        do_log_change(
            actor,
            action="meeting.item_removed",
            obj=item,
            organisation_id=item.meeting.organisation_id,
            person_id=case.person_id,
            changed_fields=["case"],
        )
    for meeting_id in {item.meeting_id for item in items}:
        left = list(AgendaItem.objects.filter(meeting_id=meeting_id).order_by("position", "id"))
        for position, kept in enumerate(left, start=1):
            kept.position = position
        AgendaItem.objects.bulk_update(left, ["position"])
    return len(items)
