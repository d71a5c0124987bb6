"""`losen run-jobs [--once] [--poll SECONDS]`: the background worker for production.

Run one or more of these beside the web servers, with LOSEN_JOB_RUNNER=worker for the
web processes. At start it marks the jobs a restart interrupted as failed and deletes
finished jobs past their retention; then it claims queued jobs one at a time (SKIP
LOCKED on PostgreSQL, so any number of workers share the queue) and runs them, and
cleans up once an hour. Stop it with SIGTERM or Ctrl-C: it finishes the job at hand.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection, connections

from losen.jobs import files, runner

CLEANUP_EVERY_SECONDS = 3600


def _release_connections(*, old_only: bool = False) -> None:
    """Close the database connections between jobs, unless called inside a transaction.

    A worker process holds no transaction here; `call_command("run-jobs")` from code
    (or a test) may, and closing its connection would break the caller.
    """
    if connection.in_atomic_block:
        return
    if old_only:
        close_old_connections()
    else:
        connections.close_all()


class Command(BaseCommand):
    help = "Run queued background jobs (large exports, imports) until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="run the jobs queued now, then stop"
        )
        parser.add_argument(
            "--poll", type=float, default=1.0, help="seconds between looks at an empty queue"
        )

    def handle(self, *args, once: bool = False, poll: float = 1.0, **options) -> None:
        self.stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
        interrupted = runner.recover_interrupted(starting=True)
        if interrupted:
            self.stderr.write(f"Marked {interrupted} interrupted job(s) as failed.")
        deleted = files.cleanup()
        if deleted:
            self.stdout.write(f"Deleted {deleted} finished job(s) past their retention.")
        last_cleanup = time.monotonic()
        ran = 0
        try:
            while not self.stopping:
                _release_connections(old_only=True)
                job = runner.claim_next()
                if job is not None:
                    self.stdout.write(f"Running {job.kind} job {job.pk} for {job.owner.email}.")
                    runner.execute(job)
                    ran += 1
                    continue
                if once:
                    break
                if time.monotonic() - last_cleanup > CLEANUP_EVERY_SECONDS:
                    runner.recover_interrupted()
                    files.cleanup()
                    last_cleanup = time.monotonic()
                time.sleep(poll)
        except KeyboardInterrupt:
            pass
        finally:
            _release_connections()
        self.stdout.write(f"Ran {ran} job(s).")

    def _stop(self, signum, frame) -> None:
        self.stopping = True
