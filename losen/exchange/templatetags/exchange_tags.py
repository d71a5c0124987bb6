"""Template helpers for the case page's section on referrals to other organisations."""

from __future__ import annotations

from django import template

from losen.cases.models import Case
from losen.exchange import queries

register = template.Library()


@register.simple_tag
def case_referrals_out(case: Case) -> list:
    """The case's referrals to other organisations. The case page opened it through
    get_case_for; what is shown is the sender's own record."""
    return list(queries.sent_of_case(case.pk))
