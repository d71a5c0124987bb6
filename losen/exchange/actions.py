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
from losen.cases.actions.work import can_work_on
from losen.cases.models import (
    Case,
    CaseEvent,
    Consent,
    ConsentPurpose,
    ConsentRecipient,
    EventKind,
    ReferralSource,
)
from losen.cases.queries.intake import is_minor_on
from losen.catalogue.models import Listing
from losen.exchange.models import OPEN, ReceivedReferral, ReferralReport, SentReferral, State
from losen.lib import crypto
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


def referral_targets(actor: User, case: Case) -> list[Listing]:
    """The published measures of other organisations that take referrals now."""
    return list(
        Listing.objects.filter(taking_referrals=True, measure__is_active=True)
        .exclude(organisation_id=case.organisation_id)
        .select_related("measure", "organisation")
        .order_by("organisation__name", "measure__name")
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
    if locked.state not in states:
        raise AlreadyDecided()
    return locked


@transaction.atomic
def do_accept_referral(
    actor: User,
    received: ReceivedReferral,
    *,
    team: Team,
    person: Person | None = None,
    decided_on: datetime.date | None = None,
) -> ReceivedReferral:
    """Take the young person in: into `person` (one of the receiver's own, chosen), or the
    receiver's record with the same identity number, or a new record; never by name."""
    locked = _lock(actor, received, State.SENT, State.WAITING_LIST)
    if (
        team.organisation_id != locked.organisation_id
        or team.pk not in scope_of(actor).casework_team_ids
    ):
        raise NotAllowed("Accept into one of your own teams in the receiving organisation.")
    today = _decision_day(locked, decided_on)  # checked before anything is written
    shared = locked.shared
    if person is not None and person.organisation_id != locked.organisation_id:
        raise NotAllowed("The person must be one of the receiving organisation's own.")
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
    locked.state = State.ACCEPTED
    locked.person = person
    locked.case = registered.referral.case
    locked.team = team
    locked.decided_on = today
    locked.decided_by = actor
    locked.save()
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
    report(actor, locked, ReferralReport.Kind.ACCEPTED, today)
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


def report(
    actor: User | None,
    received: ReceivedReferral,
    kind: str,
    effective_on: datetime.date,
    data: dict[str, Any] | None = None,
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
            **{k: v for k, v in data.items() if k in ("top_code", "months", "reason")},
        },
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
        moved = {"state": State.ENDED, "exit_on": event.effective_on, "exit_outcome": top}
    else:
        kind = ReferralReport.Kind.FOLLOW_UP
        details = {"months": data.get("months"), "top_code": top}
    if received.state == State.WITHDRAWN:
        moved.pop("state", None)
    if moved:
        ReceivedReferral.objects.filter(pk=received.pk).update(**moved)
    report(actor, received, kind, event.effective_on, details)
