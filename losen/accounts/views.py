"""The pages where users change their own settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from losen.accounts.actions import do_set_user_language
from losen.accounts.forms import AccountSettingsForm, LanguageSwitchForm
from losen.accounts.http import AuthenticatedHttpRequest
from losen.accounts.language import language_of, organisation_language_of


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own settings: the interface language (blank: the organisation's)."""
    user = request.user
    organisation_language = organisation_language_of(user)
    form = AccountSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"language": user.language},
        organisation_language=organisation_language,
    )
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            do_set_user_language(user, user, form.cleaned_data["language"])
        # Said in the language the next page speaks.
        with translation.override(language_of(user) or translation.get_language()):
            messages.success(request, gettext("Your settings are saved."))
        return redirect("account_settings")
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "organisation_language": organisation_language},
    )


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; for a logged-in user it also saves the choice.

    Otherwise the user's setting (or their organisation's default) would win over the
    switch on the next page, and the switch would seem to do nothing.
    """
    form = LanguageSwitchForm(request.POST if request.method == "POST" else None)
    if request.user.is_authenticated and form.is_valid():
        do_set_user_language(request.user, request.user, form.cleaned_data["language"])
    return django_set_language(request)
