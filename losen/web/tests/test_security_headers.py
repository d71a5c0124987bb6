"""Every response says what the browser may run and keep.

A Content-Security-Policy on every page (scripts and styles from Losen's own static
files only, nothing inline, no framing), which the templates can keep because none has
an inline script, an event-handler attribute or a style attribute; and `Cache-Control:
no-store, private` on every response to a logged-in user, whatever it holds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from losen.jobs.models import Job

pytestmark = pytest.mark.django_db

TEMPLATE_ROOTS = [Path(settings.BASE_DIR) / "losen"]
# Rendered to PDF by WeasyPrint on the server, never by a browser under the policy.
PDF_TEMPLATE = re.compile(r"(\.pdf\.html|_letter_style\.html|reports/_comparisons\.html)$")


def templates() -> list[Path]:
    found = [p for root in TEMPLATE_ROOTS for p in root.glob("**/templates/**/*.html")]
    assert len(found) > 50  # the scan sees the real templates
    return sorted(found)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_the_policy_allows_only_losens_own_scripts_and_styles(client):
    directives = policy(client.get(reverse("login")))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    header = client.get(reverse("login"))["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


@pytest.mark.parametrize(
    "name",
    ["home", "people:list", "cases:list", "referrals:queue", "meetings:list", "outreach:queue"],
)
def test_every_page_carries_the_policy(client, coordinator, name):
    client.force_login(coordinator)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert policy(response)["script-src"] == "'self'"


def paths_without_arguments() -> list[str]:
    """Every URL pattern of Losen (and the admin) that takes no argument."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[str] = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern) and not re.search(r"[<(^$]", route):
                found.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    assert len(found) > 30
    return sorted(set(found))


@pytest.mark.parametrize("persona", ["coordinator", "org_admin", "manager"])
def test_every_page_without_arguments_carries_the_policy_for_every_persona(
    client, request, persona
):
    client.force_login(request.getfixturevalue(persona))
    for path in paths_without_arguments():
        response = client.get(path)
        assert policy(response)["script-src"] == "'self'", path
        assert response["Cache-Control"] == "no-store, private", path


def test_error_pages_and_the_admin_carry_the_policy_too(client, coordinator, org_admin):
    client.force_login(coordinator)
    assert "Content-Security-Policy" in client.get("/people/999999/")  # 404
    client.force_login(org_admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert policy(response)["script-src"] == "'self'"


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_has_an_inline_script_a_handler_or_a_style_attribute(path):
    text = path.read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
        assert re.search(r"\bsrc=", tag), f"inline script: {tag}"
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", text, flags=re.IGNORECASE), "on… handler"
    assert "javascript:" not in text.lower()
    assert "hx-on" not in text and "js:" not in text
    if not PDF_TEMPLATE.search(str(path)):
        assert not re.search(r"<[^>]*\sstyle\s*=", text, flags=re.IGNORECASE), "style attribute"
        assert "<style" not in text.lower(), "inline <style>"


# --- Cache-Control ------------------------------------------------------------------------


def assert_not_stored(response):
    assert response.status_code == 200, response
    assert response["Cache-Control"] == "no-store, private"


def test_a_logged_in_users_pages_are_not_stored(client, coordinator, person):
    client.force_login(coordinator)
    assert_not_stored(client.get(reverse("people:detail", args=[person.pk])))
    assert_not_stored(client.get(reverse("people:list")))


def test_a_pdf_is_not_stored(client, coordinator, person):
    client.force_login(coordinator)
    response = client.get(reverse("people:access_log_pdf", args=[person.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert_not_stored(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_csv_or_xlsx_export_is_not_stored(client, coordinator, person, fmt):
    client.force_login(coordinator)
    assert_not_stored(client.post(reverse("people:export", args=[fmt])))


@override_settings(LOSEN_EXPORT_DIRECT_ROWS=0)
def test_a_jobs_file_is_not_stored(client, coordinator, person):
    client.force_login(coordinator)
    client.post(reverse("people:export", args=["xlsx"]))
    response = client.get(reverse("jobs:download", args=[Job.objects.get().pk]))
    assert_not_stored(response)
    response.close()


def test_static_files_may_still_be_cached(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/static/losen/losen.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    response.close()
