"""The door to team meetings: who sees a meeting, and what each viewer sees of its agenda.

A meeting is seen by the coordinators and team leads of its team, by the administrator
of its organisation, and by its attendees, among them guests from other organisations
(a NAV veileder, say). `get_meeting_for(actor, id)` answers 404 to everyone else.

Members of the team and the administrator see every item in full. A guest sees a young
person's name and birth date only when the person's consent for the team meeting covers
the guest's organisation; otherwise the item is shown as "Item 3 (no consent for your
organisation)" with only the reason it is on the agenda. Every item shown with a person
writes an access-log row.

A guest is invited by e-mail address: every address typed is kept as an invitation
(`MeetingInvitation`) and shown to the team as "invited: address" until it is answered,
whoever the address belongs to, so the team learns nothing about who works where. Only
the owner of the address, if they are a user in another organisation, sees it
(`invitations_for`) and may join as a guest or decline; until they join they do not see
the meeting. An address of no one, or of a colleague in the team's own organisation (no
guest, see `possible_guests`), stays an unanswered invitation, like one not answered yet.

A meeting decides only on what has been signed: accepting a case, putting it on the
waiting list or redirecting it needs the young person's signed application (and a
guardian's signature when the person is under 18 on the meeting's day) and a consent to
discuss the case in the team meeting, all given by the meeting's day
(`missing_for_decision`). Without them the team can only ask for more information, and
the agenda says what is missing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import CASEWORK_ROLES, Organisation, Team, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_accesses
from losen.audit.models import Purpose
from losen.cases.models import (
    AgendaItem,
    Application,
    Case,
    CaseState,
    CategoryAssessment,
    Consent,
    ConsentPurpose,
    Decision,
    MeetingAttendee,
    MeetingInvitation,
    Referral,
    TeamMeeting,
)
from losen.cases.models.core import OPEN_STATES
from losen.cases.queries.intake import active_consents, consents_cover, is_minor_on
from losen.people.models import Person, age_on

# Decisions that settle a case; "more information" brings it back to the next meeting.
# The settling ones need the signed application and the consent for the team meeting
# (`missing_for_decision`): accepting and the waiting list (a place promised once one is
# free) take the young person into the service; redirecting is a decision on their
# needs, by a meeting that may not discuss them, and it closes the case for good.
# "More information" decides nothing about the person, so it is always open.
FINAL_DECISIONS = (Decision.ACCEPT, Decision.WAITING_LIST, Decision.REDIRECT)
# A case in these states has a new application (or referral) waiting for the team.
NEW_APPLICATION_STATES = (CaseState.REFERRED, CaseState.ASSESSMENT)


class Missing(models.TextChoices):
    """What a meeting lacks to decide on a case (shown on the agenda, in this order)."""

    APPLICATION = "application_not_signed", _("application not signed")
    GUARDIAN = "guardian_not_signed", _("guardian has not signed")
    CONSENT = "no_meeting_consent", _("no consent to discuss in the team meeting")
    GUARDIAN_CONSENT = (
        "no_guardian_consent",
        _("the guardian has not consented to discussion in the team meeting"),
    )


def meeting_day(meeting: TeamMeeting) -> datetime.date:
    return timezone.localdate(meeting.starts_at)


def _signed_by(signed_at: datetime.datetime | None, day: datetime.date) -> bool:
    return signed_at is not None and timezone.localdate(signed_at) <= day


def missing_for_decision(case: Case, day: datetime.date) -> list[Missing]:
    """What the meeting on `day` lacks to accept, wait-list or redirect the case.

    Signatures and consents count when they were given by the meeting's day (one given
    after it did not exist when the meeting decided); a withdrawn consent never counts.
    The guardian signs, and gives the consent, when the young person is under 18 on the
    meeting's day. An empty list: the meeting may take any decision.
    """
    return missing_from(
        Application.objects.filter(case_id=case.pk).first(),
        list(active_consents(case)),
        case.person,
        day,
    )


def missing_from(
    application: Application | None,
    consents: Iterable[Consent],
    person: Person,
    day: datetime.date,
) -> list[Missing]:
    """`missing_for_decision` over what is already read (an agenda reads it at once)."""
    missing = []
    minor = is_minor_on(person, day)
    if not _signed_by(application.youth_signed_at if application else None, day):
        missing.append(Missing.APPLICATION)
    if minor and not _signed_by(application.guardian_signed_at if application else None, day):
        missing.append(Missing.GUARDIAN)
    for_meeting = [
        consent
        for consent in consents
        if consent.purpose == ConsentPurpose.TEAM_MEETING
        and consent.withdrawn_at is None
        and consent.given_on <= day
    ]
    if not for_meeting:
        missing.append(Missing.CONSENT)
    elif minor and not any(c.given_by == Consent.GivenBy.GUARDIAN for c in for_meeting):
        missing.append(Missing.GUARDIAN_CONSENT)
    return missing


def item_missing(item: AgendaItem) -> list[Missing]:
    """What the item's meeting lacks to decide on it; nothing for a case past intake.

    A case already accepted or active (a flagged one) cannot be accepted, wait-listed or
    redirected anyway, so nothing is missing for it.
    """
    if not item.case.can_move_to(CaseState.ACCEPTED):
        return []
    return missing_for_decision(item.case, meeting_day(item.meeting))


def meetings_visible_to(actor: User) -> QuerySet[TeamMeeting]:
    """Meetings of the actor's teams and organisations, and meetings they attend."""
    scope = scope_of(actor)
    if scope.user_id is None:
        return TeamMeeting.objects.none()
    invited = MeetingAttendee.objects.filter(meeting_id=OuterRef("pk"), user_id=scope.user_id)
    return TeamMeeting.objects.filter(
        Q(team_id__in=scope.casework_team_ids)
        | Q(organisation_id__in=scope.admin_org_ids)
        | Exists(invited)
    )


def get_meeting_for(actor: User, meeting_id: int | str) -> TeamMeeting:
    """The meeting, if the actor may see it; 404 otherwise (as if it did not exist)."""
    try:
        return (
            meetings_visible_to(actor)
            .select_related("team", "organisation", "created_by")
            .get(pk=int(meeting_id))
        )
    except (TeamMeeting.DoesNotExist, ValueError, TypeError):
        raise Http404("No such meeting.") from None


@dataclass(frozen=True)
class Viewer:
    """How an actor takes part in a meeting: as a team member, administrator or guest."""

    kind: str  # "member", "admin" or "guest"
    organisation: Organisation
    team: Team | None = None

    @property
    def is_guest(self) -> bool:
        return self.kind == "guest"

    @property
    def can_run_meeting(self) -> bool:
        """Coordinators and team leads of the team build the agenda and decide."""
        return self.kind == "member"


def viewer_of(actor: User, meeting: TeamMeeting) -> Viewer:
    scope = scope_of(actor)
    if meeting.team_id in scope.casework_team_ids:
        return Viewer("member", meeting.team.organisation, meeting.team)
    if meeting.organisation_id in scope.admin_org_ids:
        return Viewer("admin", meeting.organisation)
    attendee = (
        MeetingAttendee.objects.filter(meeting=meeting, user=actor)
        .select_related("organisation")
        .first()
    )
    if attendee is None:
        raise Http404("No such meeting.")
    return Viewer("guest", attendee.organisation)


def teams_for_new_meeting(actor: User) -> list[Team]:
    """The teams in which the actor may call a meeting (coordinator or team lead)."""
    teams = {team.pk: team for team in scope_of(actor).casework_teams()}
    return sorted(teams.values(), key=lambda team: (team.organisation.name, team.name))


def meeting_members(team: Team) -> QuerySet[User]:
    """Who attends as a member: the team's coordinators and team leads."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__team=team,
            memberships__role__in=[role.value for role in CASEWORK_ROLES],
        )
        .distinct()
        .order_by("full_name", "email")
    )


def possible_guests(team: Team) -> QuerySet[User]:
    """Losen users of other organisations, who may be invited as guests.

    Not a list to show: the team invites a guest by e-mail address (an invitation the
    guest answers, `invitations_for`) or chooses among its earlier guests
    (`earlier_guests`), so no organisation's staff directory is open to every other
    organisation.
    """
    return (
        User.objects.filter(is_active=True, memberships__isnull=False)
        .exclude(memberships__organisation_id=team.organisation_id)
        .distinct()
    )


def earlier_guests(team: Team) -> QuerySet[User]:
    """Guests of the team's earlier meetings who may still be invited."""
    return (
        possible_guests(team)
        .filter(meeting_attendances__is_guest=True, meeting_attendances__meeting__team=team)
        .order_by("full_name", "email")
    )


def guest_organisation(user: User, team: Team) -> Organisation | None:
    """The organisation a guest attends for: their first one other than the team's."""
    membership = (
        user.memberships.exclude(organisation_id=team.organisation_id)
        .select_related("organisation")
        .order_by("organisation__name", "id")
        .first()
    )
    return membership.organisation if membership else None


def normalised_address(email: str) -> str:
    """An address as invitations keep it: addresses are matched case-insensitively."""
    return email.strip().lower()


def _start_of_today() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def invitations_for(actor: User) -> QuerySet[MeetingInvitation]:
    """The unanswered invitations to the actor's address that the actor may answer.

    Matched by address, case-insensitively, each time it is read (the work list, the
    meetings page): an address that becomes a user later, or a user whose address
    changes to it, finds the invitation at the next page. Only a user of another
    organisation than the team's is a guest (as in `possible_guests`): a colleague of the
    team's own organisation is not offered the invitation, and it stays unanswered. An
    invitation is open until the end of the meeting's day, and not once the actor
    attends the meeting anyway (ticked among the earlier guests, say).
    """
    if not (actor.is_authenticated and actor.is_active and actor.email):
        return MeetingInvitation.objects.none()
    own_organisations = list(actor.memberships.values_list("organisation_id", flat=True))
    if not own_organisations:
        return MeetingInvitation.objects.none()
    attends = MeetingAttendee.objects.filter(meeting_id=OuterRef("meeting_id"), user_id=actor.pk)
    return (
        MeetingInvitation.objects.filter(
            email=normalised_address(actor.email),
            status=MeetingInvitation.Status.PENDING,
            meeting__starts_at__gte=_start_of_today(),
        )
        .exclude(meeting__team__organisation_id__in=own_organisations)
        .exclude(Exists(attends))
        .select_related("meeting__team__organisation", "invited_by")
        .order_by("meeting__starts_at", "id")
    )


def get_invitation_for(actor: User, invitation_id: int | str) -> MeetingInvitation:
    """An invitation the actor may answer; 404 for anyone else (as if it did not exist)."""
    try:
        return invitations_for(actor).get(pk=int(invitation_id))
    except (MeetingInvitation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such invitation.") from None


def invitations_shown_to_team(meeting: TeamMeeting) -> QuerySet[MeetingInvitation]:
    """The invitations the team sees on the meeting's page: by address only, unanswered
    or declined (an accepted one is shown as its guest among the attendees)."""
    return meeting.invitations.exclude(status=MeetingInvitation.Status.ACCEPTED).order_by(
        "email", "id"
    )


def upcoming_and_past(actor: User) -> tuple[QuerySet[TeamMeeting], QuerySet[TeamMeeting]]:
    """The actor's meetings from today on (soonest first), and earlier ones (latest first)."""
    start_of_today = _start_of_today()
    meetings = meetings_visible_to(actor).select_related("team", "team__organisation")
    return (
        meetings.filter(starts_at__gte=start_of_today).order_by("starts_at", "id"),
        meetings.filter(starts_at__lt=start_of_today).order_by("-starts_at", "-id"),
    )


def invited_meeting_ids(actor: User, meetings: Iterable[TeamMeeting]) -> set[int]:
    return set(
        MeetingAttendee.objects.filter(
            user=actor, is_guest=True, meeting__in=[meeting.pk for meeting in meetings]
        ).values_list("meeting_id", flat=True)
    )


# --- the agenda -----------------------------------------------------------------------


def agenda_candidates(team: Team) -> list[tuple[Case, AgendaItem.Reason]]:
    """The cases that belong on the team's next agenda, with why, in agenda order.

    First the cases with a new application or referral (state `referred` or
    `assessment`) that no earlier meeting has settled, oldest first; then the cases
    flagged for the meeting. Ended and redirected cases never come up.
    """
    settled = AgendaItem.objects.filter(case_id=OuterRef("pk"), decision__in=FINAL_DECISIONS)
    new = list(
        Case.objects.filter(team=team, state__in=NEW_APPLICATION_STATES)
        .exclude(Exists(settled))
        .order_by("opened_on", "id")
    )
    seen = {case.pk for case in new}
    flagged = [
        case
        for case in Case.objects.filter(
            team=team, flagged_for_meeting=True, state__in=OPEN_STATES
        ).order_by("opened_on", "id")
        if case.pk not in seen
    ]
    return [(case, AgendaItem.Reason.NEW_APPLICATION) for case in new] + [
        (case, AgendaItem.Reason.FLAGGED) for case in flagged
    ]


def agenda_items(meeting: TeamMeeting) -> QuerySet[AgendaItem]:
    """The meeting's items with all the agenda shows of each, in a fixed number of
    queries however long the agenda: the case, person and application joined; the
    referrals (newest first), categories (latest first) and active consents fetched once
    for all the items (`ItemFacts` reads them)."""
    return (
        meeting.items.select_related(
            "meeting",
            "case",
            "case__person",
            "case__contact_person",
            "case__application",
            "contact_person",
            "decided_by",
        )
        .prefetch_related(
            Prefetch(
                "case__referrals",
                queryset=Referral.objects.order_by("-referred_on", "-id"),
                to_attr="agenda_referrals",
            ),
            Prefetch(
                "case__categories",
                queryset=CategoryAssessment.objects.order_by("-set_on", "-id"),
                to_attr="agenda_categories",
            ),
            Prefetch(
                "case__consents",
                queryset=Consent.objects.filter(withdrawn_at__isnull=True).select_related(
                    "recipient_organisation"
                ),
                to_attr="agenda_consents",
            ),
        )
        .order_by("position", "id")
    )


@dataclass(frozen=True)
class ItemFacts:
    """What the team needs to decide on an item: the referral (the latest), the category
    (the latest), the age on the meeting's day, what is missing to decide, and the
    purposes the young person has given no consent for yet."""

    referral: Referral | None
    category: CategoryAssessment | None
    age: int
    missing: list[Missing]
    consents_missing: list[str]

    @classmethod
    def of(cls, item: AgendaItem) -> ItemFacts:
        """Read from an item of `agenda_items` (no query of its own)."""
        case = item.case
        day = meeting_day(item.meeting)
        consents = [c for c in case.agenda_consents if c.given_on <= day]  # type: ignore[attr-defined]
        try:
            application = case.application
        except Application.DoesNotExist:
            application = None
        missing = []
        if not item.decision and case.can_move_to(CaseState.ACCEPTED):
            missing = missing_from(application, consents, case.person, day)
        given = {consent.purpose for consent in consents}
        referrals = case.agenda_referrals  # type: ignore[attr-defined]
        categories = case.agenda_categories  # type: ignore[attr-defined]
        return cls(
            referral=referrals[0] if referrals else None,
            category=categories[0] if categories else None,
            age=age_on(case.person.birth_date, day),
            missing=missing,
            # The meeting's own consent is among `missing` when it is lacking.
            consents_missing=[
                str(purpose.label)
                for purpose in ConsentPurpose
                if purpose != ConsentPurpose.TEAM_MEETING and purpose not in given
            ],
        )


def decisions_started(meeting: TeamMeeting) -> bool:
    return meeting.items.exclude(decision="").exists()


@dataclass(frozen=True)
class AgendaEntry:
    """One agenda item as one viewer sees it."""

    item: AgendaItem
    shows_person: bool
    viewer: Viewer
    # What the team needs to decide (for items shown with their person).
    facts: ItemFacts | None = None

    @property
    def missing(self) -> list[Missing]:
        """What the meeting lacks to decide (for undecided items shown with their person)."""
        return self.facts.missing if self.facts else []

    @property
    def number(self) -> int:
        return self.item.position

    @property
    def case(self) -> Case | None:
        return self.item.case if self.shows_person else None

    @property
    def is_masked(self) -> bool:
        return not self.shows_person

    @property
    def reason_label(self) -> str:
        """Why on the agenda: a "new application" not signed yet is a new referral."""
        item = self.item
        if item.reason == AgendaItem.Reason.NEW_APPLICATION and Missing.APPLICATION in self.missing:
            return str(_("New referral"))
        return str(item.get_reason_display())


def agenda_for(
    actor: User,
    meeting: TeamMeeting,
    *,
    items: Sequence[AgendaItem] | None = None,
    purpose: Purpose | str = Purpose.FOLLOW_UP,
    what: str = "meeting_item",
) -> list[AgendaEntry]:
    """The agenda as the actor may see it; every person shown is written in the access log.

    `items` narrows it to some items (an htmx partial); by default, the whole agenda.
    """
    viewer = viewer_of(actor, meeting)
    entries = []
    for item in agenda_items(meeting) if items is None else items:
        shows_person = not viewer.is_guest or consents_cover(
            item.case.agenda_consents,  # type: ignore[attr-defined]
            viewer.organisation,
            ConsentPurpose.TEAM_MEETING,
        )
        entries.append(
            AgendaEntry(
                item=item,
                shows_person=shows_person,
                viewer=viewer,
                facts=ItemFacts.of(item) if shows_person else None,
            )
        )
    do_log_accesses(
        actor,
        [
            (
                entry.item.case.person_id,
                entry.item.case.organisation_id,
                viewer.team.pk if viewer.team is not None else None,
            )
            for entry in entries
            if entry.shows_person
        ],
        purpose=purpose,
        what=what,
        organisation=viewer.organisation,
    )
    return entries


def get_item_for(actor: User, meeting: TeamMeeting, item_id: int | str) -> AgendaItem:
    """An item of a meeting the actor has already opened through get_meeting_for."""
    try:
        return agenda_items(meeting).get(pk=int(item_id))
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404("No such agenda item.") from None


def next_meeting_for(actor: User) -> TeamMeeting | None:
    """The next team meeting of one of the actor's teams, or one they are invited to."""
    scope = scope_of(actor)
    now = timezone.now()
    own = TeamMeeting.objects.filter(team_id__in=scope.casework_team_ids, starts_at__gte=now)
    invited = TeamMeeting.objects.filter(attendees__user=actor, starts_at__gte=now)
    return (own | invited).distinct().select_related("team").order_by("starts_at").first()
