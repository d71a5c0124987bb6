"""The history import as a background job (the web page's way to `losen import-history`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from losen.accounts.models import Team
from losen.imports import history
from losen.imports.queries import importable_teams
from losen.jobs import files
from losen.jobs.models import Job
from losen.jobs.registry import JobFailed, job_kind

# The job's page lists at most this many problem rows (and says how many there were).
MAX_ERRORS_SHOWN = 1000
MAX_CHANGED_SHOWN = 200


@job_kind("import_history", result_template="imports/_job_result.html")
def run_import(job: Job) -> None:
    """params: team (id), create_measures, file (its name in the job's folder)."""
    team = importable_teams(job.owner).filter(pk=job.params["team"]).first()
    if not isinstance(team, Team):
        raise JobFailed(_("You may not import into this team (any longer)."))
    path = files.job_dir(job) / job.params["file"]
    job.report(0, None, message=_("Checking every row"))

    def progress(done: int, total: int) -> None:
        job.report(done, total, message=_("Writing the cases"))

    try:
        summary = history.do_import_history(
            job.owner,
            path,
            organisation=team.organisation,
            team=team,
            create_measures=bool(job.params.get("create_measures")),
            progress=progress,
        )
    except history.ImportRefused as refused:
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
    job.result = {
        "summary": {
            "rows": summary.rows,
            "people_created": summary.people_created,
            "cases_created": summary.cases_created,
            "skipped": summary.skipped,
            "unchanged": summary.unchanged,
            "changed": [
                {"line": line, "person_ref": ref}
                for line, ref in summary.changed[:MAX_CHANGED_SHOWN]
            ],
            "changed_count": len(summary.changed),
            "measures_created": summary.measures_created,
            "team": team.name,
            "organisation": team.organisation.name,
        }
    }
    job.total = job.done = summary.rows
