"""Template tags that let other apps' pages show a person's cases (the page composes)."""

from __future__ import annotations

from django import template

from losen.cases.queries.core import cases_visible_to

register = template.Library()


@register.simple_tag(takes_context=True)
def cases_of_person(context, person):
    """The person's cases that the reader may open, newest first."""
    return list(
        cases_visible_to(context["request"].user)
        .filter(person=person)
        .select_related("team")
        .order_by("-opened_on", "-id")
    )
