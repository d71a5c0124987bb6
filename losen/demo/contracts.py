"""The demo's outcome contract: "UNG i Demo", Demo kommune paying PitStop Demo for
verified change, over the demo's history.

The rate card is the issue's (a start, into work or school, still there at 6 and at 12
months), the caps low enough that some young people reach the cap per person. The claims
are made from PitStop's own events, as always; the older ones were submitted, most of
those verified by Demo kommune's verifier (verifikator@demo.no), one rejected with its
reason, the newest still waiting; a sample of the submitted ones was drawn and checked,
and the claims verified in the two months before this one are on two paid statements.
Everything goes through the contracts' own actions.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from losen.accounts.models import Organisation, User
from losen.contracts.actions import (
    claims_of,
    do_add_evidence,
    do_draw_sample,
    do_import_contract,
    do_make_statement,
    do_mark_paid,
    do_record_sample_result,
    do_reject_claim,
    do_submit_claims,
    do_verify_claim,
)
from losen.contracts.contract_file import read_contract
from losen.contracts.models import (
    Adjustment,
    Claim,
    ClaimState,
    Contract,
    Evidence,
    Sample,
    Statement,
)
from losen.lib.dates import add_months

NAME = "UNG i Demo"
VERIFIER = "verifikator@demo.no"
PROVIDER_LEAD = "pitstopleder@demo.no"
OUTCOMES = [
    {"code": "engaged", "name": "Startet", "trigger": "start", "price": 5000},
    {
        "code": "into_work_or_school",
        "name": "I arbeid eller skole",
        "trigger": "exit",
        "top_codes": ["work", "education"],
        "price": 30000,
        "evidence": ["document"],
    },
    {
        "code": "sustained_6m",
        "name": "Fortsatt der etter 6 måneder",
        "trigger": "followup_6m",
        "top_codes": ["work", "education"],
        "price": 50000,
        "evidence": ["document", "register_check"],
    },
    {
        "code": "sustained_12m",
        "name": "Fortsatt der etter 12 måneder",
        "trigger": "followup_12m",
        "top_codes": ["work", "education"],
        "price": 40000,
        "evidence": ["register_check"],
    },
]


def load_contract(organisations: dict[str, Organisation], today: datetime.date) -> int:
    """The contract and its claims in every state; the number of claims."""
    users = {u.email: u for u in User.objects.filter(email__in=[VERIFIER, PROVIDER_LEAD])}
    verifier, lead = users[VERIFIER], users[PROVIDER_LEAD]
    terms = {
        "name": NAME,
        "payer": organisations["kommune"].name,
        "provider": organisations["pitstop"].name,
        **_period(today),
        "outcomes": OUTCOMES,
    }
    contract = do_import_contract(None, read_contract(terms)).contract
    claims = claims_of(contract, today=today)
    this_month = today.replace(day=1)
    older = [
        c
        for c in claims
        if c.state == ClaimState.PENDING and c.achieved_on < add_months(this_month, -1)
    ]
    for claim in older:
        if claim.outcome != "engaged":
            do_add_evidence(
                lead,
                claim,
                kind="register_check" if claim.outcome.startswith("sustained") else "document",
                description="A-ordningen / bekreftelse fra skolen",
                obtained_on=min(claim.achieved_on + datetime.timedelta(days=7), today),
                employer="Bakeriet Demoby AS" if claim.pk % 2 else "Demoby videregående skole",
            )
    do_submit_claims(lead, contract, [c.pk for c in older])
    if older:
        sample = do_draw_sample(verifier, contract, size=min(5, len(older)))
        do_record_sample_result(
            verifier,
            sample,
            result="Fem krav sjekket mot A-ordningen og skolens bekreftelser: alle i orden.",
        )
    # Decided over the last months: one rejected, the newest left to decide.
    decided = older[:-3] if len(older) > 3 else []
    for n, claim in enumerate(decided):
        if n == 0:
            do_reject_claim(
                verifier,
                claim,
                reason="Arbeidsforholdet varte bare i prøveperioden; ikke stabil overgang.",
            )
            continue
        do_verify_claim(verifier, claim)
    # The last two were verified today: not on a statement yet.
    _date_decisions(decided[:-2], today)
    for months_back in (2, 1):
        start = add_months(this_month, -months_back)
        end = add_months(start, 1) - datetime.timedelta(days=1)
        if contract.claims.filter(
            state=ClaimState.VERIFIED, statement=None, decided_at__date__range=(start, end)
        ).exists():
            statement = do_make_statement(verifier, contract, starts_on=start, ends_on=end)
            do_mark_paid(
                verifier,
                statement,
                paid_on=min(end + datetime.timedelta(days=12), today),
                reference=f"UNG-{start:%Y%m}",
            )
    _lower_the_cap(contract, today)
    return contract.claims.count()


def _lower_the_cap(contract: Contract, today: datetime.date) -> None:
    """Version 2, from today: the municipality lowers the contract's cap so that the
    newest pending claim no longer fits (it pays nothing: `capped`), as a budget cut would."""
    claims = claims_of(contract, today=today)
    pending = [c for c in claims if c.state == ClaimState.PENDING]
    if not pending:
        return
    committed = sum(c.amount for c in claims if c.state != ClaimState.REJECTED)
    terms = read_contract(
        {
            **_terms(contract, today),
            "valid_from": today.isoformat(),
            "cap_total": committed - pending[-1].amount,
        }
    )
    do_import_contract(None, terms)
    claims_of(contract, today=today)


def _period(today: datetime.date) -> dict:
    return {
        "starts_on": add_months(today.replace(day=1), -36).isoformat(),
        "ends_on": add_months(today.replace(day=1), 24).isoformat(),
        "currency": "NOK",
        "cap_per_person": 60000,
        "cap_total": 4000000,
        "eligibility": {"min_age": 15, "max_age": 29},
        # The share of similar young people in work or school within 12 months without
        # the measure, as a contract would state it (made up for the demo).
        "baseline": {
            "description": "Unge 15–29 år i Demo kommune utenfor arbeid og skole, uten tiltaket",
            "share": 0.24,
            "source": "Demo kommunes oppfølgingslister 2021–2023 (oppdiktet)",
        },
    }


def _terms(contract: Contract, today: datetime.date) -> dict:
    return {
        "name": contract.name,
        "payer": contract.payer.name,
        "provider": contract.provider.name,
        **_period(today),
        "outcomes": OUTCOMES,
    }


def _date_decisions(claims: list[Claim], today: datetime.date) -> None:
    """The verifier's decisions spread over the two months before this one (the demo is
    loaded in one go; the statements are per month)."""
    this_month = today.replace(day=1)
    first = add_months(this_month, -2)
    span = max((this_month - first).days - 1, 1)
    for n, claim in enumerate(claims):
        day = first + datetime.timedelta(days=(n * 7) % span)
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        Claim.objects.filter(pk=claim.pk).update(decided_at=at)


def delete_contracts(org_ids: list[int]) -> None:
    """Remove the contracts these organisations are party to (before their cases go)."""
    contracts = Contract.objects.filter(Q(payer_id__in=org_ids) | Q(provider_id__in=org_ids))
    Evidence.objects.filter(claim__contract__in=contracts).delete()
    Adjustment.objects.filter(claim__contract__in=contracts).delete()
    Sample.objects.filter(contract__in=contracts).delete()
    Claim.objects.filter(contract__in=contracts).update(statement=None)
    Statement.objects.filter(contract__in=contracts).delete()
    Claim.objects.filter(contract__in=contracts).delete()
    contracts.delete()
