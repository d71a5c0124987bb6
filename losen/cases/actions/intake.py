"""Intake: referral, application and signing, consent and its withdrawal.

Every action writes its case event and its change-log row. Signing and withdrawal
are guarded against a form posted twice: the second attempt is refused, never
recorded a second time.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from losen.accounts.models import Organisation, Team, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_change
from losen.cases.actions.core import do_open_case, do_record_event, do_transition_case
from losen.cases.application_text import SIGNING_SCOPES, ApplicationText, application_text
from losen.cases.models import (
    Application,
    Case,
    CaseState,
    Consent,
    ConsentPurpose,
    ConsentRecipient,
    EventKind,
    Referral,
    ReferralSource,
    ScopeAnswer,
    Signature,
)
from losen.cases.models.core import OPEN_STATES
from losen.cases.queries.intake import (
    active_consents,
    application_is_complete,
    guardian_signature_needed,
    is_minor_on,
)
from losen.lib.errors import NotAllowed
from losen.lib.idnumbers import IdentityNumber
from losen.lib.names import same_name
from losen.people import actions as people_actions
from losen.people.actions import PersonData
from losen.people.models import Follow, Person
from losen.people.queries import visible_to


class NumberBelongsToAnother(Exception):
    """The identity number is registered for a person with another name or birth date.

    Most likely a mistyped number. Nothing is attached; the message names nobody.
    """

    def __init__(self, differs: str):
        super().__init__(f"the registered person has another {differs}")
        self.differs = differs  # "name" or "birth_date"


class AlreadyDecided(Exception):
    """A team that follows the person has decided on the passed-on referral already."""

    def __init__(self, referral: Referral):
        super().__init__("already decided")
        self.referral = referral


class AlreadySigned(Exception):
    """The signer has signed this application already (a form posted twice, or a race)."""

    def __init__(self, signer: str, signed_at: datetime.datetime | None):
        super().__init__(f"already signed by the {signer}")
        self.signer = signer
        self.signed_at = signed_at


class TextChanged(Exception):
    """The text to be signed changed after the signing page was opened."""


class PaperAlreadyUploaded(Exception):
    """The application has its signed paper already."""


class GuardianConsentRequired(Exception):
    """Under 18, the guardian gives the consent."""


class ConsentAlreadyGiven(Exception):
    """An active consent with the same scope exists."""

    def __init__(self, existing: Consent):
        super().__init__("consent already given")
        self.existing = existing


class AlreadyWithdrawn(Exception):
    """The consent was withdrawn before (a form posted twice, or a race)."""


@dataclass(frozen=True)
class RegisteredReferral:
    referral: Referral
    person_created: bool  # a new person was registered with the referral
    person_joined: bool  # the identity number belonged to someone already registered
    case_opened: bool  # False: the referral joined the person's open case in the team
    # The number belonged to someone the actor may not see: the referral waits, with no
    # case, for a team that follows them (`referral.person` is not the actor's to show).
    passed_on: bool = False


# --- referral ----------------------------------------------------------------------------


@transaction.atomic
def do_register_referral(
    actor: User,
    *,
    team: Team,
    source: ReferralSource | str,
    reason: str,
    person: Person | None = None,
    person_data: PersonData | None = None,
    identity_number: IdentityNumber | None = None,
    guardian: dict[str, str] | None = None,
    referred_on: datetime.date | None = None,
    referrer_name: str = "",
    referrer_organisation: str = "",
    referrer_contact: str = "",
) -> RegisteredReferral:
    """Register a referral to `team` for a registered `person`, or for a new one.

    With `person_data` (and optionally `identity_number`, `guardian`) the person is
    registered through people's do_register_person, unless the identity number is
    already registered in the organisation. An identity number is not a key to a record:

    - if the registered person has another name or birth date than typed, the number is
      taken for a mistyped one and NumberBelongsToAnother is raised; nothing is written;
    - if the actor may see the person, the referral joins them (never a duplicate);
    - if not, the referral is passed on (see do_accept_passed_on_referral): it is kept,
      with no case and no follow, for the teams that follow the person, and the actor
      learns nothing of the record.

    The team follows the person from now on. The referral joins the person's open case
    in the team, or opens a new one; it writes a `referred` event with the referral date
    (which may be back-dated) and the case's unsigned application.
    """
    if team.pk not in scope_of(actor).casework_team_ids:
        raise NotAllowed("The actor does not work in this team.")
    if (person is None) == (person_data is None):
        raise ValueError("Give either a registered person or the data of a new one.")
    referred_on = referred_on or timezone.localdate()
    if referred_on > timezone.localdate():
        raise ValueError("A referral cannot be dated in the future.")
    fields = {
        "source": source,
        "reason": reason,
        "referred_on": referred_on,
        "referrer_name": referrer_name,
        "referrer_organisation": referrer_organisation,
        "referrer_contact": referrer_contact,
    }

    person_created = person_joined = False
    if person is None:
        assert person_data is not None
        existing = (
            people_actions.find_by_identity_number(team.organisation_id, identity_number)
            if identity_number is not None
            else None
        )
        if existing is None:
            try:
                person = people_actions.do_register_person(
                    actor,
                    team=team,
                    data=person_data,
                    identity_number=identity_number,
                    guardian=guardian,
                )
                person_created = True
            except people_actions.DuplicateIdentityNumber as exc:  # registered meanwhile
                existing = exc.existing
        if existing is not None:
            person = Person.objects.get(pk=existing.pk)
            _check_same_person(person_data, identity_number, person)
            if not visible_to(actor).filter(pk=person.pk).exists():
                return _pass_on(actor, team, person, person_data, fields)
            person_joined = True
    assert person is not None
    if person.organisation_id != team.organisation_id:
        raise NotAllowed("A team takes referrals only for people of its own organisation.")
    people_actions.do_follow_person(actor, person, team)
    case, case_opened = _open_or_join_case(actor, person, team, referred_on)
    referral = Referral.objects.create(
        organisation_id=team.organisation_id,
        team=team,
        person=person,
        case=case,
        created_by=actor,
        **fields,
    )
    _record_referred(actor, referral, case_opened)
    do_log_change(
        actor,
        action="referral.registered",
        obj=referral,
        organisation_id=referral.organisation_id,
        person_id=person.pk,
        changed_fields=REFERRAL_FIELDS,
    )
    _ensure_application(actor, case)
    return RegisteredReferral(
        referral=referral,
        person_created=person_created,
        person_joined=person_joined,
        case_opened=case_opened,
    )


REFERRAL_FIELDS = [
    "source",
    "referrer_name",
    "referrer_organisation",
    "referrer_contact",
    "reason",
    "referred_on",
]


def _check_same_person(typed: PersonData, number: IdentityNumber | None, person: Person) -> None:
    """The number's person must have the typed name and birth date (losen/lib/names.py).

    A coordination number's own date says nothing firm of the birth date (it may be the
    day the number was registered): a birth date that is only that date, typed or taken
    from the number, is not held against the registered one.
    """
    if not same_name(typed.first_name, typed.last_name, person.first_name, person.last_name):
        raise NumberBelongsToAnother("name")
    if typed.birth_date == person.birth_date:
        return
    if number is not None and number.date_may_differ and typed.birth_date == number.birth_date:
        return
    raise NumberBelongsToAnother("birth_date")


def _open_or_join_case(
    actor: User, person: Person, team: Team, referred_on: datetime.date
) -> tuple[Case, bool]:
    """The person's open case in the team (locked), or a new one opened on the referral date."""
    case = (
        Case.objects.select_for_update()
        .filter(person=person, team=team, state__in=OPEN_STATES)
        .order_by("-opened_on", "-id")
        .first()
    )
    if case is not None:
        return case, False
    return do_open_case(actor, person, team, opened_on=referred_on), True


def _record_referred(actor: User, referral: Referral, case_opened: bool) -> None:
    assert referral.case is not None
    do_record_event(
        actor,
        referral.case,
        EventKind.REFERRED,
        effective_on=referral.referred_on,
        data={
            "source": str(referral.source),
            "referral_id": referral.pk,
            "new_case": case_opened,
        },
    )


def _pass_on(
    actor: User, team: Team, person: Person, typed: PersonData, fields: dict[str, object]
) -> RegisteredReferral:
    """Keep the referral for the teams that follow `person`; give `team` no sight of them.

    The contact details and guardian typed with it are not written into the record: the
    record is not the referring team's to change. They see the record, and can add to
    it, once a following team accepts.
    """
    referral = Referral.objects.create(
        organisation_id=team.organisation_id,
        team=team,
        person=person,
        case=None,
        status=Referral.Status.PASSED_ON,
        typed_name=f"{typed.first_name.strip()} {typed.last_name.strip()}"[:200],
        created_by=actor,
        **fields,
    )
    do_log_change(
        actor,
        action="referral.passed_on",
        obj=referral,
        organisation_id=referral.organisation_id,
        person_id=person.pk,
        changed_fields=[*REFERRAL_FIELDS, "status"],
    )
    return RegisteredReferral(
        referral=referral,
        person_created=False,
        person_joined=False,
        case_opened=False,
        passed_on=True,
    )


def may_decide_on(actor: User, referral: Referral) -> bool:
    """A coordinator or team lead of a team that follows the referral's person."""
    return Follow.objects.filter(
        person_id=referral.person_id, team_id__in=scope_of(actor).casework_team_ids
    ).exists()


def _lock_waiting(actor: User, referral: Referral) -> Referral:
    locked = (
        Referral.objects.select_for_update().select_related("person", "team").get(pk=referral.pk)
    )
    if not may_decide_on(actor, locked):
        raise NotAllowed("Only a team that follows the person decides on a passed-on referral.")
    if locked.status != Referral.Status.PASSED_ON:
        raise AlreadyDecided(locked)
    return locked


@transaction.atomic
def do_accept_passed_on_referral(actor: User, referral: Referral) -> RegisteredReferral:
    """A team that follows the person accepts the referring team's new follow-up.

    The referring team then follows the person, and the referral is filed with its case
    there (its open case, or a new one opened on the referral date, with the `referred`
    event and an unsigned application), exactly as if it had been registered for a
    person the team follows. Raises AlreadyDecided when someone decided first.
    """
    referral = _lock_waiting(actor, referral)
    person, team = referral.person, referral.team
    people_actions.do_follow_person(actor, person, team)
    case, case_opened = _open_or_join_case(actor, person, team, referral.referred_on)
    referral.case = case
    referral.status = Referral.Status.ACCEPTED
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.save(update_fields=["case", "status", "decided_by", "decided_at"])
    _record_referred(actor, referral, case_opened)
    do_log_change(
        actor,
        action="referral.accepted",
        obj=referral,
        organisation_id=referral.organisation_id,
        person_id=person.pk,
        changed_fields=["case", "status", "decided_by", "decided_at"],
    )
    _ensure_application(actor, case)
    return RegisteredReferral(
        referral=referral, person_created=False, person_joined=True, case_opened=case_opened
    )


@transaction.atomic
def do_decline_passed_on_referral(actor: User, referral: Referral) -> Referral:
    """A team that follows the person declines: the referring team is not let in."""
    referral = _lock_waiting(actor, referral)
    referral.status = Referral.Status.DECLINED
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.save(update_fields=["status", "decided_by", "decided_at"])
    do_log_change(
        actor,
        action="referral.declined",
        obj=referral,
        organisation_id=referral.organisation_id,
        person_id=referral.person_id,
        changed_fields=["status", "decided_by", "decided_at"],
    )
    return referral


def _ensure_application(actor: User | None, case: Case) -> Application:
    application, created = Application.objects.get_or_create(
        case=case, defaults={"organisation_id": case.organisation_id}
    )
    if created:
        do_log_change(
            actor,
            action="application.created",
            obj=application,
            organisation_id=case.organisation_id,
            person_id=case.person_id,
        )
    return application


# --- application -------------------------------------------------------------------------


@transaction.atomic
def do_sign_application(
    actor: User,
    case: Case,
    *,
    youth_name: str = "",
    guardian_name: str = "",
    youth_scopes: Iterable[tuple[str, str]] = (),
    guardian_scopes: Iterable[tuple[str, str]] = (),
    language: str = "nb",
    text_sha256: str | None = None,
) -> Application:
    """Signing on screen, in the presence of the logged-in user (the witness), now.

    Either signer may sign first; the application is complete when the young person
    has signed, and under 18 the guardian too. Completion writes `application_signed`
    and moves a referred case to assessment (onto the next team meeting's agenda).
    Raises AlreadySigned when a signer signs a second time.

    Each signer's signature is recorded with the text they were shown (`language`; its
    version and hash) and their answer to every consent scope offered (`*_scopes` are
    the (purpose, recipient) pairs ticked; the others are recorded as not given). When
    the last signer who must sign has signed on screen, the scopes every one of them
    ticked become consents, in this same transaction: given by the young person, or
    under 18 by the guardian. With `text_sha256` (the hash of the text the page showed),
    TextChanged is raised if the text has changed since, and nothing is recorded.
    """
    text = application_text(case, language)
    if text_sha256 is not None and text_sha256 != text.sha256:
        raise TextChanged()
    signed_at = timezone.now()
    application = _sign(
        actor,
        case,
        method=Application.Method.ON_SCREEN,
        youth_name=youth_name,
        guardian_name=guardian_name,
        signed_at=signed_at,
    )
    signers = [
        (Consent.GivenBy.YOUTH, youth_name.strip(), set(youth_scopes)),
        (Consent.GivenBy.GUARDIAN, guardian_name.strip(), set(guardian_scopes)),
    ]
    for signer, name, ticked in signers:
        if name:
            _record_signature(actor, case, application, signer, name, signed_at, text, ticked)
    _record_consents_given_at_signing(actor, case, application, signed_at)
    return application


def _record_signature(
    actor: User,
    case: Case,
    application: Application,
    signer: str,
    name: str,
    signed_at: datetime.datetime,
    text: ApplicationText,
    ticked: set[tuple[str, str]],
) -> Signature:
    signature = Signature.objects.create(
        organisation_id=application.organisation_id,
        application=application,
        signer=signer,
        name=name,
        signed_at=signed_at,
        witnessed_by=actor,
        text_version=text.version,
        text_language=text.language,
        text_sha256=text.sha256,
    )
    ScopeAnswer.objects.bulk_create(
        ScopeAnswer(
            organisation_id=application.organisation_id,
            signature=signature,
            purpose=purpose,
            recipient=recipient,
            given=(purpose, recipient) in ticked,
        )
        for purpose, recipient in SIGNING_SCOPES
    )
    do_log_change(
        actor,
        action="application.signature_recorded",
        obj=signature,
        organisation_id=application.organisation_id,
        person_id=case.person_id,
        changed_fields=["signer", "name", "signed_at", "witnessed_by", "text_sha256", "answers"],
    )
    return signature


def _record_consents_given_at_signing(
    actor: User, case: Case, application: Application, signed_at: datetime.datetime
) -> None:
    """When a signature made now completes the application: the common scopes as consents."""
    if not application_is_complete(application, case.person):
        return
    signatures = {s.signer: s for s in application.signatures.prefetch_related("answers")}
    needed = [Consent.GivenBy.YOUTH]
    if guardian_signature_needed(application, case.person):
        needed.append(Consent.GivenBy.GUARDIAN)
    if any(signer not in signatures for signer in needed):
        return  # a signer signed on paper: consents are registered on the consents page
    if all(signatures[signer].signed_at != signed_at for signer in needed):
        return  # complete before: a signature nobody needed adds no consent
    given = set(SIGNING_SCOPES)
    for signer in needed:
        given &= {(a.purpose, a.recipient) for a in signatures[signer].answers.all() if a.given}
    given_by = needed[-1]  # under 18 the guardian gives the consent
    signature = signatures[given_by]
    given_on = timezone.localtime(max(s.signed_at for s in signatures.values())).date()
    Case.objects.select_for_update().filter(pk=case.pk).first()  # as do_give_consent
    active = set(active_consents(case).values_list("purpose", "recipient"))
    for purpose, recipient in SIGNING_SCOPES:
        if (purpose, recipient) in given and (purpose, recipient) not in active:
            _record_consent(
                actor,
                case,
                purpose=purpose,
                recipient=recipient,
                given_by=given_by,
                given_on=given_on,
                signature=signature,
            )


ALLOWED_PAPER_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")


@transaction.atomic
def do_upload_signed_application(
    actor: User,
    case: Case,
    *,
    paper: UploadedFile,
    signed_on: datetime.date,
    youth_name: str = "",
    guardian_name: str = "",
) -> Application:
    """The application signed on paper, scanned and uploaded; signed on `signed_on`.

    The file (already checked by the form: type, extension, size) is stored under a
    name of Losen's own, so nothing of the original file name reaches the disk.
    """
    if signed_on > timezone.localdate():
        raise ValueError("A signature cannot be dated in the future.")
    extension = PurePath(paper.name or "").suffix.lower()
    if extension not in ALLOWED_PAPER_EXTENSIONS:
        raise ValueError("Only PDF, JPEG and PNG files.")
    if signed_on == timezone.localdate():
        signed_at = timezone.now()
    else:
        signed_at = timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time.min))
    return _sign(
        actor,
        case,
        method=Application.Method.PAPER,
        youth_name=youth_name,
        guardian_name=guardian_name,
        signed_at=signed_at,
        paper=paper,
        paper_name=f"application-{case.pk}-{uuid.uuid4().hex}{extension}",
    )


def _sign(
    actor: User,
    case: Case,
    *,
    method: str,
    youth_name: str,
    guardian_name: str,
    signed_at: datetime.datetime,
    paper: UploadedFile | None = None,
    paper_name: str = "",
) -> Application:
    youth_name, guardian_name = youth_name.strip(), guardian_name.strip()
    if not (youth_name or guardian_name):
        raise ValueError("Nobody signs.")
    _ensure_application(actor, case)
    # The row lock (and the checks after it) make a second posting of the same form
    # wait for the first and then find the signature in place.
    application = Application.objects.select_for_update().get(case=case)
    if youth_name and application.youth_signed_at is not None:
        raise AlreadySigned("youth", application.youth_signed_at)
    if guardian_name and application.guardian_signed_at is not None:
        raise AlreadySigned("guardian", application.guardian_signed_at)
    if paper is not None and application.paper:
        raise PaperAlreadyUploaded()
    was_complete = application_is_complete(application, case.person)

    changed = ["method", "witnessed_by"]
    if youth_name:
        application.youth_signed_name = youth_name
        application.youth_signed_at = signed_at
        changed += ["youth_signed_name", "youth_signed_at"]
    if guardian_name:
        application.guardian_signed_name = guardian_name
        application.guardian_signed_at = signed_at
        changed += ["guardian_signed_name", "guardian_signed_at"]
    if paper is not None:
        application.paper.save(paper_name, paper, save=False)
        changed.append("paper")
    # A paper, once there, is what the application is signed on.
    application.method = Application.Method.PAPER if application.paper else method
    application.witnessed_by = actor
    application.save(update_fields=changed)
    do_log_change(
        actor,
        action="application.signed",
        obj=application,
        organisation_id=case.organisation_id,
        person_id=case.person_id,
        changed_fields=changed,
    )

    if not was_complete and application_is_complete(application, case.person):
        effective_on = timezone.localtime(signed_at).date()
        do_record_event(
            actor,
            case,
            EventKind.APPLICATION_SIGNED,
            effective_on=effective_on,
            data={
                "application_id": application.pk,
                "method": application.method,
                "guardian_signed": application.guardian_signed_at is not None,
            },
        )
        case.refresh_from_db(fields=["state"])
        if case.state == CaseState.REFERRED:
            do_transition_case(
                actor,
                case,
                CaseState.ASSESSMENT,
                effective_on=effective_on,
                extra={"because": "application_signed"},
            )
    return application


# --- consent -----------------------------------------------------------------------------


@transaction.atomic
def do_give_consent(
    actor: User,
    case: Case,
    *,
    purpose: ConsentPurpose | str,
    recipient: ConsentRecipient | str,
    given_by: Consent.GivenBy | str,
    given_on: datetime.date | None = None,
    recipient_organisation: Organisation | None = None,
    shared_fields: list[str] | None = None,
) -> Consent:
    """Record a consent's scope, when and by whom it was given, with its event.

    Under 18 (on the day it is given) the guardian gives it. A named organisation is
    required for recipient=organisation, and ignored for the other recipients.
    `shared_fields` lists what a referral consent lets cross (losen.audit.disclosures).
    """
    given_on = given_on or timezone.localdate()
    if given_on > timezone.localdate():
        raise ValueError("A consent cannot be dated in the future.")
    if recipient == ConsentRecipient.ORGANISATION:
        if recipient_organisation is None:
            raise ValueError("Name the organisation.")
    else:
        recipient_organisation = None
    if is_minor_on(case.person, given_on) and given_by != Consent.GivenBy.GUARDIAN:
        raise GuardianConsentRequired()
    Case.objects.select_for_update().filter(pk=case.pk).first()  # one consent at a time
    existing = Consent.objects.filter(
        case=case,
        purpose=purpose,
        recipient=recipient,
        recipient_organisation=recipient_organisation,
        withdrawn_at__isnull=True,
    ).first()
    if existing is not None:
        raise ConsentAlreadyGiven(existing)
    return _record_consent(
        actor,
        case,
        purpose=purpose,
        recipient=recipient,
        given_by=given_by,
        given_on=given_on,
        recipient_organisation=recipient_organisation,
        shared_fields=shared_fields or [],
    )


def _record_consent(
    actor: User,
    case: Case,
    *,
    purpose: str,
    recipient: str,
    given_by: str,
    given_on: datetime.date,
    recipient_organisation: Organisation | None = None,
    signature: Signature | None = None,
    shared_fields: list[str] | None = None,
) -> Consent:
    consent = Consent.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        person_id=case.person_id,
        purpose=purpose,
        recipient=recipient,
        recipient_organisation=recipient_organisation,
        given_on=given_on,
        given_by=given_by,
        recorded_by=actor,
        signature=signature,
        shared_fields=shared_fields or [],
    )
    data: dict[str, object] = {
        "consent_id": consent.pk,
        "purpose": str(purpose),
        "recipient": str(recipient),
        "recipient_organisation_id": recipient_organisation.pk if recipient_organisation else None,
        "given_by": str(given_by),
    }
    if signature is not None:
        data["signature_id"] = signature.pk
    if shared_fields:
        data["shared_fields"] = list(shared_fields)
    do_record_event(actor, case, EventKind.CONSENT_GIVEN, effective_on=given_on, data=data)
    do_log_change(
        actor,
        action="consent.given",
        obj=consent,
        organisation_id=case.organisation_id,
        person_id=case.person_id,
        changed_fields=[
            "purpose",
            "recipient",
            "recipient_organisation",
            "given_on",
            "given_by",
            *(["shared_fields"] if shared_fields else []),
        ],
    )
    return consent


@transaction.atomic
def do_withdraw_consent(actor: User, consent: Consent, *, note: str = "") -> Consent:
    """Withdraw the consent: it stops covering anything at once. Nothing is deleted."""
    now = timezone.now()
    updated = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor
    )
    if updated == 0:
        raise AlreadyWithdrawn()
    consent.refresh_from_db(fields=["withdrawn_at", "withdrawn_by"])
    case = Case.objects.get(pk=consent.case_id)
    do_record_event(
        actor,
        case,
        EventKind.CONSENT_WITHDRAWN,
        effective_on=timezone.localdate(),
        data={
            "consent_id": consent.pk,
            "purpose": consent.purpose,
            "recipient": consent.recipient,
            "recipient_organisation_id": consent.recipient_organisation_id,
        },
        note=note,
    )
    do_log_change(
        actor,
        action="consent.withdrawn",
        obj=consent,
        organisation_id=consent.organisation_id,
        person_id=consent.person_id,
        changed_fields=["withdrawn_at", "withdrawn_by"],
    )
    return consent
