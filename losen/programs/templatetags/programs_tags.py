"""Template helpers for the measures section of the case page."""

from __future__ import annotations

from django import template

from losen.cases.models import Case
from losen.programs import queries
from losen.programs.actions import ENROLLABLE_STATES
from losen.programs.models import Enrolment, Measure

register = template.Library()


@register.simple_tag
def case_enrolments(case: Case) -> dict[str, object]:
    """The case's enrolments for its page. The case page has opened it through get_case_for."""
    return {
        "enrolments": list(queries.enrolments_of(case)),
        "can_enrol": case.state in ENROLLABLE_STATES,
    }


@register.simple_tag
def current_measures(case: Case) -> list:
    """The measures the young person takes part in, then the waiting lists they are on."""
    enrolments = list(queries.open_enrolments(case))
    return sorted(enrolments, key=lambda e: (e.status != Enrolment.Status.ACTIVE, e.pk))


@register.filter
def case_url(case_id: int) -> str:
    return queries.case_page_url(case_id)


@register.filter
def measure_label(measure: Measure) -> str:
    """ "2. Hangout" for a step of a staircase, the name alone otherwise."""
    return f"{measure.step}. {measure.name}" if measure.step else measure.name
