"""Referral queue and registration; application, signing and consent on a case."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.models import Country
from losen.accounts.scope import scope_of
from losen.audit.models import Purpose
from losen.cases.actions import intake as actions
from losen.cases.application_text import SIGNING_PURPOSES, ApplicationText, application_text
from losen.cases.forms.intake import (
    ConsentForm,
    FormLanguageForm,
    NewPersonReferralForm,
    PaperUploadForm,
    PersonSearchForm,
    QueueFilterForm,
    ReferralForm,
    ReferralStartForm,
    SignOnScreenForm,
    WithdrawConsentForm,
)
from losen.cases.models import Application, Case, Consent, ConsentRecipient
from losen.cases.queries.core import get_case_for, log_cases_shown
from losen.cases.queries.intake import (
    active_consents,
    application_is_complete,
    application_of,
    get_consent_for,
    get_passed_on_referral_for,
    guardian_signature_needed,
    passed_on_by,
    passed_on_to,
    queue_teams,
    referral_queue,
    signatures_of,
)
from losen.people import actions as people_actions
from losen.people.models import Person
from losen.people.queries import get_person_for, log_people_shown, search, visible_to
from losen.submissions.once import once_per_submission

SEARCH_LIMIT = 20
PASSED_ON_LIMIT = 50


def _require_casework(request: AuthenticatedHttpRequest) -> None:
    if not scope_of(request.user).can_read_people:
        raise Http404("No access to individual records.")


def _require_registering(request: AuthenticatedHttpRequest) -> None:
    if not scope_of(request.user).can_register_people:
        raise Http404("Only coordinators and team leads register referrals.")


# --- the referral queue ------------------------------------------------------------------


@login_required
@require_GET
def referral_queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New referrals to the actor's teams, newest first, until the team has decided."""
    _require_casework(request)
    form = QueueFilterForm(request.GET or None, teams=queue_teams(request.user))
    team = form.cleaned_data["team"] if form.is_valid() else None
    paginator = Paginator(referral_queue(request.user, team=team), _page_size())
    page = paginator.get_page(request.GET.get("page"))
    log_cases_shown(request.user, page.object_list, what="list:referrals")
    today = timezone.localdate()
    rows = []
    for referral in page.object_list:
        application = getattr(referral.case, "application", None)
        rows.append(
            {
                "referral": referral,
                "days_waiting": (today - referral.referred_on).days,
                "signed": application_is_complete(application, referral.person),
                "partly_signed": application is not None
                and (application.youth_signed_at or application.guardian_signed_at) is not None,
            }
        )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "team": team,
        "can_register": scope_of(request.user).can_register_people,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "cases/intake/_queue_rows.html", context)
    passed_on_to_us = list(passed_on_to(request.user)[:PASSED_ON_LIMIT])
    log_cases_shown(request.user, passed_on_to_us, what="list:referrals")
    context["passed_on_to_us"] = passed_on_to_us
    context["passed_on_by_us"] = list(passed_on_by(request.user)[:PASSED_ON_LIMIT])
    return render(request, "cases/intake/queue.html", context)


def _decide_passed_on(
    request: AuthenticatedHttpRequest, referral_id: int, decide, done
) -> HttpResponse:
    """Accept or decline a passed-on referral (`decide`), then say `done(referral)`."""
    referral = get_passed_on_referral_for(request.user, referral_id)
    try:
        decide(request.user, referral)
    except actions.AlreadyDecided:
        messages.info(request, _("The referral was already decided on. Nothing was changed."))
    else:
        messages.success(request, done(referral))
    return redirect("referrals:queue")


@login_required
@require_POST
def passed_on_accept(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    """A team that follows the person lets the referring team in (see the action)."""
    return _decide_passed_on(
        request,
        referral_id,
        actions.do_accept_passed_on_referral,
        lambda referral: (
            _("%(team)s now follows %(name)s; the referral is filed with the team's case.")
            % {"team": referral.team.name, "name": referral.person.full_name}
        ),
    )


@login_required
@require_POST
def passed_on_decline(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    """A team that follows the person keeps the record closed to the referring team."""
    return _decide_passed_on(
        request,
        referral_id,
        actions.do_decline_passed_on_referral,
        lambda referral: (
            _("The referral is declined: %(team)s does not get access to the record.")
            % {"team": referral.team.name}
        ),
    )


def _page_size() -> int:
    from django.conf import settings

    return settings.LOSEN_PAGE_SIZE


# --- registering a referral --------------------------------------------------------------


@sensitive_post_parameters("identity_number")
@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def referral_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a referral: for a person chosen with ?person=<id>, or for a new person."""
    _require_registering(request)
    start = ReferralStartForm(request.GET)
    if not start.is_valid():
        raise Http404("No such person.")
    person_id = start.cleaned_data["person"]
    teams = scope_of(request.user).casework_teams()
    if person_id is not None:
        person = get_person_for(request.user, person_id, Purpose.REGISTRATION)
        return _referral_for_person(request, person, teams)
    return _referral_for_new_person(request, teams)


def _referral_for_person(request: AuthenticatedHttpRequest, person: Person, teams) -> HttpResponse:
    teams = [team for team in teams if team.organisation_id == person.organisation_id]
    if not teams:
        raise Http404("No team of the person's organisation.")
    form = ReferralForm(request.POST or None, teams=teams, person=person)
    if request.method == "POST" and form.is_valid():
        registered = actions.do_register_referral(
            request.user,
            team=form.cleaned_data["team"],
            person=person,
            **form.referral_kwargs(),
        )
        return _registered(request, registered)
    return render(
        request,
        "cases/intake/referral_new.html",
        {"form": form, "person": person, "search_form": None},
    )


def _referral_for_new_person(request: AuthenticatedHttpRequest, teams) -> HttpResponse:
    form = NewPersonReferralForm(request.POST or None, teams=teams)
    possible_duplicates: list[Person] = []
    duplicate_count = 0
    if request.method == "POST" and form.is_valid():
        team = form.cleaned_data["team"]
        data = form.person_data()
        number = form.parsed_identity_number
        already = (
            people_actions.find_by_identity_number(team.organisation_id, number)
            if number is not None
            else None
        )
        if already is None:
            duplicate_count = people_actions.count_same_name_and_birth_date(
                team.organisation_id, data.first_name, data.last_name, data.birth_date
            )
        if duplicate_count and not form.cleaned_data["confirm_possible_duplicate"]:
            possible_duplicates = list(
                visible_to(request.user)
                .filter(
                    organisation_id=team.organisation_id,
                    first_name__iexact=data.first_name.strip(),
                    last_name__iexact=data.last_name.strip(),
                    birth_date=data.birth_date,
                )
                .only("id", "first_name", "last_name", "birth_date")
            )
            form.add_error(
                None,
                _(
                    "A person with the same name and birth date is already registered. If it "
                    "is the same person, choose them below; if this is someone else, tick the "
                    "box and register again."
                ),
            )
        else:
            try:
                registered = actions.do_register_referral(
                    request.user,
                    team=team,
                    person_data=data,
                    identity_number=number,
                    guardian=form.guardian_data(),
                    **form.referral_kwargs(),
                )
            except actions.NumberBelongsToAnother as error:
                form.add_error("identity_number", _number_belongs_to_another(error))
            else:
                return _registered(request, registered)
    return render(
        request,
        "cases/intake/referral_new.html",
        {
            "form": form,
            "person": None,
            "search_form": PersonSearchForm(),
            "possible_duplicates": possible_duplicates,
            "duplicate_count": duplicate_count,
        },
    )


def _number_belongs_to_another(error: actions.NumberBelongsToAnother) -> str:
    # The message names nobody: the number's owner is not the actor's to know.
    if error.differs == "birth_date":
        return _("This number belongs to a person with another birth date; check the number.")
    return _("This number belongs to a person with another name; check the number.")


def _registered(
    request: AuthenticatedHttpRequest, registered: actions.RegisteredReferral
) -> HttpResponse:
    referral = registered.referral
    if registered.passed_on:
        # Only what the actor typed: no link, no name or team from the record.
        messages.info(
            request,
            _(
                "The referral for %(name)s is passed on to the team that follows this young "
                "person. Your team gets access to the record only if that team accepts the "
                "follow-up."
            )
            % {"name": referral.typed_name},
        )
        return redirect("referrals:queue")
    name = referral.person.full_name
    if registered.person_joined:
        messages.info(
            request,
            _(
                "%(name)s was already registered in your organisation with this identity "
                "number: the referral is added to the existing record, which your team now "
                "follows."
            )
            % {"name": name},
        )
    if registered.case_opened:
        messages.success(request, _("The referral for %(name)s is registered.") % {"name": name})
    else:
        messages.success(
            request,
            _("%(name)s already has an open case in the team: the referral is added to it.")
            % {"name": name},
        )
    return redirect("cases:application", case_id=referral.case_id)


@sensitive_post_parameters("q")
@login_required
@require_POST
def person_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a registered person for a referral; a POST, so names never reach a URL."""
    _require_registering(request)
    form = PersonSearchForm(request.POST)
    people: list[Person] = []
    if form.is_valid():
        people = list(
            search(visible_to(request.user), form.cleaned_data["q"])
            .order_by("last_name", "first_name", "id")
            .only("id", "organisation_id", "first_name", "last_name", "birth_date")[:SEARCH_LIMIT]
        )
        log_people_shown(
            request.user, ((p.pk, p.organisation_id) for p in people), what="list:person_search"
        )
    context = {"search_form": form, "people": people, "searched": form.is_valid()}
    if request.htmx:
        return render(request, "cases/intake/_person_results.html", context)
    teams = scope_of(request.user).casework_teams()
    return render(
        request,
        "cases/intake/referral_new.html",
        {**context, "form": NewPersonReferralForm(teams=teams), "person": None},
    )


# --- the application ---------------------------------------------------------------------


def _application_context(case: Case) -> dict[str, object]:
    application = application_of(case)
    return {
        "case": case,
        "person": case.person,
        "application": application,
        "complete": application_is_complete(application, case.person),
        "guardian_needed": guardian_signature_needed(application, case.person),
        "signatures": signatures_of(application),
    }


@login_required
@require_GET
def application(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP, what="application")
    return render(request, "cases/intake/application.html", _application_context(case))


def _already_signed_message(error: actions.AlreadySigned) -> str:
    when = date_format(timezone.localtime(error.signed_at), "d.m.Y H:i") if error.signed_at else ""
    if error.signer == "guardian":
        text = _("The guardian has already signed the application (%(when)s). Nothing was changed.")
    else:
        text = _(
            "The young person has already signed the application (%(when)s). Nothing was changed."
        )
    return text % {"when": when}


def _text_language() -> str:
    """The language of the page, in which the text is shown and signed."""
    language = (translation.get_language() or "nb").split("-")[0]
    return language if language in ("nb", "sv", "en") else "nb"


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def application_sign(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Signing on screen, in the young person's (and guardian's) presence.

    The page shows the text being signed and each consent scope; the signers tick the
    scopes they consent to, and signatures and consents are recorded in one action.
    """
    case = get_case_for(request.user, case_id, Purpose.REGISTRATION, what="application")
    context = _application_context(case)
    text = application_text(case, _text_language())
    form = SignOnScreenForm(
        request.POST or None, person=case.person, application=context["application"]
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_sign_application(
                request.user,
                case,
                youth_name=form.cleaned_data["youth_name"],
                guardian_name=form.cleaned_data.get("guardian_name", ""),
                youth_scopes=form.scopes_of(Consent.GivenBy.YOUTH),
                guardian_scopes=form.scopes_of(Consent.GivenBy.GUARDIAN),
                language=text.language,
                text_sha256=form.cleaned_data["text_sha256"],
            )
        except actions.AlreadySigned as error:
            messages.error(request, _already_signed_message(error))
        except actions.TextChanged:
            form.add_error(
                None,
                _(
                    "The text to be signed has changed since the page was opened. Read the "
                    "text below with the signer again, and sign once more. Nothing was saved."
                ),
            )
        else:
            messages.success(request, _signed_message(case))
            return redirect("cases:application", case_id=case.pk)
        if not form.errors:
            return redirect("cases:application", case_id=case.pk)
    return render(
        request,
        "cases/intake/sign.html",
        {
            **context,
            "form": form,
            "text": text,
            "scope_rows": _scope_rows(form, text),
            "signer_labels": [Consent.GivenBy(signer).label for signer in form.signers],
        },
    )


def _scope_rows(form: SignOnScreenForm, text: ApplicationText) -> list[dict[str, object]]:
    """Per purpose: its scopes, each with a checkbox (bound field) per signer signing now."""
    return [
        {
            "purpose": purpose,
            "scopes": [
                {
                    "scope": scope,
                    "boxes": [
                        {
                            "field": form[form.scope_field(signer, scope.purpose, scope.recipient)],
                            "label": f"{Consent.GivenBy(signer).label}, {scope.recipient_label}",
                        }
                        for signer in form.signers
                    ],
                }
                for scope in purpose.scopes
            ],
        }
        for purpose in text.purposes
    ]


def _signed_message(case: Case) -> str:
    if application_is_complete(application_of(case), case.person):
        return _("The application is signed. The case goes to the team meeting for assessment.")
    return _("The signature is saved. The application still needs the other signature.")


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def application_upload(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The application signed on paper: upload the scan or photo."""
    case = get_case_for(request.user, case_id, Purpose.REGISTRATION, what="application")
    context = _application_context(case)
    form = PaperUploadForm(
        request.POST or None,
        request.FILES or None,
        person=case.person,
        application=context["application"],
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_upload_signed_application(
                request.user,
                case,
                paper=form.cleaned_data["paper"],
                signed_on=form.cleaned_data["signed_on"],
                youth_name=form.cleaned_data["youth_name"],
                guardian_name=form.cleaned_data.get("guardian_name", ""),
            )
        except actions.AlreadySigned as error:
            messages.error(request, _already_signed_message(error))
        except actions.PaperAlreadyUploaded:
            messages.error(
                request,
                _("A signed paper is already uploaded for this application. Nothing was changed."),
            )
        else:
            messages.success(request, _signed_message(case))
        return redirect("cases:application", case_id=case.pk)
    return render(request, "cases/intake/upload.html", {**context, "form": form})


@login_required
@require_GET
def application_paper(request: AuthenticatedHttpRequest, case_id: int) -> FileResponse:
    """The uploaded signed paper, only through this permission-checked door."""
    case = get_case_for(request.user, case_id, Purpose.EXPORT, what="signed_application")
    found = application_of(case)
    if found is None or not found.paper:
        raise Http404("No signed paper.")
    extension = PurePath(found.paper.name).suffix.lower()
    content_type = mimetypes.types_map.get(extension, "application/octet-stream")
    response = FileResponse(
        found.paper.open("rb"),
        as_attachment=True,
        filename=f"application-{case.pk}{extension}",
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def form_language(case: Case, requested: str = "") -> str:
    """The printable form's language: asked for, or by the organisation's country."""
    if requested in ("nb", "sv"):
        return requested
    return "sv" if case.organisation.country == Country.SWEDEN else "nb"


def render_application_form(case: Case, language: str) -> str:
    """The printable application and consent form as HTML (no identity number in it).

    Its text is `application_text`, the one the signing page shows. Once signed on
    screen it is the record of the signing: who signed, when, before whom, the text's
    version and hash, and the consents given at signing.
    """
    ticked = {(c.purpose, c.recipient) for c in active_consents(case)}
    named = sorted(
        {
            c.recipient_organisation.name
            for c in active_consents(case)
            if c.recipient_organisation is not None
        }
    )
    person = case.person
    application = application_of(case)
    signatures = signatures_of(application)
    on_screen = (
        application is not None
        and application.method == Application.Method.ON_SCREEN
        and (application.youth_signed_at or application.guardian_signed_at) is not None
    )
    given_at_signing = list(
        Consent.objects.filter(signature__application=application)
        .select_related("signature")
        .order_by("id")
        if application is not None
        else []
    )
    text = application_text(case, language)
    explanations = {p.purpose: p.explanation for p in text.purposes}
    with translation.override(language):
        rows = [
            {
                "purpose": purpose.label,
                "explanation": explanations[purpose],
                "boxes": [
                    {"recipient": recipient.label, "ticked": (purpose, recipient) in ticked}
                    for recipient in ConsentRecipient
                ],
            }
            for purpose in SIGNING_PURPOSES
        ]
        return render_to_string(
            "cases/intake/application_form.pdf.html",
            {
                "case": case,
                "person": person,
                "team": case.team,
                "organisation": case.organisation,
                "text": text,
                "recipients": [recipient.label for recipient in ConsentRecipient],
                "rows": rows,
                "named_organisations": named,
                "guardian_needed": guardian_signature_needed(application, person),
                "application": application,
                "signed_on_screen": on_screen,
                "complete": application_is_complete(application, person),
                "signatures": signatures,
                "given_at_signing": given_at_signing,
                "generated_at": timezone.now(),
                "LANGUAGE_CODE": language,
            },
        )


@login_required
@require_GET
def application_pdf(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The application and consent form to print and sign, in Norwegian or Swedish."""
    from weasyprint import HTML

    case = get_case_for(request.user, case_id, Purpose.EXPORT, what="application_form")
    choice = FormLanguageForm(request.GET)
    requested = choice.cleaned_data["lang"] if choice.is_valid() else ""
    if not requested:  # signed on screen: the language the text was signed in
        signed_in = {s.text_language for s in signatures_of(application_of(case))}
        requested = signed_in.pop() if len(signed_in) == 1 else ""
    html = render_application_form(case, form_language(case, requested))
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="application-{case.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- consent -----------------------------------------------------------------------------


@login_required
@require_GET
def consents(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.FOLLOW_UP, what="consents")
    every = list(case.consents.select_related("recipient_organisation", "withdrawn_by"))
    return render(
        request,
        "cases/intake/consents.html",
        {
            "case": case,
            "person": case.person,
            "active": [c for c in every if c.is_active],
            "withdrawn": [c for c in every if not c.is_active],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def consent_new(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id, Purpose.REGISTRATION, what="consents")
    form = ConsentForm(
        request.POST or None, person=case.person, organisation_id=case.organisation_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_give_consent(request.user, case, **form.cleaned_data)
        except actions.ConsentAlreadyGiven:
            form.add_error(
                None,
                _("This consent is already registered and active. Nothing was changed."),
            )
        except actions.GuardianConsentRequired:
            form.add_error("given_by", _("Under 18, the guardian must give the consent."))
        else:
            messages.success(request, _("The consent is registered."))
            return redirect("cases:consents", case_id=case.pk)
    return render(
        request,
        "cases/intake/consent_form.html",
        {"case": case, "person": case.person, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(
    request: AuthenticatedHttpRequest, case_id: int, consent_id: int
) -> HttpResponse:
    case, consent = get_consent_for(request.user, case_id, consent_id, Purpose.REGISTRATION)
    form = WithdrawConsentForm(request.POST or None)
    if not consent.is_active:
        messages.info(request, _("The consent was already withdrawn. Nothing was changed."))
        return redirect("cases:consents", case_id=case.pk)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_withdraw_consent(request.user, consent, note=form.cleaned_data["note"])
        except actions.AlreadyWithdrawn:
            messages.info(request, _("The consent was already withdrawn. Nothing was changed."))
        else:
            messages.success(
                request, _("The consent is withdrawn. It no longer covers any sharing.")
            )
        return redirect("cases:consents", case_id=case.pk)
    return render(
        request,
        "cases/intake/consent_withdraw.html",
        {"case": case, "person": case.person, "consent": consent, "form": form},
    )
