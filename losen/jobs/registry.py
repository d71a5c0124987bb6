"""What each kind of job does: `@job_kind("export")` over a function of the job.

The apps put their job kinds in a module called `jobs.py` or `exporters.py`; JobsConfig
imports those at start-up, so the web process, its threads and `losen run-jobs` all know
every kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from losen.jobs.models import Job


class JobFailed(Exception):
    """The job could not do its work; the message (in the owner's language) says why.

    `result` goes to the job's page, e.g. the rows of an import file with problems.
    """

    def __init__(self, message: str, result: dict[str, Any] | None = None):
        super().__init__(message)
        self.result = result or {}


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[[Job], None]
    # Shows the job's `result` on its page (below the progress), if given.
    result_template: str = ""


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, result_template: str = "") -> Callable:
    def register(function: Callable[[Job], None]) -> Callable[[Job], None]:
        _KINDS[name] = JobKind(name, function, result_template)
        return function

    return register


def kind_of(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"No job kind {name!r} is registered.") from None
