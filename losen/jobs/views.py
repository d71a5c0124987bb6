"""A job's page (progress, then the download or what went wrong), and the download."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from losen.accounts.http import AuthenticatedHttpRequest
from losen.jobs import files
from losen.jobs.exporters import log_download
from losen.jobs.queries import get_job_for, jobs_of
from losen.jobs.registry import kind_of
from losen.jobs.runner import check_interrupted


@login_required
@require_GET
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    jobs = list(jobs_of(request.user)[:50])
    return render(
        request,
        "jobs/job_list.html",
        {"jobs": jobs, "retention_days": settings.LOSEN_JOB_RETENTION_DAYS},
    )


@login_required
@require_GET
def job_detail(request: AuthenticatedHttpRequest, job_id: str) -> HttpResponse:
    """The job's progress. htmx asks for the progress part every second until it ends."""
    job = get_job_for(request.user, job_id)
    check_interrupted(job)
    try:
        result_template = kind_of(job.kind).result_template
    except LookupError:
        result_template = ""
    done, total = job.progress()
    context = {
        "job": job,
        "done": done,
        "total": total,
        "percent": job.percent(),
        "result_template": result_template,
        "retention_days": settings.LOSEN_JOB_RETENTION_DAYS,
    }
    if request.htmx and not request.htmx.boosted:
        request.session_read_only = True  # polled every second (losen.web.middleware)
        return render(request, "jobs/_progress.html", {**context, "announce": True})
    return render(request, "jobs/job_detail.html", context)


@login_required
@require_GET
def job_download(request: AuthenticatedHttpRequest, job_id: str) -> FileResponse:
    """The job's file, streamed; with personal data, each person in it is access-logged."""
    job = get_job_for(request.user, job_id)
    path = files.result_path(job) if job.has_file else None
    if path is None:
        raise Http404("The job has no file (not finished, failed, or deleted).")
    log_download(job)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=job.download_name or path.name,
        content_type=job.content_type or "application/octet-stream",
    )
