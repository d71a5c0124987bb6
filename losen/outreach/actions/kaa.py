"""Writes to the KAA register: planned occupation, measures with their history, and the
end of the municipality's responsibility (the day and the reason)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from losen.accounts.models import User
from losen.audit.actions import do_log_change
from losen.lib.errors import StaleEdit
from losen.outreach import eligibility
from losen.outreach.actions.ladder import _check_team
from losen.outreach.models import (
    KaaMeasure,
    KaaMeasureVersion,
    KaaRecord,
    LeaveReason,
    TargetEntry,
)
from losen.outreach.models.kaa import MEASURE_CONTENT, NotAllowedInKaaRegister

# Why the responsibility ends, as the KAA register records it by hand (the half-yearly
# file to Statistics Sweden reports each with the day).
KAA_LEAVE_REASONS = (
    LeaveReason.TURNED_20,
    LeaveReason.MOVED,
    LeaveReason.NATIONAL_PROGRAMME_STARTED,
    LeaveReason.NATIONAL_PROGRAMME_COMPLETED,
    LeaveReason.OTHER,
)


class LeavingRefused(ValueError):
    """The day or reason of leaving cannot be right; ``code`` says which rule it breaks."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _kaa(actor: User, entry: TargetEntry) -> None:
    _check_team(actor, entry)
    if entry.scheme != "kaa":
        raise ValueError("Only people on a KAA list are in the KAA register.")


def _only_register_fields(values: dict, allowed) -> None:
    outside = sorted(set(values) - set(allowed))
    if outside:
        raise NotAllowedInKaaRegister(
            f"{', '.join(outside)}: not allowed in the KAA register (förordning (2006:39), 4 §)."
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
        raise StaleEdit(current)
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


@transaction.atomic
def do_record_kaa_leaving(
    actor: User, entry: TargetEntry, *, left_on: datetime.date, reason: str
) -> None:
    """The responsibility ended on `left_on` (the first day outside it) for `reason`.

    For someone still on the list, or to give the real day and reason for someone a list
    showed as gone ("no longer on the list") or recorded with another day. The day is
    from the day on the list to today, and not after the day a later list took the
    person in again; "turned 20" only on or after the 20th birthday.
    """
    _kaa(actor, entry)
    if reason not in KAA_LEAVE_REASONS:
        raise LeavingRefused("reason")
    current = TargetEntry.objects.select_for_update().select_related("person").get(pk=entry.pk)
    if not current.listed_on <= left_on <= timezone.localdate():
        raise LeavingRefused("day")
    later = TargetEntry.objects.filter(
        organisation_id=current.organisation_id,
        scheme=current.scheme,
        person_id=current.person_id,
        listed_on__gt=current.listed_on,
    )
    if later.filter(listed_on__lt=left_on).exists():
        raise LeavingRefused("later_list")
    if reason == LeaveReason.TURNED_20 and eligibility.rule_on("kaa", left_on).age_eligible(
        current.person.birth_date, left_on
    ):
        raise LeavingRefused("not_20")
    values = {"left_on": left_on, "left_reason": reason}
    if current.left_recorded_at is None:
        # When Losen first learnt of the leaving (an export "as known" reads it).
        values["left_recorded_at"] = timezone.now()
    TargetEntry.objects.filter(pk=current.pk).update(**values, version=F("version") + 1)
    for name, value in values.items():
        setattr(entry, name, value)
    do_log_change(
        actor,
        action="kaa.leaving_recorded",
        obj=entry,
        organisation_id=entry.organisation_id,
        person_id=entry.person_id,
        changed_fields=["left_on", "left_reason"],
    )
