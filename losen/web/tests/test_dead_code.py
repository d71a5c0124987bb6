"""The dead-code check of `make lint` (scripts/dead_code.py): what it finds and what not."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import losen

REPO = Path(losen.__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "dead_code.py"


def dead_code_module():
    spec = importlib.util.spec_from_file_location("dead_code", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def check(tmp_path: Path, capsys) -> tuple[int, str]:
    write(tmp_path / "pyproject.toml", "[tool.vulture]\nmin_confidence = 60\n")
    argv = [str(tmp_path / "app"), "--config", str(tmp_path / "pyproject.toml")]
    status = dead_code_module().main(argv)
    return status, capsys.readouterr().out


def test_it_finds_a_function_nothing_calls(tmp_path, capsys):
    write(
        tmp_path / "app" / "queries.py", "def used():\n    pass\n\n\ndef forgotten():\n    pass\n"
    )
    write(tmp_path / "app" / "views.py", "from app.queries import used\n\nused()\n")
    status, out = check(tmp_path, capsys)
    assert status == 1
    assert "unused function 'forgotten'" in out
    assert "'used'" not in out


def test_a_property_read_only_by_a_template_is_used(tmp_path, capsys):
    write(
        tmp_path / "app" / "models.py",
        "class Job:\n    @property\n    def is_finished(self):\n        return True\n",
    )
    write(tmp_path / "app" / "views.py", "from app.models import Job\n\nJob()\n")
    write(
        tmp_path / "app" / "templates" / "app" / "job.html", "{% if job.is_finished %}x{% endif %}"
    )
    assert check(tmp_path, capsys) == (0, "")


def test_a_helper_only_the_tests_call_stays_and_the_tests_are_not_reported(tmp_path, capsys):
    write(tmp_path / "app" / "lib.py", "def helper():\n    pass\n")
    write(
        tmp_path / "app" / "tests" / "test_lib.py",
        "import pytest\n\nfrom app.lib import helper\n\n\n"
        "def test_it(db, unused_fixture):\n    helper()\n",
    )
    assert check(tmp_path, capsys) == (0, "")
