"""A made-up, deterministic demo world: organisations, teams, users and young people.

Used by ``losen demo-data`` (and so by ``make demo``). The same seed gives the same
names, birth dates, identity numbers and team assignments, on the same day: birth
dates are drawn relative to today so that the ages stay 15-29.

Everything here is invented:

* Norwegian identity numbers are synthetic Test-Norge numbers (month + 80, see
  losen/lib/idnumbers.py), which cannot belong to a real person.
* Swedish personnummer have no synthetic marker, so the demo's Swedish people get
  Skatteverket's published test personnummer (data/testpersonnummer.txt), which
  belong to no one (see ``SwedishNumbers`` in people.py).
* Names are common first and last names; addresses are common street names in
  made-up places; e-mail addresses are under example.no / example.se (RFC 2606).

Speed: the people are written with bulk_create, in one transaction, without going
through losen.people.actions (which writes a change-log row per write). One
``demo.loaded`` change-log row records the load itself; only the KAA lists are imported
and worked through outreach's actions, and logged as such.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from losen.accounts.models import Membership, Organisation, Team, User
from losen.audit.actions import do_log_change
from losen.audit.models import AccessLog, ChangeLog
from losen.demo.chain import ChainSummary, delete_chain, load_chain
from losen.demo.comparisons import load_comparisons
from losen.demo.contracts import delete_contracts, load_contract
from losen.demo.exchange import delete_referrals, load_referrals
from losen.demo.grants import delete_grant_reports, load_grant_report
from losen.demo.organisations import (
    DEMO_USERS,
    MARKER_ORGANISATION,
    ORGANISATION_BY_KEY,
    ORGANISATIONS,
    USERS,
    organisation_number,
)
from losen.demo.outreach import delete_outreach, load_outreach
from losen.demo.people import DEFAULT_SEED, DemoPerson, generate_people
from losen.lib import crypto
from losen.lib.idnumbers import IdKind, mask_identity_number
from losen.people.models import Follow, Guardian, Person

PASSWORD = "demo"  # noqa: S105 - the demo's published password, by design
BATCH_SIZE = 2000
# People are generated, encrypted and written in chunks of this size, so memory stays
# flat at 100,000 people.
CHUNK_SIZE = 5000


class DemoWorldExists(Exception):
    """The demo world (or part of it) is already in the database."""


class DemoNotAllowed(Exception):
    """This installation must not get the demo world (no synthetic ids, or no key)."""


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
    delete_referrals(org_ids)
    delete_contracts(org_ids)
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


def _team_phone(country: str, number: int) -> str:
    """The number a team's letters and SMS give to call back (made up, as every phone
    number of the demo; the demo's SMS gateway writes to the console only)."""
    if country == "SE":
        return f"+46 8 550 100 {number:02d}"
    return f"+47 22 50 10 {number:02d}"


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
        say("Referrals between organisations: NAV Demo and Demo kommune to PitStop ...")
        load_referrals(organisations, teams, today)
        say("Outreach: two KAA lists and the contact ladder ...")
        load_outreach(organisations=organisations, teams=teams, today=today, seed=seed)
        say("Last year's grant report ...")
        load_grant_report(organisations, today)
        say("The outcome contract UNG i Demo: Demo kommune pays PitStop Demo ...")
        load_contract(organisations, today)
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
