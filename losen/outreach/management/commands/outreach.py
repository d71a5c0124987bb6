"""`losen outreach queue --organisation ORG --date YYYY-MM-DD --format csv [--team NAME]`.

Prints the daily work queue: everyone in a target group on the day who has not been
reached and whose next ladder step is due, as CSV with the columns
person_id,name,step,due_date,overdue (step: phone, sms, letter, home_visit; overdue:
yes when the promise of contact within 14 days of appearing on the list is broken).
No identity numbers.
"""

from __future__ import annotations

import csv
import datetime
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from losen.accounts.actions import system_user
from losen.accounts.lookup import NotFound as LookupRefused
from losen.accounts.lookup import find_organisation, find_team
from losen.audit.actors import LIST_IMPORT_USER
from losen.outreach.ladder import queue
from losen.outreach.models import TargetEntry
from losen.people.queries import log_people_shown

QUEUE_COLUMNS = ("person_id", "name", "step", "due_date", "overdue")


class Command(BaseCommand):
    help = "Outreach reports: `queue` prints the daily work queue."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        q = sub.add_parser("queue", help="the work queue on a day")
        q.add_argument("--organisation", required=True, help="name or number")
        q.add_argument("--date", help="the day (default: today)")
        q.add_argument("--format", choices=["csv"], default="csv")
        q.add_argument("--team", help="only this team's lists")
        e = sub.add_parser("export", help="a statutory export for a half-year (replaces)")
        e.add_argument("--organisation", required=True, help="name or number")
        e.add_argument("--layout", required=True, help="layout@version, see losen/outreach/layouts")
        e.add_argument("--period", required=True, help="the half-year, e.g. 2026H1")
        e.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args, **options) -> None:
        if options["report"] == "export":
            self._export(options)
            return
        try:
            organisation = find_organisation(options["organisation"])
            team = find_team(organisation, options["team"]) if options["team"] else None
        except LookupRefused as refused:
            raise CommandError(str(refused)) from None
        try:
            day = (
                datetime.date.fromisoformat(options["date"])
                if options["date"]
                else timezone.localdate()
            )
        except ValueError:
            raise CommandError(f"--date {options['date']!r} is not a date (YYYY-MM-DD).") from None
        entries = TargetEntry.objects.shown().filter(organisation=organisation)
        if team is not None:
            entries = entries.filter(team=team)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(QUEUE_COLUMNS)
        rows = queue(entries, day=day)
        # The queue names people: printing it is a read, as the queue page is.
        log_people_shown(
            system_user(LIST_IMPORT_USER),
            ((row.person.pk, row.person.organisation_id) for row in rows),
            what="list:outreach",
        )
        for row in rows:
            writer.writerow(
                [
                    row.entry.person_id,
                    row.person.full_name,
                    row.step,
                    row.due_on.isoformat(),
                    "yes" if row.overdue else "no",
                ]
            )
        sys.stdout.flush()

    def _export(self, options) -> None:
        from pathlib import Path

        from losen.lib.private_files import write_private_bytes
        from losen.outreach import statutory
        from losen.outreach.actions.exports import do_log_export_read, do_make_statutory_export

        try:
            organisation = find_organisation(options["organisation"])
        except LookupRefused as refused:
            raise CommandError(str(refused)) from None
        layout = statutory.layouts().get(options["layout"])
        if layout is None:
            known = ", ".join(sorted(statutory.layouts()))
            raise CommandError(f"No layout {options['layout']!r} (layouts: {known}).")
        try:
            export = do_make_statutory_export(
                system_user(LIST_IMPORT_USER), organisation, layout, options["period"]
            )
        except statutory.ExportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(str(refused)) from None
        write_private_bytes(Path(options["output"]), statutory.content_of(export))
        # Taking the file out is a read of everyone in it, as a download in the browser.
        do_log_export_read(system_user(LIST_IMPORT_USER), export)
        note = " It carries personnummer: keep it safe." if export.contains_identity_numbers else ""
        self.stdout.write(
            f"{export.rows} rows for {export.period} (cut-off {export.cutoff}) written to "
            f"{options['output']}.{note}"
        )
