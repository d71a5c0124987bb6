"""`losen import-history FILE --organisation ORG [--team NAME] [--create-measures]`.

Imports a programme's history (CSV with comma or semicolon, UTF-8 with or without BOM,
or XLSX) as cases, all or nothing. The columns and what they become are described in
losen/imports/history.py. Problems are printed one per line to stderr with the file's
line number, in English or the --language given (nb, sv), and the command exits with
status 1 having imported nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from losen.accounts.lookup import NotFound, find_organisation, find_team
from losen.audit.actors import HISTORY_IMPORT_USER
from losen.imports import history


class Command(BaseCommand):
    help = (
        "Import a programme's history (one row per case) from CSV or XLSX into an "
        "organisation's team. Checks every row first and imports nothing if any is wrong; "
        "rows imported before (same person_ref) are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument(
            "--organisation", required=True, help="the organisation's name or number"
        )
        parser.add_argument(
            "--team", help="the team the cases belong to (default: the organisation's only team)"
        )
        parser.add_argument(
            "--create-measures",
            action="store_true",
            help="create measures the organisation does not have (cost left empty)",
        )
        parser.add_argument(
            "--recorded-by",
            metavar="EMAIL",
            help=(
                "the user of the organisation recorded as having registered the history "
                f"(default: the inactive user {HISTORY_IMPORT_USER})"
            ),
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="en",
            help="the language of the problems reported (default: English)",
        )

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"]):
            self._import(options)

    def _import(self, options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            organisation = find_organisation(options["organisation"])
            team = find_team(organisation, options["team"])
            actor = history.find_recorder(organisation, options["recorded_by"])
            summary = history.do_import_history(
                actor,
                path,
                organisation=organisation,
                team=team,
                create_measures=options["create_measures"],
                progress=self._progress if options["verbosity"] >= 1 else None,
            )
        except NotFound as not_found:
            raise CommandError(str(not_found)) from None
        except history.ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(f"{path.name}: {error}")
            raise CommandError(str(refused)) from None
        for line, person_ref in summary.changed:
            self.stderr.write(
                f"{path.name}: line {line}: {person_ref!r} was imported before with other "
                "values; left unchanged"
            )
        for name in summary.measures_created:
            self.stdout.write(f"Created the measure {name!r} (kind and cost to be filled in).")
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.rows} rows: {summary.people_created} people and "
                f"{summary.cases_created} cases created ({summary.events_created} events, "
                f"{summary.exits_created} exits) in {team.name}, {organisation.name}; "
                f"{summary.skipped} skipped as already imported "
                f"({summary.unchanged} unchanged, {len(summary.changed)} changed since)."
            )
        )

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"{done} of {total} cases written ({done * 100 // total} %)")
