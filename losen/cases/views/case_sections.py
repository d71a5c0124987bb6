"""The case page's sections: what each shows, and answering a section's form.

The page (cases/case_detail.html) includes one partial per section, `_section_<name>.html`.
A form in a section posts with htmx and gets back only its section, plus the sections its
change touches (the timeline, the header) swapped out of band, and a status message.
Without JavaScript the same form posts normally and the page reloads.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from losen.cases.actions import work
from losen.cases.forms.work import (
    CategoryForm,
    ContactPersonForm,
    FlagForm,
    NoteForm,
    SchoolRightsForm,
)
from losen.cases.models import Case
from losen.cases.queries_work import notes_visible_to
from losen.cases.views.case_mapping import mapping_charts, mappings_of
from losen.cases.views.case_plan import plan_of, plan_summary
from losen.cases.views.case_timeline import timeline_entries
from losen.people.queries import visible_to

SECTIONS = (
    "header",
    "contact",
    "flag",
    "category",
    "school",
    "mapping",
    "plan",
    "journal",
    "timeline",
)


def _header(request: HttpRequest, case: Case, forms: dict) -> dict:
    return {
        "can_open_person": visible_to(request.user).filter(pk=case.person_id).exists(),
    }


def _contact(request: HttpRequest, case: Case, forms: dict) -> dict:
    can_change = work.can_change_contact_person(request.user, case)
    return {
        "can_change_contact": can_change,
        "contact_form": forms.get("contact_form")
        or (ContactPersonForm(case=case) if can_change else None),
    }


def _flag(request: HttpRequest, case: Case, forms: dict) -> dict:
    return {"flag_form": forms.get("flag_form") or FlagForm()}


def _category(request: HttpRequest, case: Case, forms: dict) -> dict:
    assessments = list(case.categories.select_related("set_by"))
    return {
        "assessments": assessments,
        "current_assessment": assessments[0] if assessments else None,
        "category_form": forms.get("category_form") or CategoryForm(),
    }


def _school(request: HttpRequest, case: Case, forms: dict) -> dict:
    return {
        "shows_school_rights": work.shows_school_rights(case),
        "school_form": forms.get("school_form") or SchoolRightsForm(case=case),
    }


def _mapping(request: HttpRequest, case: Case, forms: dict) -> dict:
    mappings = mappings_of(case)
    return {
        "mappings": mappings,
        "latest_mapping": mappings[-1] if mappings else None,
        "charts": mapping_charts(mappings) if mappings else [],
    }


def _plan(request: HttpRequest, case: Case, forms: dict) -> dict:
    return plan_summary(plan_of(case))


def _journal(request: HttpRequest, case: Case, forms: dict) -> dict:
    return {
        "notes": list(notes_visible_to(request.user, case)),
        "note_form": forms.get("note_form") or NoteForm(),
        "may_read_confidential": work.can_read_confidential_notes(request.user, case),
    }


def _timeline(request: HttpRequest, case: Case, forms: dict) -> dict:
    return {"entries": timeline_entries(case)}


_BUILDERS = {
    "header": _header,
    "contact": _contact,
    "flag": _flag,
    "category": _category,
    "school": _school,
    "mapping": _mapping,
    "plan": _plan,
    "journal": _journal,
    "timeline": _timeline,
}


def section_context(
    request: HttpRequest, case: Case, names: Iterable[str], forms: dict | None = None
) -> dict:
    context: dict = {"case": case, "can_work": work.can_work_on(request.user, case)}
    for name in names:
        context.update(_BUILDERS[name](request, case, forms or {}))
    return context


def page_context(request: HttpRequest, case: Case, forms: dict | None = None) -> dict:
    return section_context(request, case, SECTIONS, forms)


def _template(name: str) -> str:
    if name == "header":
        return "cases/_case_header.html"
    return f"cases/_section_{name}.html"


def respond(
    request: HttpRequest,
    case: Case,
    section: str,
    *,
    form_name: str,
    form: forms.Form,
    saved: bool,
    message: str = "",
    also: Iterable[str] = ("timeline",),
) -> HttpResponse:
    """The answer to a section's form: the section (and what it touched) or the page."""
    if not request.htmx:
        if saved:
            messages.success(request, message)
            return redirect(reverse("cases:detail", args=[case.pk]) + f"#section-{section}")
        return render(
            request, "cases/case_detail.html", page_context(request, case, {form_name: form})
        )
    touched = [name for name in also if name != section] if saved else []
    overrides = {} if saved else {form_name: form}
    context = section_context(request, case, [section, *touched], overrides)
    parts = [render_to_string(_template(section), context, request)]
    for name in touched:
        parts.append(render_to_string(_template(name), {**context, "oob": True}, request))
    if saved and message:
        parts.append(render_to_string("cases/_case_status.html", {"message": message}, request))
    return HttpResponse("".join(parts))
