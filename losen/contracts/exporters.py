"""A payment statement as CSV and PDF, for the payer's accounts: one row per claim paid,
by claim number and the contract's pseudonym (no names, no identity numbers)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from losen.contracts.models import Contract, Statement
from losen.contracts.queries import pseudonym
from losen.lib.exporters import Exporter, about_line


class StatementExport(Exporter):
    def __init__(self, contract: Contract, statement: Statement) -> None:
        self.contract, self.statement = contract, statement
        self.title = _("Payment statement")
        self.about = about_line(
            contract.name,
            _("%(payer)s to %(provider)s")
            % {"payer": contract.payer.name, "provider": contract.provider.name},
            f"{date_format(statement.starts_on, 'SHORT_DATE_FORMAT')}–"
            f"{date_format(statement.ends_on, 'SHORT_DATE_FORMAT')}",
        )
        self.filename = f"statement-{contract.pk}-{statement.starts_on:%Y-%m-%d}"

    def header(self) -> list[str]:
        return [
            _("Claim"),
            _("Participant"),
            _("Paid for"),
            _("Achieved"),
            _("Verified"),
            _("Amount"),
        ]

    def rows(self) -> Iterable[list[Any]]:
        claims = self.statement.claims.order_by("achieved_on", "pk")
        for claim in claims:
            yield [
                claim.pk,
                pseudonym(self.contract, claim.person_id),
                claim.outcome,
                claim.achieved_on,
                claim.decided_at.date() if claim.decided_at else None,
                claim.amount,
            ]
        yield [_("Total"), "", "", "", "", self.statement.total]
