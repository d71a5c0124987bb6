"""Template helpers for the exit section of the case page."""

from __future__ import annotations

from django import template

from losen.cases.models import Case
from losen.outcomes import codes, queries
from losen.outcomes.actions import EXITABLE_STATES
from losen.outcomes.models import FollowUp

register = template.Library()


@register.simple_tag
def case_exit(case: Case) -> dict[str, object]:
    """The case's exit outcome and follow-ups. The case page opened it through get_case_for."""
    exit_outcome = queries.exit_of(case)
    return {
        "exit": exit_outcome,
        "follow_ups": list(queries.follow_ups_of(case)) if exit_outcome else [],
        "can_exit": exit_outcome is None and case.state in EXITABLE_STATES,
    }


@register.simple_tag
def next_follow_up(case: Case) -> FollowUp | None:
    """The first follow-up after the exit that is not registered yet."""
    return queries.follow_ups_of(case).filter(registered_on__isnull=True).first()


@register.filter
def outcome_label(code: str) -> str:
    """ "Work – Ordinary work, full time" for a stored code; the code itself if unknown."""
    if not code:
        return ""
    try:
        outcome = codes.get(code)
    except KeyError:
        return code
    top = codes.TOP_LEVEL.get(outcome.top, outcome.top)
    if str(top) == str(outcome.label):
        return str(outcome.label)
    return f"{top} – {outcome.label}"
