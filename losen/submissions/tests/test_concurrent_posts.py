"""Two posts of one referral form at the same moment, on a SQLite file: one referral."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import run_on_a_copy_of_the_database

# In a process of its own, on a copy of the test database in a file: two threads, each
# with its own connection and browser (test client), post the same form at once.
TWO_POSTS_AT_ONCE = """
import json, sys, threading, uuid
import django
django.setup()
from django.test import Client
from django.urls import reverse
from losen.accounts.models import User
from losen.cases.models import Case, Referral
from losen.cases.tests.test_referrals import new_person_data
from losen.people.models import Person

user = User.objects.get(pk=int(sys.argv[1]))
data = {**new_person_data(), "submission_token": str(uuid.uuid4())}
start = threading.Barrier(2)
answers = []

def post():
    client = Client()
    client.force_login(user)
    start.wait()
    response = client.post(reverse("referrals:new"), data)
    answers.append((response.status_code, response.get("Location", "")))

threads = [threading.Thread(target=post) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({
    "answers": answers,
    "people": Person.objects.filter(last_name="Larsen").count(),
    "cases": Case.objects.count(),
    "referrals": Referral.objects.count(),
}))
"""


@pytest.mark.django_db(transaction=True)
def test_two_posts_of_one_referral_form_at_once_make_one_person_case_and_referral(
    coordinator, tmp_path
):
    if connection.vendor != "sqlite":
        pytest.skip("a copy of the SQLite test database")
    result, stderr = run_on_a_copy_of_the_database(tmp_path, TWO_POSTS_AT_ONCE, str(coordinator.pk))
    # On failure: what each post answered, and what the process wrote (a locked database?).
    assert (result["people"], result["cases"], result["referrals"]) == (1, 1, 1), (
        result["answers"],
        stderr[-3000:],
    )
    (first, first_to), (second, second_to) = result["answers"]
    assert first == second == 302
    assert first_to == second_to
