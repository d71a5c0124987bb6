from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "losen.accounts"
    verbose_name = _("Organisations and users")


class LoginAttemptsConfig(AxesConfig):
    """django-axes (the lock-out after failed log-ins), named in the user's language.

    Axes has no Norwegian or Swedish translation of its own: its strings are in Losen's
    catalogues (see losen/web/tests/test_admin_words.py).
    """

    default = False
    verbose_name = _("Log-in attempts")
