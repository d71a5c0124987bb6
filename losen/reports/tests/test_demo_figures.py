"""At the demo's size the manager's results say something: few cells hidden, all shown."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from losen.accounts.models import User
from losen.lib.tables import displayed

pytestmark = pytest.mark.django_db

DEMO_YOUTHS = 300  # `make demo`'s default (YOUTHS in the Makefile)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    from losen.demo.world import delete_demo_world

    with django_db_blocker.unblock():
        call_command("demo-data", youths=DEMO_YOUTHS, seed=1, verbosity=0)
        yield
        with transaction.atomic():
            delete_demo_world()


@pytest.fixture
def manager_page(demo, client):
    client.force_login(User.objects.get(email="analytiker@demo.no"))
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    return response


def test_at_most_a_tenth_of_the_organisations_counts_are_hidden_from_the_manager(manager_page):
    board = manager_page.context["board"]
    assert board.suppressed
    tables = manager_page.context["tables"]
    # The counts of the month table and of the exit table (the labels and shares aside).
    counts = [value for row in board.cells for value in row]
    counts += [row[1] for row in tables["exits"]["table"].rows + tables["exits"]["table"].footer]
    hidden = sum(value is None for value in counts)
    assert sum(row.exited for row in board.rows) > 0  # the demo has exits in the period
    assert hidden <= 0.1 * len(counts)


def test_the_manager_sees_all_exits_in_the_period_and_each_outcome(manager_page):
    board = manager_page.context["board"]
    exact = sum(row.exited for row in board.rows)
    assert board.exited is not None
    assert abs(board.exited - exact) < 5
    assert all(share.count is not None for share in board.exits.values())
    footer = displayed(manager_page.context["tables"]["exits"]["table"].footer)
    assert footer[0][1] == str(board.exited)


def test_the_manager_sees_our_share_beside_pitstops(manager_page):
    rows = manager_page.context["comparisons"].comparisons
    shares = [row for row in rows if row.metric.key == "share_work"]
    assert shares
    assert all(row.ours != "–" for row in shares)
    assert all(row.note == "" for row in shares)
