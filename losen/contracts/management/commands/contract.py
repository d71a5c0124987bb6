"""`losen contract import FILE` and `losen contract claims --contract NAME --format csv`.

`import` makes the contract a JSON file describes (see losen/contracts/contract_file.py),
or a new version of the contract of that name; a file with any problem is refused, each
problem printed with its field (in English, or the `--language` given), and nothing is
made. `claims` brings the contract's
claims up to date with the provider's events and prints one row per claim:
`claim_id,person_id,outcome,achieved_on,price,amount,state`. No names, no identity
numbers.
"""

from __future__ import annotations

import csv
import io

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from losen.contracts.actions import (
    ORDER,
    VersionNotInFuture,
    do_import_contract,
    do_sync_claims,
)
from losen.contracts.contract_file import ContractFileError, read_contract_file
from losen.contracts.models import Contract
from losen.lib.errors import NotAllowed

COLUMNS = ("claim_id", "person_id", "outcome", "achieved_on", "price", "amount", "state")


class Command(BaseCommand):
    help = "Import an outcome contract from a JSON file, or print its claims."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        imported = commands.add_parser("import", help="make a contract from a JSON file")
        imported.add_argument("file")
        imported.add_argument(
            "--language",
            choices=["en", "nb", "sv"],
            default="en",
            help="the language of the problems reported (default: English)",
        )
        claims = commands.add_parser("claims", help="the contract's claims, one row each")
        claims.add_argument("--contract", required=True, help="the contract's name")
        claims.add_argument("--format", choices=["csv"], default="csv")

    def handle(self, *args, **options):
        if options["action"] == "import":
            with translation.override(options["language"]):
                self._import(options["file"])
        else:
            self._claims(options["contract"])

    def _import(self, path: str) -> None:
        try:
            spec = read_contract_file(path)
            version = do_import_contract(None, spec)
        except ContractFileError as refused:
            for where, what in refused.problems:
                self.stderr.write(f"{where}: {what}" if where else what)
            raise CommandError("The contract file is refused; nothing was made.") from None
        except VersionNotInFuture:
            raise CommandError(
                "A new version takes effect today or later (valid_from); nothing was made."
            ) from None
        except NotAllowed as refused:
            raise CommandError(f"{refused}; nothing was made.") from None
        self.stdout.write(
            f"{version.contract.name}: version {version.number} from "
            f"{version.valid_from.isoformat()}, {version.outcomes.count()} outcomes."
        )

    def _claims(self, name: str) -> None:
        contract = Contract.objects.filter(name=name).first()
        if contract is None:
            raise CommandError(f"No contract is called {name!r}.")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        do_sync_claims(contract)
        writer.writerows(
            [pk, person, outcome, day.isoformat(), price, amount, state]
            for pk, person, outcome, day, price, amount, state in contract.claims.order_by(
                *ORDER
            ).values_list("pk", "person_id", "outcome", "achieved_on", "price", "amount", "state")
        )
        self.stdout.write(out.getvalue(), ending="")
