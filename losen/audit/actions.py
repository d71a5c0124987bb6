"""Writing the audit trail. Called by the getters (reads) and actions (writes) of other apps."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from losen.audit.models import AccessLog, ChangeLog, Purpose
from losen.lib.bulk import insert_rows

if TYPE_CHECKING:  # audit comes before accounts (docs/architecture.md)
    from losen.accounts.models import Organisation, Team, User


def _actor_name(actor: User | None) -> str:
    if actor is None:
        return "system"
    return actor.full_name or actor.email


def do_log_access(
    actor: User,
    *,
    person_id: int,
    person_organisation_id: int,
    purpose: Purpose | str,
    team: Team | None = None,
    organisation: Organisation | None = None,
    what: str = "person",
) -> AccessLog:
    return AccessLog.objects.create(
        actor=actor,
        actor_name=_actor_name(actor),
        organisation_id=organisation.pk
        if organisation
        else (team.organisation_id if team else None),
        team=team,
        person_id=person_id,
        person_organisation_id=person_organisation_id,
        purpose=purpose,
        what=what,
    )


def do_log_disclosure(
    actor: User | None,
    *,
    what: str,
    person_id: int,
    organisation_id: int,
    detail: dict,
    team: Team | None = None,
) -> AccessLog:
    """One side of a crossing between organisations, in that organisation's access log.

    `what` is "disclosed" or "reported" (what left the organisation) or "received" or
    "report_received" (what came in); `person_id` is the person in this organisation's
    own records, and `detail` names the other organisation, the fields and the consent
    (losen/audit/disclosures.py words it). Every crossing writes two: one on each side.
    """
    return AccessLog.objects.create(
        actor=actor,
        actor_name=_actor_name(actor),
        organisation_id=organisation_id,
        team=team,
        person_id=person_id,
        person_organisation_id=organisation_id,
        purpose=Purpose.DISCLOSURE,
        what=what,
        detail=detail,
    )


def do_log_change(
    actor: User | None,
    *,
    action: str,
    obj,
    organisation_id: int | None,
    person_id: int | None = None,
    changed_fields: Iterable[str] = (),
) -> ChangeLog:
    return ChangeLog.objects.create(
        actor=actor,
        actor_name=_actor_name(actor),
        organisation_id=organisation_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        person_id=person_id,
        changed_fields=sorted(changed_fields),
    )


def do_log_changes(
    actor: User | None,
    *,
    action: str,
    model: type[models.Model],
    objects: Iterable[tuple[int, int | None]],
    organisation_id: int | None,
    changed_fields: Iterable[str] = (),
    at: datetime.datetime | None = None,
) -> int:
    """One change-log row per (object id, person id) of `model`, all with the same action.

    For the imports, which write thousands of objects at a time: the rows go in as one
    bulk insert (losen.lib.bulk), without a model instance each. The number of rows.
    """
    common = {
        "at": at or timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_name": _actor_name(actor),
        "organisation_id": organisation_id,
        "action": action,
        "object_type": model._meta.label_lower,
        "changed_fields": sorted(changed_fields),
    }
    return insert_rows(
        ChangeLog,
        (
            {**common, "object_id": object_id, "person_id": person_id}
            for object_id, person_id in objects
        ),
    )


def do_forget_undone_import(
    *, action: str, model: type[models.Model], object_ids: Iterable[int]
) -> int:
    """Delete the `action` rows about objects of `model` that an import wrote and undid
    before it completed: the objects are deleted with them and were never shown to anyone.
    The number of rows deleted."""
    deleted, _by_model = ChangeLog.objects.filter(
        action=action, object_type=model._meta.label_lower, object_id__in=list(object_ids)
    ).delete()
    return deleted


def do_log_accesses(
    actor: User,
    people: Iterable[tuple[int, int, int | None]],
    *,
    purpose: Purpose | str,
    what: str = "person",
    organisation: Organisation | None = None,
) -> int:
    """One access-log row per (person id, person's organisation id, reading team id).

    For reads of many people at once (an export), written in batches. The reader reads
    from the person's organisation (through the team, when they read as one of its team),
    or, given `organisation`, from that one (a guest at another organisation's meeting).
    """
    entries = [
        AccessLog(
            actor=actor,
            actor_name=_actor_name(actor),
            organisation_id=organisation.pk if organisation else person_organisation_id,
            team_id=team_id,
            person_id=person_id,
            person_organisation_id=person_organisation_id,
            purpose=purpose,
            what=what,
        )
        for person_id, person_organisation_id, team_id in people
    ]
    AccessLog.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
