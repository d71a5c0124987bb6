"""Fixtures for grant reports: a measure of the municipality, a report, complete answers."""

from __future__ import annotations

import copy

import pytest

from losen.grants.actions import do_create_grant_report
from losen.programs.models import Measure

COMPLETE = {
    "measure_name": "Ungdomsløftet",
    "nav_office": "NAV Bjørnafjorden",
    "contact_email": "kari.koordinator@nav.no",
    "county": "Vestland",
    "start_date": "2024-08-15",
    "target_group": "Unge 16–25 år som står utenfor skole og arbeid.",
    "measure_description": "Tett oppfølging, arbeidstrening og samtaler.",
    "development": "Samarbeid på tvers av tjenester i kommunen.",
    "act_sections": {"selected": ["s1", "s20a", "other"], "other": "Navloven § 14a"},
    "interest_from_others": {"answer": "yes", "text": "Frivilligsentralen og skolene"},
    "trial_elsewhere": {"answer": "no", "text": ""},
    "collaboration": {"answer": "yes", "text": "Oppfølgingstjenesten i fylket"},
    "achievements": "=SUM(A1:A9) flere i jobb",
    "goal_assessment": "Samtaler med deltakerne og tall fra fagsystemet.",
    "challenges": "Å nå de som ikke svarer på telefon.",
    "success_factors": "Relasjonen mellom ungdom og veileder.",
    "continuation": {"answer": "yes", "text": "Ordinær drift fra 2026"},
}


@pytest.fixture
def complete_answers() -> dict:
    return copy.deepcopy(COMPLETE)


@pytest.fixture
def measure(municipality) -> Measure:
    return Measure.objects.create(
        organisation=municipality, name="Ungdomsløftet", kind="course", monthly_cost=10000
    )


@pytest.fixture
def report(coordinator, measure):
    return do_create_grant_report(coordinator, measure, year=2025, kind="status")


def form_data(answers: dict, *, version: int) -> dict:
    """What the edit form posts for the answers."""
    data: dict = {"version": version}
    for key, value in answers.items():
        if key == "act_sections":
            data[key] = value["selected"]
            data[f"{key}_other"] = value["other"]
        elif isinstance(value, dict):
            data[key] = value["answer"]
            data[f"{key}_text"] = value["text"]
        else:
            data[key] = value
    return data
