"""Template helpers for other apps' pages: the case page's section on referrals to other
organisations, and the referral queue's count of those from other organisations."""

from __future__ import annotations

from django import template

from losen.cases.models import Case
from losen.exchange import queries
from losen.exchange.models import State

register = template.Library()


@register.simple_tag
def case_referrals_out(case: Case) -> list:
    """The case's referrals to other organisations. The case page opened it through
    get_case_for; what is shown is the sender's own record."""
    return list(queries.sent_of_case(case.pk))


@register.simple_tag(takes_context=True)
def incoming_waiting(context) -> int:
    """How many referrals from other organisations wait for the reader's decision (a
    count only: the names are on the incoming page, whose reads are logged)."""
    return (
        queries.received_visible_to(context["request"].user)
        .filter(state__in=[State.SENT, State.WAITING_LIST], case__isnull=True)
        .count()
    )
