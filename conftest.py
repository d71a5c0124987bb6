"""Shared fixtures: the three personas and the people they may or may not see.

- `coordinator`: coordinator in Ungteam, the team that follows `person`;
- `colleague`: coordinator in another team of the same municipality;
- `outsider`: coordinator in another organisation, who must see nothing.
Around them: `team_lead` of Ungteam, `manager` of the municipality (aggregates only),
and `org_admin`, the municipality's administrator.
"""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
import subprocess
import sys
import zoneinfo
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from losen.accounts.models import Membership, Organisation, Role, Team, User
from losen.lib.idnumbers import parse_identity_number
from losen.people.actions import PersonData, do_register_person


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("LOSEN_TEST_CLOCK", ""),
        help=(
            "run the whole suite as if it were this local time in Oslo, for example "
            "2028-02-29T23:59 (the clock then runs on from there); LOSEN_TEST_CLOCK= too"
        ),
    )


@pytest.fixture(scope="session")
def _suite_clock(request) -> datetime.datetime | None:
    """The suite's clock: None for the real one, or the moment `--clock` sets.

    No module computes today at import (`losen/web/tests/test_clock.py` checks), so a
    test that needs today asks for it while it runs and gets this clock's day.
    """
    return clock_start(request.config.getoption("--clock"))


@pytest.fixture(autouse=True)
def _test_clock(_suite_clock):
    """Under `--clock` every test starts at that very moment, and time runs on from there.

    Each test starts afresh (not the whole run from one start), so a test that begins at
    23:59 stays on that day however long the run has taken, and the run is repeatable.
    """
    if _suite_clock is None:
        yield
        return
    with time_machine.travel(_suite_clock, tick=True):
        yield


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Fixtures shared by several tests are made at the `--clock` moment too.

    A module's demo world made a minute into the run at 23:59 would be a day ahead of
    the tests that read it, each of which starts at 23:59 again.
    """
    start = clock_start(request.config.getoption("--clock"))
    if start is None or fixturedef.scope == "function":
        return (yield)
    with time_machine.travel(start, tick=True):
        return (yield)


def clock_start(value: str) -> datetime.datetime | None:
    """The moment `--clock` names (local time in Oslo unless it says otherwise)."""
    if not value:
        return None
    start = datetime.datetime.fromisoformat(value)
    if start.tzinfo is None:
        start = start.replace(tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))
    return start


def pytest_report_header(config):
    clock = config.getoption("--clock")
    return f"clock: {clock} (Europe/Oslo), ticking" if clock else "clock: the real one"


def run_on_a_copy_of_the_database(tmp_path, script: str, *args: str) -> tuple[object, str]:
    """Run `script` in a Python process of its own on a file copy of the SQLite test database.

    For what only a file database shows (threads with connections of their own, SQLite's
    locking). The process has the test's settings, clock (`LOSEN_TEST_NOW`, for a script
    that travels to it) and host name; the last line it prints is read as JSON. Returns
    that and what the process wrote to stderr (for the assertion's message).
    """
    database = tmp_path / "losen.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as copy:
        connection.connection.backup(copy)
        # A real database file is in WAL mode from its first connection on; the copy of
        # the in-memory test database is not, and two connections switching it at once
        # would lock each other out before the script begins.
        copy.execute("PRAGMA journal_mode=WAL")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "losen.settings_test",
        "LOSEN_ALLOWED_HOSTS": "testserver",
        "LOSEN_TEST_NOW": str(timezone.now().timestamp()),
    }
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1]), out.stderr


PASSWORD = "correct horse battery staple"  # noqa: S105 - test password


def synthetic_fnr(
    birth_date: datetime.date,
    individual: int = 123,
    *,
    d_number: bool = False,
    series_2032: bool = False,
) -> str:
    """A valid Test-Norge number (month + 80) for a birth date born 2000-2039, for tests.

    Tries individual numbers upwards from 500 + `individual` until the classic check
    digits exist (k1 or k2 of 10 has no valid number). `d_number` adds 40 to the day (a
    D-number); `series_2032` makes check digits valid only under the 2032 rule (k1 with
    remainder 1), so the number tells no century.
    """
    assert 2000 <= birth_date.year <= 2039
    day = birth_date.day + (40 if d_number else 0)
    for candidate in range(500 + individual % 500, 1000):
        base = f"{day:02d}{birth_date.month + 80:02d}{birth_date.year % 100:02d}"
        digits = [int(c) for c in f"{base}{candidate:03d}"]
        weighted = sum(w * d for w, d in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), digits, strict=True))
        k1 = ((1 if series_2032 else 0) - weighted) % 11
        if k1 == 10:
            continue
        digits.append(k1)
        k2 = (
            11
            - sum(w * d for w, d in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), digits, strict=True)) % 11
        )
        k2 = 0 if k2 == 11 else k2
        if k2 == 10:
            continue
        return "".join(map(str, digits)) + str(k2)
    raise AssertionError("no valid number")


@pytest.fixture
def municipality(db) -> Organisation:
    return Organisation.objects.create(
        name="Testkommune",
        kind=Organisation.Kind.MUNICIPALITY,
        country="NO",
        org_number="974760673",
    )


@pytest.fixture
def outside_organisation(db) -> Organisation:
    return Organisation.objects.create(
        name="Utenfor AS", kind=Organisation.Kind.PROVIDER, country="NO", org_number="923609016"
    )


@pytest.fixture
def team(municipality) -> Team:
    return Team.objects.create(organisation=municipality, name="Ungteam", phone="22 50 10 00")


@pytest.fixture
def other_team(municipality) -> Team:
    return Team.objects.create(organisation=municipality, name="Oppfølgingsteam")


@pytest.fixture
def outside_team(outside_organisation) -> Team:
    return Team.objects.create(organisation=outside_organisation, name="Utenforteamet")


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(
        email: str,
        role: Role,
        *,
        team: Team | None = None,
        organisation: Organisation | None = None,
        **extra,
    ) -> User:
        user = User.objects.create_user(
            email, PASSWORD, full_name=extra.pop("full_name", email), **extra
        )
        Membership.objects.create(
            user=user, team=team, organisation=organisation or team.organisation, role=role
        )
        return user

    return make


@pytest.fixture
def coordinator(make_user, team) -> User:
    return make_user(
        "koordinator@test.no", Role.COORDINATOR, team=team, full_name="Kari Koordinator"
    )


@pytest.fixture
def colleague(make_user, other_team) -> User:
    return make_user("kollega@test.no", Role.COORDINATOR, team=other_team, full_name="Kai Kollega")


@pytest.fixture
def outsider(make_user, outside_team) -> User:
    return make_user(
        "utenfor@test.no", Role.COORDINATOR, team=outside_team, full_name="Ulf Utenfor"
    )


@pytest.fixture
def team_lead(make_user, team) -> User:
    return make_user("leder@test.no", Role.TEAM_LEAD, team=team, full_name="Lise Leder")


@pytest.fixture
def manager(make_user, municipality) -> User:
    return make_user(
        "analytiker@test.no", Role.MANAGER, organisation=municipality, full_name="Anne Analytiker"
    )


@pytest.fixture
def org_admin(make_user, municipality) -> User:
    return make_user(
        "admin@test.no",
        Role.ADMIN,
        organisation=municipality,
        is_staff=True,
        full_name="Arne Admin",
    )


@pytest.fixture
def register(coordinator, team) -> Callable[..., object]:
    """Register a person as the coordinator, in Ungteam."""

    def register(
        first_name="Nora",
        last_name="Hansen",
        birth_date=None,
        identity_number=None,
        actor=None,
        in_team=None,
        **fields,
    ):
        birth_date = birth_date or datetime.date(2003, 5, 17)
        number = (
            parse_identity_number(identity_number, allow_synthetic=True)
            if identity_number
            else None
        )
        return do_register_person(
            actor or coordinator,
            team=in_team or team,
            data=PersonData(
                first_name=first_name, last_name=last_name, birth_date=birth_date, **fields
            ),
            identity_number=number,
        )

    return register


@pytest.fixture
def person_number() -> str:
    return synthetic_fnr(datetime.date(2003, 5, 17), 456)


@pytest.fixture
def person(register, person_number):
    return register(
        identity_number=person_number, phone="+47 412 34 567", municipality="Testkommune"
    )


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def case(coordinator, person, team):
    """An open case for `person` in Ungteam, referred a week ago, coordinator as contact."""
    import datetime as dt

    from losen.cases.actions.core import do_assign_contact_person, do_open_case, do_record_event
    from losen.cases.models import EventKind

    week_ago = timezone.localdate() - dt.timedelta(days=7)
    opened = do_open_case(coordinator, person, team, opened_on=week_ago)
    do_record_event(
        coordinator, opened, EventKind.REFERRED, effective_on=week_ago, data={"source": "nav"}
    )
    do_assign_contact_person(coordinator, opened, coordinator)
    opened.refresh_from_db()
    return opened


def shown(msgid: str, **params) -> str:
    """The text a Norwegian user sees for a msgid (the interface's default language).

    Tests assert on this, not on the English msgid, so they check the real page and
    fail if a string is left untranslated.
    """
    from django.utils.html import escape
    from django.utils.translation import gettext, override

    with override("nb"):
        text = gettext(msgid)
    return escape(text % params if params else text)


@pytest.fixture(autouse=True)
def _interface_language_reset():
    """Each test starts in the default language, whatever an earlier request activated.

    Django keeps the language a request activated in the thread afterwards, so without
    this a test's messages would depend on which test ran before it on the same worker.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
