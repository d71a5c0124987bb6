"""`losen create-organisation`: an organisation and its first team, valid numbers only."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from losen.accounts.models import Organisation, Team

pytestmark = pytest.mark.django_db


def test_it_creates_the_organisation_and_a_first_team(capsys):
    call_command("create-organisation", "Ungtiltak AS", kind="provider", number="923 609 016")
    organisation = Organisation.objects.get(name="Ungtiltak AS")
    assert (organisation.kind, organisation.country, organisation.org_number) == (
        "provider",
        "NO",
        "923609016",
    )
    assert list(Team.objects.filter(organisation=organisation).values_list("name", flat=True)) == [
        "Team"
    ]
    assert "Created Ungtiltak AS" in capsys.readouterr().out


def test_it_names_the_team_and_takes_a_swedish_number():
    call_command(
        "create-organisation",
        "Demo kommun",
        kind="municipality",
        number="212000-1355",
        country="SE",
        team="KAA",
    )
    organisation = Organisation.objects.get(name="Demo kommun")
    assert organisation.org_number == "2120001355"
    assert organisation.teams.get().name == "KAA"


def test_it_refuses_an_invalid_number():
    from django.utils import translation

    # The message is in the active language: say which, whatever earlier tests left.
    with (
        translation.override("nb"),
        pytest.raises(CommandError, match="923609017.*kontrollsifferet"),
    ):
        call_command("create-organisation", "Feil AS", kind="provider", number="923609017")
    with pytest.raises(CommandError, match="12345"):
        call_command("create-organisation", "Feil AS", kind="provider", number="12345")
    assert not Organisation.objects.exists()


def test_it_refuses_a_number_or_name_already_in_use(municipality):
    with pytest.raises(CommandError, match="Testkommune already has the organisation number"):
        call_command("create-organisation", "Ny kommune", kind="municipality", number="974760673")
    with pytest.raises(CommandError, match="called 'testkommune' already exists"):
        call_command("create-organisation", "testkommune", kind="municipality", number="923609016")
    assert Organisation.objects.count() == 1


def test_the_number_is_optional_for_a_group_without_one(capsys):
    call_command("create-organisation", "Frivilliggruppa", kind="provider")
    call_command("create-organisation", "Nabolagsgruppa", kind="provider")
    numbers = dict(Organisation.objects.values_list("name", "org_number"))
    assert numbers == {"Frivilliggruppa": "", "Nabolagsgruppa": ""}
    assert "no number" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already exists"):
        call_command("create-organisation", "frivilliggruppa", kind="provider")
