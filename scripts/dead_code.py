"""Dead code in Losen: functions, classes, methods and imports that nothing uses.

Run by `make lint` (and so by `make test`). It is vulture, configured in
pyproject.toml's [tool.vulture], read in two ways at once:

- the tests count as users, never as findings: a helper only the tests call stays (the
  tests hold its behaviour), and pytest's fixtures, asked for by argument name, are not
  reported as unused arguments;
- only unused functions, methods, classes, properties and imports are reported, and
  unreachable code. Unused variables and attributes are not: in Django they are mostly
  model fields, Meta options, choices and settings, which the ORM, the admin, templates
  and Django itself read by name, and ruff already reports unused local variables (F841).

A name used in a template (`{{ form.member_fields }}`, `{% if job.is_finished %}`) counts
as used: the templates are read for the names in their tags. What Django (or another
framework) calls by name and vulture cannot see is named in [tool.vulture]'s ignore_names
and ignore_decorators when it follows a pattern, and in scripts/vulture_whitelist.py when
it is one thing.

    .venv/bin/python scripts/dead_code.py          # report, exit 1 when anything is found
    .venv/bin/python scripts/dead_code.py --all    # also variables, attributes and the tests
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from vulture.config import make_config
from vulture.core import Vulture

REPORTED = {"function", "method", "class", "property", "import", "unreachable_code"}
TEST_PARTS = {"tests", "conftest.py"}
TAG = re.compile(r"{{.*?}}|{%.*?%}", re.DOTALL)
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def template_names(paths: list[str]) -> set[str]:
    """Every name inside a template tag or variable of the templates under `paths`."""
    names: set[str] = set()
    for template in (t for path in paths for t in Path(path).glob("**/templates/**/*")):
        if template.is_file():
            for tag in TAG.findall(template.read_text(encoding="utf-8")):
                names.update(NAME.findall(tag))
    return names


def is_test(path: Path) -> bool:
    return bool(TEST_PARTS & set(path.parts))


def main(argv: list[str]) -> int:
    show_all = "--all" in argv
    config = make_config([arg for arg in argv if arg != "--all"])
    vulture = Vulture(
        ignore_names=config["ignore_names"], ignore_decorators=config["ignore_decorators"]
    )
    vulture.scavenge(config["paths"], exclude=config["exclude"])
    vulture.used_names.update(template_names(config["paths"]))
    found = [
        item
        for item in vulture.get_unused_code(min_confidence=config["min_confidence"])
        if show_all or (item.typ in REPORTED and not is_test(Path(item.filename)))
    ]
    for item in found:
        print(item.get_report())
    if found:
        print(
            f"\n{len(found)} unused: remove it, or if a framework calls it by name, say so in "
            "[tool.vulture] (a pattern) or scripts/vulture_whitelist.py (one thing).",
            file=sys.stderr,
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
