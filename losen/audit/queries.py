from __future__ import annotations

from django.db.models import QuerySet

from losen.audit.models import AccessLog, ChangeLog


def access_log_of(person_id: int) -> QuerySet[AccessLog]:
    """A person's access log. Callers reach the person through its permission-checked getter."""
    return AccessLog.objects.filter(person_id=person_id).select_related("organisation", "team")


def change_log_of_object(obj, *, organisation_ids: frozenset[int] | None) -> QuerySet[ChangeLog]:
    """The change log of one object; with organisation ids, only the rows filed under them.

    An organisation's administrator reads the rows of their organisations (None: all
    rows, for the superuser): a user who worked elsewhere before keeps that history
    out of sight.
    """
    rows = ChangeLog.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    return rows
