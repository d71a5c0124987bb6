"""`losen create-organisation NAME --kind KIND [--number N] [--country NO|SE] [--team NAME]`.

Sets up an organisation (tenant) with a first team, checking the organisation number
(losen/lib/orgnumbers.py) and refusing a number or name already in use.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from losen.accounts.actions import (
    DEFAULT_TEAM_NAME,
    OrganisationRefused,
    do_create_organisation,
)
from losen.accounts.models import Country, Organisation


class Command(BaseCommand):
    help = "Create an organisation and its first team."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the organisation's name")
        parser.add_argument("--kind", required=True, choices=Organisation.Kind.values)
        parser.add_argument(
            "--number",
            default="",
            help="organisation number (Norway: 9 digits; Sweden: 10 digits, NNNNNN-NNNN); "
            "leave out for a group without one",
        )
        parser.add_argument("--country", default=Country.NORWAY, choices=Country.values)
        parser.add_argument(
            "--team", default=DEFAULT_TEAM_NAME, help="the first team (default %(default)s)"
        )

    def handle(self, *args, **options) -> None:
        try:
            organisation, team = do_create_organisation(
                options["name"],
                kind=options["kind"],
                number=options["number"],
                country=options["country"],
                team_name=options["team"],
            )
        except OrganisationRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {organisation.name} ({organisation.get_kind_display()}, "
                f"{organisation.country} {organisation.org_number or 'no number'}) "
                f"with the team {team.name}."
            )
        )
