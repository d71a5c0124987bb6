"""Every count in every download a manager can ask for is a multiple of five.

Whatever the team, the measure and the first month chosen, every table's CSV counts
young people in multiples of five, so no difference between two downloads (organisation
minus team, January's running total minus February's, ...) is a count from 1 to 4.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from losen.cases.actions.core import do_open_case, do_record_event
from losen.cases.models import EventKind
from losen.programs.models import Enrolment, Measure
from losen.reports.results import COUNTS

pytestmark = pytest.mark.django_db

D = datetime.date
# The columns of each table that count young people (the others are labels, shares,
# days, kroner and participant-months).
COUNT_COLUMNS = {
    "exits": (1,),
    "durability": (1, 2),
    "times": (1, 5, 9),
    "times-so-far": (1, 5, 9),
    "cost-measures": (2,),
    "cost-months": (1, 7, 9),
}


@pytest.fixture
def world(register, team, other_team, colleague, municipality):
    """Two teams, one measure, cases referred, started and exited over three months."""
    measure = Measure.objects.create(
        organisation=municipality, name="Kurs", kind="course", monthly_cost=1000
    )
    plans = [
        # (team, referred, started, exited, top, in the measure)
        *[(team, D(2025, 1, d), D(2025, 1, d + 1), D(2025, 3, d), "work", True) for d in (2, 3)],
        *[(team, D(2025, 1, d), D(2025, 2, d), None, None, d % 2 == 0) for d in range(4, 11)],
        *[
            (other_team, D(2025, 2, d), D(2025, 2, d), D(2025, 3, d), "education", True)
            for d in (5,)
        ],
        *[(other_team, D(2025, 3, d), None, None, None, False) for d in (6, 7, 8)],
    ]
    for k, (in_team, referred, started, exited, top, enrolled) in enumerate(plans):
        actor = None if in_team == team else colleague
        person = register(first_name=f"Ung{k}", in_team=in_team, actor=actor)
        case = do_open_case(None, person, in_team, opened_on=referred)
        do_record_event(None, case, EventKind.REFERRED, effective_on=referred)
        if started:
            do_record_event(None, case, EventKind.ENROLMENT_STARTED, effective_on=started)
        if exited:
            data = {"code": f"{top}.x", "top_code": top}
            do_record_event(None, case, EventKind.EXIT, effective_on=exited, data=data)
        if started and enrolled:
            Enrolment.objects.create(
                organisation=municipality,
                case=case,
                measure=measure,
                status="ended" if exited else "active",
                start_on=started,
                end_on=exited,
            )
    return [team, other_team], measure


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return [line.split(";") for line in text.splitlines()[2:]]  # after the title and header


def test_every_count_in_every_download_a_manager_can_ask_for_is_a_multiple_of_five(
    client, manager, world
):
    teams, measure = world
    client.force_login(manager)
    counts = []
    for team_id in ("", *(t.pk for t in teams)):
        for measure_id in ("", measure.pk):
            for start in ("2025-01", "2025-02", "2025-03"):
                params = {"team": team_id, "measure": measure_id, "start": start, "end": "2025-03"}
                flow = client.get(reverse("reports:flow_csv"), params)
                for row in csv_rows(flow):
                    counts += row[1 : 1 + len(COUNTS)]
                for key, columns in COUNT_COLUMNS.items():
                    url = reverse("reports:table_export", args=[key, "csv"])
                    for row in csv_rows(client.get(url, params)):
                        counts += [row[c] for c in columns if row[c] != ""]
    assert len(counts) > 1000
    assert all(int(count) % 5 == 0 for count in counts)
    # Not all zero: the downloads say something.
    assert any(int(count) > 0 for count in counts)
