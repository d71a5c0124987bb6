"""Reads for intake: the referral queue, the application's state, and consent.

`consent_covers(case, organisation, purpose)` is the one question other parts of Losen
ask before they show a young person's data to someone from another organisation (the
team meeting's guests, information sharing). Only active consents count: a withdrawal
stops the sharing the moment it is recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from losen.accounts.models import Organisation, Team, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_access
from losen.audit.models import Purpose
from losen.cases.models import (
    Application,
    Case,
    CaseState,
    Consent,
    ConsentPurpose,
    ConsentRecipient,
    Referral,
    Signature,
)
from losen.cases.queries.core import cases_visible_to, get_case_for
from losen.people.models import Follow, Person, age_on

# The states in which a referral still waits for the team's decision.
QUEUE_STATES = (CaseState.REFERRED, CaseState.ASSESSMENT)


def active_consents(case: Case) -> QuerySet[Consent]:
    """The case's consents that have not been withdrawn."""
    return Consent.objects.filter(case_id=case.pk, withdrawn_at__isnull=True).select_related(
        "recipient_organisation"
    )


def consent_covers(
    case: Case,
    organisation: Organisation | int,
    purpose: ConsentPurpose | str = ConsentPurpose.TEAM_MEETING,
) -> bool:
    """Whether an active consent lets the case's data reach `organisation` for `purpose`.

    A consent covers the organisation when its recipient is
    - the team meeting's members (any organisation that takes part),
    - that very organisation, named,
    - NAV, and the organisation is a NAV office.
    "The school" and "health services" never match an organisation by its kind: they
    cover an organisation only when it is named.
    """
    if not isinstance(organisation, Organisation):
        organisation = Organisation.objects.only("id", "kind").get(pk=organisation)
    return consents_cover(active_consents(case).filter(purpose=purpose), organisation, purpose)


def consents_cover(
    consents: Iterable[Consent], organisation: Organisation, purpose: ConsentPurpose | str
) -> bool:
    """`consent_covers` over consents already read (an agenda's, read all at once)."""
    for consent in consents:
        if consent.purpose != purpose or consent.withdrawn_at is not None:
            continue
        if consent.recipient == ConsentRecipient.MEETING_MEMBERS:
            return True
        if (
            consent.recipient == ConsentRecipient.ORGANISATION
            and consent.recipient_organisation_id == organisation.pk
        ):
            return True
        if (
            consent.recipient == ConsentRecipient.NAV
            and organisation.kind == Organisation.Kind.NAV_OFFICE
        ):
            return True
    return False


def get_consent_for(
    actor: User,
    case_id: int | str,
    consent_id: int | str,
    purpose: Purpose | str = Purpose.FOLLOW_UP,
) -> tuple[Case, Consent]:
    """The case and one of its consents, if the actor may see the case. 404 otherwise."""
    case = get_case_for(actor, case_id, purpose, what="consent")
    try:
        consent = case.consents.select_related("recipient_organisation").get(pk=int(consent_id))
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise Http404("No such consent.") from None
    return case, consent


def is_minor_on(person: Person, day: datetime.date | None = None) -> bool:
    return age_on(person.birth_date, day or timezone.localdate()) < 18


def application_of(case: Case) -> Application | None:
    """The case's application row, if intake made one (older cases may have none)."""
    return Application.objects.filter(case_id=case.pk).select_related("witnessed_by").first()


def application_is_complete(application: Application | None, person: Person) -> bool:
    """Signed by the young person, and under 18 by a guardian too."""
    if application is None or application.youth_signed_at is None:
        return False
    if is_minor_on(person, timezone.localtime(application.youth_signed_at).date()):
        return application.guardian_signed_at is not None
    return True


def signatures_of(application: Application | None) -> list[Signature]:
    """The signatures made on screen, each with `given_answers` and `refused_answers`."""
    if application is None:
        return []
    signatures = list(
        Signature.objects.filter(application_id=application.pk)
        .select_related("witnessed_by")
        .prefetch_related("answers")
    )
    for signature in signatures:
        answers = list(signature.answers.all())
        signature.given_answers = [a for a in answers if a.given]  # type: ignore[attr-defined]
        signature.refused_answers = [a for a in answers if not a.given]  # type: ignore[attr-defined]
    return signatures


def guardian_signature_needed(application: Application | None, person: Person) -> bool:
    """Whether a guardian's signature is (still or already) part of the application."""
    if application is not None and application.youth_signed_at is not None:
        return is_minor_on(person, timezone.localtime(application.youth_signed_at).date())
    return is_minor_on(person)


@dataclass(frozen=True)
class IntakeSummary:
    """What the case page shows about intake: referrals, application, consents."""

    case: Case
    referrals: list[Referral] = field(default_factory=list)
    application: Application | None = None
    application_complete: bool = False
    guardian_needed: bool = False
    consents: list[Consent] = field(default_factory=list)
    withdrawn_count: int = 0


def intake_summary(case: Case) -> IntakeSummary:
    application = application_of(case)
    consents = list(active_consents(case))
    return IntakeSummary(
        case=case,
        referrals=list(
            Referral.objects.filter(case_id=case.pk).order_by("-referred_on", "-id")[:5]
        ),
        application=application,
        application_complete=application_is_complete(application, case.person),
        guardian_needed=guardian_signature_needed(application, case.person),
        consents=consents,
        withdrawn_count=Consent.objects.filter(case_id=case.pk, withdrawn_at__isnull=False).count(),
    )


def referral_queue(actor: User, *, team: Team | None = None) -> QuerySet[Referral]:
    """New referrals to the actor's teams, newest first: cases not decided on yet."""
    cases = cases_visible_to(actor).filter(state__in=QUEUE_STATES)
    if team is not None:
        cases = cases.filter(team=team)
    return (
        Referral.objects.filter(case__in=cases)
        .select_related("person", "team", "case", "case__application")
        .order_by("-referred_on", "-id")
    )


def queue_teams(actor: User) -> QuerySet[Team]:
    """The teams whose queue the actor may filter by."""
    scope = scope_of(actor)
    return Team.objects.filter(
        Q(pk__in=scope.casework_team_ids) | Q(organisation_id__in=scope.admin_org_ids)
    ).select_related("organisation")


# --- referrals passed on (an identity number of someone the referring team may not see) --


def passed_on_to(
    actor: User, statuses: tuple[str, ...] = (Referral.Status.PASSED_ON,)
) -> QuerySet[Referral]:
    """Referrals waiting for the actor's teams: for people they follow, from other teams.

    Only a team that follows the young person sees them (and decides); the organisation's
    administrator and the referring team do not.
    """
    scope = scope_of(actor)
    if not scope.casework_team_ids:
        return Referral.objects.none()
    followed = Follow.objects.filter(
        person_id=OuterRef("person_id"), team_id__in=scope.casework_team_ids
    )
    return (
        Referral.objects.filter(Exists(followed), status__in=statuses)
        .select_related("person", "team")
        .order_by("referred_on", "id")
    )


def passed_on_by(actor: User) -> QuerySet[Referral]:
    """The actor's teams' referrals that wait for, or were declined by, a following team.

    Nothing of the person's record: the caller shows `typed_name`, never `person`.
    """
    scope = scope_of(actor)
    return (
        Referral.objects.filter(
            team_id__in=scope.casework_team_ids,
            status__in=[Referral.Status.PASSED_ON, Referral.Status.DECLINED],
        )
        .select_related("team")
        .order_by("-referred_on", "-id")
    )


def get_passed_on_referral_for(
    actor: User, referral_id: int | str, purpose: Purpose | str = Purpose.REGISTRATION
) -> Referral:
    """A referral passed on to one of the actor's teams; logs the read. 404 otherwise.

    Decided ones too, so that a decision posted twice is answered "already decided".
    """
    every = (Referral.Status.PASSED_ON, Referral.Status.ACCEPTED, Referral.Status.DECLINED)
    try:
        referral = passed_on_to(actor, every).get(pk=int(referral_id))
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("No such referral.") from None
    scope = scope_of(actor)
    following = set(
        Follow.objects.filter(
            person_id=referral.person_id, team_id__in=scope.casework_team_ids
        ).values_list("team_id", flat=True)
    )
    team = next((t for t in scope.casework_teams() if t.pk in following), None)
    do_log_access(
        actor,
        person_id=referral.person_id,
        person_organisation_id=referral.organisation_id,
        purpose=purpose,
        team=team,
        organisation=team.organisation if team else referral.organisation,
        what="passed_on_referral",
    )
    return referral


def applications_awaiting_signature(actor: User) -> QuerySet[Application]:
    """Applications in the actor's teams that the young person has not signed yet."""
    return (
        Application.objects.filter(
            case__in=cases_visible_to(actor).filter(
                state__in=[CaseState.REFERRED, CaseState.ASSESSMENT, CaseState.WAITING_LIST]
            ),
            youth_signed_at__isnull=True,
        )
        .select_related("case__person", "case__team")
        .order_by("created_at")
    )


def new_referrals_for(actor: User) -> QuerySet[Referral]:
    """Referrals to the actor's teams whose case has not been decided on yet."""
    scope = scope_of(actor)
    return (
        Referral.objects.filter(
            team_id__in=scope.casework_team_ids,
            case__state__in=[CaseState.REFERRED, CaseState.ASSESSMENT],
        )
        .select_related("person", "team", "case")
        .order_by("referred_on", "id")
    )
