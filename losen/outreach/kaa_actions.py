"""Writes to the KAA register: planned occupation, and measures with their history."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from losen.accounts.models import User
from losen.audit.actions import do_log_change
from losen.outreach.actions import _check_team
from losen.outreach.models import KaaMeasure, KaaMeasureVersion, KaaRecord, TargetEntry
from losen.outreach.models.kaa import MEASURE_CONTENT, NotAllowedInKaaRegister


class ConcurrentEdit(Exception):
    """Someone else saved the measure after the editor opened it."""

    def __init__(self, current: KaaMeasure):
        super().__init__("concurrent edit")
        self.current = current


def _kaa(actor: User, entry: TargetEntry) -> None:
    _check_team(actor, entry)
    if entry.scheme != "kaa":
        raise ValueError("Only people on a KAA list are in the KAA register.")


def _only_register_fields(values: dict, allowed) -> None:
    outside = sorted(set(values) - set(allowed))
    if outside:
        raise NotAllowedInKaaRegister(
            f"{', '.join(outside)}: not allowed in the KAA register (förordning 2006:39, § 4)."
        )


@transaction.atomic
def do_save_planned_occupation(actor: User, entry: TargetEntry, **values) -> KaaRecord:
    _kaa(actor, entry)
    _only_register_fields(values, ("planned_occupation", "planned_occupation_text", "planned_from"))
    record, created = KaaRecord.objects.get_or_create(
        entry=entry,
        defaults={"organisation_id": entry.organisation_id, "updated_by": actor, **values},
    )
    if not created:
        for name, value in values.items():
            setattr(record, name, value)
        record.updated_by = actor
        record.updated_at = timezone.now()
        record.version += 1
        record.save(update_fields=[*values, "updated_by", "updated_at", "version"])
    do_log_change(
        actor,
        action="kaa.planned_occupation_saved",
        obj=record,
        organisation_id=entry.organisation_id,
        person_id=entry.person_id,
        changed_fields=list(values),
    )
    return record


def _clean_follow_ups(values: dict) -> dict:
    if "follow_up_dates" in values:
        values["follow_up_dates"] = sorted(
            d.isoformat() if isinstance(d, datetime.date) else str(d)
            for d in values["follow_up_dates"]
        )
    return values


@transaction.atomic
def do_add_kaa_measure(actor: User, entry: TargetEntry, **values) -> KaaMeasure:
    _kaa(actor, entry)
    _only_register_fields(values, MEASURE_CONTENT)
    measure = KaaMeasure.objects.create(
        organisation_id=entry.organisation_id,
        entry=entry,
        created_by=actor,
        updated_by=actor,
        **_clean_follow_ups(values),
    )
    do_log_change(
        actor,
        action="kaa.measure_added",
        obj=measure,
        organisation_id=entry.organisation_id,
        person_id=entry.person_id,
        changed_fields=list(values),
    )
    return measure


@transaction.atomic
def do_update_kaa_measure(
    actor: User, measure: KaaMeasure, *, expected_version: int, **values
) -> list[str]:
    """Change a measure; the values before are kept as a version. Returns changed names."""
    entry = measure.entry
    _kaa(actor, entry)
    _only_register_fields(values, MEASURE_CONTENT)
    values = _clean_follow_ups(values)
    current = KaaMeasure.objects.select_for_update().get(pk=measure.pk)
    if current.version != expected_version:
        raise ConcurrentEdit(current)
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    if not changed:
        return []
    KaaMeasureVersion.objects.create(
        organisation_id=current.organisation_id,
        measure=current,
        version=current.version,
        values=current.content(),
        changed_by=actor,
    )
    KaaMeasure.objects.filter(pk=current.pk, version=expected_version).update(
        **{name: values[name] for name in changed},
        version=F("version") + 1,
        updated_by=actor,
        updated_at=timezone.now(),
    )
    measure.refresh_from_db()
    do_log_change(
        actor,
        action="kaa.measure_changed",
        obj=measure,
        organisation_id=entry.organisation_id,
        person_id=entry.person_id,
        changed_fields=changed,
    )
    return changed
