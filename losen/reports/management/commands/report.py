"""`losen report results --organisation ORG --from YYYY-MM --to YYYY-MM --format csv`.

Prints the results month by month (losen/reports/results.py) as plain comma-separated
CSV on standard output: a header row with the column names, then one row per month.
`--team NAME` narrows to one team; `--suppress` rounds every count as the results page
does for a manager (losen.lib.suppression: to a multiple of LOSEN_SMALL_COUNT_THRESHOLD
+ 1 by its cell key), so the file and the page give the same figures.
"""

from __future__ import annotations

import csv
import datetime
import io

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from losen.accounts.lookup import NotFound, find_organisation, find_team
from losen.reports.results import COLUMNS, COUNTS, monthly_results, round_results

REPORTS = ("results",)
FORMATS = ("csv",)


def parse_month(value: str) -> datetime.date:
    """'2025-03' -> 2025-03-01."""
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"{value!r} is not a month; write it as YYYY-MM.") from None


class Command(BaseCommand):
    help = (
        "Print a report. 'results': referred, started, active, exited by outcome and "
        "running totals, one row per month, read from the case events."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", choices=REPORTS, help="which report")
        parser.add_argument(
            "--organisation", required=True, help="the organisation's name or number"
        )
        parser.add_argument("--from", dest="start", required=True, help="first month, YYYY-MM")
        parser.add_argument("--to", dest="end", required=True, help="last month, YYYY-MM")
        parser.add_argument("--format", choices=FORMATS, default="csv", help="output format")
        parser.add_argument("--team", help="only this team's cases (the team's name)")
        parser.add_argument(
            "--suppress",
            action="store_true",
            help="round every count to a multiple of LOSEN_SMALL_COUNT_THRESHOLD + 1 by its "
            "cell key, as for figures that leave the team",
        )

    def handle(self, *args, **options):
        start = parse_month(options["start"])
        end = parse_month(options["end"])
        if end < start:
            raise CommandError("--to is before --from.")
        try:
            organisation = find_organisation(options["organisation"])
            team = find_team(organisation, options["team"]) if options["team"] else None
        except NotFound as not_found:
            raise CommandError(str(not_found)) from None
        rows = monthly_results(
            organisation_id=organisation.pk,
            start=start,
            end=end,
            team_id=team.pk if team else None,
        )
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        if options["suppress"]:
            counts = round_results(rows, threshold=settings.LOSEN_SMALL_COUNT_THRESHOLD)
        else:
            counts = [[getattr(row, column) for column in COUNTS] for row in rows]
        for row, cells in zip(rows, counts, strict=True):
            writer.writerow([row.month.strftime("%Y-%m"), *cells])
        self.stdout.write(out.getvalue(), ending="")
