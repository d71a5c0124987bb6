"""Template tags for the intake section of the case page.

{% load intake_tags %}
{% intake_for case as intake %}
{{ intake.referrals }} {{ intake.application }} {{ intake.application_complete }}
{{ intake.guardian_needed }} {{ intake.consents }} {{ intake.withdrawn_count }}
"""

from __future__ import annotations

from django import template

from losen.cases.models import Case
from losen.cases.queries.intake import IntakeSummary, intake_summary

register = template.Library()


@register.simple_tag
def intake_for(case: Case) -> IntakeSummary:
    """What intake knows about the case (the caller has opened it through get_case_for)."""
    return intake_summary(case)
