"""The case page's sections: what each shows, and answering a section's form.

The page (cases/case_detail.html) reads before it edits: a summary at the top, then one
partial per section, `_section_<name>.html`, showing what is recorded. A section's form is
opened on demand: its button GETs the form's own URL with `?edit=1` by htmx and swaps the
form into the section (Cancel GETs the read view back). Without JavaScript the button is a
link to the page with `?edit=<section>`, which renders the same form in its place.

A form posts with htmx and gets back only its section, read-only again once saved, plus
the sections its change touches (the timeline, the header) swapped out of band, and a
status message. Without JavaScript the same form posts normally and the page reloads.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from losen.accounts.http import AuthenticatedHttpRequest
from losen.audit.models import Purpose
from losen.cases.actions import work
from losen.cases.forms.work import (
    CategoryForm,
    ContactPersonForm,
    FlagForm,
    NoteForm,
    SchoolRightsForm,
)
from losen.cases.models import Case, PlanStep
from losen.cases.queries.work import notes_visible_to
from losen.cases.views.case_mapping import mapping_charts, mappings_of
from losen.cases.views.case_plan import plan_of, plan_summary
from losen.cases.views.case_timeline import timeline_entries
from losen.people.models import Person
from losen.people.queries import get_person_for

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
# The sections whose form opens on demand (the mapping and the plan have pages of their own).
EDITABLE = ("contact", "flag", "category", "school", "journal")


def may_edit(request: AuthenticatedHttpRequest, case: Case, section: str) -> bool:
    if section == "contact":
        return work.can_change_contact_person(request.user, case)
    if section == "school" and not work.shows_school_rights(case):
        return False
    return section in EDITABLE and work.can_work_on(request.user, case)


def _person_of(request: AuthenticatedHttpRequest, case: Case) -> Person | None:
    """The young person's record, through its getter (the read of the contact details is
    logged), or None for someone who sees the case but not the record."""
    try:
        return get_person_for(
            request.user, case.person_id, Purpose.FOLLOW_UP, what="contact_details"
        )
    except Http404:
        return None


def next_plan_step(case: Case) -> PlanStep | None:
    """The open step of the plan that is due first (steps without a deadline last)."""
    return (
        PlanStep.objects.filter(
            plan__case=case,
            status__in=[PlanStep.Status.PLANNED, PlanStep.Status.IN_PROGRESS],
        )
        .order_by(F("deadline").asc(nulls_last=True), "position", "id")
        .first()
    )


def _header(request: AuthenticatedHttpRequest, case: Case, forms: dict) -> dict:
    person = _person_of(request, case)
    minor = case.person.is_minor
    return {
        "can_open_person": person is not None,
        "person_record": person,
        "age": case.person.age(),
        "is_minor": minor,
        "guardians": list(person.guardians.all()) if person is not None and minor else [],
        "summary_category": case.categories.first(),
        "next_step": next_plan_step(case),
    }


def _contact(request: AuthenticatedHttpRequest, case: Case, forms: dict) -> dict:
    can_change = work.can_change_contact_person(request.user, case)
    return {
        "can_change_contact": can_change,
        "contact_form": forms.get("contact_form")
        or (ContactPersonForm(case=case) if can_change else None),
    }


def _flag(request: AuthenticatedHttpRequest, case: Case, forms: dict) -> dict:
    return {"flag_form": forms.get("flag_form") or FlagForm()}


def _category(request: AuthenticatedHttpRequest, case: Case, forms: dict) -> dict:
    assessments = list(case.categories.select_related("set_by"))
    return {
        "assessments": assessments,
        "current_assessment": assessments[0] if assessments else None,
        "category_form": forms.get("category_form") or CategoryForm(),
    }


def _school(request: AuthenticatedHttpRequest, case: Case, forms: dict) -> dict:
    return {
        "shows_school_rights": work.shows_school_rights(case),
        "school_form": forms.get("school_form") or SchoolRightsForm(case=case),
    }


def _mapping(request: AuthenticatedHttpRequest, case: Case, forms: dict) -> dict:
    mappings = mappings_of(case)
    return {
        "mappings": mappings,
        "latest_mapping": mappings[-1] if mappings else None,
        "charts": mapping_charts(mappings) if mappings else [],
    }


def _plan(request: AuthenticatedHttpRequest, case: Case, forms: dict) -> dict:
    return plan_summary(plan_of(case))


def _journal(request: AuthenticatedHttpRequest, case: Case, forms: dict) -> dict:
    return {
        "notes": list(notes_visible_to(request.user, case)),
        "note_form": forms.get("note_form") or NoteForm(),
        "may_read_confidential": work.can_read_confidential_notes(request.user, case),
    }


def _timeline(request: AuthenticatedHttpRequest, case: Case, forms: dict) -> dict:
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


_FORM_NAMES = {
    "contact": "contact_form",
    "flag": "flag_form",
    "category": "category_form",
    "school": "school_form",
    "journal": "note_form",
}


def section_context(
    request: AuthenticatedHttpRequest,
    case: Case,
    names: Iterable[str],
    forms: dict | None = None,
    *,
    editing: str = "",
) -> dict:
    """What the sections show; `editing` names the one section whose form is open."""
    context: dict = {
        "case": case,
        "can_work": work.can_work_on(request.user, case),
        "editing": editing,
    }
    for name in names:
        context.update(_BUILDERS[name](request, case, forms or {}))
    form = context.get(_FORM_NAMES.get(editing, ""))
    if form is not None:
        _focus_first_field(form)
    return context


def _focus_first_field(form: forms.Form) -> None:
    """The form opened on demand takes the focus (htmx honours `autofocus` after a swap)."""
    for field in form.visible_fields():
        field.field.widget.attrs["autofocus"] = True
        return


def page_context(
    request: AuthenticatedHttpRequest, case: Case, forms: dict | None = None, *, editing: str = ""
) -> dict:
    return section_context(request, case, SECTIONS, forms, editing=editing)


def editing_from(request: AuthenticatedHttpRequest, case: Case) -> str:
    """The section the page opens in edit mode (`?edit=<section>`, the no-JS path)."""
    section = request.GET.get("edit", "")
    return section if section in EDITABLE and may_edit(request, case, section) else ""


def show_section(request: AuthenticatedHttpRequest, case: Case, section: str) -> HttpResponse:
    """A GET of a section's form URL: with `?edit=1` the form, otherwise the read view.

    For htmx only the section; without JavaScript the case page with the form open.
    """
    edit = request.GET.get("edit") == "1"
    if edit and not may_edit(request, case, section):
        raise Http404("Not a form this user may open.")
    if not request.htmx:
        url = reverse("cases:detail", args=[case.pk])
        if edit:
            url += f"?edit={section}"
        return redirect(url + f"#section-{section}")
    context = section_context(request, case, [section], editing=section if edit else "")
    # Cancelled: the focus goes back to the button that opened the form.
    context["focus_opener"] = not edit
    return HttpResponse(render_to_string(_template(section), context, request))


def _template(name: str) -> str:
    if name == "header":
        return "cases/_case_header.html"
    return f"cases/_section_{name}.html"


def respond(
    request: AuthenticatedHttpRequest,
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
            request,
            "cases/case_detail.html",
            page_context(request, case, {form_name: form}, editing=section),
        )
    touched = [name for name in also if name != section] if saved else []
    overrides = {} if saved else {form_name: form}
    context = section_context(
        request, case, [section, *touched], overrides, editing="" if saved else section
    )
    parts = [render_to_string(_template(section), context, request)]
    for name in touched:
        parts.append(render_to_string(_template(name), {**context, "oob": True}, request))
    if saved and message:
        parts.append(render_to_string("cases/_case_status.html", {"message": message}, request))
    return HttpResponse("".join(parts))
