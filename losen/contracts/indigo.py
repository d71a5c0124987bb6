"""The contract in the shape of the INDIGO impact bond data standard, for the evaluator.

The standard (Government Outcomes Lab, University of Oxford) describes an outcomes
contract as its parties, its outcome metrics, their pricings, the outcome payments and
the results achieved. This export fills that shape from Losen's own records: the rate
card's outcomes as metrics, each version's prices as pricings, the paid statements as
payments, and per metric and quarter the outcomes achieved, verified and paid. No young
person is named or counted one by one: a count below the small-count threshold is given
as null (`"suppressed": true`), and its amounts with it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.utils import timezone

from losen.contracts.models import Claim, ClaimState, Contract
from losen.lib.suppression import configured_threshold, is_small


def _quarter(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def indigo(contract: Contract, claims: list[Claim]) -> dict[str, Any]:
    versions = list(contract.versions.prefetch_related("outcomes").order_by("number"))
    current = versions[-1]
    threshold = configured_threshold()
    achieved: Counter[tuple[str, str]] = Counter()
    verified: Counter[tuple[str, str]] = Counter()
    amounts: Counter[tuple[str, str]] = Counter()
    for claim in claims:
        key = (claim.outcome, _quarter(claim.achieved_on))
        achieved[key] += 1
        if claim.state in (ClaimState.VERIFIED, ClaimState.PAID):
            verified[key] += 1
            amounts[key] += claim.amount
    results = []
    for metric, quarter in sorted(achieved):
        count = achieved[metric, quarter]
        small = is_small(count, threshold=threshold) or is_small(
            verified[metric, quarter] or None, threshold=threshold
        )
        results.append(
            {
                "outcome_metric_id": metric,
                "period": quarter,
                "achieved": None if small else count,
                "verified": None if small else verified[metric, quarter],
                "amount_verified": None if small else amounts[metric, quarter],
                "suppressed": small,
            }
        )
    return {
        "standard": "INDIGO impact bond data standard (shape)",
        "generated_at": timezone.now().isoformat(),
        "project": {
            "name": contract.name,
            "currency": current.currency,
            "start_date": current.starts_on.isoformat(),
            "end_date": current.ends_on.isoformat(),
            "eligibility": {"min_age": current.min_age, "max_age": current.max_age},
            "measures": current.measures,
            "cap_per_person": current.cap_per_person,
            "cap_total": current.cap_total,
            "baseline": current.baseline or None,
        },
        "organisations": [
            {"role": role, "name": org.name, "org_id": org.org_number or None}
            for role, org in (
                ("outcome_payer", contract.payer),
                ("service_provider", contract.provider),
                ("investor", contract.investor),
                ("evaluator", contract.evaluator),
            )
            if org is not None
        ],
        "outcome_metrics": [
            {
                "id": outcome.code,
                "definition": outcome.name,
                "trigger": outcome.trigger,
                "top_codes": outcome.top_codes,
                "evidence": outcome.evidence,
            }
            for outcome in current.outcomes.all()
        ],
        "outcome_pricings": [
            {
                "outcome_metric_id": outcome.code,
                "version": version.number,
                "valid_from": version.valid_from.isoformat(),
                "price": outcome.price,
            }
            for version in versions
            for outcome in version.outcomes.all()
        ],
        "outcome_payments": [
            {
                "id": statement.pk,
                "period_start": statement.starts_on.isoformat(),
                "period_end": statement.ends_on.isoformat(),
                "paid_on": statement.paid_on.isoformat() if statement.paid_on else None,
                "amount": statement.total,
                "reference": statement.reference,
            }
            for statement in contract.statements.order_by("starts_on")
        ],
        "results": results,
    }
