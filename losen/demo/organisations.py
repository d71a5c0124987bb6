"""The demo world's organisations, their teams and the users who log in to them.

Part of the demo world (losen/demo/world.py loads it). Organisation numbers are computed
to be valid; the users' e-mail addresses and the password are published in the README.
"""

from __future__ import annotations

from dataclasses import dataclass

from losen.accounts.models import Organisation, Role
from losen.lib.orgnumbers import InvalidOrganisationNumber, normalize_organisation_number


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    kind: str
    country: str
    # The organisation number is this prefix plus the first check digit that makes it
    # valid (computed, not hard-coded, so that it is valid by construction).
    number_prefix: str
    teams: tuple[str, ...]


ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "kommune",
        "Demo kommune",
        Organisation.Kind.MUNICIPALITY,
        "NO",
        "99990010",
        ("Ungteam", "Oppfølgingsteam"),
    ),
    DemoOrganisation(
        "nav", "NAV Demo", Organisation.Kind.NAV_OFFICE, "NO", "99990020", ("Ungdomsteam",)
    ),
    DemoOrganisation(
        "pitstop", "PitStop Demo", Organisation.Kind.PROVIDER, "NO", "99990030", ("PitStop",)
    ),
    # Swedish municipalities have organisation numbers 212000-xxxx.
    DemoOrganisation(
        "kommun", "Demo kommun", Organisation.Kind.MUNICIPALITY, "SE", "212000999", ("KAA-teamet",)
    ),
    DemoOrganisation(
        "utenfor", "Utenfor AS", Organisation.Kind.PROVIDER, "NO", "99990050", ("Utenforteamet",)
    ),
)
ORGANISATION_BY_KEY = {org.key: org for org in ORGANISATIONS}
# The organisation whose presence means "the demo world is loaded".
MARKER_ORGANISATION = "Demo kommune"


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    organisation: str  # key into ORGANISATION_BY_KEY
    team: str | None
    description: str
    is_staff: bool = False


USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "koordinator@demo.no",
        "Kari Koordinator",
        Role.COORDINATOR,
        "kommune",
        "Ungteam",
        "koordinator i Ungteam, Demo kommune",
    ),
    DemoUser(
        "leder@demo.no",
        "Lise Leder",
        Role.TEAM_LEAD,
        "kommune",
        "Ungteam",
        "teamleder for Ungteam, Demo kommune",
    ),
    DemoUser(
        "analytiker@demo.no",
        "Anne Analytiker",
        Role.MANAGER,
        "kommune",
        None,
        "leder i Demo kommune: ser bare tall, ingen enkeltpersoner",
    ),
    DemoUser(
        "utenfor@demo.no",
        "Ulf Utenfor",
        Role.COORDINATOR,
        "utenfor",
        "Utenforteamet",
        "koordinator i Utenfor AS: ser ingen fra Demo kommune",
    ),
    DemoUser(
        "admin@demo.no",
        "Arne Admin",
        Role.ADMIN,
        "kommune",
        None,
        "administrator for Demo kommune",
        is_staff=True,
    ),
    DemoUser(
        "kollega@demo.no",
        "Kai Kollega",
        Role.COORDINATOR,
        "kommune",
        "Oppfølgingsteam",
        "koordinator i Oppfølgingsteam, Demo kommune",
    ),
    DemoUser(
        "navveileder@demo.no",
        "Nina Veileder",
        Role.COORDINATOR,
        "nav",
        "Ungdomsteam",
        "veileder i Ungdomsteam, NAV Demo",
    ),
    DemoUser(
        "pitstop@demo.no",
        "Petter Pitstop",
        Role.COORDINATOR,
        "pitstop",
        "PitStop",
        "koordinator i PitStop, PitStop Demo",
    ),
    DemoUser(
        "pitstopleder@demo.no",
        "Pia Pitstop",
        Role.TEAM_LEAD,
        "pitstop",
        "PitStop",
        "teamleder i PitStop: leser statusnotatene før de går til NAV og kommunen",
    ),
    DemoUser(
        "verifikator@demo.no",
        "Vera Verifikator",
        Role.VERIFIER,
        "kommune",
        None,
        "kontrollør i Demo kommune: godkjenner kravene i resultatkontrakten UNG i Demo",
    ),
    DemoUser(
        "kaa@demo.se",
        "Karin Kaa",
        Role.COORDINATOR,
        "kommun",
        "KAA-teamet",
        "koordinator i KAA-teamet, Demo kommun (Sverige)",
    ),
    DemoUser(
        "kaaleder@demo.se",
        "Klara Kaaledare",
        Role.TEAM_LEAD,
        "kommun",
        "KAA-teamet",
        "teamleder for KAA-teamet, Demo kommun: lager filen til SCB",
    ),
    DemoUser(
        "admin@demo.se",
        "Anders Admin",
        Role.ADMIN,
        "kommun",
        None,
        "administrator for Demo kommun (Sverige)",
        is_staff=True,
    ),
    DemoUser(
        "frivillig@demo.no",
        "Frida Frivillig",
        Role.VOLUNTEER,
        "pitstop",
        "PitStop",
        "frivillig i PitStop: bare samlinger, ingen personopplysninger",
    ),
)

# (e-mail, description in Norwegian), for the Makefile, the README and the command.
DEMO_USERS: list[tuple[str, str]] = [(user.email, user.description) for user in USERS]


def organisation_number(demo: DemoOrganisation) -> str:
    """The demo organisation's number: its prefix and the check digit that makes it valid.

    Norwegian mod-11 has no valid check digit for one prefix in eleven; the prefix is
    then counted up until one has.
    """
    width = len(demo.number_prefix)
    for offset in range(100):
        prefix = f"{int(demo.number_prefix) + offset:0{width}d}"
        for digit in "0123456789":
            try:
                return normalize_organisation_number(prefix + digit, demo.country)
            except InvalidOrganisationNumber:
                continue
    raise ValueError(f"No valid organisation number near {demo.number_prefix}.")
