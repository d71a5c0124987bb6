"""A contract from a JSON file (`losen contract import FILE`), checked before anything is made.

The shape (`measures` optional: absent or empty, every measure counts; `investor`,
`evaluator`, `valid_from` and an outcome's `top_codes` and `evidence` optional)::

    {"name": "UNG i Demo", "payer": "Demo kommune", "provider": "PitStop Demo",
     "starts_on": "2024-08-01", "ends_on": "2028-07-31", "currency": "NOK",
     "cap_per_person": 120000, "cap_total": 4000000,
     "eligibility": {"min_age": 15, "max_age": 21}, "measures": ["Restart"],
     "outcomes": [{"code": "engaged", "name": "Started", "trigger": "start", "price": 5000},
                  {"code": "into_work", "name": "Into work", "trigger": "exit",
                   "top_codes": ["work"], "price": 30000}]}

`investor_return_cap` (optional, with an investor) is the most the investor gets back,
in per cent above its funding. `baseline` (optional) states what the outcomes are
measured against: `{"description": "...", "share": 0.25, "source": "..."}`, the share of
similar young people in work or education within 12 months without the measure.
`payer`, `provider`, `investor` and `evaluator` are organisation names or numbers. Every
problem is reported with the field it is in (`outcomes[1].trigger`), all at once.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from losen.accounts.lookup import NotFound, find_organisation
from losen.accounts.models import Organisation
from losen.contracts.models import Trigger
from losen.outcomes.codes import TOP_LEVEL
from losen.programs.models import Measure

CURRENCIES = ("NOK", "SEK", "EUR", "GBP", "DKK")
EVIDENCE_KINDS = ("document", "register_check", "self_certified")


@dataclass(frozen=True)
class OutcomeSpec:
    code: str
    name: str
    trigger: str
    price: int
    top_codes: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ContractSpec:
    name: str
    payer: Organisation
    provider: Organisation
    starts_on: datetime.date
    ends_on: datetime.date
    currency: str
    cap_per_person: int
    cap_total: int
    min_age: int
    max_age: int
    outcomes: list[OutcomeSpec]
    measures: list[str] = field(default_factory=list)
    investor: Organisation | None = None
    evaluator: Organisation | None = None
    valid_from: datetime.date | None = None
    baseline: dict[str, Any] = field(default_factory=dict)
    investor_return_cap: int | None = None


class ContractFileError(ValueError):
    """The file is refused; `problems` are (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems))
        self.problems = problems


class _Reader:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.problems: list[tuple[str, str]] = []

    def fail(self, where: str, what: str) -> None:
        self.problems.append((where, what))

    def text(self, source: dict, key: str, where: str, *, required: bool = True) -> str:
        value = source.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(where, _("is missing"))
            return ""
        if not isinstance(value, str):
            self.fail(where, _("must be text"))
            return ""
        return value.strip()

    def whole(self, source: dict, key: str, where: str) -> int:
        value = source.get(key)
        if value is None:
            self.fail(where, _("is missing"))
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, _("must be a whole number"))
            return 0
        if value < 0:
            self.fail(where, _("must not be negative"))
            return 0
        return value

    def date(self, source: dict, key: str, where: str, *, required: bool = True):
        value = source.get(key)
        if value is None:
            if required:
                self.fail(where, _("is missing"))
            return None
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(where, _("must be a date as YYYY-MM-DD"))
            return None

    def organisation(self, key: str, *, required: bool = True) -> Organisation | None:
        name = self.text(self.data, key, key, required=required)
        if not name:
            return None
        try:
            return find_organisation(name)
        except NotFound:
            self.fail(key, _("no organisation is called or numbered “%(name)s”") % {"name": name})
            return None

    def codes(self, source: dict, key: str, where: str, allowed) -> list[str]:
        value = source.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(where, _("must be a list of codes"))
            return []
        for n, code in enumerate(value):
            if code not in allowed:
                self.fail(f"{where}[{n}]", _("unknown code “%(code)s”") % {"code": code})
        return list(dict.fromkeys(value))


def read_contract(data: Any) -> ContractSpec:
    """The contract the data describes, or ContractFileError naming every problem."""
    if not isinstance(data, dict):
        raise ContractFileError([("", _("the file must hold one JSON object"))])
    read = _Reader(data)
    name = read.text(data, "name", "name")
    payer = read.organisation("payer")
    provider = read.organisation("provider")
    investor = read.organisation("investor", required=False)
    evaluator = read.organisation("evaluator", required=False)
    if payer is not None and provider is not None and payer.pk == provider.pk:
        read.fail("provider", _("the provider cannot be the payer"))
    starts_on = read.date(data, "starts_on", "starts_on")
    ends_on = read.date(data, "ends_on", "ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        read.fail("ends_on", _("the contract ends before it starts"))
    valid_from = read.date(data, "valid_from", "valid_from", required=False)
    currency = read.text(data, "currency", "currency") or "NOK"
    if currency not in CURRENCIES:
        read.fail("currency", _("unknown currency “%(code)s”") % {"code": currency})
    cap_per_person = read.whole(data, "cap_per_person", "cap_per_person")
    cap_total = read.whole(data, "cap_total", "cap_total")
    eligibility = data.get("eligibility")
    min_age = max_age = 0
    if not isinstance(eligibility, dict):
        read.fail("eligibility", _("is missing"))
    else:
        min_age = read.whole(eligibility, "min_age", "eligibility.min_age")
        max_age = read.whole(eligibility, "max_age", "eligibility.max_age")
        if max_age < min_age:
            read.fail("eligibility.max_age", _("is below the youngest age"))
    measures = data.get("measures") or []
    if not isinstance(measures, list) or not all(isinstance(m, str) for m in measures):
        read.fail("measures", _("must be a list of measure names"))
        measures = []
    if provider is not None and measures:
        known = set(Measure.objects.filter(organisation=provider).values_list("name", flat=True))
        for n, measure in enumerate(measures):
            if measure not in known:
                read.fail(
                    f"measures[{n}]",
                    _("%(provider)s has no measure called “%(name)s”")
                    % {"provider": provider.name, "name": measure},
                )
    outcomes = _outcomes(read, data.get("outcomes"))
    baseline = _baseline(read, data.get("baseline"))
    return_cap = None
    if "investor_return_cap" in data:
        return_cap = read.whole(data, "investor_return_cap", "investor_return_cap")
        if investor is None:
            read.fail("investor_return_cap", _("a return cap needs an investor"))
    if read.problems:
        raise ContractFileError(read.problems)
    assert payer is not None and provider is not None
    assert starts_on is not None and ends_on is not None
    return ContractSpec(
        name=name,
        payer=payer,
        provider=provider,
        investor=investor,
        evaluator=evaluator,
        starts_on=starts_on,
        ends_on=ends_on,
        valid_from=valid_from,
        currency=currency,
        cap_per_person=cap_per_person,
        cap_total=cap_total,
        min_age=min_age,
        max_age=max_age,
        measures=list(dict.fromkeys(measures)),
        outcomes=outcomes,
        baseline=baseline,
        investor_return_cap=return_cap,
    )


def _baseline(read: _Reader, value: Any) -> dict[str, Any]:
    """`{"description": "...", "share": 0.25, "source": "..."}`, or nothing."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        read.fail("baseline", _("must be an object"))
        return {}
    share = value.get("share")
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        read.fail("baseline.share", _("must be a share between 0 and 1"))
        share = 0
    return {
        "description": read.text(value, "description", "baseline.description"),
        "share": float(share),
        "source": read.text(value, "source", "baseline.source", required=False),
    }


def _outcomes(read: _Reader, value: Any) -> list[OutcomeSpec]:
    if not isinstance(value, list) or not value:
        read.fail("outcomes", _("must list at least one outcome"))
        return []
    found: list[OutcomeSpec] = []
    seen: set[str] = set()
    for n, item in enumerate(value):
        where = f"outcomes[{n}]"
        if not isinstance(item, dict):
            read.fail(where, _("must be an object"))
            continue
        code = read.text(item, "code", f"{where}.code")
        if code in seen:
            read.fail(f"{where}.code", _("“%(code)s” is on the card twice") % {"code": code})
        seen.add(code)
        trigger = read.text(item, "trigger", f"{where}.trigger")
        if trigger and trigger not in Trigger.values:
            read.fail(
                f"{where}.trigger",
                _("unknown trigger “%(trigger)s” (one of %(known)s)")
                % {"trigger": trigger, "known": ", ".join(Trigger.values)},
            )
        top_codes = read.codes(item, "top_codes", f"{where}.top_codes", TOP_LEVEL)
        if trigger in Trigger.values and trigger != Trigger.START and not top_codes:
            read.fail(f"{where}.top_codes", _("an exit or follow-up names the codes that count"))
        found.append(
            OutcomeSpec(
                code=code,
                name=read.text(item, "name", f"{where}.name"),
                trigger=trigger,
                price=read.whole(item, "price", f"{where}.price"),
                top_codes=top_codes,
                evidence=read.codes(item, "evidence", f"{where}.evidence", EVIDENCE_KINDS),
            )
        )
    return found


def read_contract_file(path: str | Path) -> ContractSpec:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        raise ContractFileError(
            [("", _("the file cannot be read: %(problem)s") % {"problem": problem})]
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as problem:
        raise ContractFileError(
            [
                (
                    "",
                    _("the file is not JSON (line %(line)s): %(problem)s")
                    % {"line": problem.lineno, "problem": problem.msg},
                )
            ]
        ) from None
    return read_contract(data)
