"""Journal notes: writing one on the case page, and its author editing it (racing edits refused)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from losen.accounts.http import AuthenticatedHttpRequest
from losen.audit.models import Purpose
from losen.cases.actions.work import can_edit_note, can_work_on, do_add_note, do_update_note
from losen.cases.forms.work import EditNoteForm, NoteForm
from losen.cases.models import JournalNote
from losen.cases.queries.core import get_case_for
from losen.cases.queries.work import get_note_for
from losen.cases.views.case_sections import respond, show_section
from losen.lib.errors import StaleEdit
from losen.submissions.once import once_per_submission


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def note_new(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP, what="journal")
    if not can_work_on(request.user, case):
        raise Http404("Only the case's team writes in its journal.")
    if request.method == "GET":
        return show_section(request, case, "journal")
    form = NoteForm(request.POST)
    saved = form.is_valid()
    if saved:
        do_add_note(
            request.user,
            case,
            text=form.cleaned_data["text"],
            written_on=form.cleaned_data["written_on"],
            confidential=form.cleaned_data["confidential"],
        )
    return respond(
        request,
        case,
        "journal",
        form_name="note_form",
        form=form,
        saved=saved,
        message=_("The note is saved in the journal."),
        also=(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: AuthenticatedHttpRequest, case_id: int, note_id: int) -> HttpResponse:
    note = get_note_for(request.user, note_id, Purpose.FOLLOW_UP)
    if note.case_id != int(case_id):
        raise Http404("No such note in this case.")
    if not can_edit_note(request.user, note):
        raise Http404("Only the author edits a note.")
    case = note.case
    initial = {
        "text": note.text,
        "written_on": note.written_on,
        "confidential": note.confidential,
        "version": note.version,
    }
    form = EditNoteForm(request.POST or None, initial=initial)
    conflict: JournalNote | None = None
    if request.method == "POST" and form.is_valid():
        try:
            changed = do_update_note(
                request.user,
                note,
                text=form.cleaned_data["text"],
                written_on=form.cleaned_data["written_on"],
                confidential=form.cleaned_data["confidential"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as exc:
            conflict = exc.current
            form.add_error(
                None,
                _(
                    "The note was saved again while you were editing it (in another window, "
                    "perhaps). Your changes are not saved. Compare with the saved note below, "
                    "then make your changes again on top of it."
                ),
            )
        else:
            if changed:
                messages.success(request, _("The note is saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(reverse("cases:detail", args=[case.pk]) + f"#note-{note.pk}")
    return render(
        request,
        "cases/note_form.html",
        {"case": case, "note": note, "form": form, "conflict": conflict},
    )
