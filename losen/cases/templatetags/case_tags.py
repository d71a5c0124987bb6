"""Template tags that let other apps' pages show a person's cases (the page composes)."""

from __future__ import annotations

from django import template

from losen.cases.actions.work import can_work_on
from losen.cases.models.core import OPEN_STATES
from losen.cases.queries.core import cases_visible_to

register = template.Library()


@register.simple_tag(takes_context=True)
def cases_of_person(context, person):
    """The person's cases that the reader may open, newest first; `can_work` on those the
    reader works on (whose team refers the young person on)."""
    user = context["request"].user
    cases = list(
        cases_visible_to(user)
        .filter(person=person)
        .select_related("team")
        .order_by("-opened_on", "-id")
    )
    for case in cases:
        case.can_work = case.state in OPEN_STATES and can_work_on(user, case)
    return cases
