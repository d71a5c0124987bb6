from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Bringing a programme's history in from spreadsheets: a face over the apps' data."""

    name = "losen.imports"
    verbose_name = _("Imports")
