"""Participant-months, cost and adults per six young people give no small count back.

Participant-months are participant-days over 30.44, and a month's participant-days over its
days counted are the mean number of young people taking part: for three young people in
a measure all month, exactly 3. Outside the team the participant-days of each cell are
rounded (by the cell key of its cases) to a multiple of 5 × the days counted, so that the
mean they imply is a multiple of 5, like every count; cost and adults per six follow.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from losen.cases.actions.core import do_open_case
from losen.lib.dates import add_months
from losen.programs.models import Enrolment, Measure
from losen.reports.dashboard import DAYS_PER_MONTH

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_month() -> datetime.date:
    return add_months(timezone.localdate().replace(day=1), -1)


@pytest.fixture
def three_all_month(register, team, municipality, last_month) -> Measure:
    """Three young people in a staffed measure from the first of last month on."""
    measure = Measure.objects.create(
        organisation=municipality, name="Kurs", kind="course", monthly_cost=1000, adults=2
    )
    for k in range(3):
        case = do_open_case(None, register(first_name=f"Ung{k}"), team, opened_on=last_month)
        Enrolment.objects.create(
            organisation=municipality,
            case=case,
            measure=measure,
            status=Enrolment.Status.ACTIVE,
            start_on=last_month,
        )
    return measure


def board_for(client, user, measure, last_month, **extra):
    client.force_login(user)
    month = last_month.strftime("%Y-%m")
    params = {"measure": measure.pk, "start": month, "end": month, **extra}
    return client.get(reverse("reports:dashboard"), params).context["board"]


def mean_participants(participant_months: Decimal, days: int) -> Decimal:
    """The mean number of young people taking part that participant-months imply."""
    return participant_months * DAYS_PER_MONTH / days


def test_a_managers_participant_months_and_adults_per_six_imply_no_count_from_1_to_4(
    client, manager, three_all_month, last_month
):
    board = board_for(client, manager, three_all_month, last_month)
    days = (add_months(last_month, 1) - last_month).days
    month = next(m for m in board.cost_months if m.month == last_month)
    implied = mean_participants(month.participant_months, days)
    assert min(abs(implied - n) for n in (0, 5, 10)) < Decimal("0.1")
    # The cost is participant-months times 1000 kroner: it implies the same mean.
    from_cost = mean_participants(month.cost / 1000, days)
    assert min(abs(from_cost - n) for n in (0, 5, 10)) < Decimal("0.01")
    assert month.adults_per_six in (None, Decimal("2.4"))  # 2 × 6 / 5
    # The measure's period: the sum of its rounded months (only last month has any).
    row = board.costs[0]
    assert row.participant_months == month.participant_months
    assert row.participants in (0, 5)


def test_the_team_sees_its_participant_months_and_adults_per_six_exactly(
    client, team_lead, team, three_all_month, last_month
):
    board = board_for(client, team_lead, three_all_month, last_month, team=team.pk)
    days = (add_months(last_month, 1) - last_month).days
    month = next(m for m in board.cost_months if m.month == last_month)
    assert mean_participants(month.participant_months, days) == pytest.approx(3, abs=0.05)
    assert month.adults_per_six == Decimal("4.0")  # 2 × 6 / 3
    assert board.costs[0].participants == 3
