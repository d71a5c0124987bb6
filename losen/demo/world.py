"""A made-up, deterministic demo world: organisations, teams, users and young people.

Used by ``losen demo-data`` (and so by ``make demo``). The same seed gives the same
names, birth dates, identity numbers and team assignments, on the same day: birth
dates are drawn relative to today so that the ages stay 15-29.

Everything here is invented:

* Norwegian identity numbers are synthetic Test-Norge numbers (month + 80, see
  losen/lib/idnumbers.py), which cannot belong to a real person.
* Swedish personnummer have no synthetic marker, so the demo's Swedish people get
  Skatteverket's published test personnummer (data/testpersonnummer.txt), which
  belong to no one (see ``SwedishNumbers``).
* Names are common first and last names; addresses are common street names in
  made-up places; e-mail addresses are under example.no / example.se (RFC 2606).

Speed: the people are written with bulk_create, in one transaction, without going
through losen.people.actions (which writes a change-log row per write). One
``demo.loaded`` change-log row records the load itself; only the KAA lists are imported
and worked through outreach's actions, and logged as such.
"""

from __future__ import annotations

import datetime
import functools
import random
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from losen.accounts.models import Membership, Organisation, Role, Team, User
from losen.audit.actions import do_log_change
from losen.audit.models import AccessLog, ChangeLog
from losen.demo.chain import ChainSummary, delete_chain, load_chain
from losen.demo.comparisons import load_comparisons
from losen.demo.grants import delete_grant_reports, load_grant_report
from losen.demo.names import (
    HOME_LANGUAGE,
    HOME_MUNICIPALITY,
    IMMIGRANT_GROUPS,
    MAIL_DOMAIN,
    NEIGHBOUR_MUNICIPALITY,
    NO_PLACES,
    NO_STREETS,
    NORWEGIAN,
    SE_PLACES,
    SE_STREETS,
    SWEDISH,
    NameGroup,
)
from losen.demo.outreach import delete_outreach, load_outreach
from losen.lib import crypto
from losen.lib.idnumbers import IdKind, mask_identity_number
from losen.lib.orgnumbers import InvalidOrganisationNumber, normalize_organisation_number
from losen.people.models import Follow, Guardian, Language, Person, age_on

PASSWORD = "demo"  # noqa: S105 - the demo's published password, by design
DEFAULT_SEED = 1
BATCH_SIZE = 2000
# People are generated, encrypted and written in chunks of this size, so memory stays
# flat at 100,000 people.
CHUNK_SIZE = 5000


class DemoWorldExists(Exception):
    """The demo world (or part of it) is already in the database."""


class DemoNotAllowed(Exception):
    """This installation must not get the demo world (no synthetic ids, or no key)."""


# --------------------------------------------------------------------------
# The organisations, teams and users
# --------------------------------------------------------------------------


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


_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


def _mail_part(name: str) -> str:
    name = name.translate(_ASCII).replace("ł", "l").replace("Ł", "l")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c == "-")


# --------------------------------------------------------------------------
# Identity numbers
# --------------------------------------------------------------------------

_NO_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_NO_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _no_individual_numbers(year: int) -> Sequence[int]:
    """Individual numbers that give this birth year (pre-2032 allocation)."""
    if year >= 2000:
        return range(500, 1000)
    if year % 100 >= 40:
        return [*range(0, 500), *range(900, 1000)]
    return range(0, 500)


def synthetic_norwegian_number(
    birth_date: datetime.date, rng: random.Random, used: set[str]
) -> str | None:
    """A Test-Norge fødselsnummer (month + 80) for the date, not in `used`.

    The individual number fits the century, and both check digits follow the classic
    rule (k1 with remainder 0, as before 2032). None when every number is taken.
    """
    prefix = f"{birth_date.day:02d}{birth_date.month + 80:02d}{birth_date.year % 100:02d}"
    prefix_digits = [int(c) for c in prefix]
    k1_base = sum(w * d for w, d in zip(_NO_K1_WEIGHTS, prefix_digits, strict=False))
    k2_base = sum(w * d for w, d in zip(_NO_K2_WEIGHTS, prefix_digits, strict=False))
    candidates = _no_individual_numbers(birth_date.year)
    start = rng.randrange(len(candidates))
    for step in range(len(candidates)):
        individual = candidates[(start + step) % len(candidates)]
        i1, i2, i3 = individual // 100, individual // 10 % 10, individual % 10
        k1 = (11 - (k1_base + 4 * i1 + 5 * i2 + 2 * i3) % 11) % 11
        if k1 == 10:
            continue
        k2 = (11 - (k2_base + 5 * i1 + 4 * i2 + 3 * i3 + 2 * k1) % 11) % 11
        if k2 == 10:
            continue
        value = f"{prefix}{individual:03d}{k1}{k2}"
        if value not in used:
            used.add(value)
            return value
    return None


# Swedish personnummer have no synthetic marker: any valid number may belong to someone.
# The demo's Swedish people get Skatteverket's published test personnummer instead
# (data/testpersonnummer.txt), which are given to no one. The file keeps the numbers for
# people born 2006-12-02 to 2009-12-31: the demo's Swedish young people are of KAA age
# (16-19 in 2026); when the file has no number left for the age window, a Swedish demo
# person has no identity number (as some real young people on a list have none).
# (Samordningsnummer, day + 60, would be no safer: they are given to real people too,
# under lag (2022:1697) om samordningsnummer.)
TEST_NUMBERS_FILE = Path(__file__).resolve().parent / "data" / "testpersonnummer.txt"


@functools.cache
def skatteverket_test_numbers() -> tuple[str, ...]:
    """Skatteverket's test personnummer in the demo's file (12 digits each)."""
    lines = TEST_NUMBERS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _number_date(number: str) -> datetime.date:
    return datetime.date(int(number[:4]), int(number[4:6]), int(number[6:8]))


class SwedishNumbers:
    """Hands out Skatteverket's test numbers for people born in a window, each once."""

    def __init__(self, oldest: datetime.date, youngest: datetime.date, seed: int):
        self.left = [
            number
            for number in skatteverket_test_numbers()
            if oldest <= _number_date(number) <= youngest
        ]
        # A generator of its own: the rest of the world draws the same with or without.
        random.Random(f"se-{seed}").shuffle(self.left)

    def take(self) -> tuple[str, datetime.date] | None:
        if not self.left:
            return None
        number = self.left.pop()
        return number, _number_date(number)


# --------------------------------------------------------------------------
# The people (pure: no database)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoGuardian:
    name: str
    relation: str
    phone: str
    email: str
    address: str


@dataclass(frozen=True)
class DemoPerson:
    organisation: str  # key into ORGANISATION_BY_KEY
    teams: tuple[str, ...]
    first_name: str
    last_name: str
    birth_date: datetime.date
    id_number: str  # normalised, or "" (never stored like this: see _person_row)
    phone: str
    email: str
    address: str
    postal_code: str
    city: str
    municipality: str
    country: str
    preferred_language: str
    registered_on: datetime.date
    guardians: tuple[DemoGuardian, ...]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def organisation_counts(count: int) -> dict[str, int]:
    """How many young people each organisation gets.

    About 45 % Demo kommune, 15 % NAV Demo, 15 % PitStop Demo, 20 % Demo kommun and
    5 % Utenfor AS (at least one there). From 20 people on, Demo kommune gets at least
    12, so that Ungteam follows at least 10.
    """
    if count <= 0:
        return {org.key: 0 for org in ORGANISATIONS}
    counts = {
        "nav": round(count * 0.15),
        "pitstop": round(count * 0.15),
        "kommun": round(count * 0.20),
        "utenfor": max(1, round(count * 0.05)) if count >= 2 else 0,
    }
    counts["kommune"] = count - sum(counts.values())
    minimum = min(count, 12) if count >= 20 else 0
    while counts["kommune"] < minimum:
        largest = max(("kommun", "nav", "pitstop"), key=lambda key: counts[key])
        counts[largest] -= 1
        counts["kommune"] += 1
    return {org.key: counts[org.key] for org in ORGANISATIONS}


def _kommune_teams(count: int) -> list[tuple[str, ...]]:
    """Who follows each Demo kommune person: mostly Ungteam, some Oppfølgingsteam, a few both."""
    both = round(count * 0.08)
    other_only = round(count * 0.17)
    if count >= 10:  # Ungteam follows at least 10 (everyone but the "other only" ones)
        other_only = min(other_only, count - 10)
    other_only = max(0, min(other_only, count - both))
    ung_only = count - both - other_only
    return (
        [("Ungteam",)] * ung_only
        + [("Oppfølgingsteam",)] * other_only
        + [("Ungteam", "Oppfølgingsteam")] * both
    )


def _team_phone(country: str, number: int) -> str:
    """The number a team's letters and SMS give to call back (made up, as every phone
    number of the demo; the demo's SMS gateway writes to the console only)."""
    if country == "SE":
        return f"+46 8 550 100 {number:02d}"
    return f"+47 22 50 10 {number:02d}"


def _phone(rng: random.Random, country: str) -> str:
    if country == "SE":
        return (
            f"+46 7{rng.choice('0023')}{rng.randrange(10)} {rng.randrange(100):02d} "
            f"{rng.randrange(100):02d} {rng.randrange(100):02d}"
        )
    return (
        f"+47 {rng.choice('49')}{rng.randrange(100):02d} {rng.randrange(100):02d} "
        f"{rng.randrange(1000):03d}"
    )


def _street_address(rng: random.Random, country: str) -> str:
    street = rng.choice(SE_STREETS if country == "SE" else NO_STREETS).replace("_", " ")
    number = rng.randrange(1, 120)
    letter = rng.choice("AB") if rng.random() < 0.1 else ""
    return f"{street} {number}{letter}"


def _name_group(rng: random.Random, country: str) -> NameGroup:
    roll = rng.random()
    for group, share in IMMIGRANT_GROUPS:
        if roll < share:
            return group
        roll -= share
    return SWEDISH if country == "SE" else NORWEGIAN


def _language(rng: random.Random, group: NameGroup, country: str) -> str:
    home = HOME_LANGUAGE[country]
    roll = rng.random()
    if group is NORWEGIAN:
        return Language.NORWEGIAN_NYNORSK if roll < 0.08 else home
    if group is SWEDISH:
        return Language.ENGLISH if roll < 0.03 else home
    if roll < 0.55:
        return home
    if roll < 0.9:
        return group.language
    return Language.ENGLISH


def _guardians(
    rng: random.Random,
    group: NameGroup,
    last_name: str,
    country: str,
    address: str,
) -> tuple[DemoGuardian, ...]:
    two = rng.random() < 0.55
    if two:
        relations = (
            (Guardian.Relation.MOTHER, Guardian.Relation.FATHER)
            if rng.random() < 0.85
            else (Guardian.Relation.PARENT, Guardian.Relation.PARENT)
        )
    else:
        roll = rng.random()
        relations = (
            (Guardian.Relation.MOTHER,)
            if roll < 0.6
            else (Guardian.Relation.FATHER,)
            if roll < 0.85
            else (Guardian.Relation.PARENT,)
        )
    guardians = []
    for relation in relations:
        if relation == Guardian.Relation.MOTHER:
            first = rng.choice(group.female)
        elif relation == Guardian.Relation.FATHER:
            first = rng.choice(group.male)
        else:
            first = rng.choice(group.female + group.male)
        last = last_name if rng.random() < 0.8 else rng.choice(group.last)
        email = ""
        if rng.random() < 0.6:
            number = rng.randrange(10, 100)
            email = f"{_mail_part(first)}.{_mail_part(last)}{number}@{MAIL_DOMAIN[country]}"
        guardians.append(
            DemoGuardian(
                name=f"{first} {last}",
                relation=relation,
                phone=_phone(rng, country),
                email=email,
                address=address if rng.random() < 0.85 else _street_address(rng, country),
            )
        )
    return tuple(guardians)


def generate_people(
    count: int, seed: int = DEFAULT_SEED, today: datetime.date | None = None
) -> Iterator[DemoPerson]:
    """The demo's young people, in order. Deterministic for (count, seed, today)."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    counts = organisation_counts(count)
    organisations = [key for key, n in counts.items() for _ in range(n)]
    rng.shuffle(organisations)
    kommune_teams = _kommune_teams(counts["kommune"])
    rng.shuffle(kommune_teams)

    oldest = _years_before(today, 29)
    youngest = _years_before(today, 15)
    birth_span = (youngest - oldest).days
    used_numbers: set[str] = set()
    swedish_numbers = SwedishNumbers(oldest, youngest, seed)

    for index, key in enumerate(organisations, start=1):
        demo_org = ORGANISATION_BY_KEY[key]
        country = demo_org.country
        teams = kommune_teams.pop() if key == "kommune" else demo_org.teams
        group = _name_group(rng, country)
        female = rng.random() < 0.5
        first_name = rng.choice(group.female if female else group.male)
        last_name = rng.choice(group.last)
        birth_date = oldest + datetime.timedelta(days=rng.randrange(birth_span + 1))
        id_number = ""
        if rng.random() < 0.85:
            if country == "SE":
                taken = swedish_numbers.take()
                if taken is not None:
                    id_number, birth_date = taken
            else:
                id_number = synthetic_norwegian_number(birth_date, rng, used_numbers) or ""
        postal_code, city = rng.choice(SE_PLACES if country == "SE" else NO_PLACES)
        address = _street_address(rng, country) if rng.random() < 0.9 else ""
        if not address:
            postal_code = city = ""
        municipality = (
            HOME_MUNICIPALITY[country] if rng.random() < 0.9 else NEIGHBOUR_MUNICIPALITY[country]
        )
        phone = _phone(rng, country) if rng.random() < 0.9 else ""
        email = ""
        if rng.random() < 0.75:
            email = (
                f"{_mail_part(first_name)}.{_mail_part(last_name)}{index}@{MAIL_DOMAIN[country]}"
            )
        language = _language(rng, group, country)
        registered_on = today - datetime.timedelta(days=rng.randrange(1, 3 * 365))
        guardians: tuple[DemoGuardian, ...] = ()
        if age_on(birth_date, today) < 18:
            guardians = _guardians(rng, group, last_name, country, address)
        yield DemoPerson(
            organisation=key,
            teams=teams,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            id_number=id_number,
            phone=phone,
            email=email,
            address=address,
            postal_code=postal_code,
            city=city,
            municipality=municipality,
            country=country,
            preferred_language=language,
            registered_on=registered_on,
            guardians=guardians,
        )


# --------------------------------------------------------------------------
# Writing it
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    people: int
    with_identity_number: int
    guardians: int
    follows: int
    seconds: float
    per_organisation: dict[str, int]
    chain: ChainSummary | None = None


def demo_organisations() -> list[Organisation]:
    """The demo organisations present in the database (matched by country and number)."""
    condition = Q(pk__in=[])
    for demo in ORGANISATIONS:
        condition |= Q(country=demo.country, org_number=organisation_number(demo))
    return list(Organisation.objects.filter(condition))


def existing_demo_data() -> str:
    """What of the demo world is already there, in words ("" when nothing is)."""
    if Organisation.objects.filter(name=MARKER_ORGANISATION).exists():
        return f"the organisation {MARKER_ORGANISATION!r} exists"
    # Leftovers of a demo world without its marker organisation would make the load fail.
    found = [f"the organisation {org.name!r}" for org in demo_organisations()]
    emails = User.objects.filter(email__in=[user.email for user in USERS])
    found += [f"the user {email}" for email in emails.values_list("email", flat=True)]
    return ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")


def delete_demo_world() -> None:
    """Remove the demo world: its people, teams, users, organisations and their audit rows.

    The demo organisations are found by their organisation numbers (and "Demo kommune"
    by name), the users by the demo e-mail addresses. Call inside a transaction.
    """
    organisations = demo_organisations()
    organisations += Organisation.objects.filter(name=MARKER_ORGANISATION).exclude(
        pk__in=[org.pk for org in organisations]
    )
    org_ids = [org.pk for org in organisations]
    delete_outreach(org_ids)
    delete_grant_reports(org_ids)
    delete_chain(org_ids)
    team_ids = list(Team.objects.filter(organisation_id__in=org_ids).values_list("pk", flat=True))
    AccessLog.objects.filter(
        Q(organisation_id__in=org_ids)
        | Q(team_id__in=team_ids)
        | Q(person_organisation_id__in=org_ids)
    ).delete()
    ChangeLog.objects.filter(organisation_id__in=org_ids).delete()
    # Followers and guardians first: then deleting the people has nothing left to cascade.
    Follow.objects.filter(organisation_id__in=org_ids).delete()
    Guardian.objects.filter(organisation_id__in=org_ids).delete()
    Person.objects.filter(organisation_id__in=org_ids).delete()
    Membership.objects.filter(organisation_id__in=org_ids).delete()
    User.objects.filter(email__in=[user.email for user in USERS]).delete()
    Team.objects.filter(pk__in=team_ids).delete()
    Organisation.objects.filter(pk__in=org_ids).delete()


def _create_structure() -> tuple[dict[str, Organisation], dict[tuple[str, str], Team]]:
    organisations: dict[str, Organisation] = {}
    teams: dict[tuple[str, str], Team] = {}
    for demo in ORGANISATIONS:
        organisation = Organisation(
            name=demo.name,
            kind=demo.kind,
            country=demo.country,
            org_number=organisation_number(demo),
            # The Swedish municipality works in Swedish; the others follow the browser
            # (Norwegian first).
            default_language="sv" if demo.country == "SE" else "",
        )
        organisation.full_clean()
        organisation.save()
        organisations[demo.key] = organisation
        for number, name in enumerate(demo.teams, start=len(teams)):
            teams[demo.key, name] = Team.objects.create(
                organisation=organisation, name=name, phone=_team_phone(demo.country, number)
            )
    password = make_password(PASSWORD)  # hashed once, shared by every demo user
    for spec in USERS:
        user = User.objects.create(
            email=spec.email, full_name=spec.full_name, is_staff=spec.is_staff, password=password
        )
        Membership.objects.create(
            user=user,
            organisation=organisations[spec.organisation],
            team=teams[spec.organisation, spec.team] if spec.team else None,
            role=spec.role,
        )
    return organisations, teams


def _chunks(items: Iterator[DemoPerson], size: int) -> Iterator[list[DemoPerson]]:
    chunk: list[DemoPerson] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_ID_KIND = {"NO": str(IdKind.FODSELSNUMMER), "SE": str(IdKind.PERSONNUMMER)}


def _registered_at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.time(rng.randrange(8, 16), rng.randrange(60), rng.randrange(60))
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def load_demo_world(
    youths: int,
    *,
    seed: int = DEFAULT_SEED,
    reset: bool = False,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Create the demo world with `youths` young people, in one transaction.

    Raises DemoWorldExists when it is already there (unless `reset`, which deletes it
    first), and DemoNotAllowed in an installation without synthetic identity numbers
    or without an identity-number key.
    """
    if not settings.LOSEN_ALLOW_SYNTHETIC_IDS:
        raise DemoNotAllowed(
            "The demo world has users with the password 'demo' and synthetic identity "
            "numbers: it is only loaded where LOSEN_ALLOW_SYNTHETIC_IDS=1 (never in "
            "production)."
        )
    if not crypto.key_is_usable():
        raise DemoNotAllowed(
            "LOSEN_ID_KEY is missing or invalid: identity numbers cannot be encrypted."
        )
    if youths < 0:
        raise ValueError("The number of young people cannot be negative.")
    say = progress or (lambda message: None)
    started = time.monotonic()
    today = today or timezone.localdate()
    # A second generator for what only the database needs (times of day), so that the
    # people themselves depend on the seed alone.
    clock = random.Random(f"{seed}-clock")

    with transaction.atomic():
        if reset:
            say("Removing the previous demo world ...")
            delete_demo_world()
        else:
            found = existing_demo_data()
            if found:
                raise DemoWorldExists(
                    f"The demo data is already loaded ({found}). Nothing was changed. "
                    "Run with --reset to delete it and load it again."
                )
        organisations, teams = _create_structure()
        org_ids = {key: org.pk for key, org in organisations.items()}
        team_ids = {key: team.pk for key, team in teams.items()}

        people_total = numbered = guardian_total = follow_total = 0
        per_organisation = dict.fromkeys(org_ids, 0)
        step = max(CHUNK_SIZE, youths // 10)
        next_report = step
        for chunk in _chunks(generate_people(youths, seed, today), CHUNK_SIZE):
            rows = []
            for demo in chunk:
                created = _registered_at(demo.registered_on, clock)
                rows.append(
                    Person(
                        organisation_id=org_ids[demo.organisation],
                        first_name=demo.first_name,
                        last_name=demo.last_name,
                        birth_date=demo.birth_date,
                        phone=demo.phone,
                        email=demo.email,
                        address=demo.address,
                        postal_code=demo.postal_code,
                        city=demo.city,
                        municipality=demo.municipality,
                        country=demo.country,
                        preferred_language=demo.preferred_language,
                        created_at=created,
                        updated_at=created,
                        **_identity_columns(demo),
                    )
                )
            Person.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            follows = []
            guardians = []
            for demo, person in zip(chunk, rows, strict=True):
                organisation_id = org_ids[demo.organisation]
                per_organisation[demo.organisation] += 1
                numbered += bool(demo.id_number)
                for position, team in enumerate(demo.teams):
                    since = demo.registered_on
                    if position:  # the second team came in later
                        since += datetime.timedelta(days=clock.randrange((today - since).days + 1))
                    follows.append(
                        Follow(
                            person_id=person.pk,
                            team_id=team_ids[demo.organisation, team],
                            organisation_id=organisation_id,
                            since=since,
                        )
                    )
                for guardian in demo.guardians:
                    guardians.append(
                        Guardian(
                            person_id=person.pk,
                            organisation_id=organisation_id,
                            name=guardian.name,
                            relation=guardian.relation,
                            phone=guardian.phone,
                            email=guardian.email,
                            address=guardian.address,
                            created_at=person.created_at,
                        )
                    )
            Follow.objects.bulk_create(follows, batch_size=BATCH_SIZE)
            Guardian.objects.bulk_create(guardians, batch_size=BATCH_SIZE)
            people_total += len(rows)
            follow_total += len(follows)
            guardian_total += len(guardians)
            if people_total >= next_report and people_total < youths:
                say(f"  {people_total:,} / {youths:,} young people".replace(",", " "))
                next_report += step

        say("The follow-up chain: measures, cases, meetings, exits ...")
        chain = load_chain(seed=seed, today=today, organisations=organisations, teams=teams)
        load_comparisons(organisations=organisations, teams=teams, today=today)
        say("Outreach: two KAA lists and the contact ladder ...")
        load_outreach(organisations=organisations, teams=teams, today=today, seed=seed)
        say("Last year's grant report ...")
        load_grant_report(organisations, today)
        do_log_change(
            None,
            action="demo.loaded",
            obj=organisations["kommune"],
            organisation_id=org_ids["kommune"],
            changed_fields=[],
        )

    return DemoSummary(
        people=people_total,
        with_identity_number=numbered,
        guardians=guardian_total,
        follows=follow_total,
        seconds=time.monotonic() - started,
        per_organisation={
            ORGANISATION_BY_KEY[key].name: count for key, count in per_organisation.items()
        },
        chain=chain,
    )


def _identity_columns(demo: DemoPerson) -> dict[str, str]:
    """The stored form of the identity number, as losen.people.actions stores it."""
    if not demo.id_number:
        return {}
    return {
        "id_number_encrypted": crypto.encrypt(demo.id_number),
        "id_number_hash": crypto.lookup_hash(demo.id_number),
        "id_number_kind": _ID_KIND[demo.country],
        "id_number_masked": mask_identity_number(demo.id_number),
    }


def login_box(url: str) -> list[str]:
    """The box `make demo` prints before serving: the address and every demo login."""
    width = max(len(email) for email, _ in DEMO_USERS)
    rows = [
        f"Losen demo:  {url}",
        "",
        f"Log in with one of these (password: {PASSWORD}):",
        *(f"  {email:<{width}}  {description}" for email, description in DEMO_USERS),
        "",
        "Made-up people and numbers only. Stop with Ctrl+C.",
    ]
    inner = max(len(row) for row in rows) + 4
    return [
        "╔" + "═" * inner + "╗",
        *(f"║  {row:<{inner - 4}}  ║" for row in rows),
        "╚" + "═" * inner + "╝",
    ]


def describe_logins() -> list[str]:
    """Lines listing the demo logins, for the command's output."""
    width = max(len(email) for email, _ in DEMO_USERS)
    lines = [f"Logins (password for all: {PASSWORD}):"]
    lines += [f"  {email:<{width}}  {description}" for email, description in DEMO_USERS]
    return lines
