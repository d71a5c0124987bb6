"""The demo world's young people and their guardians, made up from a seed (no database).

Part of the demo world (losen/demo/world.py writes them). The same seed gives the same
people on the same day. Norwegian identity numbers are synthetic Test-Norge numbers;
Swedish ones are Skatteverket's published test personnummer (see ``SwedishNumbers``).
"""

from __future__ import annotations

import datetime
import functools
import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

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
from losen.demo.organisations import ORGANISATION_BY_KEY, ORGANISATIONS
from losen.people.models import Guardian, Language, age_on

DEFAULT_SEED = 1

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
    relations: tuple[Guardian.Relation, ...]
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
