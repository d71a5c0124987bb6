"""Every write to reference figures, targets and their readings; each writes the change log.

Edits carry the version the editor started from: when someone else saved in between,
the second save is refused (StaleEdit) and nothing is overwritten.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from losen.accounts.models import Organisation, User
from losen.audit.actions import do_log_change
from losen.lib.errors import NotAllowed
from losen.lib.versions import save_if_current
from losen.reports.metrics import METRICS
from losen.reports.models import ReferenceFigure, Target, TargetReading
from losen.reports.queries import can_write_references, can_write_target

REFERENCE_FIELDS = ("metric", "value", "label", "year_from", "year_to", "source", "url")
TARGET_FIELDS = (
    "team",
    "measure",
    "description",
    "metric",
    "baseline_value",
    "baseline_on",
    "target_value",
    "deadline",
    "source",
    "url",
)


class DuplicateReading(Exception):
    """The target already has a reading on this day."""


def _check_fields(fields: dict[str, Any], allowed: tuple[str, ...], *, for_target: bool) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    key = fields.get("metric")
    if key is not None:
        found = METRICS.get(key)
        usable = found is not None and (found.for_target if for_target else found.for_reference)
        if not usable:
            raise ValueError(f"unknown metric: {key!r}")


def _update(
    actor: User,
    obj: Any,
    allowed: tuple[str, ...],
    fields: dict[str, Any],
    *,
    version: int,
    action: str,
) -> list[str]:
    """Save the changed fields unless the version moved on; returns the changed names."""
    changes = save_if_current(
        obj, fields, version=version, updated_by=actor, updated_at=timezone.now()
    )
    if not changes:
        return []
    do_log_change(
        actor, action=action, obj=obj, organisation_id=obj.organisation_id, changed_fields=changes
    )
    return list(changes)


# Reference figures


@transaction.atomic
def do_create_reference_figure(
    actor: User, organisation: Organisation, **fields: Any
) -> ReferenceFigure:
    """A reference figure of the organisation. `fields` are those of REFERENCE_FIELDS."""
    if not can_write_references(actor, organisation.pk):
        raise NotAllowed("Only team leads and administrators enter reference figures.")
    _check_fields(fields, REFERENCE_FIELDS, for_target=False)
    figure = ReferenceFigure.objects.create(
        organisation=organisation, created_by=actor, updated_by=actor, **fields
    )
    do_log_change(
        actor,
        action="reference_figure.created",
        obj=figure,
        organisation_id=organisation.pk,
        changed_fields=fields,
    )
    return figure


@transaction.atomic
def do_update_reference_figure(
    actor: User, figure: ReferenceFigure, *, expected_version: int, **fields: Any
) -> list[str]:
    if not can_write_references(actor, figure.organisation_id):
        raise NotAllowed("Only team leads and administrators change reference figures.")
    _check_fields(fields, REFERENCE_FIELDS, for_target=False)
    return _update(
        actor,
        figure,
        REFERENCE_FIELDS,
        fields,
        version=expected_version,
        action="reference_figure.updated",
    )


@transaction.atomic
def do_delete_reference_figure(actor: User, figure: ReferenceFigure) -> None:
    if not can_write_references(actor, figure.organisation_id):
        raise NotAllowed("Only team leads and administrators delete reference figures.")
    do_log_change(
        actor,
        action="reference_figure.deleted",
        obj=figure,
        organisation_id=figure.organisation_id,
    )
    figure.delete()


# Targets


def _check_target(actor: User, organisation_id: int, fields: dict[str, Any]) -> None:
    team, measure = fields.get("team"), fields.get("measure")
    if not can_write_target(actor, organisation_id, team.pk if team else None):
        raise NotAllowed("Team leads set targets for their teams, administrators for all.")
    if team is not None and team.organisation_id != organisation_id:
        raise NotAllowed("The team belongs to another organisation.")
    if measure is not None and measure.organisation_id != organisation_id:
        raise NotAllowed("The measure belongs to another organisation.")


@transaction.atomic
def do_create_target(actor: User, organisation: Organisation, **fields: Any) -> Target:
    """A target of the organisation. `fields` are those of TARGET_FIELDS."""
    _check_fields(fields, TARGET_FIELDS, for_target=True)
    _check_target(actor, organisation.pk, fields)
    target = Target.objects.create(
        organisation=organisation, created_by=actor, updated_by=actor, **fields
    )
    do_log_change(
        actor,
        action="target.created",
        obj=target,
        organisation_id=organisation.pk,
        changed_fields=fields,
    )
    return target


@transaction.atomic
def do_update_target(
    actor: User, target: Target, *, expected_version: int, **fields: Any
) -> list[str]:
    _check_fields(fields, TARGET_FIELDS, for_target=True)
    # The actor must be allowed both the target as it is and as it will be.
    _check_target(actor, target.organisation_id, {"team": target.team})
    _check_target(actor, target.organisation_id, {"team": target.team, **fields})
    return _update(
        actor, target, TARGET_FIELDS, fields, version=expected_version, action="target.updated"
    )


@transaction.atomic
def do_delete_target(actor: User, target: Target) -> None:
    _check_target(actor, target.organisation_id, {"team": target.team})
    do_log_change(
        actor, action="target.deleted", obj=target, organisation_id=target.organisation_id
    )
    target.delete()


@transaction.atomic
def do_add_target_reading(actor: User, target: Target, **fields: Any) -> TargetReading:
    """A reading of the target's figure on a day (measured_on, value, note)."""
    _check_target(actor, target.organisation_id, {"team": target.team})
    try:
        with transaction.atomic():
            reading = TargetReading.objects.create(target=target, created_by=actor, **fields)
    except IntegrityError:
        raise DuplicateReading() from None
    do_log_change(
        actor,
        action="target_reading.created",
        obj=reading,
        organisation_id=target.organisation_id,
        changed_fields=fields,
    )
    return reading


@transaction.atomic
def do_delete_target_reading(actor: User, reading: TargetReading) -> None:
    target = reading.target
    _check_target(actor, target.organisation_id, {"team": target.team})
    do_log_change(
        actor,
        action="target_reading.deleted",
        obj=reading,
        organisation_id=target.organisation_id,
    )
    reading.delete()
