"""The list import as a background job (the web page's way to `losen import-list`)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from losen.accounts.scope import scope_of
from losen.jobs import files
from losen.jobs.models import Job
from losen.jobs.registry import JobFailed, job_kind
from losen.outreach import importer
from losen.outreach.actions.lists import do_import_list
from losen.outreach.models import ListImport

MAX_ERRORS_SHOWN = 1000


@job_kind("import_target_list", result_template="outreach/_import_job_result.html")
def run_import(job: Job) -> None:
    """params: team (id), scheme, received_on, file (its name in the job's folder)."""
    teams = [t for t in scope_of(job.owner).casework_teams() if t.pk == job.params["team"]]
    if not teams:
        raise JobFailed(_("You may not import into this team (any longer)."))
    team = teams[0]
    path = files.job_dir(job) / job.params["file"]
    job.report(0, None, message=_("Checking every row"))

    def progress(done: int, total: int) -> None:
        job.report(done, total, message=_("Writing the list"))

    try:
        with path.open("rb") as stream:
            summary = do_import_list(
                job.owner,
                job.params["file"],
                stream,
                organisation=team.organisation,
                team=team,
                scheme=job.params["scheme"],
                received_on=datetime.date.fromisoformat(job.params["received_on"]),
                progress=progress,
            )
    except importer.ImportRefused as refused:
        raise JobFailed(
            str(refused),
            result={
                "errors": [
                    {"line": e.line, "reason": e.reason} for e in refused.errors[:MAX_ERRORS_SHOWN]
                ],
                "error_count": len(refused.errors),
            },
        ) from None
    finally:
        path.unlink(missing_ok=True)  # the upload is not kept once it is read
    assert summary.list_import_id is not None  # a list that was written has its id
    list_import = ListImport.objects.get(pk=summary.list_import_id)
    job.result = {
        "summary": {
            "rows": summary.rows,
            "new": summary.new,
            "stayed": summary.stayed,
            "left": summary.left,
            "excluded": summary.excluded,
            "people_created": summary.people_created,
            "not_opened": summary.not_opened,
            "not_opened_lines": summary.not_opened_lines[:MAX_ERRORS_SHOWN],
            "already_imported": summary.already_imported,
            "list_id": list_import.pk,
        }
    }
    job.total = job.done = summary.rows
