"""The claims of a contract over an imported history agree, claim for claim and in their
amounts, with the contract's rules worked out here independently from the file's rows.

A seeded history of 400 young people is imported into Testkommune (the provider) with
`losen import-history`; Utenfor AS pays. The caps are low enough that both bind.
"""

from __future__ import annotations

import datetime
import io
import json
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from losen.contracts.models import Claim, Contract
from losen.lib.dates import add_months
from losen.people.models import Person
from losen.programs.models import Measure

pytestmark = pytest.mark.django_db

HEADER = (
    "person_ref,birth_date,referral_date,referral_source,measure,start_date,exit_date,"
    "exit_outcome,followup_6m,followup_12m"
)
EXIT_CODES = (
    "work.full_time",
    "work.part_time",
    "education.upper_secondary",
    "education.apprenticeship",
    "other_activity.work_training",
    "unknown.not_reached",
)
OUTCOMES = [
    {"code": "engaged", "name": "Started", "trigger": "start", "price": 5000},
    {
        "code": "into_work_or_school",
        "name": "Into work or school",
        "trigger": "exit",
        "top_codes": ["work", "education"],
        "price": 30000,
    },
    {
        "code": "sustained_6m",
        "name": "Still there at 6 months",
        "trigger": "followup_6m",
        "top_codes": ["work", "education"],
        "price": 50000,
    },
    {
        "code": "sustained_12m",
        "name": "Still there at 12 months",
        "trigger": "followup_12m",
        "top_codes": ["work", "education"],
        "price": 40000,
    },
]
CONTRACT = {
    "name": "UNG i Test",
    "payer": "Utenfor AS",
    "provider": "Testkommune",
    "starts_on": "2023-01-01",
    "ends_on": "2025-06-30",
    "currency": "NOK",
    "cap_per_person": 80000,
    "cap_total": 2000000,
    "eligibility": {"min_age": 16, "max_age": 21},
    "measures": ["Restart", "Klar-Ferdig-Gå"],
    "outcomes": OUTCOMES,
}


def history(seed: int, count: int, today: datetime.date) -> list[dict]:
    """Nothing in the future: a start, an exit or a follow-up is given once it is due."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        referred = datetime.date(2022, 6, 1) + datetime.timedelta(days=rng.randrange(1300))
        born = referred - datetime.timedelta(days=rng.randrange(14 * 365, 24 * 365))
        row = {
            "person_ref": f"H-{n:04d}",
            "birth_date": born,
            "referral_date": referred,
            "measure": "",
            "start_date": None,
            "exit_date": None,
            "exit_outcome": "",
            "followup_6m": "",
            "followup_12m": "",
        }
        start = referred + datetime.timedelta(days=rng.randrange(60))
        if rng.random() < 0.85 and start <= today:
            row["measure"] = rng.choice(["Restart", "Klar-Ferdig-Gå", "Hangout"])
            row["start_date"] = start
            exit_on = start + datetime.timedelta(days=rng.randrange(20, 400))
            if rng.random() < 0.75 and exit_on <= today:
                row["exit_date"] = exit_on
                row["exit_outcome"] = rng.choice(EXIT_CODES)
                for months in (6, 12):
                    if rng.random() < 0.7 and add_months(exit_on, months) <= today:
                        row[f"followup_{months}m"] = rng.choice((*EXIT_CODES[:5], "not_reached"))
        rows.append(row)
    return rows


def write(tmp_path, rows) -> str:
    def cell(value):
        return value.isoformat() if isinstance(value, datetime.date) else (value or "")

    lines = [HEADER] + [
        ",".join(cell(row[key]) for key in ("person_ref", "birth_date", "referral_date"))
        + ",nav,"
        + ",".join(
            cell(row[key])
            for key in (
                "measure",
                "start_date",
                "exit_date",
                "exit_outcome",
                "followup_6m",
                "followup_12m",
            )
        )
        for row in rows
    ]
    path = tmp_path / "historikk.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def age(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def expected_claims(rows: list[dict], contract: dict, today: datetime.date) -> list[tuple]:
    """The rules of the issue, read straight from the rows: (person_ref, outcome,
    achieved_on, price, amount, state) in the order the rules share out the caps."""
    starts = datetime.date.fromisoformat(contract["starts_on"])
    ends = datetime.date.fromisoformat(contract["ends_on"])
    low, high = contract["eligibility"]["min_age"], contract["eligibility"]["max_age"]
    card = contract["outcomes"]
    claims = []
    for row in rows:
        if not starts <= row["referral_date"] <= ends:
            continue
        if not low <= age(row["birth_date"], row["referral_date"]) <= high:
            continue
        if contract.get("measures") and row["measure"] not in contract["measures"]:
            continue
        exit_top = row["exit_outcome"].split(".")[0] if row["exit_date"] else ""
        for position, outcome in enumerate(card):
            day = None
            if outcome["trigger"] == "start":
                day = row["start_date"]
            elif outcome["trigger"] == "exit":
                if row["exit_date"] and exit_top in outcome["top_codes"]:
                    day = row["exit_date"]
            else:
                months = 6 if outcome["trigger"] == "followup_6m" else 12
                value = row[f"followup_{months}m"]
                reached = row["exit_date"] and value and value != "not_reached"
                if reached and value.split(".")[0] in outcome["top_codes"]:
                    day = add_months(row["exit_date"], months)
            if day is None or day > ends or day > today:
                continue
            claims.append([row["person_ref"], outcome["code"], day, outcome["price"], position])
    # Each young person's cap, by achievement date and the card's order.
    left = {}
    for claim in sorted(claims, key=lambda c: (c[0], c[2], c[4])):
        remaining = left.setdefault(claim[0], contract["cap_per_person"])
        claim.append(min(claim[3], remaining))
        left[claim[0]] = remaining - claim[5]
    return claims


def test_the_claims_agree_with_the_rules_worked_out_from_the_file(
    tmp_path, municipality, team, outside_organisation
):
    for name in ("Restart", "Klar-Ferdig-Gå", "Hangout"):
        Measure.objects.create(organisation=municipality, name=name, kind=Measure.Kind.COURSE)
    today = timezone.localdate()
    rows = history(seed=11, count=400, today=today)
    call_command("import-history", write(tmp_path, rows), organisation="Testkommune", verbosity=0)
    path = tmp_path / "contract.json"
    path.write_text(json.dumps(CONTRACT), encoding="utf-8")
    call_command("contract", "import", str(path), stdout=io.StringIO())

    out = io.StringIO()
    call_command("contract", "claims", contract="UNG i Test", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "claim_id,person_id,outcome,achieved_on,price,amount,state"
    refs = dict(Person.objects.values_list("pk", "last_name"))
    got = []
    for line in lines[1:]:
        claim_id, person_id, outcome, achieved, price, amount, state = line.split(",")
        got.append((refs[int(person_id)], outcome, achieved, int(price), int(amount), state))

    expected = expected_claims(rows, CONTRACT, today)
    # The contract's cap, by achievement date, person, then the card's order; the person
    # is its pk in the database (the import keeps the file's order).
    person_of = {ref: pk for pk, ref in refs.items()}
    left = CONTRACT["cap_total"]
    rows_expected = []
    for ref, outcome, day, price, _position, amount in sorted(
        expected, key=lambda c: (c[2], person_of[c[0]], c[4])
    ):
        paid = min(amount, left)
        left -= paid
        rows_expected.append(
            (ref, outcome, day.isoformat(), price, paid, "capped" if paid == 0 else "pending")
        )
    assert len(got) == len(rows_expected) > 100
    assert sorted(got) == sorted(rows_expected)
    # Both caps bind: some claims pay less than their price, some nothing.
    assert any(0 < amount < price for _r, _o, _d, price, amount, _s in got)
    assert any(state == "capped" for *_rest, state in got)
    assert sum(amount for *_rest, amount, _s in got) == CONTRACT["cap_total"]

    # The same data gives the same claims, with the same numbers, on every run.
    again = io.StringIO()
    call_command("contract", "claims", contract="UNG i Test", stdout=again)
    assert again.getvalue() == out.getvalue()
    assert Claim.objects.count() == len(got) and Contract.objects.count() == 1
