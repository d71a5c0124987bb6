"""Writes of the contact ladder: assignment, attempts, statuses, leaving, referral, SMS
and the notices of rights.

Each action writes its change-log row (field names only, never values).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from losen.accounts.models import User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_change
from losen.cases.actions import intake
from losen.cases.models import ReferralSource
from losen.lib.errors import NotAllowed
from losen.outreach import correspondence, eligibility, sms, statuses
from losen.outreach import ladder as ladders
from losen.outreach.models import (
    LeaveReason,
    ListImport,
    Notice,
    StatusChange,
    TargetEntry,
)
from losen.outreach.models.ladder import (
    PHONE_METHODS,
    ContactAttempt,
    Method,
    Result,
    is_contact,
)
from losen.outreach.queries.ladder import rights_recipients
from losen.outreach.queries.lists import rights_information_due


class AlreadyReached(Exception):
    """The person was reached already: the ladder has stopped."""


class NotReached(Exception):
    """Only a reached person can be turned into a referral."""


class AlreadyReferred(Exception):
    pass


class NoPhoneNumber(Exception):
    pass


class NoCallbackNumber(Exception):
    """The team has no phone number: a message would give nothing to call back."""


# Leave reasons a coordinator records for someone who left the list.
RECORDABLE_LEAVE_REASONS = (
    LeaveReason.NATIONAL_PROGRAMME_STARTED,
    LeaveReason.NATIONAL_PROGRAMME_COMPLETED,
    LeaveReason.MOVED,
    LeaveReason.OTHER,
)


def _check_team(actor: User, entry: TargetEntry) -> None:
    if entry.team_id not in scope_of(actor).casework_team_ids:
        raise NotAllowed("The actor does not work in the entry's team.")


def _log(actor: User, entry: TargetEntry, action: str, obj=None, fields=()) -> None:
    do_log_change(
        actor,
        action=action,
        obj=obj or entry,
        organisation_id=entry.organisation_id,
        person_id=entry.person_id,
        changed_fields=fields,
    )


@transaction.atomic
def do_assign_entry(actor: User, entry: TargetEntry, assignee: User | None) -> None:
    _check_team(actor, entry)
    if assignee is not None and entry.team_id not in scope_of(assignee).casework_team_ids:
        raise NotAllowed("The assignee does not work in the entry's team.")
    TargetEntry.objects.filter(pk=entry.pk).update(assigned_to=assignee, version=F("version") + 1)
    entry.assigned_to = assignee
    _log(actor, entry, "outreach.assigned", fields=["assigned_to"])


@transaction.atomic
def do_log_attempt(
    actor: User,
    entry: TargetEntry,
    *,
    method: Method | str,
    result: Result | str,
    to_guardian: bool = False,
    guardian_answer_counts: bool = False,
    attempted_at: datetime.datetime | None = None,
    reference: str = "",
    note: str = "",
) -> ContactAttempt:
    """Log an attempt and move the ladder on.

    Contact (reached by phone or at home, an answer, a refusal) stops the ladder; a letter
    or SMS that was not answered is not contact. For OT the status moves from OTUK to OTOV
    (or OTNO when declined) only on contact with the young person: a guardian's answer
    counts only when the worker marks it so. An attempt without contact moves the ladder
    past the step of its method; a wrong number past every step that needs a phone.
    """
    _check_team(actor, entry)
    attempted_at = attempted_at or timezone.now()
    if attempted_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValueError("An attempt cannot be in the future.")
    entry = TargetEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.reached_on is not None:
        raise AlreadyReached()
    day = timezone.localtime(attempted_at).date()
    if day < entry.listed_on:
        raise ValueError("An attempt cannot be before the person was on the list.")
    attempt = ContactAttempt.objects.create(
        organisation_id=entry.organisation_id,
        entry=entry,
        person_id=entry.person_id,
        method=method,
        result=result,
        to_guardian=to_guardian,
        guardian_answer_counts=to_guardian and guardian_answer_counts,
        attempted_at=attempted_at,
        attempted_by=actor,
        reference=reference[:100],
        note=note.strip()[:300],
    )
    # An attempt logged afterwards (the call made on the road, written in the evening)
    # may be older than the last one: the first and last days stay the outermost.
    changed: list[str] = []
    updates: dict[str, object] = {}
    if entry.last_attempt_on is None or day > entry.last_attempt_on:
        updates["last_attempt_on"] = day
        changed.append("last_attempt_on")
    if entry.first_attempt_on is None or day < entry.first_attempt_on:
        updates["first_attempt_on"] = day
        changed.append("first_attempt_on")
    contact = is_contact(str(method), str(result))
    if contact:
        updates["reached_on"] = day
        changed.append("reached_on")
    else:
        ladder = ladders.ladder_for(entry.organisation_id, entry.scheme)
        step_index = entry.step_index
        position = ladder.index_of(str(method))
        if position is not None:
            step_index = max(step_index, position + 1)
        if result == Result.WRONG_NUMBER:
            while (
                step_index < len(ladder.steps) and ladder.steps[step_index].method in PHONE_METHODS
            ):
                step_index += 1
        updates["step_index"] = step_index
        changed.append("step_index")
    TargetEntry.objects.filter(pk=entry.pk).update(**updates, version=F("version") + 1)
    logged = [
        "method",
        "result",
        "attempted_at",
        *(["guardian_answer_counts"] if to_guardian else []),
        *(["note"] if attempt.note else []),
        *changed,
    ]
    _log(actor, entry, "outreach.attempt_logged", attempt, logged)
    if contact and statuses.contact_with_young_person(to_guardian, attempt.guardian_answer_counts):
        automatic = (statuses.ON_DECLINED if result == Result.DECLINED else statuses.ON_CONTACT)[
            entry.scheme
        ]
        if automatic and current_status(entry) == statuses.INITIAL[entry.scheme]:
            do_set_status(actor, entry, code=automatic, effective_on=day)
    return attempt


def current_status(entry: TargetEntry, day: datetime.date | None = None) -> str:
    changes = StatusChange.objects.filter(entry=entry)
    if day is not None:
        changes = changes.filter(effective_on__lte=day)
    latest = changes.order_by("-effective_on", "-recorded_at", "-id").first()
    return latest.code if latest else ""


@transaction.atomic
def do_set_status(
    actor: User, entry: TargetEntry, *, code: str, effective_on: datetime.date
) -> StatusChange:
    """A new status from `effective_on` (which may be back-dated, never before the list)."""
    _check_team(actor, entry)
    if code not in statuses.BY_SCHEME[entry.scheme]:
        raise ValueError(f"{code!r} is not a {entry.scheme} status.")
    if effective_on > timezone.localdate():
        raise ValueError("A status cannot start in the future.")
    if effective_on < entry.listed_on:
        raise ValueError("A status cannot start before the person was on the list.")
    change = StatusChange.objects.create(
        organisation_id=entry.organisation_id,
        entry=entry,
        scheme=entry.scheme,
        code=code,
        code_list_version=statuses.STATUS_LIST_VERSION,
        effective_on=effective_on,
        recorded_by=actor,
    )
    _log(actor, entry, "outreach.status_set", change, ["code", "effective_on"])
    return change


@transaction.atomic
def do_record_leave_reason(actor: User, entry: TargetEntry, reason: str) -> None:
    """Why someone who left the list left it (when the list could not say)."""
    _check_team(actor, entry)
    if reason not in RECORDABLE_LEAVE_REASONS:
        raise ValueError(f"{reason!r} cannot be recorded by hand.")
    if entry.left_on is None:
        raise ValueError("The person is still on the list.")
    TargetEntry.objects.filter(pk=entry.pk).update(left_reason=reason, version=F("version") + 1)
    entry.left_reason = reason
    _log(actor, entry, "outreach.leave_reason_recorded", fields=["left_reason"])


@transaction.atomic
def do_refer_from_outreach(actor: User, entry: TargetEntry, *, reason: str):
    """A reached person who wants to take part: a referral (source outreach) and its
    application, through intake's own action. Returns intake's RegisteredReferral."""
    _check_team(actor, entry)
    entry = (
        TargetEntry.objects.select_for_update().select_related("team", "person").get(pk=entry.pk)
    )
    if entry.reached_on is None:
        raise NotReached()
    if entry.case_id is not None:
        raise AlreadyReferred()
    registered = intake.do_register_referral(
        actor,
        team=entry.team,
        source=ReferralSource.OUTREACH,
        reason=reason,
        person=entry.person,
        referred_on=timezone.localdate(),
    )
    TargetEntry.objects.filter(pk=entry.pk).update(
        case=registered.referral.case, version=F("version") + 1
    )
    _log(actor, entry, "outreach.referred", fields=["case"])
    return registered


@transaction.atomic
def do_send_sms(
    actor: User,
    entry: TargetEntry,
    *,
    text: str,
    to_guardian: bool = False,
    gateway=None,
) -> ContactAttempt:
    """Send the SMS through the configured gateway, and log it as an attempt.

    It goes only with a number to call back (the team's); to a guardian, to the first
    guardian with a phone number.
    """
    _check_team(actor, entry)
    if not correspondence.callback_number(entry):
        raise NoCallbackNumber()
    recipient = correspondence.sms_recipient(entry, to_guardian=to_guardian)
    number = sms.normalise_phone(correspondence.phone_of(entry, recipient), entry.person.country)
    if not number:
        raise NoPhoneNumber()
    sent = (gateway or sms.gateway()).send(number, text)
    return do_log_attempt(
        actor,
        entry,
        method=Method.SMS,
        result=Result.MESSAGE_LEFT,
        to_guardian=to_guardian,
        reference=sent.reference,
    )


def _write_rights_notices(
    actor: User, entry: TargetEntry, recipients: list[str], sent_on: datetime.date
) -> list[Notice]:
    """The notices not yet written for these recipients, each with its change-log row."""
    written = []
    for recipient in recipients:
        notice, created = Notice.objects.get_or_create(
            entry=entry,
            kind=Notice.Kind.RIGHTS_INFORMATION,
            recipient=recipient,
            defaults={
                "organisation_id": entry.organisation_id,
                "sent_on": sent_on,
                "sent_by": actor,
            },
        )
        if created:
            written.append(notice)
            _log(actor, entry, "outreach.notice_sent", notice, ["kind", "recipient", "sent_on"])
    return written


@transaction.atomic
def do_send_rights_information(
    actor: User, entry: TargetEntry, *, sent_on: datetime.date | None = None
) -> list[Notice]:
    """OT: information about rights sent to the young person, and a guardian under 18.

    Returns the notices written now (none when they were all sent before)."""
    _check_team(actor, entry)
    sent_on = sent_on or timezone.localdate()
    return _write_rights_notices(actor, entry, rights_recipients(entry, sent_on), sent_on)


@transaction.atomic
def do_send_rights_information_to_list(
    actor: User, list_import: ListImport, *, sent_on: datetime.date | None = None
) -> list[Notice]:
    """OT: information about rights sent to everyone still on a list who has not had it
    (and to a guardian under 18). Whoever had it already gets nothing twice.

    Returns the notices written now."""
    if list_import.team_id not in scope_of(actor).casework_team_ids:
        raise NotAllowed("The actor does not work in the list's team.")
    sent_on = sent_on or timezone.localdate()
    if not eligibility.rule_on(list_import.scheme, sent_on).rights_information:
        raise NotAllowed("This list's scheme has no information about rights.")
    written = []
    for entry, recipients in rights_information_due(actor, list_import, sent_on):
        written += _write_rights_notices(actor, entry, recipients, sent_on)
    return written
