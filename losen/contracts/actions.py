"""Every write of an outcome contract: making it (and its versions), keeping its claims
current with the provider's events, submitting them, and the payer's verification."""

from __future__ import annotations

import datetime
import random
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from losen.accounts.models import Role, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_change, do_log_changes
from losen.cases.models import CaseEvent
from losen.contracts.claims import Share, achievements, case_facts, share_out, version_on
from losen.contracts.contract_file import ContractSpec
from losen.contracts.models import (
    SETTLED,
    Adjustment,
    Claim,
    ClaimState,
    Contract,
    ContractVersion,
    Evidence,
    LedgerEntry,
    RateOutcome,
    Sample,
    Statement,
)
from losen.lib.errors import NotAllowed


class VersionNotInFuture(ValueError):
    """A new version takes effect today or later: the claims made stay as they were."""


@transaction.atomic
def do_import_contract(actor: User | None, spec: ContractSpec) -> ContractVersion:
    """The contract the file describes: a new contract, or a new version of the one with
    that name (taking effect on `valid_from`, today unless given, never before today)."""
    today = timezone.localdate()
    contract = Contract.objects.select_for_update().filter(name=spec.name).first()
    if contract is None:
        contract = Contract.objects.create(
            name=spec.name,
            payer=spec.payer,
            provider=spec.provider,
            investor=spec.investor,
            evaluator=spec.evaluator,
            investor_return_cap=spec.investor_return_cap,
            created_by=actor,
        )
        number, valid_from = 1, spec.valid_from or spec.starts_on
    else:
        if (contract.payer_id, contract.provider_id) != (spec.payer.pk, spec.provider.pk):
            raise NotAllowed("A new version keeps the contract's payer and provider.")
        valid_from = spec.valid_from or today
        if valid_from < today:
            raise VersionNotInFuture()
        last = contract.versions.order_by("-number").first()
        number = last.number + 1 if last else 1
        # The caps may have changed: the claims are shared out again when next read.
        Contract.objects.filter(pk=contract.pk).update(synced_at=None)
    version = ContractVersion.objects.create(
        contract=contract,
        number=number,
        valid_from=valid_from,
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        currency=spec.currency,
        cap_per_person=spec.cap_per_person,
        cap_total=spec.cap_total,
        min_age=spec.min_age,
        max_age=spec.max_age,
        measures=spec.measures,
        baseline=spec.baseline,
        created_by=actor,
    )
    RateOutcome.objects.bulk_create(
        RateOutcome(
            version=version,
            position=position,
            code=outcome.code,
            name=outcome.name,
            trigger=outcome.trigger,
            top_codes=outcome.top_codes,
            price=outcome.price,
            evidence=outcome.evidence,
        )
        for position, outcome in enumerate(spec.outcomes, start=1)
    )
    do_log_change(
        actor,
        action="contract.created" if number == 1 else "contract.version_added",
        obj=version,
        organisation_id=contract.payer_id,
        changed_fields=["rate_card", "caps", "eligibility", "period"],
    )
    return version


def _versions(contract: Contract) -> list[ContractVersion]:
    return list(contract.versions.prefetch_related("outcomes").order_by("valid_from", "number"))


@dataclass
class _Held:
    """A claim as the synchronisation reads and changes it (no model instance each)."""

    pk: int
    person_id: int
    outcome: str
    position: int
    achieved_on: datetime.date
    case_id: int
    price: int
    amount: int
    capped_by: str
    state: str

    def row(self) -> tuple:
        return (self.achieved_on, self.case_id, self.amount, self.capped_by, self.state)


HELD_FIELDS = [f.name for f in fields(_Held)]
ORDER = ("achieved_on", "person_id", "position", "pk")


@transaction.atomic
def do_sync_claims(contract: Contract, *, today: datetime.date | None = None) -> int:
    """Make the contract's claims agree with the provider's events, and share out the caps.

    New achievements become pending claims (made in the order of the rules, so the same
    events give the same claim numbers); an unsettled claim follows its achievement to
    another day, or goes when it is no longer achieved; a settled one stays and, if the
    events no longer bear it out, gets an adjustment line. Returns how many claims
    changed (made, moved, withdrawn, or a new amount).
    """
    today = today or timezone.localdate()
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    versions = _versions(contract)
    found = {
        (a.person_id, a.outcome): a
        for a in achievements(
            versions,
            case_facts(contract.provider_id, with_measures=any(v.measures for v in versions)),
            today,
        )
    }
    held = {
        (h.person_id, h.outcome): h
        for h in (_Held(*row) for row in contract.claims.values_list(*HELD_FIELDS))
    }
    gone = [h for key, h in held.items() if key not in found and h.state not in SETTLED]
    if gone:
        Claim.objects.filter(pk__in=[h.pk for h in gone]).delete()
        do_log_changes(
            None,
            action="claim.withdrawn",
            model=Claim,
            objects=[(h.pk, h.person_id) for h in gone],
            organisation_id=contract.provider_id,
        )
    made = Claim.objects.bulk_create(
        Claim(
            contract=contract,
            version_id=a.version_id,
            outcome=a.outcome,
            position=a.position,
            person_id=a.person_id,
            case_id=a.case_id,
            achieved_on=a.achieved_on,
            price=a.price,
            amount=0,
        )
        for key, a in found.items()
        if key not in held
    )
    if made:
        do_log_changes(
            None,
            action="claim.made",
            model=Claim,
            objects=[(c.pk, c.person_id) for c in made],
            organisation_id=contract.provider_id,
        )
    gone_keys = {(h.person_id, h.outcome) for h in gone}
    kept = [h for key, h in held.items() if key not in gone_keys]
    before = {h.pk: h.row() for h in kept}
    everything = kept + [_Held(*(getattr(c, name) for name in HELD_FIELDS)) for c in made]
    for claim in everything:
        achieved = found.get((claim.person_id, claim.outcome))
        if claim.state in SETTLED:
            _adjust(claim, achieved)
        elif achieved is not None:
            claim.achieved_on, claim.case_id = achieved.achieved_on, achieved.case_id
    _share(versions, everything, today)
    changed = [
        Claim(
            pk=h.pk,
            achieved_on=h.achieved_on,
            case_id=h.case_id,
            amount=h.amount,
            capped_by=h.capped_by,
            state=h.state,
        )
        for h in everything
        if h.state not in SETTLED and before.get(h.pk) != h.row()
    ]
    Claim.objects.bulk_update(
        changed, ["achieved_on", "case", "amount", "capped_by", "state"], batch_size=1000
    )
    contract.synced_at = timezone.now()
    Contract.objects.filter(pk=contract.pk).update(synced_at=contract.synced_at)
    return len(gone) + len({c.pk for c in changed} | {c.pk for c in made})


def claims_of(contract: Contract, *, today: datetime.date | None = None) -> list[Claim]:
    """The contract's claims as the events stand, in the order of the rules: made again
    only when something could have changed them (a case event of the provider's
    recorded since, a new version, or a new day)."""
    today = today or timezone.localdate()
    # As stored now (another request, or a new version, may have changed it).
    synced = Contract.objects.filter(pk=contract.pk).values_list("synced_at", flat=True).first()
    if (
        synced is None
        or timezone.localdate(synced) != today
        or CaseEvent.objects.filter(
            organisation_id=contract.provider_id, recorded_at__gte=synced
        ).exists()
    ):
        do_sync_claims(contract, today=today)
    return list(contract.claims.order_by(*ORDER))


def _adjust(claim: _Held, achieved) -> None:
    """An adjustment line for a settled claim the events no longer bear out (once each)."""
    if claim.state == ClaimState.REJECTED:
        return
    if achieved is None:
        reason, day, amount = Adjustment.Reason.WITHDRAWN, None, -claim.amount
    elif achieved.achieved_on != claim.achieved_on:
        reason, day, amount = Adjustment.Reason.MOVED, achieved.achieved_on, 0
    else:
        return
    if not Adjustment.objects.filter(claim_id=claim.pk, reason=reason, achieved_on=day).exists():
        Adjustment.objects.create(claim_id=claim.pk, reason=reason, achieved_on=day, amount=amount)


def _share(versions: list[ContractVersion], claims: list[_Held], today: datetime.date) -> None:
    """Each unsettled claim's amount and state under the caps of the version in force."""
    terms = version_on(versions, today)
    shares = [
        Share(
            key=claim,
            person_id=claim.person_id,
            achieved_on=claim.achieved_on,
            position=claim.position,
            price=claim.price,
            fixed=claim.amount if claim.state in SETTLED else None,
        )
        for claim in claims
        if claim.state != ClaimState.REJECTED
    ]
    share_out(shares, cap_per_person=terms.cap_per_person, cap_total=terms.cap_total)
    for share in shares:
        claim = share.key
        assert isinstance(claim, _Held)
        if claim.state in SETTLED:
            continue
        claim.amount, claim.capped_by = share.amount, share.capped_by
        if share.amount == 0:
            claim.state = ClaimState.CAPPED
        elif claim.state == ClaimState.CAPPED:
            claim.state = ClaimState.PENDING


# --- submitting and verifying -----------------------------------------------------------


class NotSubmittable(ValueError):
    """Only pending claims with something to pay are submitted."""


def can_submit(actor: User, contract: Contract) -> bool:
    """The provider's team leads and administrators submit its claims."""
    return scope_of(actor).holds([contract.provider_id], Role.TEAM_LEAD, Role.ADMIN)


def can_verify(actor: User, contract: Contract) -> bool:
    """The payer's verifiers verify and reject the submitted claims."""
    return scope_of(actor).holds([contract.payer_id], Role.VERIFIER)


@transaction.atomic
def do_submit_claims(actor: User, contract: Contract, claim_ids: Iterable[int]) -> int:
    """Submit a batch of the contract's pending claims for verification; the number."""
    if not can_submit(actor, contract):
        raise NotAllowed("The provider's team leads and administrators submit claims.")
    claims = list(
        Claim.objects.select_for_update().filter(
            contract=contract, pk__in=list(claim_ids), state=ClaimState.PENDING
        )
    )
    now = timezone.now()
    for claim in claims:
        claim.state, claim.submitted_at = ClaimState.SUBMITTED, now
    Claim.objects.bulk_update(claims, ["state", "submitted_at"])
    do_log_changes(
        actor,
        action="claim.submitted",
        model=Claim,
        objects=[(c.pk, c.person_id) for c in claims],
        organisation_id=contract.provider_id,
        changed_fields=["state"],
    )
    return len(claims)


def _decide(actor: User, claim: Claim) -> Claim:
    if not can_verify(actor, claim.contract):
        raise NotAllowed("The payer's verifiers decide on the claims.")
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.state != ClaimState.SUBMITTED:
        raise NotSubmittable()
    return locked


@transaction.atomic
def do_verify_claim(actor: User, claim: Claim) -> Claim:
    """Verified: the claim and its amount never change again."""
    locked = _decide(actor, claim)
    locked.state, locked.decided_at, locked.decided_by = (
        ClaimState.VERIFIED,
        timezone.now(),
        actor,
    )
    locked.save(update_fields=["state", "decided_at", "decided_by"])
    do_log_change(
        actor,
        action="claim.verified",
        obj=locked,
        organisation_id=claim.contract.payer_id,
        person_id=locked.person_id,
        changed_fields=["state"],
    )
    return locked


@transaction.atomic
def do_reject_claim(actor: User, claim: Claim, *, reason: str) -> Claim:
    reason = reason.strip()
    if not reason:
        raise ValueError("A rejection says why.")
    locked = _decide(actor, claim)
    locked.state, locked.decided_at, locked.decided_by = (
        ClaimState.REJECTED,
        timezone.now(),
        actor,
    )
    locked.reject_reason, locked.amount = reason, 0
    locked.save(update_fields=["state", "decided_at", "decided_by", "reject_reason", "amount"])
    do_log_change(
        actor,
        action="claim.rejected",
        obj=locked,
        organisation_id=claim.contract.payer_id,
        person_id=locked.person_id,
        changed_fields=["state", "reject_reason"],
    )
    return locked


# --- evidence, samples and payment -----------------------------------------------------


@transaction.atomic
def do_add_evidence(
    actor: User,
    claim: Claim,
    *,
    kind: str,
    description: str,
    obtained_on: datetime.date,
    document: UploadedFile | None = None,
    employer: str = "",
    employer_number: str = "",
) -> Evidence:
    """The provider's evidence for a claim, until it is settled."""
    if not can_submit(actor, claim.contract):
        raise NotAllowed("The provider's team leads and administrators add evidence.")
    if claim.state in SETTLED:
        raise NotSubmittable()
    if obtained_on > timezone.localdate():
        raise ValueError("Evidence is obtained by today.")
    evidence = Evidence(
        claim=claim,
        kind=kind,
        description=description.strip(),
        obtained_on=obtained_on,
        obtained_by=actor,
        employer=employer.strip(),
        employer_number="".join(c for c in employer_number if c.isdigit()),
    )
    if document is not None:
        extension = PurePath(document.name or "").suffix.lower()
        evidence.document.save(
            f"evidence-{claim.pk}-{uuid.uuid4().hex}{extension}", document, save=False
        )
    evidence.save()
    do_log_change(
        actor,
        action="claim.evidence_added",
        obj=evidence,
        organisation_id=claim.contract.provider_id,
        person_id=claim.person_id,
        changed_fields=["kind", "description", "document", "employer"],
    )
    return evidence


def employed_by_provider(evidence: Evidence, contract: Contract) -> bool:
    """The outcome's employer is the provider itself (by number, or by name)."""
    provider = contract.provider
    if evidence.employer_number and provider.org_number:
        return evidence.employer_number == provider.org_number
    return bool(evidence.employer) and evidence.employer.casefold() == provider.name.casefold()


@transaction.atomic
def do_draw_sample(actor: User, contract: Contract, *, size: int) -> Sample:
    """Draw `size` of the submitted claims at random, for the verifier to check in depth."""
    if not can_verify(actor, contract):
        raise NotAllowed("The payer's verifiers draw samples.")
    if size < 1:
        raise ValueError("A sample holds at least one claim.")
    pool = list(
        contract.claims.filter(state=ClaimState.SUBMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not pool:
        raise NotSubmittable()
    seed = secrets.token_hex(8)
    drawn = random.Random(seed).sample(pool, min(size, len(pool)))
    sample = Sample.objects.create(contract=contract, size=len(drawn), seed=seed, drawn_by=actor)
    sample.claims.set(drawn)
    do_log_change(
        actor,
        action="contract.sample_drawn",
        obj=sample,
        organisation_id=contract.payer_id,
        changed_fields=["claims", "seed"],
    )
    return sample


@transaction.atomic
def do_record_sample_result(actor: User, sample: Sample, *, result: str) -> Sample:
    if not can_verify(actor, sample.contract):
        raise NotAllowed("The payer's verifiers record what a sample found.")
    result = result.strip()
    if not result:
        raise ValueError("Say what the check found.")
    locked = Sample.objects.select_for_update().get(pk=sample.pk)
    if locked.completed_at is not None:
        raise NotSubmittable()
    locked.result, locked.completed_at = result, timezone.now()
    locked.save(update_fields=["result", "completed_at"])
    do_log_change(
        actor,
        action="contract.sample_checked",
        obj=locked,
        organisation_id=sample.contract.payer_id,
        changed_fields=["result"],
    )
    return locked


class NothingToPay(ValueError):
    """No verified claim waits for payment in the period."""


def can_pay(actor: User, contract: Contract) -> bool:
    """The payer's verifiers and administrators make and settle the payment statements."""
    return scope_of(actor).holds([contract.payer_id], Role.VERIFIER, Role.ADMIN)


@transaction.atomic
def do_make_statement(
    actor: User, contract: Contract, *, starts_on: datetime.date, ends_on: datetime.date
) -> Statement:
    """A statement of the claims verified in the period and not on a statement yet."""
    if not can_pay(actor, contract):
        raise NotAllowed("The payer makes its payment statements.")
    if ends_on < starts_on or ends_on >= timezone.localdate():
        raise ValueError("A statement covers a period that is over.")
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    claims = list(
        contract.claims.filter(
            state=ClaimState.VERIFIED,
            statement__isnull=True,
            decided_at__date__gte=starts_on,
            decided_at__date__lte=ends_on,
        )
    )
    if not claims:
        raise NothingToPay()
    statement = Statement.objects.create(
        contract=contract,
        starts_on=starts_on,
        ends_on=ends_on,
        total=sum(c.amount for c in claims),
        made_by=actor,
    )
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(statement=statement)
    do_log_change(
        actor,
        action="contract.statement_made",
        obj=statement,
        organisation_id=contract.payer_id,
        changed_fields=["claims", "total"],
    )
    return statement


@transaction.atomic
def do_mark_paid(
    actor: User, statement: Statement, *, paid_on: datetime.date, reference: str
) -> Statement:
    """The statement is paid: its claims are paid, and stay so."""
    if not can_pay(actor, statement.contract):
        raise NotAllowed("The payer settles its payment statements.")
    reference = reference.strip()
    if not reference:
        raise ValueError("A payment has a reference.")
    if paid_on > timezone.localdate() or paid_on < statement.ends_on:
        raise ValueError("A statement is paid after its period, by today.")
    locked = Statement.objects.select_for_update().get(pk=statement.pk)
    if locked.paid_on is not None:
        raise NotSubmittable()
    locked.paid_on, locked.reference = paid_on, reference
    locked.save(update_fields=["paid_on", "reference"])
    paid = list(locked.claims.filter(state=ClaimState.VERIFIED).values_list("pk", "person_id"))
    Claim.objects.filter(pk__in=[pk for pk, _person in paid]).update(state=ClaimState.PAID)
    do_log_changes(
        actor,
        action="claim.paid",
        model=Claim,
        objects=paid,
        organisation_id=statement.contract.payer_id,
        changed_fields=["state"],
    )
    return locked


# --- bridge financing -------------------------------------------------------------------


class OverReturnCap(ValueError):
    """The repayment would give the investor more than the return cap allows."""


def can_keep_ledger(actor: User, contract: Contract) -> bool:
    """The administrators of the payer, the provider and the investor keep the ledger."""
    parties = [contract.payer_id, contract.provider_id, contract.investor_id]
    return scope_of(actor).holds(parties, Role.ADMIN)


@transaction.atomic
def do_record_ledger_entry(
    actor: User,
    contract: Contract,
    *,
    kind: str,
    on: datetime.date,
    amount: int,
    reference: str = "",
) -> LedgerEntry:
    """The investor's funding, or a repayment to it (never beyond the return cap)."""
    if not can_keep_ledger(actor, contract) or contract.investor_id is None:
        raise NotAllowed("The parties' administrators keep the ledger of a bridged contract.")
    if amount <= 0 or on > timezone.localdate():
        raise ValueError("An entry has an amount, on a day by today.")
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    if kind == LedgerEntry.Kind.REPAYMENT and contract.investor_return_cap is not None:
        funded = sum(e.amount for e in contract.ledger.filter(kind=LedgerEntry.Kind.FUNDING))
        repaid = sum(e.amount for e in contract.ledger.filter(kind=LedgerEntry.Kind.REPAYMENT))
        if repaid + amount > funded * (100 + contract.investor_return_cap) // 100:
            raise OverReturnCap()
    entry = LedgerEntry.objects.create(
        contract=contract,
        kind=kind,
        on=on,
        amount=amount,
        reference=reference.strip(),
        recorded_by=actor,
    )
    do_log_change(
        actor,
        action="contract.ledger_entry",
        obj=entry,
        organisation_id=contract.payer_id,
        changed_fields=["kind", "amount", "on"],
    )
    return entry
