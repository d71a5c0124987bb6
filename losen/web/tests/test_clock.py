"""Time is an input: no module reads the clock when it is imported.

A module that computes today at import keeps that day for the whole run: a test module's
`TODAY = timezone.localdate()` is yesterday after midnight, and a default argument
`today=date.today()` is the day the server started. The suite runs under a set clock
(`--clock`), which only works if every reading of the clock happens while code runs.
"""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

from django.utils import timezone

from conftest import clock_start

ROOT = Path(__file__).resolve().parents[3]
CLOCK_READS = {"now", "today", "localdate", "localtime", "utcnow"}
CLOCK_OWNERS = {"timezone", "datetime", "date", "dt"}
TIME_MODULE_READS = {"time", "monotonic", "perf_counter", "localtime", "gmtime"}


def _reads_clock(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    owner = node.func.value
    if isinstance(owner, ast.Name) and owner.id == "time":
        return node.func.attr in TIME_MODULE_READS
    if node.func.attr not in CLOCK_READS:
        return False
    while isinstance(owner, ast.Attribute):
        if owner.attr in CLOCK_OWNERS:
            return True
        owner = owner.value
    return isinstance(owner, ast.Name) and owner.id in CLOCK_OWNERS


def _import_time_nodes(tree: ast.Module):
    """Every expression Python evaluates when the module is imported."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            pending.extend(node.decorator_list)
            pending.extend(node.args.defaults)
            pending.extend(d for d in node.args.kw_defaults if d is not None)
            continue  # the body runs later
        if isinstance(node, ast.Lambda):
            pending.extend(node.args.defaults)
            continue
        yield node
        pending.extend(ast.iter_child_nodes(node))


def clock_reads_at_import(source: str) -> list[int]:
    tree = ast.parse(source)
    return sorted(node.lineno for node in _import_time_nodes(tree) if _reads_clock(node))


def test_no_module_reads_the_clock_when_it_is_imported():
    files = [
        *ROOT.joinpath("losen").rglob("*.py"),
        *ROOT.joinpath("tests").rglob("*.py"),
        *ROOT.joinpath("scripts").rglob("*.py"),
        ROOT / "conftest.py",
    ]
    assert len(files) > 100
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in files
        for line in clock_reads_at_import(path.read_text())
    ]
    assert offenders == []


def test_the_check_finds_todays_date_at_module_level_and_in_default_arguments():
    source = (
        "import datetime as dt\n"
        "from django.utils import timezone\n"
        "TODAY = timezone.localdate()\n"
        "def f(day=dt.date.today()):\n"
        "    return timezone.now()\n"
        "class K:\n"
        "    at = dt.datetime.now()\n"
        "    midnight = dt.time(0, 0)\n"
        "    def g(self):\n"
        "        return dt.date.today()\n"
    )
    assert clock_reads_at_import(source) == [3, 4, 7]


def test_a_clock_is_read_as_local_time_in_oslo_unless_it_names_its_zone():
    assert clock_start("") is None
    winter = clock_start("2028-02-29T23:59")
    assert winter.utcoffset() == datetime.timedelta(hours=1)
    assert winter.astimezone(datetime.UTC).isoformat() == "2028-02-29T22:59:00+00:00"
    assert clock_start("2026-07-01T00:00+00:00").hour == 0


def test_the_suite_runs_on_from_the_clock_it_was_given(_suite_clock):
    """Under `--clock` the tests see that moment (plus the run's time so far)."""
    start = _suite_clock or timezone.now() - datetime.timedelta(seconds=1)
    assert datetime.timedelta(0) <= timezone.localtime() - start < datetime.timedelta(hours=2)
