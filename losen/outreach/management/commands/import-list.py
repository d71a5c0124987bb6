"""`losen import-list FILE --organisation ORG --scheme kaa|ot --date YYYY-MM-DD [--team NAME]`.

Imports a target list (CSV with comma or semicolon, or XLSX), all or nothing: see
losen/outreach/importer.py and listfile.py for the columns and what they become. Problems
are printed one per line to stderr with the file's line number (never the identity
number), and the command exits with status 1 having imported nothing.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from losen.accounts.lookup import NotFound as LookupRefused
from losen.accounts.lookup import find_organisation, find_team
from losen.outreach import importer


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date {text!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Import a target list (KAA or OT) received on a date, from CSV or XLSX. Checks every "
        "row first and imports nothing if any is wrong; the same list twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--organisation", required=True, help="name or number")
        parser.add_argument("--scheme", required=True, choices=["kaa", "ot"])
        parser.add_argument("--date", required=True, help="the day the list was received")
        parser.add_argument(
            "--team", help="the team that works the list (default: the organisation's only team)"
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        received_on = _date(options["date"])
        try:
            organisation = find_organisation(options["organisation"])
            team = find_team(organisation, options["team"])
        except LookupRefused as refused:
            raise CommandError(str(refused)) from None
        try:
            with path.open("rb") as stream:
                summary = importer.do_import_list(
                    importer.list_import_user(),
                    path.name,
                    stream,
                    organisation=organisation,
                    team=team,
                    scheme=options["scheme"],
                    received_on=received_on,
                    progress=self._progress if options["verbosity"] >= 2 else None,
                )
        except importer.ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(f"{path.name}: {error}")
            raise CommandError(str(refused)) from None
        if options["verbosity"] < 1:
            return
        if summary.already_imported:
            self.stdout.write(
                f"This list ({summary.rows} rows, received {received_on}) was imported "
                "already; nothing changed."
            )
            return
        left = ", ".join(f"{r} {n}" for r, n in sorted(summary.left_reasons.items()))
        excluded = ", ".join(f"{r} {n}" for r, n in sorted(summary.excluded_reasons.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.rows} rows into {team.name}, {organisation.name}: {summary.new} new, "
                f"{summary.stayed} still on the list, {summary.left} left"
                f"{f' ({left})' if left else ''}, {summary.excluded} outside the target group"
                f"{f' ({excluded})' if excluded else ''}; "
                f"{summary.people_created} people registered."
            )
        )
        if summary.not_opened:
            lines = ", ".join(str(line) for line in summary.not_opened_lines)
            self.stdout.write(
                f"{summary.not_opened} registered people on the list are followed by other "
                f"teams and not opened to {team.name} (lines {lines}): a team that follows "
                "them lets the team follow them on the person's page."
            )

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"{done} of {total} rows ({done * 100 // total} %)")
