"""Every write of a referral between organisations, and of its reports back.

Sending (`do_refer_out`) records the young person's consent, with the receiving
organisation named and the fields it lets cross, and copies exactly those fields into
the receiver's own record. The receiver accepts (into its own person record and case),
declines with a reason or puts the referral on its waiting list. From then on what
happens in the receiver's case (a start, a move up the staircase, the exit, the
follow-ups) is reported back to the sender while the consent lasts: `on_case_event`
turns the receiver's case events into reports. A withdrawal stops every further report
at once; what was disclosed before stays, marked as such. Every crossing is written in
both organisations' access logs (audit.actions.do_log_disclosure).
"""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.accounts.models import Organisation, Team, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_change, do_log_disclosure
from losen.audit.disclosures import REQUIRED_FIELDS, SharedField
from losen.cases.actions.core import do_record_event
from losen.cases.actions.intake import ConsentAlreadyGiven, do_give_consent, do_register_referral
from losen.cases.actions.meetings import AgendaLocked, do_refresh_agenda
from losen.cases.actions.work import can_work_on
from losen.cases.models import (
    Case,
    CaseEvent,
    Consent,
    ConsentPurpose,
    ConsentRecipient,
    Decision,
    EventKind,
    ReferralSource,
    TeamMeeting,
    TeamPartner,
)
from losen.cases.queries.intake import is_minor_on
from losen.catalogue.models import Listing
from losen.exchange.models import (
    OPEN,
    ReceivedReferral,
    ReferralReport,
    SentReferral,
    State,
    StatusNote,
)
from losen.exchange.queries import attendance_in_month
from losen.lib import crypto
from losen.lib.dates import add_months
from losen.lib.errors import NotAllowed
from losen.lib.idnumbers import parse_identity_number
from losen.people.actions import PersonData, do_register_person, find_by_identity_number
from losen.people.models import Person


class ConsentMissing(Exception):
    """The referral lacks the consent it needs; `what` says what is missing, in words."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class AlreadyReferred(Exception):
    """The person has an open referral to the same measure or team: it is that one."""

    def __init__(self, existing: SentReferral) -> None:
        super().__init__(f"referral {existing.pk}")
        self.existing = existing


class AlreadyDecided(Exception):
    """The receiver decided on the referral already (or its consent was withdrawn)."""


def _source_of(organisation: Organisation) -> str:
    sources: dict[str, str] = {
        Organisation.Kind.NAV_OFFICE: ReferralSource.NAV,
        Organisation.Kind.COUNTY: ReferralSource.COUNTY,
        Organisation.Kind.MUNICIPALITY: ReferralSource.SOCIAL_SERVICES,
    }
    return sources.get(organisation.kind, ReferralSource.OTHER)


def shared_copy(case: Case, fields: list[str], reason: str) -> dict[str, Any]:
    """Exactly the listed fields of the case's young person, as the receiver will keep them."""
    person = case.person
    copy: dict[str, Any] = {}
    if SharedField.NAME in fields:
        copy["first_name"], copy["last_name"] = person.first_name, person.last_name
    if SharedField.BIRTH_DATE in fields:
        copy["birth_date"] = person.birth_date.isoformat()
    if SharedField.CONTACT in fields:
        for name in ("phone", "email", "address", "postal_code", "city", "municipality"):
            copy[name] = getattr(person, name)
    if SharedField.GUARDIAN in fields:
        copy["guardians"] = [
            {
                "name": g.name,
                "relation": g.relation,
                "relation_label": str(g.get_relation_display()),
                "phone": g.phone,
                "email": g.email,
            }
            for g in person.guardians.all()
        ]
    if SharedField.REASON in fields:
        copy["reason"] = reason
    if SharedField.CATEGORY in fields:
        latest = case.categories.order_by("-set_on", "-id").first()
        copy["category"] = latest.get_category_display() if latest else ""
    if SharedField.PLAN in fields:
        plan = getattr(case, "plan", None)
        copy["goals"] = [goal.text for goal in plan.goals.all()] if plan else []
        copy["steps"] = [step.text for step in plan.steps.all()] if plan else []
    if SharedField.MAPPING in fields:
        mapping = case.mappings.order_by("-mapped_on", "-id").first()
        copy["mapping"] = (
            {
                "mapped_on": mapping.mapped_on.isoformat(),
                "summary": mapping.note,
                "scores": [
                    [s.get_domain_display(), s.get_aspect_display(), s.youth_score]
                    for s in mapping.scores.all()
                ],
            }
            if mapping
            else {}
        )
    return copy


def referral_targets(case: Case) -> list[Listing]:
    """The published measures of other organisations that take referrals now."""
    return list(
        Listing.objects.filter(taking_referrals=True, measure__is_active=True)
        .exclude(organisation_id=case.organisation_id)
        .select_related("measure", "organisation")
        .order_by("organisation__name", "measure__name")
    )


def referral_teams(case: Case) -> list[Team]:
    """The teams of other organisations a case may be referred to: those of organisations
    that publish in the catalogue, and those of the case team's partners."""
    publishing = Listing.objects.filter(taking_referrals=True).values("organisation_id")
    partners = TeamPartner.objects.filter(team_id=case.team_id).values("organisation_id")
    return list(
        Team.objects.filter(Q(organisation_id__in=publishing) | Q(organisation_id__in=partners))
        .exclude(organisation_id=case.organisation_id)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def _consent_for(
    actor: User,
    case: Case,
    receiver: Organisation,
    fields: list[str],
    *,
    youth_consents: bool,
    guardian_consents: bool,
    given_on: datetime.date,
) -> Consent:
    """The consent the referral is made under: given now, or an active one that covers it."""
    minor = is_minor_on(case.person, given_on)
    missing = []
    if not youth_consents:
        missing.append(_("the young person's consent"))
    if minor and not guardian_consents:
        missing.append(_("the guardian's consent (the young person is under 18)"))
    if missing:
        raise ConsentMissing(
            _("The referral needs %(missing)s to refer to %(organisation)s.")
            % {"missing": _(" and ").join(missing), "organisation": receiver.name}
        )
    try:
        consent = do_give_consent(
            actor,
            case,
            purpose=ConsentPurpose.REFERRAL,
            recipient=ConsentRecipient.ORGANISATION,
            recipient_organisation=receiver,
            given_by=Consent.GivenBy.GUARDIAN if minor else Consent.GivenBy.YOUTH,
            given_on=given_on,
            shared_fields=fields,
        )
    except ConsentAlreadyGiven as given:
        consent = given.existing
        uncovered = set(fields) - set(consent.shared_fields)
        if uncovered:
            raise ConsentMissing(
                _(
                    "The consent to %(organisation)s given %(day)s does not cover everything "
                    "chosen: withdraw it on the consents page and record a new one, or share "
                    "only what it covers."
                )
                % {"organisation": receiver.name, "day": consent.given_on.strftime("%d.%m.%Y")}
            ) from None
        return consent
    return consent


@transaction.atomic
def do_refer_out(
    actor: User,
    case: Case,
    *,
    listing: Listing | None = None,
    team: Team | None = None,
    fields: list[str],
    reason: str,
    youth_consents: bool,
    guardian_consents: bool,
    referred_on: datetime.date | None = None,
) -> SentReferral:
    """Refer the case's young person to another organisation's measure or team."""
    if not can_work_on(actor, case):
        raise NotAllowed("Only the case's team refers its young people.")
    if (listing is None) == (team is None):
        raise ValueError("Refer to a published measure or to a team.")
    receiver = listing.organisation if listing else team.organisation  # type: ignore[union-attr]
    if receiver.pk == case.organisation_id:
        raise ValueError("A referral inside the organisation is an ordinary referral.")
    if listing is not None and not (listing.taking_referrals and listing.measure.is_active):
        raise NotAllowed("The measure takes no referrals now.")
    referred_on = referred_on or timezone.localdate()
    fields = sorted({*fields, *REQUIRED_FIELDS}, key=list(SharedField.values).index)
    open_one = SentReferral.objects.filter(person=case.person, state__in=OPEN).filter(
        Q(listing=listing) if listing else Q(to_team=team, listing__isnull=True)
    )
    existing = open_one.first()
    if existing is not None:
        raise AlreadyReferred(existing)
    consent = _consent_for(
        actor,
        case,
        receiver,
        fields,
        youth_consents=youth_consents,
        guardian_consents=guardian_consents,
        given_on=referred_on,
    )
    to_name = listing.measure.name if listing else team.name  # type: ignore[union-attr]
    sent = SentReferral.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        person=case.person,
        consent=consent,
        to_organisation=receiver,
        to_team=team,
        listing=listing,
        to_name=to_name,
        fields=fields,
        reason=reason,
        referred_on=referred_on,
        created_by=actor,
    )
    person = case.person
    number = {}
    if SharedField.IDENTITY_NUMBER in fields and person.has_identity_number:
        number = {
            "id_number_encrypted": person.id_number_encrypted,
            "id_number_hash": person.id_number_hash,
            "id_number_kind": person.id_number_kind,
            "id_number_masked": person.id_number_masked,
        }
    ReceivedReferral.objects.create(
        sent=sent,
        organisation=receiver,
        from_organisation_id=case.organisation_id,
        team=team,
        listing=listing,
        to_name=to_name,
        shared=shared_copy(case, fields, reason),
        fields=fields,
        referred_on=referred_on,
        **number,
    )
    do_record_event(
        actor,
        case,
        EventKind.REFERRED_OUT,
        effective_on=referred_on,
        data={
            "referral": sent.pk,
            "to_organisation": receiver.name,
            "to": to_name,
            "consent_id": consent.pk,
            "fields": fields,
        },
    )
    do_log_disclosure(
        actor,
        what="disclosed",
        person_id=person.pk,
        organisation_id=case.organisation_id,
        team=case.team,
        detail={
            "organisation": receiver.name,
            "fields": fields,
            "consent": consent.pk,
            "referral": sent.pk,
        },
    )
    do_log_change(
        actor,
        action="referral.sent_to_organisation",
        obj=sent,
        organisation_id=case.organisation_id,
        person_id=person.pk,
        changed_fields=["to_organisation", "fields", "reason", "consent"],
    )
    return sent


def may_decide(actor: User, received: ReceivedReferral) -> bool:
    """Coordinators and team leads of the receiving organisation (of the team, if one)."""
    scope = scope_of(actor)
    if received.team_id is not None:
        return received.team_id in scope.casework_team_ids
    return any(
        m.organisation_id == received.organisation_id and m.team_id in scope.casework_team_ids
        for m in scope.memberships
    )


def _decision_day(received: ReceivedReferral, day: datetime.date | None) -> datetime.date:
    """The day of the receiver's decision: today unless given, never before the referral."""
    day = day or timezone.localdate()
    if day > timezone.localdate() or day < received.referred_on:
        raise ValueError("A decision is dated between the referral and today.")
    return day


def _lock(actor: User, received: ReceivedReferral, *states: str) -> ReceivedReferral:
    if not may_decide(actor, received):
        raise NotAllowed("The receiving organisation's teams decide on the referral.")
    locked = ReceivedReferral.objects.select_for_update().get(pk=received.pk)
    if locked.state not in states or (locked.case_id is not None and State.SENT in states):
        # Decided, or taken in for the team meeting, which decides.
        raise AlreadyDecided()
    return locked


def _take_in(
    actor: User, locked: ReceivedReferral, team: Team, person: Person | None
) -> tuple[Person, Case]:
    """The receiver's own record of the young person and a referral in the team's intake:
    into `person` (one of the receiver's own, chosen), or the receiver's record with the
    same identity number, or a new record; never by name."""
    if (
        team.organisation_id != locked.organisation_id
        or team.pk not in scope_of(actor).casework_team_ids
    ):
        raise NotAllowed("Take in into one of your own teams in the receiving organisation.")
    if locked.team_id is not None and team.pk != locked.team_id:
        raise NotAllowed("The referral names the team that takes it in.")
    if person is not None and person.organisation_id != locked.organisation_id:
        raise NotAllowed("The person must be one of the receiving organisation's own.")
    shared = locked.shared
    # The number the consent let cross, read as the sender stored it: it finds the
    # receiver's own record of the person, or goes with the new one.
    number = (
        parse_identity_number(crypto.decrypt(locked.id_number_encrypted))
        if locked.id_number_encrypted
        else None
    )
    if person is None and number is not None:
        person = find_by_identity_number(locked.organisation_id, number)
    if person is None:
        person = do_register_person(
            actor,
            team=team,
            data=PersonData(
                first_name=shared.get("first_name", ""),
                last_name=shared.get("last_name", ""),
                birth_date=datetime.date.fromisoformat(shared["birth_date"]),
                phone=shared.get("phone", ""),
                email=shared.get("email", ""),
                address=shared.get("address", ""),
                postal_code=shared.get("postal_code", ""),
                city=shared.get("city", ""),
                municipality=shared.get("municipality", ""),
                country=team.organisation.country,
            ),
            identity_number=number,
            guardian=next(
                (
                    {k: g[k] for k in ("name", "relation", "phone", "email")}
                    for g in shared.get("guardians", [])
                ),
                None,
            ),
        )
    registered = do_register_referral(
        actor,
        team=team,
        source=_source_of(locked.from_organisation),
        reason=shared.get("reason", ""),
        person=person,
        referred_on=locked.referred_on,
        referrer_organisation=locked.from_organisation.name,
    )
    do_log_disclosure(
        actor,
        what="received",
        person_id=person.pk,
        organisation_id=locked.organisation_id,
        team=team,
        detail={
            "organisation": locked.from_organisation.name,
            "fields": locked.fields,
            "referral": locked.pk,
        },
    )
    case = registered.referral.case
    assert case is not None  # a referral registered for a team opens its case
    return person, case


@transaction.atomic
def do_accept_referral(
    actor: User,
    received: ReceivedReferral,
    *,
    team: Team,
    person: Person | None = None,
    decided_on: datetime.date | None = None,
) -> ReceivedReferral:
    """Take the young person in and accept at once (without the team meeting)."""
    locked = _lock(actor, received, State.SENT, State.WAITING_LIST)
    today = _decision_day(locked, decided_on)  # checked before anything is written
    locked.person, locked.case = _take_in(actor, locked, team, person)
    locked.state = State.ACCEPTED
    locked.team = team
    locked.decided_on = today
    locked.decided_by = actor
    locked.save()
    report(actor, locked, ReferralReport.Kind.ACCEPTED, today)
    return locked


@transaction.atomic
def do_take_to_meeting(
    actor: User,
    received: ReceivedReferral,
    *,
    team: Team,
    person: Person | None = None,
) -> ReceivedReferral:
    """Take the referral into the team's intake for its team meeting to decide.

    The young person gets the receiver's own record and a case, which comes up as a new
    referral on the team's next meeting (on the one already called, if its decisions
    have not begun); the meeting's decision goes back to the sender as the receiver's
    answer (accepted, waiting list, or declined when redirected).
    """
    locked = _lock(actor, received, State.SENT, State.WAITING_LIST)
    locked.person, locked.case = _take_in(actor, locked, team, person)
    locked.team = team
    locked.on_agenda_on = timezone.localdate()
    locked.save()
    meeting = (
        TeamMeeting.objects.filter(team=team, starts_at__gte=timezone.now(), closed_at=None)
        .order_by("starts_at")
        .first()
    )
    if meeting is not None:
        # Once its decisions have begun, the case comes up at the meeting after.
        with contextlib.suppress(AgendaLocked):
            do_refresh_agenda(actor, meeting)
    return locked


@transaction.atomic
def do_decline_referral(
    actor: User,
    received: ReceivedReferral,
    *,
    reason: str,
    decided_on: datetime.date | None = None,
) -> None:
    if not reason.strip():
        raise ValueError("Say why the referral is declined.")
    locked = _lock(actor, received, State.SENT, State.WAITING_LIST)
    today = _decision_day(locked, decided_on)
    locked.state, locked.decided_on, locked.decided_by = State.DECLINED, today, actor
    locked.decline_reason = reason
    locked.save()
    report(actor, locked, ReferralReport.Kind.DECLINED, today, {"reason": reason})


@transaction.atomic
def do_waitlist_referral(
    actor: User, received: ReceivedReferral, *, on: datetime.date | None = None
) -> None:
    locked = _lock(actor, received, State.SENT)
    today = _decision_day(locked, on)
    locked.state, locked.decided_by = State.WAITING_LIST, actor
    locked.save()
    report(actor, locked, ReferralReport.Kind.WAITING_LIST, today)


# How each report moves the sender's record on.
_STATE_AFTER: dict[str, State] = {
    ReferralReport.Kind.ACCEPTED: State.ACCEPTED,
    ReferralReport.Kind.DECLINED: State.DECLINED,
    ReferralReport.Kind.WAITING_LIST: State.WAITING_LIST,
    ReferralReport.Kind.STARTED: State.STARTED,
    ReferralReport.Kind.ENDED: State.ENDED,
}


# What of a report's data the sender's case event carries (the rest is on the referral).
REPORTED_ON_THE_CASE = ("top_code", "months", "reason", "month", "sessions", "present", "until")


def report(
    actor: User | None,
    received: ReceivedReferral,
    kind: str,
    effective_on: datetime.date,
    data: dict[str, Any] | None = None,
    *,
    period: str = "",
) -> ReferralReport | None:
    """Report back to the sender, if the consent still lets it: a copy in the sender's
    records, an event on the sender's case, a row in both access logs. Refused (None)
    once the consent is withdrawn: the receiver keeps its own record only."""
    sent = (
        SentReferral.objects.select_for_update()
        .select_related("consent", "organisation", "case")
        .get(pk=received.pk)
    )
    if sent.consent.withdrawn_at is not None or received.consent_withdrawn_at is not None:
        if received.consent_withdrawn_at is None:
            ReceivedReferral.objects.filter(pk=received.pk).update(
                consent_withdrawn_at=sent.consent.withdrawn_at
            )
        return None
    data = data or {}
    receiver = received.organisation
    by = actor.full_name or actor.email if actor is not None else "Losen"
    made = ReferralReport.objects.create(
        sent=sent,
        organisation_id=sent.organisation_id,
        kind=kind,
        effective_on=effective_on,
        period=period,
        data=data,
        reported_by_name=by,
        reported_by_organisation=receiver,
    )
    changed: dict[str, Any] = {}
    if kind in _STATE_AFTER:
        changed["state"] = _STATE_AFTER[kind]
    if kind in (ReferralReport.Kind.ACCEPTED, ReferralReport.Kind.DECLINED):
        changed["decided_on"] = effective_on
    if kind == ReferralReport.Kind.STARTED:
        changed["started_on"] = effective_on
    if kind == ReferralReport.Kind.ENDED:
        changed["exit_on"] = effective_on
        changed["exit_outcome"] = data.get("top_code", "")
    if kind == ReferralReport.Kind.PAUSED:
        changed["paused_on"] = effective_on
    if kind in (ReferralReport.Kind.RESUMED, ReferralReport.Kind.ENDED):
        changed["paused_on"] = None
    if changed:
        SentReferral.objects.filter(pk=sent.pk).update(**changed)
    label = str(ReferralReport.Kind(kind).label)
    do_record_event(
        None,
        sent.case,
        EventKind.REPORTED_BACK,
        effective_on=effective_on,
        data={
            "referral": sent.pk,
            "report": kind,
            "by_organisation": receiver.name,
            "by": by,
            **{k: v for k, v in data.items() if k in REPORTED_ON_THE_CASE},
        },
        note=data.get("note", ""),
    )
    detail = {"referral": sent.pk, "report": kind, "report_label": label}
    do_log_disclosure(
        None,
        what="report_received",
        person_id=sent.person_id,
        organisation_id=sent.organisation_id,
        detail={**detail, "organisation": receiver.name},
    )
    if received.person_id is not None:
        do_log_disclosure(
            actor,
            what="reported",
            person_id=received.person_id,
            organisation_id=received.organisation_id,
            team=received.team,
            detail={**detail, "organisation": sent.organisation.name},
        )
    return made


def on_case_event(sender: type[CaseEvent], instance: CaseEvent, created: bool, **kwargs) -> None:
    """A case event was recorded: a withdrawal stops the reports; a receiver's event is
    reported back (a start, a move up, the exit, a follow-up)."""
    if not created:
        return
    event = instance
    if event.kind == EventKind.CONSENT_WITHDRAWN:
        consent_id = (event.data or {}).get("consent_id")
        now = timezone.now()
        if consent_id is None:
            return
        for sent in SentReferral.objects.filter(consent_id=consent_id):
            if sent.state in OPEN:
                SentReferral.objects.filter(pk=sent.pk).update(state=State.WITHDRAWN)
            ReceivedReferral.objects.filter(pk=sent.pk, consent_withdrawn_at__isnull=True).update(
                consent_withdrawn_at=now
            )
            ReceivedReferral.objects.filter(pk=sent.pk, state__in=OPEN).update(
                state=State.WITHDRAWN
            )
        return
    if event.kind == EventKind.DECISION:
        _report_decision(event)
        return
    if event.kind not in (
        EventKind.ENROLMENT_STARTED,
        EventKind.EXIT,
        EventKind.FOLLOW_UP_REGISTERED,
    ):
        return
    received = (
        ReceivedReferral.objects.filter(case_id=event.case_id)
        .exclude(state__in=[State.DECLINED, State.SENT])
        .select_related("organisation")
        .first()
    )
    if received is None:
        return
    data = event.data or {}
    actor = event.recorded_by
    top = data.get("top_code", "")
    # The receiver's own record moves on whatever the consent says; once the consent is
    # withdrawn its state stays `withdrawn`.
    moved: dict[str, Any] = {}
    if event.kind == EventKind.ENROLMENT_STARTED:
        first = received.started_on is None
        kind = ReferralReport.Kind.STARTED if first else ReferralReport.Kind.MOVED_UP
        details: dict[str, Any] = {"measure": data.get("measure_name")}
        if first:
            moved = {"state": State.STARTED, "started_on": event.effective_on}
    elif event.kind == EventKind.EXIT:
        kind, details = ReferralReport.Kind.ENDED, {"top_code": top}
        moved = {
            "state": State.ENDED,
            "exit_on": event.effective_on,
            "exit_outcome": top,
            "paused_on": None,
        }
    else:
        kind = ReferralReport.Kind.FOLLOW_UP
        details = {"months": data.get("months"), "top_code": top}
    if received.state == State.WITHDRAWN:
        moved.pop("state", None)
    if moved:
        ReceivedReferral.objects.filter(pk=received.pk).update(**moved)
    report(actor, received, kind, event.effective_on, details)


def _report_decision(event: CaseEvent) -> None:
    """The receiver's team meeting decided on a case that came as a referral from another
    organisation: accepted, waiting list, or (redirected elsewhere) declined, reported
    back as the receiver's answer. A decision that changes nothing of the answer (a
    second acceptance, more information asked for) is not reported."""
    received = (
        ReceivedReferral.objects.select_for_update()
        .filter(case_id=event.case_id, state__in=[State.SENT, State.WAITING_LIST, State.ACCEPTED])
        .select_related("organisation")
        .first()
    )
    if received is None:
        return
    data = event.data or {}
    decision, actor, day = data.get("decision"), event.recorded_by, event.effective_on
    undecided = received.state in (State.SENT, State.WAITING_LIST)
    details: dict[str, str]
    if decision == Decision.ACCEPT and undecided:
        state, kind, details = State.ACCEPTED, ReferralReport.Kind.ACCEPTED, {}
    elif decision == Decision.WAITING_LIST and received.state == State.SENT:
        state, kind, details = State.WAITING_LIST, ReferralReport.Kind.WAITING_LIST, {}
    elif decision == Decision.REDIRECT:
        reason = _("Redirected to %(service)s") % {"service": data.get("redirect_to", "")}
        state, kind, details = State.DECLINED, ReferralReport.Kind.DECLINED, {"reason": reason}
        received.decline_reason = reason
    else:
        return
    received.state = state
    if state != State.WAITING_LIST:
        received.decided_on, received.decided_by = day, actor
    received.save(update_fields=["state", "decided_on", "decided_by", "decline_reason"])
    report(actor, received, kind, day, details)


# --- what the receiver reports of its own accord --------------------------------------


class NothingToReport(Exception):
    """No session of the young person's measures was held in the month."""


class AlreadyReported(Exception):
    """This month's attendance is reported already."""


def _reportable(actor: User | None, received: ReceivedReferral) -> ReceivedReferral:
    """The receiver's record, locked, if the actor works in the receiving team (None:
    Losen's own monthly run) and the young person has started in its measures."""
    if actor is not None and not may_decide(actor, received):
        raise NotAllowed("The receiving team reports on the referral.")
    locked = ReceivedReferral.objects.select_for_update().get(pk=received.pk)
    if locked.case_id is None or locked.started_on is None:
        raise NotAllowed("Only a young person who has started is reported on.")
    return locked


@transaction.atomic
def do_report_attendance(
    actor: User | None, received: ReceivedReferral, month: datetime.date
) -> ReferralReport | None:
    """Report the month's attendance (sessions held, present) in the young person's
    measures; once per month, for a month that is over. None: the consent is withdrawn.
    `actor` None is Losen's monthly run (`losen report-attendance`)."""
    locked = _reportable(actor, received)
    first = month.replace(day=1)
    last = add_months(first, 1) - datetime.timedelta(days=1)
    if last >= timezone.localdate():
        raise ValueError("Report a month once it is over.")
    assert locked.case_id is not None
    summary = attendance_in_month(locked.case_id, first)
    if not summary["sessions"]:
        raise NothingToReport()
    period = first.strftime("%Y-%m")
    if ReferralReport.objects.filter(
        sent_id=locked.pk, kind=ReferralReport.Kind.ATTENDANCE, period=period
    ).exists():
        raise AlreadyReported()
    return report(
        actor,
        locked,
        ReferralReport.Kind.ATTENDANCE,
        last,
        {**summary, "month": period},
        period=period,
    )


@transaction.atomic
def do_report_pause(
    actor: User,
    received: ReceivedReferral,
    *,
    on: datetime.date,
    until: datetime.date | None = None,
) -> ReferralReport | None:
    """The young person's follow-up is paused from `on` (expected back `until`)."""
    locked = _reportable(actor, received)
    if locked.state != State.STARTED:
        raise NotAllowed("Only a follow-up under way is paused.")
    if locked.paused_on is not None:
        raise AlreadyReported()
    if on > timezone.localdate() or on < locked.started_on:  # type: ignore[operator]
        raise ValueError("A pause starts between the start and today.")
    if until is not None and until <= on:
        raise ValueError("The expected return comes after the pause begins.")
    ReceivedReferral.objects.filter(pk=locked.pk).update(paused_on=on)
    data = {"until": until.isoformat()} if until else {}
    return report(actor, locked, ReferralReport.Kind.PAUSED, on, data)


@transaction.atomic
def do_report_resumed(
    actor: User, received: ReceivedReferral, *, on: datetime.date
) -> ReferralReport | None:
    locked = _reportable(actor, received)
    if locked.paused_on is None:
        raise NotAllowed("The follow-up is not paused.")
    if on > timezone.localdate() or on < locked.paused_on:
        raise ValueError("The return is between the pause and today.")
    ReceivedReferral.objects.filter(pk=locked.pk).update(paused_on=None)
    return report(actor, locked, ReferralReport.Kind.RESUMED, on)


def may_review_notes(actor: User, received: ReceivedReferral) -> bool:
    """A team lead of the receiving team (of any of the organisation's teams, while the
    referral names none) sends the notes on."""
    scope = scope_of(actor)
    if received.team_id is not None:
        return received.team_id in scope.lead_team_ids
    return any(
        m.organisation_id == received.organisation_id and m.team_id in scope.lead_team_ids
        for m in scope.memberships
    )


@transaction.atomic
def do_write_status_note(actor: User, received: ReceivedReferral, text: str) -> StatusNote:
    """A note to the sender, kept as a draft until a team lead has reviewed it."""
    if not may_decide(actor, received):
        raise NotAllowed("The receiving team writes the notes.")
    if received.consent_withdrawn_at is not None:
        raise NotAllowed("The consent is withdrawn: nothing more goes to the sender.")
    text = text.strip()
    if not text:
        raise ValueError("A status note has a text.")
    note = StatusNote.objects.create(
        received=received, organisation_id=received.organisation_id, text=text, written_by=actor
    )
    do_log_change(
        actor,
        action="referral.status_note_written",
        obj=note,
        organisation_id=received.organisation_id,
        person_id=received.person_id,
        changed_fields=["text"],
    )
    return note


def _lock_draft(actor: User, note: StatusNote) -> StatusNote:
    if not may_review_notes(actor, note.received):
        raise NotAllowed("A team lead of the receiving team reviews the notes.")
    locked = StatusNote.objects.select_for_update().select_related("received").get(pk=note.pk)
    if locked.state != StatusNote.State.DRAFT:
        raise AlreadyDecided()
    return locked


@transaction.atomic
def do_send_status_note(actor: User, note: StatusNote) -> ReferralReport | None:
    """Reviewed: the note goes to the sender as it was written. None when the consent is
    withdrawn: the note stays with the receiver, not sent."""
    locked = _lock_draft(actor, note)
    made = report(
        actor,
        locked.received,
        ReferralReport.Kind.NOTE,
        timezone.localdate(),
        {"note": locked.text, "written_by": locked.written_by.full_name},
    )
    locked.state = StatusNote.State.SENT if made else StatusNote.State.DISCARDED
    locked.reviewed_by, locked.reviewed_at, locked.report = actor, timezone.now(), made
    locked.save(update_fields=["state", "reviewed_by", "reviewed_at", "report"])
    do_log_change(
        actor,
        action="referral.status_note_sent" if made else "referral.status_note_discarded",
        obj=locked,
        organisation_id=locked.organisation_id,
        person_id=locked.received.person_id,
        changed_fields=["state"],
    )
    return made


@transaction.atomic
def do_discard_status_note(actor: User, note: StatusNote) -> None:
    locked = _lock_draft(actor, note)
    locked.state = StatusNote.State.DISCARDED
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    locked.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    do_log_change(
        actor,
        action="referral.status_note_discarded",
        obj=locked,
        organisation_id=locked.organisation_id,
        person_id=locked.received.person_id,
        changed_fields=["state"],
    )
