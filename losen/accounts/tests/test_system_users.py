"""Losen's own accounts, which the imports act as: one each, made once, never able to log in."""

from __future__ import annotations

import pytest

from losen.accounts.actions import system_user
from losen.accounts.models import User
from losen.audit.actors import HISTORY_IMPORT_USER, LIST_IMPORT_USER

pytestmark = pytest.mark.django_db


def test_each_import_acts_as_its_own_account_made_on_first_use():
    lists = system_user(LIST_IMPORT_USER)
    history = system_user(HISTORY_IMPORT_USER)
    assert (lists.email, lists.full_name) == (LIST_IMPORT_USER, "Listeimport")
    assert (history.email, history.full_name) == (HISTORY_IMPORT_USER, "Historisk import")
    assert system_user(LIST_IMPORT_USER) == lists
    assert User.objects.filter(email__in=[LIST_IMPORT_USER, HISTORY_IMPORT_USER]).count() == 2


def test_a_system_account_cannot_log_in():
    user = system_user(LIST_IMPORT_USER)
    assert not user.is_active
    assert not user.has_usable_password()
