"""Saving an edit only on top of the version its editor opened (racing edits refused).

A record with a `version` column is changed by `save_if_current`: the changed fields are
written, and the version moves on, only where the row still has the version the form
carried. Otherwise someone else saved in between, and StaleEdit carries what they saved,
so the page can show both; nothing is overwritten.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F

from losen.lib.errors import StaleEdit


def save_if_current(
    obj: models.Model, fields: dict[str, Any], *, version: int, **also: Any
) -> dict[str, Any]:
    """Write the fields of `fields` that differ from `obj` (and `also` with them) if the
    row is still at `version`; returns the changes (empty: nothing to save)."""
    changes = {name: value for name, value in fields.items() if getattr(obj, name) != value}
    manager = type(obj)._default_manager
    current = manager.filter(pk=obj.pk, version=version)
    if not changes:
        if current.exists():
            return {}
        raise StaleEdit(manager.get(pk=obj.pk))
    if current.update(**changes, **also, version=F("version") + 1) == 0:
        raise StaleEdit(manager.get(pk=obj.pk))
    obj.refresh_from_db()
    return changes
