"""`losen import-list FILE --organisation ORG --scheme kaa|ot --date YYYY-MM-DD [--team NAME]`.

Imports a target list (CSV with comma or semicolon, or XLSX), all or nothing: see
losen/outreach/importer.py and listfile.py for the columns and what they become. Problems
are printed one per line to stderr with the file's line number (never the identity
number), and the command exits with status 1 having imported nothing. It speaks English,
or the --language given (nb, sv), as the web import speaks its user's language.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from losen.accounts.actions import system_user
from losen.accounts.lookup import NotFound as LookupRefused
from losen.accounts.lookup import find_organisation, find_team
from losen.audit.actors import LIST_IMPORT_USER
from losen.outreach import importer
from losen.outreach.actions.lists import do_import_list


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--date %(value)r is not a date (YYYY-MM-DD).") % {"value": text}
        ) from None


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
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="en",
            help="the language of the messages (default: English)",
        )

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"]):
            self._import(options)

    def _import(self, options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        received_on = _date(options["date"])
        try:
            organisation = find_organisation(options["organisation"])
            team = find_team(organisation, options["team"])
        except LookupRefused as refused:
            raise CommandError(str(refused)) from None
        try:
            with path.open("rb") as stream:
                summary = do_import_list(
                    system_user(LIST_IMPORT_USER),
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
                _(
                    "This list (%(rows)s rows, received %(date)s) was imported already; "
                    "nothing changed."
                )
                % {"rows": summary.rows, "date": received_on}
            )
            return
        left = ", ".join(f"{r} {n}" for r, n in sorted(summary.left_reasons.items()))
        excluded = ", ".join(f"{r} {n}" for r, n in sorted(summary.excluded_reasons.items()))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(rows)s rows into %(team)s, %(organisation)s: %(new)s new, "
                    "%(stayed)s still on the list, %(left)s left%(left_reasons)s, "
                    "%(excluded)s outside the target group%(excluded_reasons)s; "
                    "%(registered)s people registered."
                )
                % {
                    "rows": summary.rows,
                    "team": team.name,
                    "organisation": organisation.name,
                    "new": summary.new,
                    "stayed": summary.stayed,
                    "left": summary.left,
                    "left_reasons": f" ({left})" if left else "",
                    "excluded": summary.excluded,
                    "excluded_reasons": f" ({excluded})" if excluded else "",
                    "registered": summary.people_created,
                }
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
        self.stdout.write(
            _("%(done)s of %(total)s rows (%(percent)s %%)")
            % {"done": done, "total": total, "percent": done * 100 // total}
        )
