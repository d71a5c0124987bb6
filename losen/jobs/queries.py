"""The door to jobs: a job is its owner's alone; for anyone else it does not exist."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from losen.accounts.models import User
from losen.jobs.models import Job


def jobs_of(actor: User) -> QuerySet[Job]:
    if actor is None or not actor.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(owner_id=actor.pk)


def get_job_for(actor: User, job_id: uuid.UUID | str) -> Job:
    """The actor's own job; 404 for every other (also for an administrator)."""
    try:
        return jobs_of(actor).get(pk=job_id)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404("No such job.") from None
