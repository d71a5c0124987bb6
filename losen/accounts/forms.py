from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from losen.accounts.language import language_of


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with e-mail address and password."""

    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is wrong. After several failed attempts "
            "the account is locked for a while."
        ),
        "inactive": _("This account is deactivated."),
    }

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class UserLanguagePasswordResetForm(PasswordResetForm):
    """Django's, with each e-mail written in its recipient's language.

    The one asking need not be the user (nor speak their language): the e-mail goes in
    the user's setting or their organisation's default, else in the page's language.
    """

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        language = language_of(context["user"]) or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


def language_choices(blank_label: str) -> list[tuple[str, str]]:
    """The interface languages, each named in its own language, after the blank choice."""
    return [("", blank_label)] + [
        (code, capfirst(get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]


class AccountSettingsForm(forms.Form):
    """The settings users change themselves: the language Losen speaks to them."""

    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, organisation_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if organisation_language:
            name = capfirst(get_language_info(organisation_language)["name_local"])
            blank = _("The organisation's default (%(language)s)") % {"language": name}
        else:
            blank = str(_("The browser's language"))
        field = cast(forms.ChoiceField, self.fields["language"])
        field.choices = language_choices(blank)
        field.help_text = _("The language of Losen's pages, and of e-mails and files made for you.")


class LanguageSwitchForm(forms.Form):
    """The language switch in the page header (Django's `set_language` reads the rest)."""

    language = forms.ChoiceField(choices=settings.LANGUAGES)
