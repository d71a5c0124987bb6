"""`losen referrals --organisation ORG --direction out|in --format csv`.

One row per referral between organisations, from the organisation's own records only:
`out` reads what it sent (and what was reported back to it), `in` what it received
(and what it did with it). The same referral has the same `referral_id` on both sides,
and the two agree on every column the sender may know; after a withdrawal of the consent
the sender's row stops at `withdrawn`. No names, no identity numbers.
"""

from __future__ import annotations

import csv
import io

from django.core.management.base import BaseCommand, CommandError

from losen.accounts.lookup import NotFound, find_organisation
from losen.exchange.models import ReceivedReferral, SentReferral

COLUMNS = (
    "referral_id",
    "from_organisation",
    "to_organisation",
    "measure",
    "referred_on",
    "state",
    "decided_on",
    "started_on",
    "exit_on",
    "exit_outcome",
)


def _day(value) -> str:
    return value.isoformat() if value else ""


class Command(BaseCommand):
    help = "Print the organisation's referrals to (out) or from (in) other organisations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation", required=True, help="the organisation's name or number"
        )
        parser.add_argument("--direction", required=True, choices=("out", "in"))
        parser.add_argument("--format", choices=("csv",), default="csv", help="output format")

    def handle(self, *args, **options):
        try:
            organisation = find_organisation(options["organisation"])
        except NotFound as not_found:
            raise CommandError(str(not_found)) from None
        rows: list[list[str]] = []
        if options["direction"] == "out":
            for sent in SentReferral.objects.filter(organisation=organisation).select_related(
                "to_organisation"
            ):
                rows.append(
                    [
                        str(sent.pk),
                        organisation.name,
                        sent.to_organisation.name,
                        sent.to_name,
                        _day(sent.referred_on),
                        sent.state,
                        _day(sent.decided_on),
                        _day(sent.started_on),
                        _day(sent.exit_on),
                        sent.exit_outcome,
                    ]
                )
        else:
            for received in ReceivedReferral.objects.filter(
                organisation=organisation
            ).select_related("from_organisation"):
                rows.append(
                    [
                        str(received.pk),
                        received.from_organisation.name,
                        organisation.name,
                        received.to_name,
                        _day(received.referred_on),
                        received.state,
                        _day(received.decided_on),
                        _day(received.started_on),
                        _day(received.exit_on),
                        received.exit_outcome,
                    ]
                )
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(sorted(rows, key=lambda row: int(row[0])))
        self.stdout.write(out.getvalue(), ending="")
