"""A contract between Utenfor AS (payer; `outside_organisation`) and Testkommune (provider;
`municipality`, whose Ungteam follows `case`), and the payer's verifier."""

from __future__ import annotations

import pytest

from losen.accounts.models import Role
from losen.contracts.actions import do_import_contract
from losen.contracts.contract_file import read_contract
from losen.programs.models import Measure

TERMS = {
    "name": "UNG i Test",
    "payer": "Utenfor AS",
    "provider": "Testkommune",
    "starts_on": "2020-01-01",
    "ends_on": "2035-12-31",
    "currency": "NOK",
    "cap_per_person": 120000,
    "cap_total": 4000000,
    "eligibility": {"min_age": 15, "max_age": 29},
    "outcomes": [
        {"code": "engaged", "name": "Started", "trigger": "start", "price": 5000},
        {
            "code": "into_work",
            "name": "Into work",
            "trigger": "exit",
            "top_codes": ["work"],
            "price": 30000,
        },
        {
            "code": "sustained_6m",
            "name": "Still there at 6 months",
            "trigger": "followup_6m",
            "top_codes": ["work", "education"],
            "price": 50000,
        },
    ],
}


@pytest.fixture
def measure(municipality):
    return Measure.objects.create(
        organisation=municipality, name="Restart", kind=Measure.Kind.CLARIFICATION
    )


@pytest.fixture
def contract(municipality, outside_organisation, measure):
    return do_import_contract(None, read_contract(TERMS)).contract


@pytest.fixture
def verifier(make_user, outside_organisation):
    return make_user(
        "kontroll@utenfor.no",
        Role.VERIFIER,
        organisation=outside_organisation,
        full_name="Vera Verifiserer",
    )
