"""The jobs' files: one private folder per job under settings.LOSEN_JOB_DIR.

A job's folder holds what it was given (an uploaded import file, under its own name so
messages and records name it) and what it made (the export, written to a ".part" file
and renamed when complete). Nothing here is served as media: a file leaves only through
the job's download view, to its owner. After LOSEN_JOB_RETENTION_DAYS a finished job's
folder and row are deleted (`cleanup`).
"""

from __future__ import annotations

import datetime
import logging
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import get_valid_filename

from losen.lib.private_files import open_private, private_directory

if TYPE_CHECKING:
    from losen.jobs.models import Job

logger = logging.getLogger(__name__)


def job_root() -> Path:
    return Path(settings.LOSEN_JOB_DIR)


def job_dir(job: Job, *, create: bool = False) -> Path:
    folder = job_root() / str(job.pk)
    if create:
        private_directory(folder)
    return folder


def save_upload(job: Job, upload: UploadedFile) -> Path:
    """The uploaded file in the job's folder, under its own (cleaned) name; in chunks."""
    name = get_valid_filename(Path(upload.name or "upload").name) or "upload"
    path = job_dir(job, create=True) / name
    with open_private(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def result_path(job: Job) -> Path | None:
    """The job's finished file, if it still exists."""
    if not job.file_name:
        return None
    path = job_dir(job) / job.file_name
    return path if path.is_file() else None


def delete_files(job: Job) -> None:
    shutil.rmtree(job_dir(job), ignore_errors=True)


def cleanup(now: datetime.datetime | None = None) -> int:
    """Delete finished jobs (rows and folders) older than the retention; the count deleted.

    Folders with no job row (left by a job deleted some other way) go as well once they
    are older than the retention.
    """
    from losen.jobs.models import Job

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.LOSEN_JOB_RETENTION_DAYS)
    old = list(
        Job.objects.filter(
            status__in=[Job.Status.DONE, Job.Status.FAILED], finished_at__lt=cutoff
        ).only("id")
    )
    for job in old:
        delete_files(job)
    Job.objects.filter(pk__in=[job.pk for job in old]).delete()
    root = job_root()
    if root.is_dir():
        known = {str(pk) for pk in Job.objects.values_list("pk", flat=True)}
        for folder in root.iterdir():
            if not _is_job_folder(folder) or folder.name in known:
                continue
            modified = datetime.datetime.fromtimestamp(folder.stat().st_mtime, tz=datetime.UTC)
            if modified < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
    if old:
        logger.info("Deleted %d finished jobs older than %s.", len(old), cutoff)
    return len(old)


def _is_job_folder(path: Path) -> bool:
    try:
        uuid.UUID(path.name)
    except ValueError:
        return False
    return path.is_dir()
