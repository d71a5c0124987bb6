"""On SQLite (the demo's database), jobs that run at once do not lock each other out."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from conftest import run_on_a_copy_of_the_database
from losen.jobs.models import Job
from losen.people.models import Follow, Person

# Run in a process of its own on a file database (a copy of the test database): two
# export jobs in two threads, each writing its progress every 10 ms.
TWO_EXPORTS_AT_ONCE = """
import json, sys, threading
import django
django.setup()
from losen.jobs import models, runner
models.REPORT_EVERY_SECONDS = 0.01
threads = [threading.Thread(target=runner.run_job, args=(pk,)) for pk in sys.argv[1:]]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps([
    [job.status, job.done, job.error]
    for job in models.Job.objects.filter(pk__in=sys.argv[1:])
]))
"""


@pytest.mark.django_db(transaction=True)
def test_two_large_exports_at_once_both_finish_on_a_sqlite_file(coordinator, team, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking")
    people = Person.objects.bulk_create(
        Person(
            organisation=team.organisation,
            first_name=f"Ung{n}",
            last_name="Hansen",
            birth_date=datetime.date(2005, 1, 1),
        )
        for n in range(2500)
    )
    Follow.objects.bulk_create(
        Follow(person=p, team=team, organisation=team.organisation, since=datetime.date(2026, 1, 1))
        for p in people
    )
    jobs = [
        Job.objects.create(
            kind="export",
            title="Unge",
            owner=coordinator,
            organisation=team.organisation,
            params={"export": "people", "format": fmt, "params": {}},
        )
        for fmt in ("csv", "xlsx")
    ]
    finished, stderr = run_on_a_copy_of_the_database(
        tmp_path, TWO_EXPORTS_AT_ONCE, *(str(job.pk) for job in jobs)
    )
    assert finished == [[Job.Status.DONE, 2500, ""], [Job.Status.DONE, 2500, ""]], stderr
