from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    """Reports to funders: NAV grant reports (status and final) for a measure and a year."""

    name = "losen.grants"
    verbose_name = _("Grant reports")
