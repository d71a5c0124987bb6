"""`losen contract import FILE`: a contract with its rate card, or nothing and every
problem named by its field."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from losen.contracts.models import Contract, ContractVersion, RateOutcome
from losen.contracts.tests.test_claims_from_history import CONTRACT
from losen.programs.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(municipality):
    for name in ("Restart", "Klar-Ferdig-Gå"):
        Measure.objects.create(organisation=municipality, name=name, kind=Measure.Kind.COURSE)


def run(tmp_path, data) -> tuple[str, str]:
    path = tmp_path / "contract.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("contract", "import", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_contract_is_made_with_its_rate_card_in_order(tmp_path, measures, outside_organisation):
    out, _err = run(tmp_path, CONTRACT)
    assert out.strip() == "UNG i Test: version 1 from 2023-01-01, 4 outcomes."
    contract = Contract.objects.get()
    assert (contract.payer.name, contract.provider.name) == ("Utenfor AS", "Testkommune")
    version = contract.versions.get()
    assert (version.cap_per_person, version.cap_total, version.min_age, version.max_age) == (
        80000,
        2000000,
        16,
        21,
    )
    assert version.measures == ["Restart", "Klar-Ferdig-Gå"]
    assert list(version.outcomes.values_list("position", "code", "trigger", "price")) == [
        (1, "engaged", "start", 5000),
        (2, "into_work_or_school", "exit", 30000),
        (3, "sustained_6m", "followup_6m", 50000),
        (4, "sustained_12m", "followup_12m", 40000),
    ]


def broken(change) -> dict:
    data = copy.deepcopy(CONTRACT)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["outcomes"][1].update(trigger="hired"), "outcomes[1].trigger"),
        (lambda d: d.update(payer="Ukjent kommune"), "payer"),
        (lambda d: d["measures"].append("Svømming"), "measures[2]"),
        (lambda d: d["outcomes"][2].update(price=-10), "outcomes[2].price"),
        (lambda d: d.update(ends_on="2022-12-31"), "ends_on"),
        (lambda d: d["outcomes"][1].update(top_codes=["jobb"]), "outcomes[1].top_codes[0]"),
        (lambda d: d["outcomes"][3].update(code="engaged"), "outcomes[3].code"),
        (lambda d: d.pop("cap_total"), "cap_total"),
        (lambda d: d.update(starts_on="1. august"), "starts_on"),
        (lambda d: d.update(baseline={"description": "NAV", "share": 25}), "baseline.share"),
    ],
)
def test_a_bad_file_is_refused_naming_the_field_and_nothing_is_made(
    tmp_path, measures, outside_organisation, change, field
):
    with pytest.raises(CommandError, match="nothing was made"):
        run(tmp_path, broken(change))
    assert not Contract.objects.exists()
    assert not ContractVersion.objects.exists() and not RateOutcome.objects.exists()


def test_every_problem_is_printed_with_its_field(tmp_path, measures, outside_organisation, capsys):
    data = broken(lambda d: (d["outcomes"][1].update(trigger="hired"), d.update(payer="X")))
    path = tmp_path / "contract.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("contract", "import", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == "payer: no organisation is called or numbered “X”"
    assert lines[1].startswith("outcomes[1].trigger: unknown trigger “hired”")


def test_a_file_that_is_not_json_is_refused(tmp_path, measures, outside_organisation):
    with pytest.raises(CommandError):
        run(tmp_path, '{"name": "UNG i Test",')
    assert not Contract.objects.exists()


def test_the_same_name_again_makes_a_new_version_from_today_on(
    tmp_path, measures, outside_organisation, today
):
    run(tmp_path, CONTRACT)
    out, _err = run(tmp_path, broken(lambda d: d.update(cap_total=3000000)))
    assert out.startswith(f"UNG i Test: version 2 from {today.isoformat()}")
    assert list(ContractVersion.objects.values_list("number", "cap_total")) == [
        (1, 2000000),
        (2, 3000000),
    ]
    with pytest.raises(CommandError, match="today or later"):
        run(tmp_path, broken(lambda d: d.update(valid_from="2024-01-01")))
    assert ContractVersion.objects.count() == 2


def test_a_baseline_is_kept_with_the_version(tmp_path, measures, outside_organisation):
    baseline = {"description": "Like unge uten tiltaket", "share": 0.25, "source": "SSB"}
    run(tmp_path, broken(lambda d: d.update(baseline=baseline)))
    assert ContractVersion.objects.get().baseline == baseline
