"""Statutory exports made and read (the files' layouts and rows are in statutory.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from losen.accounts.models import Organisation, User
from losen.audit.actions import do_log_accesses, do_log_change
from losen.audit.models import Purpose
from losen.lib import crypto
from losen.outreach.models import (
    StatutoryExport,
)
from losen.outreach.statutory import Layout, build


@transaction.atomic
def do_make_statutory_export(
    actor: User, organisation: Organisation, layout: Layout, period: str
) -> StatutoryExport:
    """Make the half-year's export; one made before for the same half-year is replaced."""
    known_at = timezone.now()
    content, count, people = build(organisation, layout, period, known_at=known_at)
    values = {
        "cutoff": layout.cutoff(period),
        "layout": layout.name,
        "layout_version": layout.version,
        "known_at": known_at,
        "made_by": actor,
        "rows": count,
        "contains_identity_numbers": layout.contains_identity_numbers,
        "content_encrypted": crypto.encrypt(content.decode("utf-8")),
        "person_ids": people,
        "updated_at": known_at,
    }
    export = (
        StatutoryExport.objects.select_for_update()
        .filter(organisation=organisation, scheme=layout.scheme, period=period)
        .first()
    )
    if export is None:
        export = StatutoryExport.objects.create(
            organisation=organisation, scheme=layout.scheme, period=period, **values
        )
        action = "outreach.statutory_export_made"
    else:
        for name, value in values.items():
            setattr(export, name, value)
        export.replaced += 1
        export.save(update_fields=[*values, "replaced"])
        action = "outreach.statutory_export_replaced"
    do_log_change(
        actor,
        action=action,
        obj=export,
        organisation_id=organisation.pk,
        changed_fields=["content", "rows", "known_at"],
    )
    return export


def do_log_export_read(actor: User, export: StatutoryExport) -> int:
    """An export with identity numbers taken out (downloaded, or written by the command):
    one access-log row for every person in it. The number of rows written."""
    if not export.contains_identity_numbers:
        return 0
    return do_log_accesses(
        actor,
        ((person_id, export.organisation_id, None) for person_id in export.person_ids),
        purpose=Purpose.EXPORT,
        what="statutory_export",
    )
