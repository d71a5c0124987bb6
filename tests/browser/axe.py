"""Accessibility checks with axe-core, as bundled by the axe-playwright-python package.

The script is injected from the package's own copy of ``axe.min.js``; nothing is
fetched from the network. Only WCAG 2.0/2.1 level A and AA rules run::

    from tests.browser.axe import assert_accessible

    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)

or, in a test, the ``check`` fixture from ``conftest.py``: ``check(page)`` after each
navigation or significant change of the page (an opened dialog, an HTMX swap).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_AXE_SCRIPT = Axe().axe_script  # the package's bundled axe.min.js
_IMPACT_ORDER = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}


def run_axe(
    page: Page,
    *,
    include: str | list | None = None,
    disable_rules: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Run axe-core on the page (or the ``include`` selector); return its violations."""
    page.wait_for_load_state("load")
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations"],
    }
    rules = list(disable_rules)
    if rules:
        options["rules"] = {rule: {"enabled": False} for rule in rules}
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_AXE_SCRIPT)
    results = page.evaluate(
        "([context, options]) => window.axe.run(context ?? document, options)",
        [include, options],
    )
    return results["violations"]


def format_violations(violations: list[dict[str, Any]], url: str = "") -> str:
    """A readable report: rule, impact, what to do, and which elements are affected."""
    count = sum(len(v["nodes"]) for v in violations)
    lines = [
        f"axe-core found {len(violations)} WCAG 2.1 A/AA rule violation(s) "
        f"on {count} element(s)" + (f" at {url}" if url else "") + ":"
    ]
    ordered = sorted(violations, key=lambda v: (_IMPACT_ORDER.get(v.get("impact"), 9), v["id"]))
    for violation in ordered:
        lines.append("")
        impact = violation.get("impact") or "unknown"
        lines.append(f"[{impact}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(
                ", ".join(t) if isinstance(t, list) else str(t) for t in node["target"]
            )
            lines.append(f"  - {target}")
            html = " ".join(node.get("html", "").split())
            if html:
                lines.append(f"      {html[:200]}")
            summary = node.get("failureSummary")
            if summary:
                for line in summary.splitlines():
                    if line.strip():
                        lines.append(f"      {line.strip()}")
    return "\n".join(lines)


def assert_accessible(
    page: Page,
    *,
    include: str | list | None = None,
    disable_rules: Iterable[str] = (),
) -> None:
    """Fail with a readable list when axe-core finds WCAG 2.1 A/AA violations.

    ``disable_rules`` switches named axe rules off; use it sparingly and say why.
    """
    __tracebackhide__ = True
    violations = run_axe(page, include=include, disable_rules=disable_rules)
    if violations:
        raise AssertionError(format_violations(violations, page.url))
