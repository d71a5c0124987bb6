"""Starting, claiming and running jobs, in one of three ways (settings.LOSEN_JOB_RUNNER).

``thread``  the demo and a single server: the job is handed to a small thread pool of
            the web process once the transaction that created it commits; the thread
            closes its database connections when the job ends.
``worker``  production: the web process only queues; `losen run-jobs` processes (any
            number, on any machine) claim queued jobs from the database and run them.
``inline``  the tests: the job runs within the call that starts it. SQLite's in-memory
            test database cannot be shared with other threads, and the tests run the
            real job code this way.

Whoever runs a job first claims it with one conditional UPDATE (queued → running), so a
job handed over twice still runs once. A job whose worker is gone (a restart, a crash)
is marked failed: at the start of a worker or thread pool, on its page, and when it has
not reported for STALE_AFTER.
"""

from __future__ import annotations

import datetime
import logging
import os
import secrets
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from losen.accounts.language import language_of
from losen.accounts.models import Organisation, User
from losen.jobs import files
from losen.jobs.models import LIVE_PROGRESS, Job
from losen.jobs.registry import JobFailed, kind_of

logger = logging.getLogger(__name__)

RUNNERS = ("thread", "worker", "inline")
# A running job that has not reported for this long has lost its worker.
STALE_AFTER = datetime.timedelta(minutes=30)

# This process, as written on the jobs it runs: host, process id and a token that
# tells this start of the process from an earlier one with the same id.
_TOKEN = secrets.token_hex(4)
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_TOKEN}"


def start_job(
    actor: User,
    kind: str,
    *,
    title: str,
    params: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
    upload: UploadedFile | None = None,
    run_now: bool = False,
) -> Job:
    """A new job, queued and handed to the runner; an `upload` is its input file.

    The row and the uploaded file (its name in `params["file"]`) are committed together,
    so no worker sees the job before its input is there. `run_now` runs it within this
    call whatever the runner (for small work that the caller waits for anyway).
    """
    kind_of(kind)  # an unknown kind fails here, not in the worker
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=title[:200],
            owner=actor,
            organisation=organisation,
            # The owner's language (their setting or their organisation's), else the
            # page's: a job started outside a request still speaks to its owner.
            language=language_of(actor) or translation.get_language() or settings.LANGUAGE_CODE,
            params=params or {},
        )
        if upload is not None:
            job.params["file"] = files.save_upload(job, upload).name
            job.save(update_fields=["params"])
        runner = settings.LOSEN_JOB_RUNNER
        if runner == "thread" and not run_now:
            transaction.on_commit(lambda: submit(job.pk))
    if run_now or runner == "inline":
        run_job(job.pk)
        job.refresh_from_db()
    return job


# Running one job


def claim(job_id: Any) -> bool:
    """Mark the job as ours if it is still queued; False if someone else has it."""
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, worker=worker_id()
        )
    )


def run_job(job_id: Any) -> bool:
    """Claim and run the job; False if it was not (or no longer) queued."""
    if not claim(job_id):
        return False
    job = Job.objects.select_related("owner").get(pk=job_id)
    execute(job)
    return True


def execute(job: Job) -> None:
    """Run a claimed job to its end: done, or failed with a message in its language."""
    with translation.override(job.language):
        try:
            kind = kind_of(job.kind)
            if connection.in_atomic_block:
                # Inline within someone's transaction: a failing job must not break it.
                with transaction.atomic():
                    kind.run(job)
            else:
                kind.run(job)
        except JobFailed as failure:
            _finish(job, Job.Status.FAILED, error=str(failure), result=failure.result)
        except Exception:
            logger.exception("Job %s (%s) failed.", job.pk, job.kind)
            _finish(
                job,
                Job.Status.FAILED,
                error=gettext(
                    "The job stopped because of an error. Try again; if it happens again, "
                    "tell your administrator."
                ),
            )
        else:
            _finish(job, Job.Status.DONE)
        finally:
            LIVE_PROGRESS.pop(job.pk, None)


def _finish(job: Job, status: str, *, error: str = "", result: dict | None = None) -> None:
    job.status = status
    job.finished_at = timezone.now()
    job.heartbeat_at = job.finished_at
    job.error = error
    if result:
        job.result = result
    if status == Job.Status.DONE and job.total is not None:
        job.done = job.total
    if status == Job.Status.FAILED:
        job.file_name = ""
    job.save(
        update_fields=[
            "status",
            "finished_at",
            "heartbeat_at",
            "error",
            "result",
            "done",
            "total",
            "message",
            "file_name",
            "download_name",
            "content_type",
            "personal_data",
        ]
    )


# The thread pool


def submit(job_id: Any) -> None:
    """Hand the job to this process's thread pool (started on first use)."""
    _thread_pool().submit(_run_in_thread, job_id)


def _thread_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=max(1, settings.LOSEN_JOB_THREADS), thread_name_prefix="losen-job"
            )
            _pool.submit(_start_of_pool)
        return _pool


def _start_of_pool() -> None:
    """Fail the jobs of dead processes, and take over jobs queued before a restart."""
    try:
        recover_interrupted()
        for job_id in Job.objects.filter(status=Job.Status.QUEUED).values_list("pk", flat=True):
            submit(job_id)
    except Exception:
        logger.exception("Could not look for interrupted jobs.")
    finally:
        connections.close_all()


def _run_in_thread(job_id: Any) -> None:
    close_old_connections()
    try:
        run_job(job_id)
    except Exception:
        logger.exception("Job %s could not be run.", job_id)
    finally:
        connections.close_all()


# The worker (losen run-jobs)


def claim_next() -> Job | None:
    """The oldest queued job, claimed for this worker; None when the queue is empty.

    On PostgreSQL the candidate row is locked with SKIP LOCKED, so workers never wait for
    each other; on SQLite the transaction itself takes the (only) write lock. Either way
    the conditional UPDATE decides who has it.
    """
    while True:
        with transaction.atomic():
            queued = Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at")
            if connection.features.has_select_for_update_skip_locked:
                queued = queued.select_for_update(skip_locked=True)
            job = queued.first()
            if job is None:
                return None
            if claim(job.pk):
                return Job.objects.select_related("owner").get(pk=job.pk)


# Interrupted jobs


def recover_interrupted(*, starting: bool = False) -> int:
    """Mark running jobs whose worker is gone as failed; how many were.

    A worker is gone when it ran on this machine and its process no longer exists (or,
    when `starting`, it had this very process id before a restart), or when its job has
    not reported for STALE_AFTER.
    """
    now = timezone.now()
    host, pid, token = worker_id().split(":")
    failed = 0
    running = Job.objects.filter(status=Job.Status.RUNNING).only(
        "id", "worker", "heartbeat_at", "language"
    )
    for job in running:
        if _is_interrupted(job, host, int(pid), token, now, starting=starting):
            failed += fail_interrupted(job)
    return failed


def _is_interrupted(job: Job, host: str, pid: int, token: str, now, *, starting: bool) -> bool:
    if job.heartbeat_at is None or now - job.heartbeat_at > STALE_AFTER:
        return True
    parts = job.worker.split(":")
    if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
        return False
    job_pid, job_token = int(parts[1]), parts[2]
    if job_pid == pid:
        return job_token != token or starting
    return not _process_exists(job_pid)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_interrupted(job: Job) -> int:
    with translation.override(job.language):
        error = gettext("The job was interrupted (the server was restarted). Start it again.")
    LIVE_PROGRESS.pop(job.pk, None)
    return Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED, error=error, finished_at=timezone.now(), file_name=""
    )


def check_interrupted(job: Job) -> None:
    """On the job's page: a running job whose worker is gone is failed there and then."""
    if job.status != Job.Status.RUNNING:
        return
    host, pid, token = worker_id().split(":")
    if _is_interrupted(job, host, int(pid), token, timezone.now(), starting=False):
        fail_interrupted(job)
        job.refresh_from_db()
