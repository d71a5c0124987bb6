"""Outcome contracts, their versions and rate cards, and the claims made under them.

A contract is between a payer (a municipality) and a provider, with an investor and an
independent evaluator where there are any. What it pays for is in its versions: each
version holds the period, the currency, the caps, the eligibility and the rate card, and
takes effect from a date; a claim keeps the version it was made under. Claims are made
from the provider's own case events (losen/contracts/claims.py), one per young person and
outcome; the payer's verifiers verify or reject them, and a verified claim never changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Organisation
from losen.cases.models import Case
from losen.people.models import Person


class Trigger(models.TextChoices):
    START = "start", _("First start in a measure")
    EXIT = "exit", _("Exit with an outcome on the card")
    FOLLOWUP_6M = "followup_6m", _("Still there 6 months after the exit")
    FOLLOWUP_12M = "followup_12m", _("Still there 12 months after the exit")


# The follow-up triggers and their months after the exit.
FOLLOW_UP_TRIGGERS: dict[str, int] = {Trigger.FOLLOWUP_6M: 6, Trigger.FOLLOWUP_12M: 12}


class Contract(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    payer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("payer")
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("provider")
    )
    investor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("investor"),
    )
    evaluator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluator"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Bridge financing: the most the investor gets back, in per cent above its funding.
    investor_return_cap = models.PositiveSmallIntegerField(
        _("investor's return cap (per cent)"), null=True, blank=True
    )
    # When the claims were last made to agree with the provider's events.
    synced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("outcome contract")
        verbose_name_plural = _("outcome contracts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContractVersion(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("in force from"))
    starts_on = models.DateField(_("contract starts"))
    ends_on = models.DateField(_("contract ends"))
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    cap_per_person = models.PositiveIntegerField(_("cap per young person"))
    cap_total = models.PositiveIntegerField(_("cap for the whole contract"))
    min_age = models.PositiveSmallIntegerField(_("youngest age"))
    max_age = models.PositiveSmallIntegerField(_("oldest age"))
    # The provider's measures that count (their names, as the contract names them); empty:
    # every measure.
    measures = models.JSONField(_("measures that count"), default=list, blank=True)
    # What the outcomes are measured against, as the contract states it:
    # {"description": "...", "share": 0.25, "source": "..."}, the share of similar young
    # people in work or education within 12 months without the measure.
    baseline = models.JSONField(_("baseline"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_version_once"),
            models.UniqueConstraint(
                fields=["contract", "valid_from"], name="contract_version_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} v{self.number}"


class RateOutcome(models.Model):
    """One line of a version's rate card: what is paid for, and how much."""

    version = models.ForeignKey(ContractVersion, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    # The top-level exit codes that satisfy an exit or follow-up trigger.
    top_codes = models.JSONField(_("exit codes that count"), default=list, blank=True)
    price = models.PositiveIntegerField(_("price"))
    evidence = models.JSONField(_("evidence accepted"), default=list, blank=True)

    class Meta:
        verbose_name = _("outcome on the rate card")
        verbose_name_plural = _("rate card")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="rate_outcome_code_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.price}"


class ClaimState(models.TextChoices):
    PENDING = "pending", _("Made, not submitted")
    SUBMITTED = "submitted", _("Submitted for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    CAPPED = "capped", _("Nothing to pay: over the cap")


# A claim in one of these states never changes again (a later correction makes an
# adjustment instead).
SETTLED = (ClaimState.VERIFIED, ClaimState.REJECTED, ClaimState.PAID)


class Claim(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="claims")
    version = models.ForeignKey(ContractVersion, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=50)
    position = models.PositiveSmallIntegerField()  # the outcome's place on the rate card
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    achieved_on = models.DateField(_("achieved"))
    price = models.PositiveIntegerField(_("price"))
    amount = models.PositiveIntegerField(_("amount"))
    # Why the amount is less than the price (a cap), in words kept as a code.
    capped_by = models.CharField(max_length=20, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ClaimState.choices, default=ClaimState.PENDING
    )
    made_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reject_reason = models.TextField(_("why rejected"), blank=True)
    # The payment statement that pays it (losen/contracts/payments.py).
    statement = models.ForeignKey(
        "Statement", on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["achieved_on", "person_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "person", "outcome"], name="claim_once_per_person_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.pk} {self.outcome} {self.amount}"


class Adjustment(models.Model):
    """A settled claim that the events no longer bear out (a correction after it was
    verified): the claim stays as it was; this line says by how much to settle up."""

    class Reason(models.TextChoices):
        WITHDRAWN = "withdrawn", _("No longer achieved")
        MOVED = "moved", _("Achieved on another day")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="adjustments")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # The achievement the events show now (None: none).
    achieved_on = models.DateField(null=True, blank=True)
    amount = models.IntegerField(_("adjustment"))
    made_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"adjustment {self.amount} of claim {self.claim_id}"


class Evidence(models.Model):
    """What shows that a claim's outcome happened: a document, a check in a register, or the
    young person's own confirmation; who obtained it and when."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("A document (contract of employment, school confirmation)")
        REGISTER_CHECK = "register_check", _("A check in a register")
        SELF_CERTIFIED = "self_certified", _("The young person's own confirmation")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("kind of evidence"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("what it shows"))
    document = models.FileField(_("document"), upload_to="evidence/%Y/", blank=True)
    # The employer or school the outcome is with, when there is one: a claim whose
    # employer is the provider itself is flagged for the payer.
    employer = models.CharField(_("employer or school"), max_length=200, blank=True)
    employer_number = models.CharField(_("its organisation number"), max_length=20, blank=True)
    obtained_on = models.DateField(_("obtained"))
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} for claim {self.claim_id}"


class Sample(models.Model):
    """Claims drawn at random by a verifier to check in depth, and what the check found."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="samples")
    size = models.PositiveIntegerField(_("claims drawn"))
    # The random seed the draw used, so it can be drawn again the same way.
    seed = models.CharField(max_length=32)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(default=timezone.now, editable=False)
    result = models.TextField(_("what the check found"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    claims = models.ManyToManyField(Claim, related_name="samples")

    class Meta:
        verbose_name = _("sample of claims")
        verbose_name_plural = _("samples of claims")
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"sample {self.pk} of {self.contract}"


class Statement(models.Model):
    """A payment statement: the verified claims of a month or quarter, for the payer's
    accounts; marked paid with the day and the payment's reference."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="statements")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    total = models.PositiveIntegerField(_("total"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now, editable=False)
    paid_on = models.DateField(_("paid"), null=True, blank=True)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("payment statement")
        verbose_name_plural = _("payment statements")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "starts_on", "ends_on"], name="statement_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"statement {self.starts_on}–{self.ends_on} of {self.contract}"


class LedgerEntry(models.Model):
    """Bridge financing: the investor's funding of the provider, and its repayment (the
    payer's outcome payments are the paid statements)."""

    class Kind(models.TextChoices):
        FUNDING = "funding", _("Funding from the investor")
        REPAYMENT = "repayment", _("Repayment to the investor")

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"))
    amount = models.PositiveIntegerField(_("amount"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.on}"
