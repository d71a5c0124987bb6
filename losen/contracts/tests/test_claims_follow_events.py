"""Claims appear by themselves from the provider's case events, follow a back-dated or
corrected event while they are not settled, and never change once verified: a
correction after verification makes an adjustment line."""

from __future__ import annotations

import datetime

import pytest

from losen.cases.actions.core import do_correct_event, do_transition_case
from losen.cases.models import CaseState, EventKind
from losen.contracts import actions
from losen.contracts.models import Adjustment, ClaimState
from losen.lib.errors import NotAllowed
from losen.outcomes.actions import do_exit
from losen.programs.actions import do_enrol

pytestmark = pytest.mark.django_db


def started(coordinator, case, measure, day):
    do_transition_case(coordinator, case, CaseState.ACCEPTED, effective_on=day)
    do_enrol(coordinator, case, measure, start_on=day)
    return case.events.get(kind=EventKind.ENROLMENT_STARTED)


def claims(contract) -> list[tuple]:
    return [(c.outcome, c.achieved_on, c.amount, c.state) for c in actions.claims_of(contract)]


def test_a_start_and_an_exit_into_work_make_their_claims(
    coordinator, case, measure, contract, today
):
    assert claims(contract) == []
    start = today - datetime.timedelta(days=5)
    started(coordinator, case, measure, start)
    assert claims(contract) == [("engaged", start, 5000, ClaimState.PENDING)]
    do_exit(coordinator, case, code="work.full_time", exited_on=today)
    assert claims(contract) == [
        ("engaged", start, 5000, ClaimState.PENDING),
        ("into_work", today, 30000, ClaimState.PENDING),
    ]


def test_an_exit_to_school_is_no_claim_for_work(coordinator, case, measure, contract, today):
    started(coordinator, case, measure, today - datetime.timedelta(days=5))
    do_exit(coordinator, case, code="education.upper_secondary", exited_on=today)
    assert [outcome for outcome, *_rest in claims(contract)] == ["engaged"]


def test_a_corrected_start_moves_the_claim_that_is_not_settled(
    coordinator, case, measure, contract, today
):
    event = started(coordinator, case, measure, today - datetime.timedelta(days=5))
    claims(contract)
    earlier = today - datetime.timedelta(days=6)
    do_correct_event(coordinator, event, note="Startet dagen før", effective_on=earlier)
    assert claims(contract) == [("engaged", earlier, 5000, ClaimState.PENDING)]


def test_a_verified_claim_stays_and_a_later_correction_makes_an_adjustment(
    coordinator, team_lead, verifier, case, measure, contract, today
):
    start = today - datetime.timedelta(days=5)
    event = started(coordinator, case, measure, start)
    (claim,) = actions.claims_of(contract)
    assert actions.do_submit_claims(team_lead, contract, [claim.pk]) == 1
    actions.do_verify_claim(verifier, claim)
    do_correct_event(
        coordinator, event, note="Feil dato", effective_on=today - datetime.timedelta(days=2)
    )
    assert claims(contract) == [("engaged", start, 5000, ClaimState.VERIFIED)]
    adjustment = Adjustment.objects.get()
    assert (adjustment.claim_id, adjustment.reason, adjustment.amount) == (
        claim.pk,
        Adjustment.Reason.MOVED,
        0,
    )
    actions.claims_of(contract)  # again: the same adjustment is not made twice
    assert Adjustment.objects.count() == 1


def test_only_the_providers_leads_submit_and_only_the_payers_verifiers_decide(
    coordinator, team_lead, outsider, verifier, case, measure, contract, today
):
    started(coordinator, case, measure, today)
    (claim,) = actions.claims_of(contract)
    for user in (coordinator, outsider, verifier):
        with pytest.raises(NotAllowed):
            actions.do_submit_claims(user, contract, [claim.pk])
    actions.do_submit_claims(team_lead, contract, [claim.pk])
    for user in (coordinator, team_lead, outsider):
        with pytest.raises(NotAllowed):
            actions.do_verify_claim(user, claim)
    rejected = actions.do_reject_claim(verifier, claim, reason="Ingen dokumentasjon")
    assert (rejected.state, rejected.amount) == (ClaimState.REJECTED, 0)
    with pytest.raises(actions.NotSubmittable):
        actions.do_verify_claim(verifier, claim)
    # A rejected claim is not made again.
    assert claims(contract) == [("engaged", today, 0, ClaimState.REJECTED)]


def test_a_claim_over_the_cap_per_person_pays_what_is_left(
    coordinator, case, measure, contract, today
):
    version = contract.versions.get()
    version.cap_per_person = 20000
    version.save()
    started(coordinator, case, measure, today - datetime.timedelta(days=5))
    do_exit(coordinator, case, code="work.part_time", exited_on=today)
    assert claims(contract) == [
        ("engaged", today - datetime.timedelta(days=5), 5000, ClaimState.PENDING),
        ("into_work", today, 15000, ClaimState.PENDING),
    ]
    assert [c.capped_by for c in actions.claims_of(contract)] == ["", "person"]


def test_a_new_version_with_a_lower_cap_applies_to_the_claims_not_settled(
    coordinator, case, measure, contract, today
):
    from losen.contracts.actions import do_import_contract
    from losen.contracts.contract_file import read_contract
    from losen.contracts.tests.conftest import TERMS

    started(coordinator, case, measure, today - datetime.timedelta(days=5))
    assert claims(contract)[0][2] == 5000
    do_import_contract(
        None, read_contract({**TERMS, "cap_total": 3000, "valid_from": today.isoformat()})
    )
    (claim,) = actions.claims_of(contract)
    assert (claim.amount, claim.capped_by, claim.version.number) == (3000, "total", 1)
