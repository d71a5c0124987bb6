"""A person's outreach page and the statutory layouts speak the user's language."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from losen.accounts.actions import system_user
from losen.audit.actors import LIST_IMPORT_USER
from losen.outreach import statutory
from losen.outreach.actions.lists import do_import_list
from losen.outreach.models import TargetEntry
from losen.outreach.tests.conftest import list_csv, swedish_pnr

pytestmark = pytest.mark.django_db


@pytest.fixture
def kaa_entry(kaa_team, swedish_municipality) -> TargetEntry:
    """A Swedish person on a KAA list that `losen import-list` imported."""
    born = datetime.date(timezone.localdate().year - 17, 5, 6)
    row = {"identity_number": swedish_pnr(born, 981), "first_name": "Elsa", "last_name": "Ek"}
    do_import_list(
        system_user(LIST_IMPORT_USER),
        "kaa.csv",
        io.BytesIO(list_csv([row])),
        organisation=swedish_municipality,
        team=kaa_team,
        scheme="kaa",
        received_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    return TargetEntry.objects.get()


@pytest.mark.parametrize(
    ("language", "importer_name", "status"),
    [("sv", "Automatisk listimport", "Okänt"), ("nb", "Automatisk listeimport", "Ukjent")],
)
def test_the_status_history_names_the_list_import_and_the_status_in_words(
    client, kaa_coordinator, kaa_entry, language, importer_name, status
):
    kaa_coordinator.language = language
    kaa_coordinator.save(update_fields=["language"])
    client.force_login(kaa_coordinator)
    page = client.get(reverse("outreach:entry", args=[kaa_entry.pk])).content.decode()
    assert f"({importer_name})" in page
    assert "(Listeimport)" not in page
    assert f"<td>{status}</td>" in page
    assert "<td>unknown</td>" not in page


def test_the_list_import_account_is_named_in_the_readers_language():
    user = system_user(LIST_IMPORT_USER)
    assert user.full_name == "Listeimport"  # as stored, and as the logs keep it
    with translation.override("sv"):
        assert user.get_full_name() == "Automatisk listimport"
        assert str(user) == "Automatisk listimport"
    with translation.override("en"):
        assert user.get_full_name() == "Automatic list import"


def test_a_statutory_layouts_title_is_in_the_interface_language():
    layout = statutory.layouts()["udir-ot-status-counts@2026.1"]
    with translation.override("nb"):
        assert layout.title.startswith("OT: antall unge per statuskode")
    with translation.override("sv"):
        assert layout.title.startswith("OT: antal unga per statuskod")
    with translation.override("en"):
        assert layout.title.startswith("OT: number of young people")
