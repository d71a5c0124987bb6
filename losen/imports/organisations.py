"""Setting up an organisation and its first team from the command line."""

from __future__ import annotations

from django.db import transaction

from losen.accounts.models import Country, Organisation, Team
from losen.audit.actions import do_log_change
from losen.lib.orgnumbers import InvalidOrganisationNumber, normalize_organisation_number

DEFAULT_TEAM_NAME = "Team"


class OrganisationRefused(Exception):
    pass


def do_create_organisation(
    name: str,
    *,
    kind: str,
    number: str = "",
    country: str = Country.NORWAY,
    team_name: str = DEFAULT_TEAM_NAME,
) -> tuple[Organisation, Team]:
    name, team_name = name.strip(), team_name.strip()
    country = country.strip().upper()
    if not name:
        raise OrganisationRefused("The organisation needs a name.")
    if not team_name:
        raise OrganisationRefused("The team needs a name.")
    if kind not in Organisation.Kind.values:
        raise OrganisationRefused(
            f"Unknown kind {kind!r}: one of {', '.join(Organisation.Kind.values)}."
        )
    if country not in Country.values:
        raise OrganisationRefused(
            f"Unknown country {country!r}: one of {', '.join(Country.values)}."
        )
    org_number = ""
    if number.strip():
        try:
            org_number = normalize_organisation_number(number, country)
        except InvalidOrganisationNumber as exc:
            raise OrganisationRefused(f"Organisation number {number!r}: {exc.message}") from None
    with transaction.atomic():
        same_number = (
            Organisation.objects.filter(country=country, org_number=org_number).first()
            if org_number
            else None
        )
        if same_number:
            raise OrganisationRefused(
                f"{same_number.name} already has the organisation number {org_number}."
            )
        if Organisation.objects.filter(name__iexact=name).exists():
            raise OrganisationRefused(f"An organisation called {name!r} already exists.")
        organisation = Organisation.objects.create(
            name=name, kind=kind, country=country, org_number=org_number
        )
        team = Team.objects.create(organisation=organisation, name=team_name)
        do_log_change(
            None, action="create_organisation", obj=organisation, organisation_id=organisation.pk
        )
        do_log_change(None, action="create_team", obj=team, organisation_id=organisation.pk)
    return organisation, team
