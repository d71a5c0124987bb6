"""Table exports (CSV and XLSX) served at once when small, as a job when large.

Each list in the interface has a `TableExport`: an exporter (a header row, then rows)
built from the actor and a few plain parameters, so that a job can build it again from
its row. Its first line says whose list it is and when (`about`, see
losen.lib.exporters): the organisation, the team or measure, and "as of" the day it is
made. It reads through the app's permission-checked querysets, streams its rows with
`iterator()`, and says which people it holds (`people()`); identity numbers are never a
column. Apps register their exports with `@table_export` in their `exporters.py`.

The rule, in one place (`export_response`): an export of more rows than
settings.LOSEN_EXPORT_DIRECT_ROWS becomes a job and the user goes to its page; a
smaller one is streamed at once. An export with personal data writes one access-log row
per person in it when the data leaves: at once for a direct export, and at each
download of a job's file (whose people are listed beside it).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, ClassVar

from django.conf import settings
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.models import Organisation, Team, User
from losen.jobs import files
from losen.jobs.models import Job
from losen.jobs.registry import job_kind
from losen.jobs.runner import start_job
from losen.lib.exporters import (
    XLSX_CONTENT_TYPE,
    Exporter,
    about_line,
    as_of_text,
    csv_response,
    write_csv,
    write_xlsx,
    xlsx_response,
)
from losen.lib.private_files import open_private

FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}
PEOPLE_FILE = "exported-people.ids"  # beside the file: the people in it (id, organisation)
LOG_BATCH = 2000

_EXPORTS: dict[str, type[TableExport]] = {}


def table_export(cls: type[TableExport]) -> type[TableExport]:
    """Register an export under its `name`, so a job can build it again."""
    assert cls.name and cls.name not in _EXPORTS, cls
    _EXPORTS[cls.name] = cls
    return cls


def export_class(name: str) -> type[TableExport]:
    try:
        return _EXPORTS[name]
    except KeyError:
        raise LookupError(f"No table export {name!r} is registered.") from None


class TableExport(Exporter):
    """An exporter of one list, for one actor, from JSON-able parameters.

    Subclasses give `name`, `title`, `filename`, `header()`, `rows()` and `count()`; an
    export with personal data gives `people()` and `log_access()` as well (see
    losen/people/exporters.py).
    """

    name: ClassVar[str] = ""
    personal: ClassVar[bool] = False

    def __init__(self, actor: User, params: dict[str, Any] | None = None):
        self.actor = actor
        self.params = params or {}

    def count(self) -> int:
        raise NotImplementedError

    def organisation(self) -> Organisation | None:
        return None

    def people(self) -> Iterable[tuple[int, int]]:
        """(person id, person's organisation id) of everyone in the export."""
        return ()

    @classmethod
    def log_access(cls, actor: User, people: Iterable[tuple[int, int]]) -> None:
        """One access-log row per person (purpose: export)."""
        if cls.personal:
            raise NotImplementedError


def snapshot_about(*names: str | None) -> str:
    """Whose list and when: the names given, then "as of" today."""
    return about_line(*names, as_of_text(timezone.localdate()))


def organisation_names(org_ids: Iterable[int]) -> str:
    """The organisations by name, in alphabetical order: "Arba, Demo kommune"."""
    names = Organisation.objects.filter(pk__in=list(org_ids)).order_by("name")
    return ", ".join(names.values_list("name", flat=True))


def team_name(team_id: Any) -> str | None:
    """A filter's team by name (the filter was checked against the actor's teams)."""
    if not team_id:
        return None
    return Team.objects.filter(pk=team_id).values_list("name", flat=True).first()


def export_response(
    request: AuthenticatedHttpRequest, export: TableExport, fmt: str
) -> HttpResponseBase:
    """The export as a download now, or as a job whose page the user is sent to."""
    if fmt not in FORMATS:
        raise Http404("No such format.")
    if export.count() > settings.LOSEN_EXPORT_DIRECT_ROWS:
        job = start_export_job(export, fmt)
        return _go(request, reverse("jobs:detail", args=[job.pk]))
    if request.htmx:
        # An htmx form cannot receive a file: make it now and send the browser to it.
        job = start_export_job(export, fmt, run_now=True)
        return _go(request, reverse("jobs:download", args=[job.pk]))
    if export.personal:
        export.log_access(export.actor, export.people())
    if fmt == "csv":
        return csv_response(export)
    return xlsx_response(export)


def _go(request: AuthenticatedHttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def start_export_job(export: TableExport, fmt: str, *, run_now: bool = False) -> Job:
    return start_job(
        export.actor,
        "export",
        title=export.title,
        organisation=export.organisation(),
        params={"export": export.name, "format": fmt, "params": export.params},
        run_now=run_now,
    )


class _Counted(Exporter):
    """The export's rows, reporting progress to the job as they are written."""

    def __init__(self, export: TableExport, job: Job):
        self.export = export
        self.job = job
        self.title = export.title
        self.about = export.about
        self.filename = export.filename

    def header(self) -> list[str]:
        return self.export.header()

    def rows(self) -> Iterator[list[Any]]:
        for number, row in enumerate(self.export.rows(), start=1):
            yield row
            self.job.report(number)


@job_kind("export")
def run_export(job: Job) -> None:
    """Write the export's file (and the list of its people) into the job's folder."""
    fmt = job.params["format"]
    export = export_class(job.params["export"])(job.owner, job.params.get("params") or {})
    job.report(0, export.count())
    folder = files.job_dir(job, create=True)
    name = f"{export.filename}.{fmt}"
    partial = folder / f"{name}.part"
    with open_private(partial, "wb") as out:
        if fmt == "csv":
            write_csv(_Counted(export, job), out)
        else:
            write_xlsx(_Counted(export, job), out)
    if export.personal:
        with open_private(folder / PEOPLE_FILE, "w", newline="") as out:
            csv.writer(out).writerows(export.people())
    partial.rename(folder / name)
    job.total = job.done
    job.file_name = name
    job.download_name = name
    job.content_type = FORMATS[fmt]
    job.personal_data = export.personal


def log_download(job: Job) -> None:
    """Each download of a file with personal data: one access-log row per person in it."""
    if not job.personal_data:
        return
    path = files.job_dir(job) / PEOPLE_FILE
    with path.open(newline="") as people_file:
        export_class(job.params["export"]).log_access(
            job.owner, ((int(p), int(o)) for p, o in csv.reader(people_file))
        )


def batches(pairs: Iterable[Any], size: int = LOG_BATCH) -> Iterator[list[Any]]:
    iterator = iter(pairs)
    while batch := list(islice(iterator, size)):
        yield batch
