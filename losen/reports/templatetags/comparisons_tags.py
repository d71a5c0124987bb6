"""`user|reads_comparisons_of:organisation_id`: whether to link to the management pages."""

from __future__ import annotations

from typing import Any

from django import template

from losen.reports.queries import can_read

register = template.Library()


@register.filter
def reads_comparisons_of(user: Any, organisation_id: int) -> bool:
    """False outside a request (the PDF has no user)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_read(user, organisation_id)
