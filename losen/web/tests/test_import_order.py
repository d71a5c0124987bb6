"""Losen's apps keep their import order: each imports only the apps above it.

The order is INSTALLED_APPS (losen/settings.py), with `lib` below every app, and
docs/architecture.md writes it out. An import inside a function counts as much as one at
the top of a module; one under `if TYPE_CHECKING:` does not (it never runs). Tests and
migrations are not held to it: a test may build a world from any app.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

LOSEN = Path(__file__).resolve().parents[2]
ARCHITECTURE = LOSEN.parent / "docs" / "architecture.md"


def app_order() -> list[str]:
    """`lib`, then Losen's apps as INSTALLED_APPS lists them."""
    installed = [
        entry.split(".")[1]
        for entry in settings.INSTALLED_APPS
        if entry.startswith("losen.") and not entry.endswith("Config")
    ]
    return ["lib", *installed]


def imported_modules(tree: ast.Module) -> list[tuple[int, str]]:
    """Every module a source imports at run time, with its line."""
    only_for_types = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for node in ast.walk(branch)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in only_for_types:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "losen":  # from losen import cases
                found += [(node.lineno, f"losen.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def upward_imports(root: Path, order: list[str]) -> list[str]:
    rank = {app: position for position, app in enumerate(order)}
    wrong = []
    for source in sorted(root.rglob("*.py")):
        parts = source.relative_to(root).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        app = parts[0]
        for line, module in imported_modules(ast.parse(source.read_text(), str(source))):
            names = module.split(".")
            if names[0] != "losen" or len(names) < 2 or names[1] not in rank:
                continue
            if rank[names[1]] > rank.get(app, -1):
                wrong.append(f"{source.relative_to(root.parent)}:{line} imports {module}")
    return wrong


def test_every_app_imports_only_the_apps_before_it():
    order = app_order()
    apps_on_disk = {path.parent.name for path in LOSEN.glob("*/__init__.py")}
    assert apps_on_disk == set(order), "every folder of losen/ is in the order"
    assert upward_imports(LOSEN, order) == []


def test_an_import_of_a_later_app_is_found(tmp_path):
    # The check itself: one import upwards, one inside a function, one only for types.
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "queries.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from losen.accounts.models import User\n"
        "if TYPE_CHECKING:\n"
        "    from losen.cases.models import Case\n"
        "def hidden():\n"
        "    from losen.imports import runs\n"
    )
    (tmp_path / "people" / "tests").mkdir()
    (tmp_path / "people" / "tests" / "test_x.py").write_text("import losen.demo\n")
    found = upward_imports(tmp_path, ["lib", "accounts", "people", "cases", "imports", "demo"])
    assert found == [f"{tmp_path.name}/people/queries.py:6 imports losen.imports"]


# The logs name who acted, for which organisation and team, by Django's lazy reference
# (as Django's own admin log names its user): audit comes before accounts on purpose,
# because accounts writes to the logs (docs/architecture.md). These and no others.
LOG_RELATIONS = {
    "audit.AccessLog.actor",
    "audit.AccessLog.organisation",
    "audit.AccessLog.team",
    "audit.ChangeLog.actor",
    "audit.ChangeLog.organisation",
}


def test_model_relations_point_at_the_same_app_or_an_earlier_one():
    rank = {app: position for position, app in enumerate(app_order())}
    upwards = set()
    for model in apps.get_models():
        label = model._meta.app_label
        if label not in rank:
            continue
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created:
                continue  # a reverse relation is the other model's own field
            target = field.related_model._meta.app_label
            if target in rank and rank[target] > rank[label]:
                upwards.add(f"{model._meta.label}.{field.name}")
    assert upwards == LOG_RELATIONS


def test_the_architecture_document_gives_the_same_order():
    text = ARCHITECTURE.read_text()
    line = re.search(r"^`(lib → .*)`$", text, re.MULTILINE)
    assert line, "docs/architecture.md writes the order on a line of its own"
    assert line.group(1).split(" → ") == app_order()
