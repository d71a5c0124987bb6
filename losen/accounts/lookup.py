"""An organisation or a team from what someone typed on the command line.

`losen import-history`, `losen import-list`, `losen outreach` and `losen report` take
`--organisation` as a name or an organisation number and `--team` as a team's name.
"""

from __future__ import annotations

from django.db.models import Q

from losen.accounts.models import Organisation, Team


class NotFound(LookupError):
    """No single organisation or team answers to the text; the message says why."""


def find_organisation(text: str) -> Organisation:
    """By organisation number (digits, spaces and hyphens allowed) or by name, any case."""
    digits = "".join(c for c in text if c.isdigit())
    query = Q(name__iexact=text.strip())
    if digits and len(digits) == len(text.replace(" ", "").replace("-", "")):
        query |= Q(org_number=digits) | Q(org_number=digits[2:], country="SE")
    found = list(Organisation.objects.filter(query)[:2])
    if not found:
        raise NotFound(f"No organisation is called or numbered {text!r}.")
    if len(found) > 1:
        raise NotFound(
            f"More than one organisation matches {text!r}: give the organisation number."
        )
    return found[0]


def find_team(organisation: Organisation, name: str | None) -> Team:
    """The team of that name (any case), or the organisation's only team if no name."""
    teams = list(organisation.teams.order_by("name"))
    if name:
        for team in teams:
            if team.name.casefold() == name.strip().casefold():
                return team
        raise NotFound(
            f"{organisation.name} has no team called {name!r} "
            f"(its teams: {', '.join(t.name for t in teams) or 'none'})."
        )
    if len(teams) == 1:
        return teams[0]
    if not teams:
        raise NotFound(f"{organisation.name} has no team: create one first.")
    raise NotFound(
        f"{organisation.name} has {len(teams)} teams: choose one with --team "
        f"({', '.join(t.name for t in teams)})."
    )
