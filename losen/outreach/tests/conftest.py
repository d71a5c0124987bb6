"""Outreach fixtures: lists written to files, a Swedish municipality with its KAA team."""

from __future__ import annotations

import datetime
import io

import pytest
from stdnum import luhn

from conftest import synthetic_fnr
from losen.accounts.models import Organisation, Role, Team
from losen.outreach.actions.lists import do_import_list

HEADER = "identity_number,first_name,last_name,address,postal_code,city,phone,email,school_status"


def swedish_pnr(
    birth_date: datetime.date, serial: int = 123, *, samordningsnummer: bool = False
) -> str:
    """A valid personnummer (12 digits) for a birth date, for tests (or a samordningsnummer:
    60 added to the day)."""
    day = birth_date.day + (60 if samordningsnummer else 0)
    short = f"{birth_date:%y%m}{day:02d}{serial % 1000:03d}"
    return f"{birth_date.year:04d}{short[2:]}{luhn.calc_check_digit(short)}"


def list_csv(rows: list[dict], *, delimiter: str = ",", header: str = HEADER) -> bytes:
    lines = [header.replace(",", delimiter)]
    for row in rows:
        values = {
            "first_name": "Ung",
            "last_name": "Person",
            "address": "Storgata 1",
            "postal_code": "0150",
            "city": "Oslo",
            "phone": "+47 400 00 000",
            "email": "",
            "school_status": "dropped_out",
            "birth_date": "",
            **row,
        }
        lines.append(delimiter.join(values[c] for c in header.split(",")))
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def import_list(coordinator, team, municipality):
    """Import a list (rows as dicts) into Ungteam, Testkommune (Norway: OT)."""

    def run(rows, *, received_on, scheme="ot", organisation=None, in_team=None, actor=None):
        return do_import_list(
            actor or coordinator,
            "liste.csv",
            io.BytesIO(list_csv(rows)),
            organisation=organisation or municipality,
            team=in_team or team,
            scheme=scheme,
            received_on=received_on,
        )

    return run


@pytest.fixture
def fnr():
    return synthetic_fnr


@pytest.fixture
def swedish_municipality(db) -> Organisation:
    return Organisation.objects.create(
        name="Alingsås kommun",
        kind=Organisation.Kind.MUNICIPALITY,
        country="SE",
        org_number="2120001512",
    )


@pytest.fixture
def kaa_team(swedish_municipality) -> Team:
    return Team.objects.create(
        organisation=swedish_municipality, name="Plug In", phone="08-550 100 01"
    )


@pytest.fixture
def kaa_coordinator(make_user, kaa_team):
    return make_user(
        "samordnare@test.se", Role.COORDINATOR, team=kaa_team, full_name="Sara Samordnare"
    )


@pytest.fixture
def import_kaa(kaa_coordinator, kaa_team, swedish_municipality):
    def run(rows, *, received_on):
        return do_import_list(
            kaa_coordinator,
            "kaa.csv",
            io.BytesIO(list_csv(rows)),
            organisation=swedish_municipality,
            team=kaa_team,
            scheme="kaa",
            received_on=received_on,
        )

    return run
