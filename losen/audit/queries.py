from __future__ import annotations

from django.db.models import QuerySet

from losen.audit.models import AccessLog, ChangeLog


def access_log_of(person_id: int) -> QuerySet[AccessLog]:
    """A person's access log. Callers reach the person through its permission-checked getter."""
    return AccessLog.objects.filter(person_id=person_id).select_related("organisation", "team")


def change_log_of(person_id: int) -> QuerySet[ChangeLog]:
    return ChangeLog.objects.filter(person_id=person_id)
