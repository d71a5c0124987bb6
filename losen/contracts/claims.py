"""Which outcomes of a contract the provider's cases have achieved, and what each pays.

The rules, exactly (the README repeats them):

- A case counts when it belongs to the provider, its referral date lies within the
  contract's period, the young person's age in whole years on the referral date is
  within the eligibility (both ends included), and, if the contract names measures, it
  has an enrolment in one of them (an imported case has the enrolment of its `measure`).
- An outcome is achieved: `start` on the case's first start in a measure; `exit` on the
  exit date when the exit's top-level code is on the outcome's list; `followup_6m` and
  `followup_12m` on the follow-up's due date (the exit plus 6 or 12 months) when it is
  registered as reached with a top-level code on the list. Only achievements on or before
  the contract's end, and not after today, count.
- One claim per young person and outcome: with several counting cases, the earliest
  achievement (then the lower case number).
- Each young person's claims, by achievement date and then the rate card's order, pay
  their price until the cap per person is reached: the claim that crosses it pays what is
  left, the later ones nothing (state `capped`). Then all the contract's claims, by
  achievement date, then person, then the rate card's order, pay until the contract's
  cap, in the same way. Amounts are whole units of the currency.

Dates are the events' own, a correction's date replacing the corrected event's (the
latest correction wins), as everywhere in Losen's figures. The version in force on a day
is the latest that took effect on or before it (the first, before its own date): a case
is eligible by the version in force on its referral date, and an outcome is priced by
the version in force on its achievement date. A claim made keeps its version, and a
settled claim (verified, rejected, paid) keeps its amount: the caps share out what the
settled claims leave.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Min, Q

from losen.cases.models import Case, CaseEvent, EventKind
from losen.contracts.models import FOLLOW_UP_TRIGGERS, ContractVersion, RateOutcome, Trigger
from losen.lib.dates import add_months
from losen.outcomes.models import FollowUp
from losen.people.models import age_on
from losen.programs.models import Enrolment

# The cap that made a claim pay less than its price.
PERSON_CAP = "person"
TOTAL_CAP = "total"


@dataclass
class CaseFacts:
    """What the rules read of one case of the provider."""

    case_id: int
    person_id: int
    birth_date: datetime.date
    referred_on: datetime.date | None = None
    started_on: datetime.date | None = None
    exited_on: datetime.date | None = None
    exit_top: str = ""
    # months → (due date, top-level code) of the follow-ups registered as reached.
    reached: dict[int, tuple[datetime.date, str]] = field(default_factory=dict)
    # The names of the measures the case has (had) an enrolment in.
    measures: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Achievement:
    person_id: int
    case_id: int
    outcome: str
    position: int
    achieved_on: datetime.date
    version_id: int
    price: int


def version_on(versions: Sequence[ContractVersion], day: datetime.date) -> ContractVersion:
    """The version in force on the day (`versions` in order of their date)."""
    current = versions[0]
    for version in versions:
        if version.valid_from <= day:
            current = version
    return current


def case_facts(provider_id: int, *, with_measures: bool = True) -> list[CaseFacts]:
    """The provider's cases with their referral, first start, exit, reached follow-ups
    and (`with_measures`) the measures they were enrolled in; a handful of queries in
    all, however many cases."""
    cases = Case.objects.filter(organisation_id=provider_id)
    original = Q(events__corrects__isnull=True)
    rows = cases.values_list(
        "pk", "person_id", "person__birth_date", "exit__exited_on", "exit__top_code"
    ).annotate(
        referred_on=Min(
            "events__effective_on", filter=original & Q(events__kind=EventKind.REFERRED)
        ),
        started_on=Min(
            "events__effective_on", filter=original & Q(events__kind=EventKind.ENROLMENT_STARTED)
        ),
    )
    facts = {
        pk: CaseFacts(
            pk,
            person_id,
            birth,
            referred_on=referred,
            started_on=started,
            exited_on=exited_on,
            exit_top=top or "",
        )
        for pk, person_id, birth, exited_on, top, referred, started in rows
    }
    if with_measures:
        for case_id, name in (
            Enrolment.objects.filter(organisation_id=provider_id)
            .values_list("case_id", "measure__name")
            .distinct()
        ):
            if case_id in facts:
                facts[case_id].measures.add(name)
    for case_id, months, due_on, top in FollowUp.objects.filter(
        organisation_id=provider_id, reached=True
    ).values_list("case_id", "months", "due_on", "top_code"):
        if case_id in facts:
            facts[case_id].reached[months] = (due_on, top)
    _apply_corrections(provider_id, facts)
    return list(facts.values())


def _apply_corrections(provider_id: int, facts: dict[int, CaseFacts]) -> None:
    """Cases with a corrected referral, start or exit: those dates worked out from their
    events, the latest correction's date replacing the corrected event's."""
    kinds = (EventKind.REFERRED, EventKind.ENROLMENT_STARTED, EventKind.EXIT)
    latest: dict[int, datetime.date] = {}
    for target, day in (
        CaseEvent.objects.filter(
            organisation_id=provider_id, kind=EventKind.CORRECTION, corrects__kind__in=kinds
        )
        .order_by("recorded_at", "id")
        .values_list("corrects_id", "effective_on")
    ):
        latest[target] = day
    if not latest:
        return
    case_ids = set(CaseEvent.objects.filter(pk__in=latest).values_list("case_id", flat=True)) & set(
        facts
    )
    events = CaseEvent.objects.filter(
        case_id__in=case_ids, kind__in=kinds, corrects__isnull=True
    ).order_by("recorded_at", "id")
    fresh: dict[int, dict[str, datetime.date | None]] = {
        pk: {"referred": None, "started": None, "exit": None} for pk in case_ids
    }
    for pk, case_id, kind, effective_on in events.values_list(
        "id", "case_id", "kind", "effective_on"
    ):
        day = latest.get(pk, effective_on)
        dates = fresh[case_id]
        if kind == EventKind.REFERRED:
            dates["referred"] = min(filter(None, (dates["referred"], day)))
        elif kind == EventKind.ENROLMENT_STARTED:
            dates["started"] = min(filter(None, (dates["started"], day)))
        else:
            dates["exit"] = day  # the latest recorded exit
    for case_id, dates in fresh.items():
        case = facts[case_id]
        case.referred_on, case.started_on = dates["referred"], dates["started"]
        if case.exited_on is not None and dates["exit"] is not None:
            moved_by = dates["exit"] != case.exited_on
            case.exited_on = dates["exit"]
            if moved_by:
                # The follow-ups are due the same months after the corrected exit.
                case.reached = {
                    months: (add_months(case.exited_on, months), top)
                    for months, (_due, top) in case.reached.items()
                }


def achieved_on(outcome: RateOutcome, case: CaseFacts) -> datetime.date | None:
    """The day the case achieved the outcome, if it has."""
    if outcome.trigger == Trigger.START:
        return case.started_on
    if outcome.trigger == Trigger.EXIT:
        if case.exited_on is not None and case.exit_top in outcome.top_codes:
            return case.exited_on
        return None
    months = FOLLOW_UP_TRIGGERS.get(outcome.trigger)
    if months is not None and months in case.reached:
        due_on, top = case.reached[months]
        return due_on if top in outcome.top_codes else None
    return None


def achievements(
    versions: Sequence[ContractVersion],
    cases: Iterable[CaseFacts],
    today: datetime.date,
) -> list[Achievement]:
    """Every (young person, outcome) the counting cases achieved: the earliest of each."""
    cards = {version.pk: list(version.outcomes.all()) for version in versions}
    lines = {(pk, o.code): o for pk, card in cards.items() for o in card}
    found: dict[tuple[int, str], Achievement] = {}
    for case in cases:
        if case.referred_on is None:
            continue
        terms = version_on(versions, case.referred_on)
        if not terms.starts_on <= case.referred_on <= terms.ends_on:
            continue
        if not terms.min_age <= age_on(case.birth_date, case.referred_on) <= terms.max_age:
            continue
        if terms.measures and not case.measures.intersection(terms.measures):
            continue
        for outcome in cards[terms.pk]:
            day = achieved_on(outcome, case)
            if day is None or day > terms.ends_on or day > today:
                continue
            priced = version_on(versions, day)
            line = lines.get((priced.pk, outcome.code), outcome)
            candidate = Achievement(
                person_id=case.person_id,
                case_id=case.case_id,
                outcome=outcome.code,
                position=line.position,
                achieved_on=day,
                version_id=priced.pk,
                price=line.price,
            )
            key = (case.person_id, outcome.code)
            held = found.get(key)
            if held is None or (day, case.case_id) < (held.achieved_on, held.case_id):
                found[key] = candidate
    return sorted(found.values(), key=lambda a: (a.achieved_on, a.person_id, a.position))


@dataclass
class Share:
    """One claim as the caps see it: `fixed` when settled (its amount cannot change)."""

    key: object
    person_id: int
    achieved_on: datetime.date
    position: int
    price: int
    fixed: int | None = None
    amount: int = 0
    capped_by: str = ""


def share_out(shares: list[Share], *, cap_per_person: int, cap_total: int) -> None:
    """Set each unsettled share's amount under the two caps (the rules above); a settled
    share's fixed amount counts against both caps first."""
    by_person: dict[int, list[Share]] = {}
    for share in shares:
        by_person.setdefault(share.person_id, []).append(share)
    for own in by_person.values():
        left = cap_per_person - sum(s.fixed for s in own if s.fixed is not None)
        for share in sorted(own, key=lambda s: (s.achieved_on, s.position)):
            if share.fixed is not None:
                share.amount = share.fixed
                continue
            share.amount = max(0, min(share.price, left))
            share.capped_by = PERSON_CAP if share.amount < share.price else ""
            left -= share.amount
    left = cap_total - sum(s.fixed for s in shares if s.fixed is not None)
    for share in sorted(shares, key=lambda s: (s.achieved_on, s.person_id, s.position)):
        if share.fixed is not None:
            continue
        paid = max(0, min(share.amount, left))
        if paid < share.amount:
            share.capped_by = TOTAL_CAP
        share.amount = paid
        left -= paid
