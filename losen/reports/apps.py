from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Results read from case events and outcomes; writes only its own tables."""

    name = "losen.reports"
    verbose_name = _("Results")
