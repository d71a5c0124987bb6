"""Who sees which outcome contract, and how much of its claims.

- The parties' members (payer, provider, investor, evaluator) see the contract: its terms,
  its rate card and its figures, month by month.
- The provider's team leads and administrators see its claims by the young person's name
  (their own people) and submit them.
- The payer's verifiers see the claims submitted to them and decided by them, by name
  only where the young person consented to verification by the payer, else by a
  pseudonym that holds for that contract only; every claim they are shown is in the
  young person's access log, as read by the payer.
- Nobody else reaches the contract: 404.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, replace

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from losen.accounts.models import Organisation, Role, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_accesses
from losen.audit.models import Purpose
from losen.cases.models import Consent, ConsentPurpose
from losen.contracts.actions import can_pay, can_submit, can_verify
from losen.contracts.models import (
    Claim,
    ClaimState,
    Contract,
    RateOutcome,
    Statement,
    Trigger,
)
from losen.lib import crypto
from losen.lib.dates import add_months
from losen.lib.suppression import configured_threshold, is_small
from losen.people.queries import log_people_shown, visible_to

# What a verifier sees of the provider's claims.
FOR_VERIFIERS = (
    ClaimState.SUBMITTED,
    ClaimState.VERIFIED,
    ClaimState.REJECTED,
    ClaimState.PAID,
)


def contracts_visible_to(actor: User) -> QuerySet[Contract]:
    orgs = {m.organisation_id for m in scope_of(actor).memberships}
    if not orgs:
        return Contract.objects.none()
    return Contract.objects.filter(
        Q(payer_id__in=orgs)
        | Q(provider_id__in=orgs)
        | Q(investor_id__in=orgs)
        | Q(evaluator_id__in=orgs)
    ).select_related("payer", "provider", "investor", "evaluator")


def get_contract_for(actor: User, contract_id: int | str) -> Contract:
    try:
        return contracts_visible_to(actor).get(pk=int(contract_id))
    except (Contract.DoesNotExist, ValueError, TypeError):
        raise Http404("No such contract.") from None


def pseudonym(contract: Contract, person_id: int) -> str:
    """The young person's name for the payer without consent: the same on every page of
    the contract, unrelated across contracts, and no way back to the person."""
    return crypto.lookup_hash(f"contract:{contract.pk}:person:{person_id}")[:8].upper()


@dataclass(frozen=True)
class ClaimRow:
    claim: Claim
    name: str
    named: bool  # the name is the young person's (else a pseudonym)
    outcome: str = ""  # the outcome's name on the claim's rate card


def claims_for(
    actor: User, contract: Contract, claims: list[Claim], *, what: str = "list:claims"
) -> list[ClaimRow]:
    """The claims the actor may see, each with the name they may see and the outcome's
    name on its rate card, the reads logged; 404 for anyone who sees none.

    `claims` are the contract's (as claims_of gives them).
    """
    names = {
        (version, code): name
        for version, code, name in RateOutcome.objects.filter(
            version__contract=contract
        ).values_list("version_id", "code", "name")
    }
    return [
        replace(
            row, outcome=names.get((row.claim.version_id, row.claim.outcome), row.claim.outcome)
        )
        for row in _claims_for(actor, contract, claims, what=what)
    ]


def _claims_for(
    actor: User, contract: Contract, claims: list[Claim], *, what: str
) -> list[ClaimRow]:
    if can_submit(actor, contract):
        # The provider's own young people: by name where the actor may read the person
        # (people's door: a team lead reads their own teams'), else by the pseudonym.
        names = {
            person.pk: person.full_name
            for person in visible_to(actor).filter(pk__in={c.person_id for c in claims})
        }
    elif can_verify(actor, contract):
        claims = [c for c in claims if c.state in FOR_VERIFIERS]
        consented = set(
            Consent.objects.filter(
                case_id__in={c.case_id for c in claims},
                purpose=ConsentPurpose.OUTCOME_VERIFICATION,
                recipient_organisation_id=contract.payer_id,
                withdrawn_at__isnull=True,
            ).values_list("case_id", flat=True)
        )
        # Read across the organisations only under the young person's consent.
        named = {c.person_id for c in claims if c.case_id in consented}
        names = {p.pk: p.full_name for p in contract.provider.people.filter(pk__in=named)}
    else:
        raise Http404("Only the provider's leads and the payer's verifiers see the claims.")
    log_claims_read(actor, contract, claims, what=what)
    return [
        ClaimRow(c, names[c.person_id], True)
        if c.person_id in names
        else ClaimRow(c, pseudonym(contract, c.person_id), False)
        for c in claims
    ]


def log_claims_read(actor: User, contract: Contract, claims: list[Claim], *, what: str) -> None:
    """Every claim shown (or its evidence) in its young person's access log: read by the
    provider's own staff, or by the payer."""
    people = {c.person_id for c in claims}
    if can_submit(actor, contract):
        log_people_shown(actor, [(pid, contract.provider_id) for pid in people], what=what)
    else:
        do_log_accesses(
            actor,
            [(pid, contract.provider_id, None) for pid in people],
            purpose=Purpose.FOLLOW_UP,
            what=what,
            organisation=Organisation(pk=contract.payer_id),
        )


def sees_claims(actor: User, contract: Contract) -> bool:
    return can_submit(actor, contract) or can_verify(actor, contract)


def may_import(actor: User, payer: Organisation) -> bool:
    """The payer's administrators make its contracts in the browser."""
    return scope_of(actor).holds([payer.pk], Role.ADMIN)


def payer_organisations(actor: User) -> list[Organisation]:
    return [m.organisation for m in scope_of(actor).memberships if m.role == Role.ADMIN]


@dataclass(frozen=True)
class Totals:
    made: int
    submitted: int
    verified: int
    paid: int
    rejected: int
    capped: int
    amount_verified: int
    amount_paid: int
    amount_open: int


def totals(claims: list[Claim]) -> Totals:
    states = Counter(c.state for c in claims)
    return Totals(
        made=len(claims),
        submitted=states[ClaimState.SUBMITTED],
        verified=states[ClaimState.VERIFIED],
        paid=states[ClaimState.PAID],
        rejected=states[ClaimState.REJECTED],
        capped=states[ClaimState.CAPPED],
        amount_verified=sum(c.amount for c in claims if c.state == ClaimState.VERIFIED),
        amount_paid=sum(c.amount for c in claims if c.state == ClaimState.PAID),
        amount_open=sum(
            c.amount for c in claims if c.state in (ClaimState.PENDING, ClaimState.SUBMITTED)
        ),
    )


def get_claim_for(actor: User, contract: Contract, claim_id: int | str) -> ClaimRow:
    """One claim, as `claims_for` shows it, its read in the access log; 404 otherwise."""
    try:
        claim = contract.claims.select_related("version").get(pk=int(claim_id))
    except (Claim.DoesNotExist, ValueError, TypeError):
        raise Http404("No such claim.") from None
    if not sees_claims(actor, contract):
        raise Http404("No such claim.")
    rows = claims_for(actor, contract, [claim], what="claim")
    if not rows:
        raise Http404("No such claim.")
    return rows[0]


def statements_for(actor: User, contract: Contract) -> QuerySet[Statement]:
    if not (can_pay(actor, contract) or can_submit(actor, contract)):
        raise Http404("Only the payer and the provider's leads see the statements.")
    return contract.statements.order_by("-starts_on", "-id")


@dataclass(frozen=True)
class Month:
    month: datetime.date
    made: int | None  # claims achieved in the month
    made_amount: int
    verified_amount: int  # by the month of the verifier's decision
    paid_amount: int  # by the month the statement was paid
    cumulative_made: int
    cumulative_verified: int
    cumulative_paid: int
    cap_used: int  # per cent of the contract's cap, by what is paid and verified


def months_of(
    claims: list[Claim],
    statements: list[Statement],
    cap_total: int,
    today: datetime.date,
    *,
    suppressed: bool = False,
) -> list[Month]:
    """The contract month by month, from its first claim to this month: claims made,
    verified and paid, and cumulative, with the share of the contract's cap used. With
    `suppressed`, a month's number of claims below the small-count threshold is None
    (the amounts are the contract's money, shown to its parties)."""
    threshold = configured_threshold()
    if not claims:
        return []
    made: Counter[datetime.date] = Counter()
    made_amount: Counter[datetime.date] = Counter()
    verified: Counter[datetime.date] = Counter()
    paid: Counter[datetime.date] = Counter()
    for claim in claims:
        month = claim.achieved_on.replace(day=1)
        made[month] += 1
        made_amount[month] += claim.amount
        if claim.state in (ClaimState.VERIFIED, ClaimState.PAID) and claim.decided_at:
            verified[timezone.localdate(claim.decided_at).replace(day=1)] += claim.amount
    for statement in statements:
        if statement.paid_on is not None:
            paid[statement.paid_on.replace(day=1)] += statement.total
    month = min(made).replace(day=1)
    last = today.replace(day=1)
    rows, totals = [], [0, 0, 0]
    while month <= last:
        totals = [
            totals[0] + made_amount[month],
            totals[1] + verified[month],
            totals[2] + paid[month],
        ]
        rows.append(
            Month(
                month=month,
                made=None
                if suppressed and is_small(made[month], threshold=threshold)
                else made[month],
                made_amount=made_amount[month],
                verified_amount=verified[month],
                paid_amount=paid[month],
                cumulative_made=totals[0],
                cumulative_verified=totals[1],
                cumulative_paid=totals[2],
                cap_used=round(100 * totals[1] / cap_total) if cap_total else 0,
            )
        )
        month = add_months(month, 1)
    return rows


@dataclass(frozen=True)
class Value:
    """What the payer gets for its money, from the claims (by young person)."""

    started: int | None  # young people with a start claim
    into_work_or_school: int | None  # with an exit claim
    share: float | None  # of those started
    baseline: float | None  # the contract's stated share without the measure
    still_6m: int | None
    still_12m: int | None
    durable_6m: float | None  # of those into work or school
    durable_12m: float | None
    verified_outcomes: int
    cost_per_verified_outcome: int | None
    suppressed: bool = False  # small counts hidden (and the shares made of them)


def value_of(contract: Contract, claims: list[Claim], version, *, suppressed: bool) -> Value:
    """The figures by young person; with `suppressed`, a count below the small-count
    threshold is None, and so is every share made of one."""
    triggers = dict(
        RateOutcome.objects.filter(version__contract=contract).values_list("code", "trigger")
    )
    people: dict[str, set[int]] = {}
    for claim in claims:
        if claim.state != ClaimState.REJECTED:
            people.setdefault(triggers.get(claim.outcome, ""), set()).add(claim.person_id)
    started = len(people.get(Trigger.START, set()))
    exited = people.get(Trigger.EXIT, set())
    six = len(people.get(Trigger.FOLLOWUP_6M, set()) & exited)
    twelve = len(people.get(Trigger.FOLLOWUP_12M, set()) & exited)
    settled = [c for c in claims if c.state in (ClaimState.VERIFIED, ClaimState.PAID)]
    paid = sum(c.amount for c in settled)

    threshold = configured_threshold()

    def shown(count: int) -> int | None:
        return None if suppressed and is_small(count, threshold=threshold) else count

    def share(part: int | None, whole: int | None) -> float | None:
        return part / whole if part is not None and whole else None

    counts = [shown(n) for n in (started, len(exited), six, twelve)]
    return Value(
        started=counts[0],
        into_work_or_school=counts[1],
        share=share(counts[1], counts[0]),
        baseline=(version.baseline or {}).get("share"),
        still_6m=counts[2],
        still_12m=counts[3],
        durable_6m=share(counts[2], counts[1]),
        durable_12m=share(counts[3], counts[1]),
        verified_outcomes=len(settled),
        cost_per_verified_outcome=round(paid / len(settled)) if settled else None,
        suppressed=suppressed,
    )


@dataclass(frozen=True)
class LedgerRow:
    on: datetime.date
    what: str  # "funding", "outcome_payment", "repayment"
    amount: int
    reference: str
    funded: int  # running totals
    paid_by_payer: int
    repaid: int


def ledger_of(contract: Contract) -> list[LedgerRow]:
    """The bridge financing in date order: the investor's funding, the payer's outcome
    payments (the paid statements) and the repayments, with running totals."""
    entries = [(e.on, e.kind, e.amount, e.reference) for e in contract.ledger.all()]
    entries += [
        (s.paid_on, "outcome_payment", s.total, s.reference)
        for s in contract.statements.exclude(paid_on=None)
        if s.paid_on is not None
    ]
    rows, funded, paid, repaid = [], 0, 0, 0
    for on, what, amount, reference in sorted(entries, key=lambda e: (e[0], e[1])):
        if what == "funding":
            funded += amount
        elif what == "repayment":
            repaid += amount
        else:
            paid += amount
        rows.append(LedgerRow(on, what, amount, reference, funded, paid, repaid))
    return rows
